from playwright.sync_api import expect

from tests.browser.conftest import login


def test_login_and_live_search_ignoring_accents(page, live_server):
    login(page, live_server, "vp.thu")
    expect(page.get_by_role("heading", name="Xin chào, Phạm Thị Thu")).to_be_visible()
    page.get_by_role("link", name="Bộ nội dung kiểm tra").first.click()
    expect(page.locator("#results .count")).to_have_text("69 nội dung.")
    page.get_by_label("Tìm nội dung (không cần gõ dấu)").fill("ho so truc tuyen")
    expect(page.locator("#results .count")).to_have_text("1 nội dung phù hợp.")
    expect(page.locator("#results")).to_contain_text("tỷ lệ hồ sơ trực tuyến")
    assert "q=ho%20so%20truc%20tuyen" in page.url  # the search is in the address, so it can be shared


def test_staff_does_not_see_admin_menu_and_admin_does(page, live_server):
    login(page, live_server, "vp.thu")
    expect(page.get_by_role("link", name="Người dùng")).to_have_count(0)
    page.get_by_role("button", name="Đăng xuất").click()
    login(page, live_server, "admin")
    expect(page.get_by_role("link", name="Người dùng")).to_be_visible()


def test_htmx_request_after_logout_is_sent_to_login(page, live_server, app):
    login(page, live_server, "vp.thu")
    page.goto(f"{live_server}/bo-noi-dung/")
    # The session ends elsewhere (another tab logs out): the next live search lands on login.
    page.context.clear_cookies()
    page.get_by_label("Tìm nội dung (không cần gõ dấu)").fill("ho so")
    page.wait_for_url(lambda url: "/dang-nhap" in url)
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
