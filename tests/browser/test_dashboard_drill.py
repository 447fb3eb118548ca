"""The chairman's dashboard in a real browser: a figure's link loads the list behind it into the
"Danh sách chi tiết" panel (the links carry only their URL; where the list goes is said once, on
the grid, and htmx inherits it), and without JavaScript the same link opens the list as a page."""
from playwright.sync_api import expect

from tests.browser.conftest import login


def test_a_figure_loads_its_list_into_the_panel_below(page, live_server):
    login(page, live_server, "chutich")
    page.goto(f"{live_server}/bang-dieu-khien/")
    panel = page.locator("#dash-drill")
    expect(panel).to_contain_text("Bấm vào một thanh")
    link = page.locator("#panel-area a[hx-get]").first
    href = link.get_attribute("href")
    link.click()
    expect(panel.locator("table, .empty")).not_to_have_count(0)
    expect(panel).not_to_contain_text("Bấm vào một thanh")
    assert page.url.endswith("/bang-dieu-khien/")  # the page stayed; the list came into the panel
    # the grid says where lists go, once; a link says nothing but its URL
    assert page.locator(".dash-grid[hx-target='#dash-drill']").count() == 1
    assert page.locator(".dash-grid a[hx-target]").count() == 0
    page.goto(f"{live_server}{href}")  # no htmx: the same URL is a page of its own
    expect(page.locator("main")).not_to_contain_text("Bấm vào một thanh")
