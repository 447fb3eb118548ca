"""Issue 10 in a real browser: the finding form on a report asks for its first remedy (the owner
list loads after the page, a unit may be chosen, a mistake comes back in place with what was
typed), and an ISO nonconformity gets its remedy in place. Screenshots go to test-artifacts/."""
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Unit
from portal.extensions import db
from portal.findings.models import Finding
from portal.rounds import services as S
from portal.timeutil import today
from tests.browser.conftest import ARTIFACTS, login
from tests.rounds_factory import make_round


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"first-remedy-{name}.png"), full_page=True)


def test_round_finding_with_a_unit_as_first_remedy_owner(page, live_server, app):
    rnd = make_round(state="review", deadline=date(2026, 1, 5), start=date(2026, 1, 10), count=1,
                     authors=("vp.thu",))
    report = S.round_reports(rnd.id)[0]
    report_id, author_id = report.id, report.author_id
    unit = db.session.scalar(select(Unit).where(Unit.short_name == "KTHTĐT"))
    unit_id, unit_name = unit.id, unit.name
    db.session.commit()
    login(page, live_server, "vp.viet")
    page.goto(f"{live_server}/dot-kiem-tra/bao-cao/{report_id}")
    owner = page.locator("#finding-form").get_by_label("Người hoặc đơn vị thực hiện")
    expect(owner).to_have_value(f"p{author_id}")
    # the full list arrives after the page, the author still chosen
    expect(owner.locator(f'option[value="u{unit_id}"]')).to_have_count(1)
    expect(owner.locator("option")).not_to_have_count(2)
    _shot(page, "round-report")
    form = page.locator("#finding-form")
    form.get_by_label("Tồn tại, hạn chế").fill("Chưa công khai kết quả giải quyết hồ sơ.")
    form.get_by_label("Việc cần làm (biện pháp khắc phục đầu tiên)").fill("Công khai kết quả trên Cổng.")
    owner.select_option(value=f"u{unit_id}")
    form.get_by_role("textbox", name="Thời hạn").fill((today() - timedelta(days=3)).strftime("%d/%m/%Y"))
    form.get_by_role("button", name="Ghi nhận tồn tại").click()
    # refused in place: the message, and everything typed is still there
    expect(page.locator("#findings")).to_contain_text("Thời hạn đã qua")
    expect(page.locator("#finding-form").get_by_label("Tồn tại, hạn chế")).to_have_value(
        "Chưa công khai kết quả giải quyết hồ sơ.")
    expect(page.locator("#finding-form").get_by_label("Người hoặc đơn vị thực hiện")).to_have_value(f"u{unit_id}")
    _shot(page, "round-report-error")
    form = page.locator("#finding-form")
    form.get_by_role("textbox", name="Thời hạn").fill((today() + timedelta(days=10)).strftime("%d/%m/%Y"))
    form.get_by_role("button", name="Ghi nhận tồn tại").click()
    expect(page.locator("#findings")).to_contain_text(f"Công khai kết quả trên Cổng. — {unit_name}")
    db.session.expire_all()
    finding = db.session.scalar(select(Finding).where(Finding.source == "round", Finding.source_id == report_id))
    assert [r.owner_unit_id for r in finding.remedies] == [unit_id]


def test_iso_nonconformity_gets_its_first_remedy_in_place(page, live_server, app):
    finding = db.session.scalar(select(Finding).where(Finding.source == "iso", ~Finding.remedies.any())
                                .order_by(Finding.id))
    check_id, finding_id = finding.source_id, finding.id
    db.session.commit()
    login(page, live_server, "vp.viet")
    page.goto(f"{live_server}/iso/boc-mau/{check_id}")
    item = page.locator(f"#ton-tai-{finding_id}")
    opener = item.get_by_role("link", name="Giao biện pháp khắc phục…")
    # "Hủy" closes the opened form and gives the focus back to the button that opened it
    opener.click()
    what = page.locator(f"#ton-tai-{finding_id}").get_by_label("Việc cần làm (biện pháp khắc phục đầu tiên)")
    expect(what).to_be_focused()
    page.locator(f"#ton-tai-{finding_id}").get_by_role("link", name="Hủy").click()
    expect(page.locator(f"#ton-tai-{finding_id}").get_by_label("Việc cần làm (biện pháp khắc phục đầu tiên)")).to_have_count(0)
    expect(opener).to_be_focused()
    # opened from the keyboard: the form arrives in place, the focus in its first field
    opener.press("Enter")
    expect(what).to_be_focused()
    item = page.locator(f"#ton-tai-{finding_id}")
    expect(item.get_by_label("Người hoặc đơn vị thực hiện").locator("option")).not_to_have_count(2)
    item.scroll_into_view_if_needed()
    _shot(page, "iso-check")
    item.get_by_role("button", name="Giao biện pháp khắc phục").click()
    expect(page.locator(f"#ton-tai-{finding_id}")).to_contain_text("Đã giao biện pháp khắc phục.")
    db.session.expire_all()
    assert len(db.session.get(Finding, finding_id).remedies) == 1


def test_other_remedy_forms_render(page, live_server, app):
    """Screenshots of the other forms this issue changed (looked at by a person, not asserted)."""
    from portal.adhoc.models import AdhocEntry

    entry_id = db.session.scalar(select(AdhocEntry.id).order_by(AdhocEntry.id))
    finding_id = db.session.scalar(select(Finding.id).where(Finding.source == "higher").order_by(Finding.id))
    remedy_id = db.session.get(Finding, finding_id).remedies[0].id
    from portal.findings import services as F

    F.add_remedy(db.session.get(Finding, finding_id), action="Tập huấn lại quy trình theo dõi thời hạn",
                 owner_unit_id=db.session.scalar(select(Unit.id).where(Unit.short_name == "TTPVHCC")),
                 deadline=today() + timedelta(days=15))
    db.session.commit()
    login(page, live_server, "vhxh.ha")
    for name, url in (("adhoc-new", f"/ton-tai/moi?dot_xuat={entry_id}"), ("higher-new", "/ton-tai/moi"),
                      ("finding-detail", f"/ton-tai/{finding_id}"), ("remedy-edit", f"/ton-tai/bien-phap/{remedy_id}/sua"),
                      ("settings", "/cai-dat/")):
        page.goto(f"{live_server}{url}")
        expect(page.locator("main h1")).to_be_visible()
        if name == "finding-detail":
            page.get_by_text("+ Thêm biện pháp khắc phục").click()
            expect(page.locator("#remedies")).to_contain_text("Đơn vị thực hiện: Trung tâm Phục vụ hành chính công")
        _shot(page, name)
    page.goto(f"{live_server}/ton-tai/moi")
    expect(page.get_by_label("Người hoặc đơn vị thực hiện").locator("optgroup")).to_have_count(2)
