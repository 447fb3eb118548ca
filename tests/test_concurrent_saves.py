"""Two web processes on one database, two people saving the same record in the same instant: one
save lands, the other is told (409 in Vietnamese) — never a 500, never a silent overwrite. Runs on
SQLite and, with TEST_DATABASE_URL, on PostgreSQL.

Both requests are held just before their first write until the other has read the record too
(a barrier in before_flush), so the version check on the form passes for both and the race is
decided by the database: on PostgreSQL the second UPDATE … WHERE version = n finds no row after
the first commits (StaleDataError); on SQLite the second waits for the write lock, then does the
same."""
import threading

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import create_app
from portal.extensions import db
from portal.rounds.models import Report, Review
from portal.rounds import services as S
from tests.rounds_factory import make_round, person
from tests.support import HTMX, login_as


@pytest.fixture
def second_app(app, tmp_path):
    """Another instance of the portal (as a second waitress process would be) on the same database."""
    keys = ("TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "PASSWORD_HASH_METHOD", "SECRET_KEY",
            "UPLOAD_FOLDER", "BACKUP_FOLDER", "MAIL_SERVER")
    other = create_app({k: app.config[k] for k in keys})
    yield other
    with other.app_context():
        db.engine.dispose()


def _race(clients, url, data_for, record_type):
    """POST to url from every client at once; each waits before writing a `record_type` row until
    all have got that far (or 3 s, when the database itself makes one wait for the other)."""
    barrier = threading.Barrier(len(clients))
    waited = threading.local()

    def hold(session, _ctx, _instances):
        if getattr(waited, "done", False):
            return
        if any(isinstance(o, record_type) for o in session.dirty):
            waited.done = True
            try:
                barrier.wait(timeout=3)
            except threading.BrokenBarrierError:
                pass

    statuses, errors = [], []

    def post(client, data):
        try:
            response = client.post(url, data=data, headers=HTMX)
            statuses.append((response.status_code, response.get_data(as_text=True)))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)

    event.listen(Session, "before_flush", hold)
    try:
        threads = [threading.Thread(target=post, args=(c, data_for(i))) for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        event.remove(Session, "before_flush", hold)
    assert not errors
    return statuses


def test_two_draft_saves_of_one_report_race_one_lands_one_gets_409(app, second_app):
    rnd = make_round(count=1, authors=("vp.thu",))
    report = S.round_reports(rnd.id)[0]
    report_id, version = report.id, report.version
    db.session.commit()
    clients = [login_as(app, "vp.thu"), login_as(second_app, "vp.thu")]

    def data(i):
        return {"status": "doing", "done_text": f"Bản của tab {i}", "version": str(version)}

    statuses = _race(clients, f"/dot-kiem-tra/bao-cao/{report_id}", data, Report)
    codes = sorted(code for code, _ in statuses)
    assert codes == [200, 409], statuses
    loser = next(body for code, body in statuses if code == 409)
    assert "vừa được người khác cập nhật" in loser
    db.session.rollback()  # a fresh snapshot: the races happened in other sessions
    saved = db.session.get(Report, report_id)
    assert saved.version > version
    assert saved.done_text in ("Bản của tab 0", "Bản của tab 1")


def test_two_reviews_of_one_report_race_one_lands_one_gets_409(app, second_app):
    rnd = make_round(count=1, authors=("vp.thu",))
    report = S.round_reports(rnd.id)[0]
    S.save_report(report, {"status": "done", "done_text": "Đã làm."}, submit=True)
    db.session.commit()
    reviewer = person("vp.viet")
    review = S.save_review(report, reviewer, rating="dat", comment="Lần đầu")
    db.session.commit()
    report_id, version = report.id, review.version
    clients = [login_as(app, "vp.viet"), login_as(second_app, "kt.duc")]

    def data(i):
        return {"rating": "dat", "comment": f"Nhận xét {i}", "version": str(version)}

    statuses = _race(clients, f"/dot-kiem-tra/bao-cao/{report_id}/danh-gia", data, Review)
    codes = sorted(code for code, _ in statuses)
    assert codes == [200, 409], statuses
    db.session.rollback()  # a fresh snapshot: the races happened in other sessions
    assert db.session.get(Review, review.id).version > version
