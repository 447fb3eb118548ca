"""Drafts are kept as the author types: the report form posts itself (htmx) to the autosave
route, which answers with a line for the status region and the report's new version. A stale
version is a 409 and overwrites nothing; a sent report is never autosaved; CSRF applies."""
import re
from datetime import date

import pytest

from portal.extensions import db
from portal.rounds import services as S
from portal.rounds.models import Report

from tests.rounds_factory import make_round, person
from tests.support import HTMX, login_as

DRAFT = {"status": "doing", "done_text": "Đang tổ chức hội nghị tuyên truyền.", "indicator_value": "",
         "difficulties": "", "proposals": "", "self_score": ""}


@pytest.fixture
def report(app):
    rnd = make_round(count=1, authors=("vp.thu",), deadline=date(2099, 1, 1), start=date(2099, 1, 5),
                     end=date(2099, 1, 9))
    return S.round_reports(rnd.id)[0]


def _reload(rep):
    db.session.expire_all()
    return db.session.get(Report, rep.id)


def _autosave(client, rep, version, **data):
    return client.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tu-luu", data={**DRAFT, "version": version, **data},
                       headers=HTMX)


def test_the_report_form_autosaves_into_a_live_region(app, report):
    page = login_as(app, "vp.thu").get(f"/dot-kiem-tra/bao-cao/{report.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*id="report-form"[^>]*>', page, re.S).group(0)
    assert f'hx-post="/dot-kiem-tra/bao-cao/{report.id}/tu-luu"' in form
    assert 'hx-trigger="input changed delay:2s"' in form and 'hx-target="#autosave-status"' in form
    assert re.search(r'id="autosave-status"[^>]*aria-live="polite"', page)
    assert 'id="report-version"' in page


def test_autosave_answers_with_a_fragment_and_the_new_version(app, report):
    thu = login_as(app, "vp.thu")
    before = report.version
    r = _autosave(thu, report, before)
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" not in text
    assert re.search(r"Đã tự lưu lúc \d{2}:\d{2}", text)
    saved = _reload(report)
    assert saved.done_text == DRAFT["done_text"] and saved.status == "doing" and saved.state == "draft"
    oob = re.search(r'<input[^>]*id="report-version"[^>]*>', text).group(0)
    assert 'hx-swap-oob="true"' in oob and f'value="{saved.version}"' in oob and saved.version == before + 1
    # the next autosave, with the version the reply gave, saves again
    r = _autosave(thu, report, saved.version, done_text="Đã tổ chức 4 hội nghị.")
    assert r.status_code == 200 and _reload(report).done_text == "Đã tổ chức 4 hội nghị."


def test_autosave_from_a_stale_page_is_a_409_and_overwrites_nothing(app, report):
    thu = login_as(app, "vp.thu")
    old = report.version
    assert _autosave(thu, report, old, done_text="Bản ở thẻ thứ nhất.").status_code == 200
    r = _autosave(thu, report, old, done_text="Bản ở thẻ thứ hai, mở từ trước.")
    assert r.status_code == 409
    assert "vừa được người khác cập nhật" in r.get_data(as_text=True)
    assert _reload(report).done_text == "Bản ở thẻ thứ nhất."
    assert _autosave(thu, report, "abc").status_code == 409  # no usable version: never saved blindly


def test_no_autosave_once_the_report_is_sent(app, report):
    thu = login_as(app, "vp.thu")
    r = thu.post(f"/dot-kiem-tra/bao-cao/{report.id}", data={**DRAFT, "status": "done", "action": "submit",
                                                             "version": report.version})
    assert r.status_code == 303
    sent = _reload(report)
    page = thu.get(f"/dot-kiem-tra/bao-cao/{report.id}").get_data(as_text=True)
    assert "data-autosave" not in page and 'id="autosave-status"' not in page
    r = _autosave(thu, report, sent.version, done_text="Sửa sau khi gửi.")
    assert r.status_code == 409 and "không tự lưu" in r.get_data(as_text=True)
    again = _reload(report)
    assert again.done_text == DRAFT["done_text"] and again.version == sent.version


def test_only_the_author_autosaves(app, report):
    for username in ("vp.khoa", "vp.viet", "vhxh.nhung"):
        r = _autosave(login_as(app, username), report, report.version, done_text="Không phải của tôi.")
        assert r.status_code == 403, username
    assert _reload(report).done_text == ""


def test_a_closed_round_takes_no_autosave(app, report):
    report.round.state = "closed"
    db.session.commit()
    r = _autosave(login_as(app, "vp.thu"), report, report.version)
    assert r.status_code == 409 and _reload(report).done_text == ""


def test_autosave_needs_the_csrf_token(app, report):
    from tests.test_findings_web import login_as_csrf

    app.config["WTF_CSRF_ENABLED"] = True
    thu = login_as_csrf(app, "vp.thu")
    page = thu.get(f"/dot-kiem-tra/bao-cao/{report.id}").get_data(as_text=True)
    r = _autosave(thu, report, report.version)
    assert r.status_code == 400 and "Phiên làm việc đã hết hạn" in r.get_data(as_text=True)
    assert _reload(report).done_text == ""
    # the page sends its token in a header for every htmx request (hx-headers on <body>)
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    r = thu.post(f"/dot-kiem-tra/bao-cao/{report.id}/tu-luu", data={**DRAFT, "version": report.version},
                 headers={**HTMX, "X-CSRFToken": token})
    assert r.status_code == 200 and _reload(report).done_text == DRAFT["done_text"]


def test_a_refused_value_is_said_and_not_saved(app, report):
    r = _autosave(login_as(app, "vp.thu"), report, report.version, indicator_value="nhiều")
    assert r.status_code == 422 and "Chưa tự lưu" in r.get_data(as_text=True)
    assert _reload(report).done_text == ""


def test_a_typing_session_reads_as_one_history_line_and_the_log_keeps_every_save(app, report):
    from sqlalchemy import func, select

    from portal.audit.models import ChangeLog

    thu = login_as(app, "vp.thu")
    version = report.version
    for text in ("Đang tổ", "Đang tổ chức hội nghị", "Đang tổ chức hội nghị tuyên truyền."):
        assert _autosave(thu, report, version, done_text=text).status_code == 200
        version = _reload(report).version
    logged = db.session.scalar(select(func.count()).select_from(ChangeLog).where(
        ChangeLog.object_type == "report", ChangeLog.object_id == str(report.id), ChangeLog.action == "autosave"))
    assert logged == 3  # the log is append-only: every save is there

    history = thu.get(f"/dot-kiem-tra/bao-cao/{report.id}/lich-su", headers=HTMX).get_data(as_text=True)
    assert history.count("Tự lưu bản nháp (3 lần)") == 1 and "Tự lưu bản nháp</" not in history
    # one line from the value before the first save to the value after the last
    assert "Đang tổ chức hội nghị tuyên truyền." in history and ">Đang tổ chức hội nghị<" not in history

    # a save by hand afterwards stays a line of its own
    r = thu.post(f"/dot-kiem-tra/bao-cao/{report.id}", data={**DRAFT, "version": version, "done_text": "Xong."})
    assert r.status_code in (200, 303)
    history = thu.get(f"/dot-kiem-tra/bao-cao/{report.id}/lich-su", headers=HTMX).get_data(as_text=True)
    assert "Tự lưu bản nháp (3 lần)" in history and "Xong." in history
