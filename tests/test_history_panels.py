"""The record pages' change-history panels (issue 14): the page carries a closed panel and runs
no change-log query; opening it loads the table from a route of the record's own area (htmx),
which checks the record page's permission; without JavaScript the panel's link opens the same
history as a page of its own."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.iso.models import SampleCheck
from portal.rounds import services as RS

from tests.findings_support import demo_ids
from tests.rounds_factory import make_round, person
from tests.support import HTMX, QueryCounter, login_as


def _report():
    rep = RS.my_reports(person("vp.thu"), make_round().id)[0]
    return f"/dot-kiem-tra/bao-cao/{rep.id}"


def _round():
    return f"/dot-kiem-tra/{make_round().id}"


def _finding():
    return f"/ton-tai/{demo_ids()['f']}"


def _remedy():
    # the remedy's panel sits on its finding's page
    ids = demo_ids()
    return f"/ton-tai/{ids['f']}", f"/ton-tai/bien-phap/{ids['r_tam']}/lich-su"


def _adhoc():
    return f"/kiem-tra-dot-xuat/{demo_ids()['e']}"


def _check():
    return f"/iso/boc-mau/{db.session.scalar(select(SampleCheck.id).order_by(SampleCheck.id))}"


# (the record: its page, or its page and its history URL; a user who may open it; one who may not)
PANELS = {
    "report": (_report, "vp.thu", "tt.tam"),  # the author / a staff member of another unit
    "round": (_round, "vhxh.ha", "tt.tam"),  # the secretariat / staff (their page is their own reports)
    "finding": (_finding, "tt.mai", "yt.huong"),  # tt.mai owns one of its remedies
    "remedy": (_remedy, "tt.tam", "yt.huong"),
    "adhoc": (_adhoc, "tt.tam", "tt.mai"),  # tt.tam is the person inspected
    "sample_check": (_check, "vp.viet", "tt.tam"),  # an inspector / staff
}


@pytest.fixture(params=list(PANELS))
def panel(request, app):
    build, allowed, refused = PANELS[request.param]
    urls = build()
    page, history = urls if isinstance(urls, tuple) else (urls, urls + "/lich-su")
    db.session.commit()
    return page, history, allowed, refused


def test_page_carries_a_closed_panel_and_reads_no_change_log(app, panel):
    page, history, allowed, _refused = panel
    client = login_as(app, allowed)
    db.session.remove()
    with QueryCounter(db.engine) as counter:
        response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert (f'<details class="history" hx-get="{history}" hx-trigger="toggle once" '
            f'hx-target="find .history-body" hx-swap="innerHTML">') in html
    assert f'<a href="{history}">Xem lịch sử thay đổi</a>' in html  # without JavaScript
    assert 'role="status" aria-live="polite" data-history-status' in html  # what arrived, said aloud
    assert not [s for s in counter.statements if "change_log" in s], "the page itself read the change log"


def test_htmx_gets_the_table_alone(app, panel):
    _page, history, allowed, _refused = panel
    response = login_as(app, allowed).get(history, headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html and "<h1" not in html and 'class="sidenav"' not in html
    assert 'class="history-count"' in html or 'class="muted history-count"' in html
    assert "HX-Request" in response.headers.get("Vary", "")
    assert response.headers["Cache-Control"] == "no-store"


def test_without_javascript_the_link_opens_a_page(app, panel):
    page, history, allowed, _refused = panel
    response = login_as(app, allowed).get(history)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<h1>Lịch sử thay đổi</h1>" in html and f'<p><a href="{page}">← ' in html
    assert "history-count" in html


def test_the_history_shows_what_changed_in_peoples_words(app, panel):
    _page, history, allowed, _refused = panel
    html = login_as(app, allowed).get(history, headers=HTMX).text
    # every demo record was created through the services, so its history has at least that entry
    assert "changes-table" in html and "Tạo mới" in html and "thay đổi được ghi nhận" in html


def test_only_who_may_open_the_record_sees_its_history(app, panel):
    _page, history, _allowed, refused = panel
    client = login_as(app, refused)
    for headers in (HTMX, {}):
        response = client.get(history, headers=headers)
        assert response.status_code == 403, (history, refused, headers)
        assert "changes-table" not in response.text and "thay đổi được ghi nhận" not in response.text


def test_anonymous_htmx_is_sent_to_login(client, panel):
    _page, history, _allowed, _refused = panel
    response = client.get(history, headers={**HTMX, "HX-Current-URL": "http://localhost/"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/dang-nhap")


@pytest.mark.parametrize("url", ["/dot-kiem-tra/bao-cao/999999/lich-su", "/dot-kiem-tra/999999/lich-su", "/ton-tai/999999/lich-su",
                                 "/ton-tai/bien-phap/999999/lich-su", "/kiem-tra-dot-xuat/999999/lich-su",
                                 "/iso/boc-mau/999999/lich-su"])
def test_unknown_record_is_404(app, url):
    assert login_as(app, "vhxh.nhung").get(url, headers=HTMX).status_code == 404
