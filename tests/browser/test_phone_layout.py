"""On a 390×844 phone: the menu folds behind a button, the user's name stays in the top bar,
tables become stacked cards, and the author reads and submits a report with no sideways scroll."""
import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.rounds import services as S
from tests.browser.conftest import login
from tests.rounds_factory import make_round

NO_SIDE_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _no_side_scroll(page):
    assert page.evaluate(NO_SIDE_SCROLL), f"{page.url} scrolls sideways"


def test_author_reads_and_submits_a_report_on_a_phone(phone, live_server, app):
    page = phone
    rnd = make_round(name="Đợt kiểm tra trên điện thoại", count=3, authors=("vp.thu",))
    report = S.round_reports(rnd.id, person_id=None)[0]
    report_id, round_id, code = report.id, rnd.id, report.criterion.code
    db.session.commit()

    login(page, live_server, "vp.thu")
    expect(page.locator(".topbar")).to_contain_text("Phạm Thị Thu")  # the name stays visible
    # the top bar is two rows: name + menu, then notifications and logout on one line
    bell = page.locator("#notif-bell").bounding_box()
    logout = page.get_by_role("button", name="Đăng xuất").bounding_box()
    assert abs(bell["y"] - logout["y"]) < bell["height"], "“Đăng xuất” wrapped onto a row of its own"
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Đợt kiểm tra")).to_be_visible()
    expect(nav.get_by_role("link", name="Đổi mật khẩu")).to_be_visible()  # moved from the top bar
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    _no_side_scroll(page)

    page.goto(f"{live_server}/dot-kiem-tra/{round_id}/cua-toi")
    table = page.locator("#my-reports")
    expect(table).to_have_class("table stack")
    row = page.locator("#my-reports tbody tr").first
    # a card: every value is labelled with its column's heading, and the card fits the screen
    expect(row.locator("td").nth(2)).to_have_attribute("data-label", "Tình trạng")
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    _no_side_scroll(page)

    page.get_by_role("link", name=report.criterion.text[:40]).first.click()
    page.wait_for_url(f"**/bao-cao/{report_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    _no_side_scroll(page)
    page.get_by_label("Tình trạng thực hiện").select_option(label="Đã hoàn thành")
    page.get_by_label("Kết quả đã thực hiện").fill("Đã hoàn thành, báo cáo gửi từ điện thoại.")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#report-state")).to_have_text("Đã gửi")
    _no_side_scroll(page)
