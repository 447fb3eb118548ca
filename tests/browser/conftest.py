"""Browser tests: the real app served on a local port, driven by Playwright in Debian's Chromium.

Chromium comes from apt (`.ci/run` installs it); Playwright never downloads its own browser here.
Without /usr/bin/chromium these tests skip, unless REQUIRE_BROWSER=1 (as in CI), where they fail.
"""
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Upper bounds, not waits: an action or an expect() returns as soon as the page is ready. On a
# loaded 2-core machine (CI runs two workers beside the live servers) a page can take seconds, so
# expect() gets the same 20 s as actions instead of Playwright's 5 s default.
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(PREVIEW_WATCH)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# Chromium's PDF viewer takes the focus once an evidence preview has loaded (the browser scrolls up
# to it) and portal.js gives it back. A click in between lands where the page was scrolled to:
# pages with a preview wait for both (wait_for_preview) before acting.
PREVIEW_WATCH = """window.__previewTaken = new Promise(function (resolve) {
  addEventListener("blur", function taken() {
    var elt = document.activeElement;
    if (elt && elt.matches && elt.matches("iframe.preview-frame")) { removeEventListener("blur", taken); resolve(); }
  });
});"""


def wait_for_preview(page):
    """Until the preview's viewer has taken the focus and the page has it back."""
    page.evaluate("window.__previewTaken")
    page.wait_for_function("() => !(document.activeElement && document.activeElement.matches('iframe.preview-frame'))")


def login(page, base_url, username, password="ThanhSen@2026"):
    page.goto(f"{base_url}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap" not in url)
