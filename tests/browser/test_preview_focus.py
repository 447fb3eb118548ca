"""An evidence preview loading beside a report never takes the person's place: Chromium's PDF
viewer focuses itself once its file has loaded and the browser scrolls up to it; the page gives
the focus and the scroll position back (portal.js), unless the person moved into the preview."""
import io

from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.rounds import services as S
from tests.browser.conftest import login
from tests.rounds_factory import PDF, make_round, person

PLACE = "details.history > summary"  # the last thing on the report page one can focus


def _report_with_pdf():
    rnd = make_round(name="Đợt xem minh chứng trên trình duyệt", count=1, authors=("vp.thu",))
    report = S.round_reports(rnd.id, person_id=None)[0]
    S.add_files(report, [FileStorage(stream=io.BytesIO(PDF), filename="Kế hoạch.pdf")], person("vp.thu"))
    db.session.commit()  # the live server's requests must not wait for this thread's transaction
    return report.id


def test_a_loading_preview_leaves_focus_and_scroll_where_they_were(page, live_server, app):
    report_id = _report_with_pdf()
    login(page, live_server, "vp.thu")
    # Hold the preview's file until the person is in place, far below it: then let it load.
    held = []
    page.route("**/tep/*?xem=1", lambda route: held.append(route))
    with page.expect_request("**/tep/*?xem=1"):
        page.goto(f"{live_server}/dot-kiem-tra/bao-cao/{report_id}", wait_until="domcontentloaded")
    page.locator(PLACE).focus()  # scrolls the page down to it
    y = page.evaluate("window.scrollY")
    assert y > 300 and len(held) == 1
    held[0].continue_()
    page.evaluate("window.__previewTaken")  # the viewer has taken the focus (tests/browser/conftest.py)
    page.wait_for_function(
        "([sel, y]) => document.activeElement === document.querySelector(sel) && Math.abs(window.scrollY - y) < 2",
        arg=[PLACE, y])
