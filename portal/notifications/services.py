"""Notifications: notify() records one per (user, key) and e-mails it when SMTP is set up.

Other areas call notify() when something happens to a person (a clarification requested, a
report rated…) and register reminder providers in registry.py for things that fall due.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.text import clean
from portal.timeutil import now_utc

from .models import Notification

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 15  # seconds; a dead mail server must not hang a request for long


def notify(user, key: str, title: str, body: str = "", url: str = "",
           email: bool = True) -> Notification | None:
    """Record a notification for `user` once per `key`; e-mail it if SMTP is configured.

    Returns the new Notification, or None when this (user, key) was already notified.
    Flushes but does not commit (the caller's request or command commits). The e-mail goes
    through the outbox after the commit: it never delays nor breaks the caller.
    """
    key = key.strip()[:200]
    exists = db.session.scalar(select(Notification.id).where(
        Notification.user_id == user.id, Notification.key == key))
    if exists:
        return None
    row = Notification(user_id=user.id, key=key, title=clean(title)[:300], body=clean(body),
                       url=(url or "").strip()[:500])
    try:
        # A concurrent run (two cron jobs, a request racing a cron) may insert the same key;
        # the savepoint keeps the caller's transaction alive when it does.
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    if email and mail_configured() and getattr(user, "email", ""):
        # Never sent from here: the outbox sends after the caller commits (see outbox.py), at once
        # or in the day's digest as the person chose.
        from . import outbox

        if email_mode(user) == "immediate":
            outbox.queue_notification(user, row)
        else:
            row.mail_state = "digest"
        db.session.flush()
    return row


def email_mode(user) -> str:
    from .models import NotificationPreference

    pref = db.session.get(NotificationPreference, user.id)
    return pref.email_mode if pref is not None else "digest"


def set_email_mode(user, mode: str) -> None:
    from .models import EMAIL_MODES, NotificationPreference

    if mode not in EMAIL_MODES:
        raise ValueError(mode)
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        db.session.add(NotificationPreference(user_id=user.id, email_mode=mode))
    else:
        pref.email_mode = mode
    db.session.flush()


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def link_for(url: str) -> str:
    """An absolute link for e-mail: PORTAL_BASE_URL + the portal path."""
    if not url:
        url = "/"
    if url.startswith(("http://", "https://")):
        return url
    base = current_app.config.get("PORTAL_BASE_URL", "").rstrip("/")
    return base + (url if url.startswith("/") else "/" + url)


def ward_name() -> str:
    from portal.settings.models import get_settings

    return get_settings().ward_name


def compose(user, subject: str, text: str) -> EmailMessage:
    """A Vietnamese e-mail to `user`: greeting, `text`, the portal's signature."""
    ward = ward_name()
    # UTF-8 headers (RFC 2047) and body. Headers are not folded at 78 columns: Python's folding
    # drops the space between two encoded words ("Tổng hợp 2 thông báo" arrived as "2thông").
    msg = EmailMessage(policy=email_policy.default.clone(max_line_length=998))
    msg["Subject"] = f"[CCHC {ward}] {subject}"
    msg["From"] = formataddr((f"Kiểm tra CCHC – {ward}", current_app.config["MAIL_SENDER"]))
    msg["To"] = formataddr((user.full_name, user.email))
    msg["Message-ID"] = make_msgid(domain="cchc.local")
    lines = [f"Kính gửi {user.full_name},", "", text, "", "--",
             f"Cổng kiểm tra cải cách hành chính – {ward}.",
             "Thư gửi tự động, vui lòng không trả lời thư này.",
             f"Chọn cách nhận thư thông báo: {link_for('/thong-bao/cai-dat')}"]
    msg.set_content("\n".join(lines), charset="utf-8")
    return msg


def notification_text(notification: Notification) -> str:
    lines = [notification.title]
    if notification.body:
        lines += ["", notification.body]
    lines += ["", f"Xem chi tiết: {link_for(notification.url)}"]
    return "\n".join(lines)


def smtp_send(msg: EmailMessage) -> None:
    """Send one message with the configured SMTP server; raises on any failure."""
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    # Port 465 speaks TLS from the first byte; others upgrade with STARTTLS if asked.
    smtp_class = smtplib.SMTP_SSL if port == 465 else smtplib.SMTP
    with smtp_class(host, port, timeout=SMTP_TIMEOUT) as smtp:
        if config.get("MAIL_USE_TLS") and port != 465:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(msg)


# -- reading --------------------------------------------------------------------------------------

def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def latest_unread(user, limit: int = 5) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def list_for(user, unread_only: bool = False):
    """A select of the user's notifications, newest first (for paginate())."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


def can_see(user, notification: Notification) -> bool:
    return notification.user_id == user.id


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = now_utc()


def mark_all_read(user) -> int:
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now_utc()).execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


def safe_url(url: str) -> str:
    """Only paths inside the portal are followed when a notification is opened."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return ""
