"""Notifications: once per (user, key), e-mail through a real local SMTP server, the daily
reminder run, and each person seeing and marking only their own."""
import socket
import threading
from datetime import date
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from portal.accounts.models import User
from portal.extensions import db
from portal.notifications import outbox, registry, services
from portal.notifications.models import Notification, OutgoingEmail
from tests.support import HTMX, login_as


def person(username) -> User:
    return db.session.scalar(db.select(User).filter_by(username=username))


def count(user=None, **filters) -> int:
    stmt = db.select(db.func.count(Notification.id))
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    for key, value in filters.items():
        stmt = stmt.where(getattr(Notification, key) == value)
    return db.session.scalar(stmt)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                      MAIL_USERNAME="", MAIL_SENDER="cchc@thanhsen.example",
                      PORTAL_BASE_URL="https://cchc.thanhsen.example")
    yield inbox
    controller.stop()


@pytest.fixture
def provider_list(monkeypatch):
    """Providers registered in a test vanish after it."""
    monkeypatch.setattr(registry, "_PROVIDERS", [])
    return registry._PROVIDERS


# -- notify --------------------------------------------------------------------------------------

def test_notify_is_idempotent_per_user_and_key(app):
    thu, lan = person("vp.thu"), person("kt.lan")
    first = services.notify(thu, "round:1:due-7", "Còn 7 ngày đến hạn nộp báo cáo", "Nội dung", "/x")
    assert isinstance(first, Notification) and first.id
    assert services.notify(thu, "round:1:due-7", "Khác", "Khác") is None
    assert services.notify(lan, "round:1:due-7", "Còn 7 ngày đến hạn nộp báo cáo") is not None
    db.session.commit()
    assert count(thu, key="round:1:due-7") == 1
    assert db.session.get(Notification, first.id).title == "Còn 7 ngày đến hạn nộp báo cáo"


def test_concurrent_duplicate_is_absorbed(app, monkeypatch):
    """Two runs racing: the unique constraint wins and the caller's transaction survives."""
    thu = person("vp.thu")
    services.notify(thu, "race", "A")
    db.session.commit()
    monkeypatch.setattr(db.session, "scalar", lambda *a, **k: None)  # the pre-check misses it
    assert services.notify(thu, "race", "B") is None
    monkeypatch.undo()
    services.notify(thu, "after-race", "C")
    db.session.commit()
    assert count(thu, key="race") == 1 and count(thu, key="after-race") == 1


def test_notify_sends_vietnamese_email(app, smtp):
    """Someone who chose "at once": the e-mail leaves after the commit, from the outbox."""
    thu = person("vp.thu")
    services.set_email_mode(thu, "immediate")
    row = services.notify(thu, "clarify:5", "Đoàn kiểm tra yêu cầu giải trình – nội dung 1.3.2",
                          "Đề nghị bổ sung tài liệu kiểm chứng.", "/dot-kiem-tra/1/bao-cao/5")
    assert smtp.messages == []  # nothing is sent inside the transaction
    db.session.commit()
    outbox.drain()
    db.session.expire_all()
    assert row.emailed_at is not None and row.mail_state == "sent"
    assert len(smtp.messages) == 1
    rcpts, msg = smtp.messages[0]
    assert rcpts == ["vp.thu@thanhsen.example"]
    assert msg["Subject"] == "[CCHC Phường Thành Sen] Đoàn kiểm tra yêu cầu giải trình – nội dung 1.3.2"
    assert "=?utf-8?" in msg.as_string().split("\n\n", 1)[0].lower()  # encoded on the wire
    assert msg["To"].addresses[0].display_name == "Phạm Thị Thu"
    body = msg.get_content()
    assert "Kính gửi Phạm Thị Thu," in body
    assert "Đề nghị bổ sung tài liệu kiểm chứng." in body
    assert "https://cchc.thanhsen.example/dot-kiem-tra/1/bao-cao/5" in body


def test_no_email_when_asked_not_to_or_no_address(app, smtp):
    thu, lan = person("vp.thu"), person("kt.lan")
    lan.email = ""
    for who in (thu, lan):
        services.set_email_mode(who, "immediate")
    assert services.notify(thu, "quiet", "Không gửi thư", email=False).mail_state == "none"
    assert services.notify(lan, "no-address", "Không có địa chỉ").mail_state == "none"
    db.session.commit()
    outbox.drain()
    assert smtp.messages == []
    assert db.session.scalar(db.select(db.func.count(OutgoingEmail.id))) == 0


def test_no_email_without_mail_server(app, monkeypatch):
    monkeypatch.setattr(services, "smtp_send", lambda *a: pytest.fail("should not send"))
    services.set_email_mode(person("vp.thu"), "immediate")
    row = services.notify(person("vp.thu"), "k", "Tiêu đề")
    db.session.commit()
    outbox.drain()
    assert row.emailed_at is None and row.mail_state == "none"


def test_email_failure_keeps_notification_and_does_not_raise(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listening
    services.set_email_mode(person("vp.thu"), "immediate")
    row = services.notify(person("vp.thu"), "down", "Máy chủ thư không chạy")
    db.session.commit()
    outbox.drain()
    db.session.expire_all()
    assert row is not None and row.id and row.emailed_at is None
    assert count(person("vp.thu"), key="down") == 1
    assert "e-mail n:%s to vp.thu@thanhsen.example failed" % row.id in caplog.text
    queued = db.session.scalar(db.select(OutgoingEmail).filter_by(key=f"n:{row.id}"))
    assert queued.attempts == 1 and queued.sent_at is None and queued.next_attempt_at is not None


# -- reminders -------------------------------------------------------------------------------------

def test_send_due_runs_providers_once(app, smtp, provider_list):
    seen_days = []

    def due_reports(today):
        seen_days.append(today)
        for username in ("vp.thu", "kt.lan"):
            yield registry.Reminder(person(username), f"round:1:due-3:{username}",
                                    "Còn 3 ngày đến hạn nộp báo cáo tự kiểm tra", "Hạn nộp: 26/06/2026.",
                                    "/dot-kiem-tra/1")

    registry.register_provider(due_reports)
    registry.register_provider(due_reports)  # importing a module twice does not double it
    for username in ("vp.thu", "kt.lan"):
        services.set_email_mode(person(username), "immediate")
    assert registry.providers() == [due_reports]
    assert registry.send_due(date(2026, 6, 23)) == 2
    assert registry.send_due(date(2026, 6, 23)) == 0
    assert seen_days == [date(2026, 6, 23)] * 2
    outbox.drain()
    assert len(smtp.messages) == 2
    assert count(key="round:1:due-3:vp.thu") == 1


def test_failing_provider_does_not_stop_others(app, provider_list, caplog):
    def broken(today):
        raise RuntimeError("boom")

    def fine(today):
        return [registry.Reminder(person("tt.mai"), "ok", "Nhắc việc")]

    registry.register_provider(broken)
    registry.register_provider(fine)
    assert registry.send_due(date(2026, 6, 23)) == 1
    assert "reminder provider broken failed" in caplog.text


def test_cli_sends_then_sends_nothing(app, runner, provider_list):
    registry.register_provider(
        lambda today: [registry.Reminder(person("yt.huong"), f"late:{today.isoformat()}", "Quá hạn")])
    first = runner.invoke(args=["reminders", "send", "--date", "01/07/2026"])
    assert first.exit_code == 0, first.output
    assert "Đã gửi 1 thông báo nhắc việc mới." in first.output
    second = runner.invoke(args=["reminders", "send", "--date", "2026-07-01"])
    assert "Đã gửi 0 thông báo nhắc việc mới." in second.output
    bad = runner.invoke(args=["reminders", "send", "--date", "32/13/2026"])
    assert bad.exit_code != 0 and "Ngày không hợp lệ" in bad.output
    today_run = runner.invoke(args=["reminders", "send"])
    assert today_run.exit_code == 0 and "Đã gửi 1" in today_run.output


# -- pages -----------------------------------------------------------------------------------------

@pytest.fixture
def thu_notes(app):
    thu = person("vp.thu")
    rows = [services.notify(thu, f"n{i}", f"Thông báo số {i}", f"Nội dung {i}", f"/bo-noi-dung/?q={i}")
            for i in range(3)]
    db.session.commit()
    return [r.id for r in rows]


def test_list_newest_first_unread_bold(app, thu_notes):
    client = login_as(app, "vp.thu")
    html = client.get("/thong-bao/").get_data(as_text=True)
    assert html.index("Thông báo số 2") < html.index("Thông báo số 1") < html.index("Thông báo số 0")
    assert "<strong>Thông báo số 2</strong>" in html
    assert 'Chưa đọc (<span id="notif-unread-count">5</span>)' in html  # 3 here + the 2 demo ones
    assert 'name="csrf_token"' in html


def test_list_is_paginated(app):
    thu = person("vp.thu")
    for i in range(25):
        services.notify(thu, f"many{i}", f"Mục {i:02d}")
    db.session.commit()
    client = login_as(app, "vp.thu")
    first = client.get("/thong-bao/").get_data(as_text=True)
    assert "Mục 24" in first and "Trang 1 / 2" in first and "Mục 00" not in first
    second = client.get("/thong-bao/?page=2").get_data(as_text=True)
    assert "Mục 00" in second


def test_mark_one_read_htmx_returns_item_and_triggers_badge(app, thu_notes):
    client = login_as(app, "vp.thu")
    response = client.post(f"/thong-bao/{thu_notes[0]}/da-doc",
                           headers={**HTMX, "HX-Target": f"notif-{thu_notes[0]}"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.strip().startswith(f'<li class="notif" id="notif-{thu_notes[0]}"')
    assert "<strong>" not in html and "Đã đọc" in html and "<html" not in html
    assert '<span id="notif-unread-count" hx-swap-oob="true">4</span>' in html  # the tab's count
    assert "notifications-changed" in response.headers["HX-Trigger"]
    assert db.session.get(Notification, thu_notes[0]).read_at is not None


def test_mark_read_from_home_panel_swaps_nothing_but_triggers(app, thu_notes):
    client = login_as(app, "vp.thu")
    response = client.post(f"/thong-bao/{thu_notes[1]}/da-doc", headers=HTMX)
    assert response.status_code == 200 and response.get_data(as_text=True) == ""
    assert "notifications-changed" in response.headers["HX-Trigger"]
    assert db.session.get(Notification, thu_notes[1]).read_at is not None


def test_mark_one_read_plain_form_redirects(app, thu_notes):
    client = login_as(app, "vp.thu")
    response = client.post(f"/thong-bao/{thu_notes[1]}/da-doc")
    assert response.status_code == 303
    assert "Đã đánh dấu thông báo là đã đọc." in client.get("/thong-bao/").get_data(as_text=True)


def test_mark_all_read(app, thu_notes):
    client = login_as(app, "vp.thu")
    other = services.notify(person("kt.lan"), "lan-only", "Của Lan")
    db.session.commit()
    response = client.post("/thong-bao/da-doc-tat-ca", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.strip().startswith('<div id="notif-results">')
    assert 'Chưa đọc (<span id="notif-unread-count">0</span>)' in html
    assert "notifications-changed" in response.headers["HX-Trigger"]
    assert count(person("vp.thu"), read_at=None) == 0
    assert db.session.get(Notification, other.id).read_at is None  # others' untouched
    plain = client.post("/thong-bao/da-doc-tat-ca")
    assert plain.status_code == 303


def test_open_marks_read_and_follows_local_link_only(app, thu_notes):
    client = login_as(app, "vp.thu")
    # A plain GET (a link opened in a new tab) only follows the link: no state change on GET.
    response = client.get(f"/thong-bao/{thu_notes[2]}/mo")
    assert response.status_code == 303 and response.headers["Location"] == "/bo-noi-dung/?q=2"
    assert db.session.get(Notification, thu_notes[2]).read_at is None
    # The portal's click POSTs (hx-post): marked read, then sent on.
    response = client.post(f"/thong-bao/{thu_notes[2]}/mo")
    assert response.status_code == 303 and response.headers["Location"] == "/bo-noi-dung/?q=2"
    htmx = client.post(f"/thong-bao/{thu_notes[2]}/mo", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/bo-noi-dung/?q=2"
    db.session.expire_all()
    assert db.session.get(Notification, thu_notes[2]).read_at is not None
    evil = services.notify(person("vp.thu"), "evil", "Lừa đảo", url="//evil.example/x")
    db.session.commit()
    assert client.get(f"/thong-bao/{evil.id}/mo").headers["Location"] == "/thong-bao/"


def test_unread_badge_fragment(app, thu_notes):
    client = login_as(app, "vp.thu")
    response = client.get("/thong-bao/so-chua-doc", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert '<svg class="bell"' in html and "Thông báo" in html and ">5</span>" in html
    assert response.headers["Cache-Control"] == "no-store"
    client.post("/thong-bao/da-doc-tat-ca")
    assert "badge" not in client.get("/thong-bao/so-chua-doc", headers=HTMX).get_data(as_text=True)


def test_badge_is_in_the_top_bar(app):
    html = login_as(app, "vp.thu").get("/").get_data(as_text=True)
    assert 'hx-get="/thong-bao/so-chua-doc"' in html and 'hx-trigger="load, every 30s' in html


def test_home_panel_lists_five_newest_unread(app):
    thu = person("vp.thu")
    for i in range(7):
        services.notify(thu, f"home{i}", f"Nhắc việc {i}")
    db.session.commit()
    client = login_as(app, "vp.thu")
    html = client.get("/").get_data(as_text=True)
    assert "Thông báo mới" in html
    for i in (6, 5, 4, 3, 2):
        assert f"Nhắc việc {i}" in html
    assert "Nhắc việc 1" not in html and "… và 4 thông báo chưa đọc khác." in html
    fragment = client.get("/thong-bao/bang-tin", headers=HTMX).get_data(as_text=True)
    assert fragment.strip().startswith('<section class="card notif-panel"') and "Nhắc việc 6" in fragment
    client.post("/thong-bao/da-doc-tat-ca")
    assert "Không có thông báo mới." in client.get("/").get_data(as_text=True)


# -- permissions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("get", "/thong-bao/{id}/mo"),
    ("post", "/thong-bao/{id}/mo"),
    ("post", "/thong-bao/{id}/da-doc"),
])
@pytest.mark.parametrize("username", ["kt.lan", "admin", "chutich", "vhxh.nhung"])
def test_others_cannot_see_or_mark_my_notification(app, thu_notes, method, path, username):
    client = login_as(app, username)
    response = getattr(client, method)(path.format(id=thu_notes[0]))
    assert response.status_code == 404
    assert "Không tìm thấy thông báo này." in response.get_data(as_text=True)
    assert db.session.get(Notification, thu_notes[0]).read_at is None
    listing = client.get("/thong-bao/").get_data(as_text=True)
    assert "Thông báo số 0" not in listing


def test_unknown_notification_is_404(app):
    assert login_as(app, "vp.thu").post("/thong-bao/999999/da-doc").status_code == 404


@pytest.mark.parametrize("method,path", [
    ("get", "/thong-bao/"), ("get", "/thong-bao/so-chua-doc"), ("get", "/thong-bao/bang-tin"),
    ("get", "/thong-bao/1/mo"), ("post", "/thong-bao/1/da-doc"), ("post", "/thong-bao/da-doc-tat-ca"),
])
def test_strangers_are_sent_to_login(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    htmx = getattr(client, method)(path, headers=HTMX)
    assert htmx.status_code == 401 and "HX-Redirect" in htmx.headers


def test_posts_need_csrf(app, thu_notes):
    client = login_as(app, "vp.thu")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/thong-bao/{thu_notes[0]}/da-doc", headers=HTMX)
    assert response.status_code == 400
    assert client.post("/thong-bao/da-doc-tat-ca").status_code == 400
    assert db.session.get(Notification, thu_notes[0]).read_at is None
    assert count(person("vp.thu"), read_at=None) == 5


def test_demo_people_have_welcome_notifications(app):
    assert count(person("chutich"), key="demo:welcome") == 1
