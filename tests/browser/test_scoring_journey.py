"""The office edits a criterion's points in the catalogue, and copies assignments to another
province's catalogue through the preview, ticking the one pair it confirms."""
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from portal.catalogue import fileformat, services
from portal.catalogue.models import Criterion
from portal.extensions import db
from tests.browser.conftest import login

LAO_CAI = Path(__file__).resolve().parents[1] / "fixtures" / "lao_cai_2026.yaml"


def test_office_edits_points_in_the_catalogue(page, live_server, app):
    from portal.rounds.models import Round

    for rnd in db.session.scalars(select(Round)):
        rnd.state = "draft"  # a catalogue used by a closed round is read-only
    db.session.commit()
    login(page, live_server, "vhxh.ha")
    page.goto(f"{live_server}/bo-noi-dung/")
    page.get_by_role("link", name="Sửa nội dung 1.1.1").click()
    expect(page.get_by_role("heading", name="Sửa nội dung 1.1.1")).to_be_visible()
    page.get_by_label("Điểm tối đa").fill("2,5")
    page.get_by_label("Cách chấm").select_option("rating")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu nội dung 1.1.1.")).to_be_visible()
    crit = db.session.scalar(select(Criterion).where(Criterion.catalogue_id == services.catalogue_for_year(2026).id,
                                                     Criterion.code == "1.1.1"))
    expect(page.locator(f"#c-{crit.id}")).to_contain_text("Tối đa 2,5 điểm")


def test_copy_preview_then_confirmed_copy(page, live_server, app):
    spec = fileformat.parse(LAO_CAI.read_text(encoding="utf-8").replace("year: 2026", "year: 2027").encode())[0]
    services.import_catalogue(spec)
    db.session.commit()
    login(page, live_server, "vhxh.ha")
    page.goto(f"{live_server}/phan-cong/sao-chep")
    page.get_by_label("Sao chép từ năm").select_option(label="Kế hoạch kiểm tra CCHC năm 2026")
    page.get_by_label("Sang bộ nội dung năm").select_option(label="Kế hoạch kiểm tra CCHC năm 2027")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("#copy-result")).to_contain_text("Chưa có gì được ghi")
    expect(page.locator("#copy-result")).to_contain_text("Cùng mã nhưng khác nội dung")
    page.get_by_label("Chép phân công của 1.2.1 sang 1.2.1").check()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sao chép", exact=True).click()
    expect(page.locator("#copy-result")).to_contain_text("Đã sao chép 1 phân công")
