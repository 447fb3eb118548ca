"""Choosing several people: a searchable checkbox list, accent-insensitive, used from the
keyboard alone (no Ctrl-click)."""
from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.conftest import login


def test_members_are_found_without_accents_and_ticked_from_the_keyboard(page, live_server, app):
    db.session.commit()
    login(page, live_server, "vhxh.nhung")
    page.goto(f"{live_server}/kiem-tra-dot-xuat/moi")
    search = page.get_by_role("searchbox", name="Thành viên đoàn")
    members = page.get_by_role("group", name="Thành viên đoàn")
    search.press_sequentially("nguyen lan")
    expect(members.get_by_role("checkbox", name="Nguyễn Thị Lan — KTHTĐT")).to_be_visible()
    expect(members.get_by_role("checkbox", name="Nguyễn Văn Quản — VP")).to_be_hidden()
    search.press("Enter")  # the only match is ticked; the form is not submitted
    expect(members.get_by_role("checkbox", name="Nguyễn Thị Lan — KTHTĐT")).to_be_checked()
    expect(page).to_have_url(f"{live_server}/kiem-tra-dot-xuat/moi")

    search.fill("")
    search.press_sequentially("duc")
    search.press("ArrowDown")
    expect(members.get_by_role("checkbox", name="Hoàng Minh Đức — KTHTĐT")).to_be_focused()
    page.keyboard.press("Space")
    expect(members.get_by_role("checkbox", name="Hoàng Minh Đức — KTHTĐT")).to_be_checked()
    expect(page.locator(".checklist-count").first).to_have_text("đã chọn 2")
    search.fill("khong ai co ten nay")
    expect(page.get_by_text("Không có mục nào khớp.")).to_be_visible()
