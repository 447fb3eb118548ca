"""A report draft is kept as the author types: the autosave reaches the server, survives a
reload, and never makes the author's own "Lưu nháp" conflict with it."""
import re
from datetime import date

from playwright.sync_api import expect

from portal.rounds import services as S
from tests.browser.conftest import login
from tests.rounds_factory import make_round


def test_typed_text_is_autosaved_and_found_after_a_reload(page, live_server, app):
    from portal.extensions import db

    rnd = make_round(name="Đợt tự lưu", count=1, authors=("vp.thu",),
                     deadline=date(2099, 1, 1), start=date(2099, 1, 5), end=date(2099, 1, 9))
    report_id = S.round_reports(rnd.id)[0].id
    db.session.commit()
    login(page, live_server, "vp.thu")
    page.goto(f"{live_server}/dot-kiem-tra/bao-cao/{report_id}")
    status = page.locator("#autosave-status")
    typed = "Đã tổ chức 3 hội nghị tuyên truyền; chưa bấm Lưu nháp."
    page.get_by_label("Kết quả đã thực hiện").press_sequentially(typed)
    expect(status).to_have_text(re.compile(r"Đã tự lưu lúc \d{2}:\d{2}"))
    page.reload()
    expect(page.get_by_label("Kết quả đã thực hiện")).to_have_value(typed)
    expect(status).not_to_contain_text("Đã tự lưu")

    # typed, autosaved, then saved by hand: the form sends the version the autosave returned
    page.get_by_label("Khó khăn, vướng mắc").fill("Thiếu kinh phí.")
    expect(status).to_have_text(re.compile(r"Đã tự lưu lúc"))
    page.get_by_label("Kiến nghị, đề xuất").fill("Bổ sung kinh phí.")
    with page.expect_navigation():  # at once: the pending autosave is dropped, not raced
        page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp báo cáo.")).to_be_visible()
    expect(page.get_by_label("Khó khăn, vướng mắc")).to_have_value("Thiếu kinh phí.")
    expect(page.get_by_label("Kiến nghị, đề xuất")).to_have_value("Bổ sung kinh phí.")


def test_a_concurrent_edit_stops_autosave_with_the_conflict_message(page, live_server, app):
    from portal.extensions import db
    from portal.rounds.models import Report

    rnd = make_round(name="Đợt hai thẻ", count=1, authors=("vp.thu",),
                     deadline=date(2099, 1, 1), start=date(2099, 1, 5), end=date(2099, 1, 9))
    report_id = S.round_reports(rnd.id)[0].id
    db.session.commit()
    login(page, live_server, "vp.thu")
    page.goto(f"{live_server}/dot-kiem-tra/bao-cao/{report_id}")
    # meanwhile the same report is saved elsewhere (another tab)
    other = db.session.get(Report, report_id)
    other.done_text = "Bản lưu ở thẻ khác."
    db.session.commit()
    page.get_by_label("Kết quả đã thực hiện").fill("Bản đang gõ ở thẻ này.")
    expect(page.locator("#autosave-status")).to_contain_text("vừa được người khác cập nhật")
    db.session.expire_all()
    assert db.session.get(Report, report_id).done_text == "Bản lưu ở thẻ khác."
