"""A record's change-history panel loads its table when opened, in a real browser (htmx on
<details> toggle), and tells a screen reader how many changes arrived."""
from playwright.sync_api import expect

from portal.extensions import db
from tests.browser.conftest import login
from tests.findings_support import demo_ids


def test_opening_the_panel_loads_the_history(page, live_server, app):
    finding = demo_ids()["f"]
    db.session.commit()
    login(page, live_server, "vhxh.nhung")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/lich-su") else None)
    page.goto(f"{live_server}/ton-tai/{finding}")
    panel = page.locator("details.history").last  # the finding's own, after its remedies'
    expect(panel.locator("table")).to_have_count(0)  # nothing loaded before it is opened
    panel.locator("summary").click()
    expect(panel.locator("table.changes-table")).to_be_visible()
    expect(panel.locator(".history-count")).to_contain_text("thay đổi được ghi nhận")
    expect(panel.locator("[data-history-status]")).to_contain_text("thay đổi được ghi nhận")
    # closing and opening again does not ask twice
    panel.locator("summary").click()
    panel.locator("summary").click()
    page.wait_for_load_state("networkidle")
    assert len(asked) == 1, asked
    expect(panel.locator("table.changes-table")).to_be_visible()
