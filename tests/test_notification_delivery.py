"""E-mail delivery (through a real local SMTP server): at once or as the daily digest, each
person's choice; retried when it fails and never inside the request that caused it. The
scheduler: the day's run at the ward's time, once however many processes run it."""
import threading
from datetime import date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.notifications import digest, outbox, reminders, scheduler, services
from portal.notifications.models import Notification, OutgoingEmail, ScheduledRun
from portal.timeutil import VN_TZ
from tests.findings_support import demo_ids, uid
from tests.support import login_as
from tests.test_notifications import Inbox, free_port, person


def start_smtp(app, port=None):
    inbox = Inbox()
    port = port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USERNAME="",
                      MAIL_SENDER="cchc@thanhsen.example", PORTAL_BASE_URL="https://cchc.thanhsen.example")
    return inbox, controller


@pytest.fixture
def smtp(app):
    inbox, controller = start_smtp(app)
    yield inbox
    outbox.drain()
    controller.stop()


def to(inbox, username):
    return [msg for rcpts, msg in inbox.messages if rcpts == [f"{username}@thanhsen.example"]]


# -- digest (the default) and immediate ----------------------------------------------------------------

def test_default_is_one_daily_digest(app, smtp):
    thu = person("vp.thu")
    assert services.email_mode(thu) == "digest"
    for i in (1, 2):
        services.notify(thu, f"dg{i}", f"Yêu cầu giải trình số {i}", f"Nội dung {i}", f"/dot-kiem-tra/bao-cao/{i}")
    db.session.commit()
    outbox.drain()
    assert smtp.messages == []  # nothing until the digest
    assert digest.build_digests(date(2026, 6, 23)) >= 1
    assert digest.build_digests(date(2026, 6, 23)) == 0  # once per person and day
    outbox.deliver_pending()
    outbox.drain()
    [msg] = to(smtp, "vp.thu")
    assert msg["Subject"] == "[CCHC Phường Thành Sen] Tổng hợp 2 thông báo ngày 23/06/2026"
    body = msg.get_content()
    assert "1. Yêu cầu giải trình số 1" in body and "2. Yêu cầu giải trình số 2" in body
    assert "https://cchc.thanhsen.example/dot-kiem-tra/bao-cao/2" in body and "Kính gửi Phạm Thị Thu," in body
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).where(Notification.key.in_(["dg1", "dg2"]))).all()
    assert {(r.mail_state, r.emailed_at is not None) for r in rows} == {("sent", True)}
    # the next day's digest holds only what came after
    services.notify(thu, "dg3", "Thông báo thứ ba")
    db.session.commit()
    digest.build_digests(date(2026, 6, 24))
    outbox.deliver_pending()
    outbox.drain()
    assert len(to(smtp, "vp.thu")) == 2 and "Tổng hợp 1 thông báo" in to(smtp, "vp.thu")[-1]["Subject"]


def test_immediate_is_sent_after_the_request_never_inside_it(app):
    """The SMTP server holds the message until the test lets it go: the request has already
    answered by then, and the e-mail arrives afterwards."""
    release = threading.Event()

    class Holding(Inbox):
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            release.wait(20)
            return await super().handle_DATA(server, session, envelope)

    inbox = Holding()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="cchc@thanhsen.example")
    try:
        services.set_email_mode(person("tt.tam"), "immediate")
        db.session.commit()
        ids = demo_ids()
        r = login_as(app, "vhxh.ha").post(f"/ton-tai/{ids['f']}/bien-phap", data={
            "action": "Rà soát quy trình", "owner_id": uid("tt.tam"), "deadline": "2026-12-01"})
        assert r.status_code == 303  # answered while the mail server still holds the message
        assert inbox.messages == []
        release.set()
        outbox.drain()
        db.session.expire_all()
        rows = [(o.key, o.user.username, o.attempts, o.sent_at, o.last_error) for o in db.session.scalars(select(OutgoingEmail))]
        assert len(to(inbox, "tt.tam")) == 1, (rows, inbox.messages)
        [msg] = to(inbox, "tt.tam")
        assert msg["Subject"].endswith("Bạn được giao biện pháp khắc phục (hạn 01/12/2026)")
    finally:
        release.set()
        controller.stop()


def test_failed_email_is_retried_later_and_sent_once(app, caplog):
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="cchc@thanhsen.example")
    services.set_email_mode(person("vp.thu"), "immediate")
    row = services.notify(person("vp.thu"), "retry-me", "Thư thử gửi lại")
    db.session.commit()
    outbox.drain()
    queued = db.session.scalar(select(OutgoingEmail).filter_by(key=f"n:{row.id}"))
    db.session.refresh(queued)
    assert queued.attempts == 1 and queued.sent_at is None and "failed" in caplog.text
    inbox, controller = start_smtp(app, port)
    try:
        assert outbox.deliver_pending() == 0  # not before its retry time
        queued.next_attempt_at = datetime(2000, 1, 1)
        db.session.commit()
        assert outbox.deliver_pending() == 1
        assert outbox.deliver_pending() == 0
        assert len(to(inbox, "vp.thu")) == 1
        db.session.refresh(queued)
        assert queued.sent_at is not None and queued.attempts == 1
    finally:
        controller.stop()


def test_retry_delay_grows_and_is_capped():
    assert [outbox.retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (2, 4, 8)]
    assert outbox.retry_delay(30) == timedelta(hours=6)


# -- the preference page ------------------------------------------------------------------------------

def test_preference_page(app):
    client = login_as(app, "vp.thu")
    page = client.get("/thong-bao/cai-dat")
    assert page.status_code == 200
    assert "Một thư tổng hợp mỗi ngày" in page.text
    assert '<input checked id="email_mode-0" name="email_mode" required type="radio" value="digest">' in page.text
    assert "vp.thu@thanhsen.example" in page.text
    r = client.post("/thong-bao/cai-dat", data={"email_mode": "immediate"})
    assert r.status_code == 303
    assert services.email_mode(person("vp.thu")) == "immediate"
    assert "Đã lưu cách nhận thư thông báo" in client.get("/thong-bao/cai-dat").text
    assert services.email_mode(person("kt.lan")) == "digest"  # only one's own
    bad = client.post("/thong-bao/cai-dat", data={"email_mode": "fax"})
    assert bad.status_code == 422 and "Not a valid choice" not in bad.text
    assert services.email_mode(person("vp.thu")) == "immediate"


def test_preference_page_needs_csrf_and_login(app, client):
    assert client.get("/thong-bao/cai-dat").status_code == 302
    thu = login_as(app, "vp.thu")
    app.config["WTF_CSRF_ENABLED"] = True
    r = thu.post("/thong-bao/cai-dat", data={"email_mode": "immediate"})
    assert r.status_code in (400, 422)
    assert services.email_mode(person("vp.thu")) == "digest"


# -- reminders of remedy deadlines ---------------------------------------------------------------------

def test_remedy_deadline_reminders_7_3_1_days(app):
    from portal.findings.models import Remedy

    remedy = db.session.get(Remedy, demo_ids()["r_tam"])
    remedy.status, remedy.deadline = "todo", date(2026, 7, 10)
    db.session.commit()
    said = {d: [r for r in reminders.remedy_deadlines(d) if r.key.startswith(f"remedy:{remedy.id}:")]
            for d in (date(2026, 7, 3), date(2026, 7, 5), date(2026, 7, 7), date(2026, 7, 9))}
    assert [len(v) for v in said.values()] == [1, 0, 1, 1]
    assert said[date(2026, 7, 3)][0].title == f"Còn 7 ngày đến hạn biện pháp khắc phục #{remedy.id}"
    assert said[date(2026, 7, 9)][0].user.username == "tt.tam"
    assert said[date(2026, 7, 9)][0].url == f"/ton-tai/{remedy.finding_id}#bien-phap-{remedy.id}"
    remedy.status = "done"
    db.session.commit()
    assert not [r for r in reminders.remedy_deadlines(date(2026, 7, 9)) if str(remedy.id) in r.key]


# -- the scheduler -----------------------------------------------------------------------------------

def at(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=VN_TZ)


def test_tick_waits_for_the_ward_time_then_runs_once(app):
    from portal.settings.models import get_settings

    get_settings().reminders_at = "08:30"
    db.session.commit()
    day = date(2026, 7, 1)
    assert scheduler.tick(at(day, 8, 29)) is None
    run = scheduler.tick(at(day, 8, 30))
    assert run is not None and run.day == day and run.finished_at is not None and run.error == ""
    assert scheduler.tick(at(day, 9, 0)) is None
    assert db.session.scalar(select(db.func.count(ScheduledRun.id))) == 1


def _remedy_due_in_3_days(app, instances: int):
    """A local SMTP server, tt.tam's remedy due on 04/07/2026 (a reminder on 01/07) with mail at
    once, and `instances` more portal apps on this database (other processes, as it were)."""
    from portal.findings.models import Remedy

    inbox, controller = start_smtp(app)
    remedy = db.session.get(Remedy, demo_ids()["r_tam"])
    remedy.status, remedy.deadline = "todo", date(2026, 7, 4)
    services.set_email_mode(person("tt.tam"), "immediate")
    db.session.commit()
    config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "MAIL_SERVER", "MAIL_PORT",
                                         "MAIL_SENDER", "UPLOAD_FOLDER", "PORTAL_BASE_URL")}
    apps = [create_app({**config, "TESTING": True, "SCHEDULER_ENABLED": False}) for _ in range(instances)]
    return inbox, controller, remedy, apps


def test_two_app_instances_send_each_reminder_once(app, template_db, tmp_path):
    """Two portal processes on one database (two apps, two engines, two threads) tick at the same
    moment: one runs the day, the other finds the lock; every person gets one digest."""
    inbox, controller, remedy, apps = _remedy_due_in_3_days(app, instances=2)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(instance):
        with instance.app_context():
            try:
                barrier.wait(10)
                results.append(scheduler.tick(at(date(2026, 7, 1), 7, 5)))
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=run, args=(a,)) for a in apps]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        outbox.drain()
        assert errors == []
        assert len([r for r in results if r is not None]) == 1
        db.session.expire_all()
        runs = db.session.scalars(select(ScheduledRun)).all()
        assert len(runs) == 1 and runs[0].finished_at is not None and runs[0].reminders >= 1
        due3 = db.session.scalars(select(Notification).where(
            Notification.key == f"remedy:{remedy.id}:due-3:2026-07-04")).all()
        assert len(due3) == 1
        # tt.tam (immediate) got the reminder once; each digest person got exactly one digest
        assert len([m for m in to(inbox, "tt.tam") if "Còn 3 ngày" in m["Subject"]]) == 1
        recipients = [tuple(r) for r, m in inbox.messages if "Tổng hợp" in m["Subject"]]
        assert len(recipients) == len(set(recipients))
        assert runs[0].emails == len(inbox.messages)  # the run reports what it sent
    finally:
        controller.stop()


def test_another_sender_leaves_the_daily_runs_mail_to_the_run(app, monkeypatch):
    """Another process's sender wakes while the day's run is between queuing its reminders and
    sending them: it leaves them to the run, which sends each once and reports all it sent (the
    two-instance race above, made to happen every time)."""
    inbox, controller, _, (other,) = _remedy_due_in_3_days(app, instances=1)
    sent_by_other, build = [], digest.build_digests

    def other_sender():
        with other.app_context():
            try:
                sent_by_other.append(outbox.deliver_pending())
            finally:
                db.session.remove()
                db.engine.dispose()

    def digests_after_the_other_sender(day):
        waiting = db.session.scalars(select(OutgoingEmail.key).where(OutgoingEmail.sent_at.is_(None))).all()
        assert any(key.startswith("n:") for key in waiting)  # the reminder is written, not yet sent
        thread = threading.Thread(target=other_sender)
        thread.start()
        thread.join(30)
        return build(day)

    monkeypatch.setattr(digest, "build_digests", digests_after_the_other_sender)
    try:
        run = scheduler.run_daily(date(2026, 7, 1))
        outbox.drain()
        assert sent_by_other == [0]
        assert len([m for m in to(inbox, "tt.tam") if "Còn 3 ngày" in m["Subject"]]) == 1
        assert run.error == "" and run.emails == len(inbox.messages) >= 1
    finally:
        controller.stop()


def test_settings_page_shows_runs_and_validates_time(app):
    scheduler.run_daily(date(2026, 7, 1))
    client = login_as(app, "vhxh.nhung")
    page = client.get("/cai-dat/")
    assert "Nhắc việc tự động" in page.text and "01/07/2026" in page.text
    assert 'name="reminders_at"' in page.text and 'value="07:00"' in page.text
    form = {f: "" for f in ()}
    from portal.settings.forms import SettingsForm
    from portal.settings.models import get_settings

    with app.test_request_context():
        data = {k: v for k, v in SettingsForm(obj=get_settings()).data.items() if k != "csrf_token"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    bad = client.post("/cai-dat/", data={**data, "reminders_at": "25:99"})
    assert bad.status_code == 422 and "Giờ gửi phải có dạng giờ:phút, ví dụ 07:00." in bad.text
    ok = client.post("/cai-dat/", data={**data, "reminders_at": "06:45"})
    assert ok.status_code == 302, ok.text[:500]
    db.session.expire_all()
    assert get_settings().reminders_at == "06:45"
    assert form == {}
    assert login_as(app, "vp.thu").get("/cai-dat/").status_code == 403


def test_cli_digest(app, runner, smtp):
    services.notify(person("kt.lan"), "cli-digest", "Thông báo cho thư tổng hợp")
    db.session.commit()
    first = runner.invoke(args=["reminders", "digest", "--date", "02/07/2026"])
    assert first.exit_code == 0, first.output
    assert "Đã lập 1 thư tổng hợp" in first.output
    outbox.drain()
    assert len(to(smtp, "kt.lan")) == 1
    again = runner.invoke(args=["reminders", "digest", "--date", "02/07/2026"])
    assert "Đã lập 0 thư tổng hợp; đã gửi 0 thư điện tử." in again.output
    bad = runner.invoke(args=["reminders", "digest", "--date", "hôm qua"])
    assert bad.exit_code != 0 and "Ngày không hợp lệ" in bad.output
