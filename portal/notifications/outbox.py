"""The e-mail outbox: messages are written in the caller's transaction and sent once it commits,
by a worker thread (right after the request) or by the scheduler's next tick; a failure is
retried later with a growing delay. Sending never runs inside the request that caused it.

Two senders never send the same row: each claims it first with a conditional UPDATE
(claimed_until), which only one of them can win.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.timeutil import now_utc

from . import services
from .models import Notification, OutgoingEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM = timedelta(minutes=5)  # longer than an SMTP timeout: a crashed sender's claim expires
_KICK = "outbox_kick"
_HOLD = "outbox_hold"

_executor: ThreadPoolExecutor | None = None
_futures: list[Future] = []
_lock = threading.Lock()


def retry_delay(attempts: int) -> timedelta:
    """2, 4, 8 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** attempts, 360))


# -- writing ---------------------------------------------------------------------------------------

def queue(user, key: str, subject: str, text: str, notification_ids=()) -> OutgoingEmail | None:
    """Add a message to the outbox once per key (flushes; sent after the caller commits)."""
    row = OutgoingEmail(key=key[:200], user_id=user.id, subject=subject[:300],
                        body=text, notification_ids=list(notification_ids))
    held = db.session.info.get(_HOLD)
    if held is not None:
        # The daily run sends its own messages and reports them: another process's sender leaves
        # them alone until then (or, should the run die, until the hold lapses like a claim).
        row.next_attempt_at = now_utc() + CLAIM
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    if held is not None:
        held.append(row.id)
    db.session.info[_KICK] = True
    return row


def queue_notification(user, notification: Notification) -> OutgoingEmail | None:
    notification.mail_state = "queued"
    db.session.flush()
    return queue(user, f"n:{notification.id}", notification.title, services.notification_text(notification),
                 [notification.id])


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    """Something was queued in this transaction: start sending (in another thread). A savepoint's
    release fires this event too; only the real commit makes the rows visible to the sender."""
    if session.in_nested_transaction():
        return
    if session.info.pop(_KICK, False) and _HOLD not in session.info:
        try:
            kick(current_app._get_current_object())
        except RuntimeError:  # no app context: the scheduler's next tick sends it
            pass


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    if not session.in_nested_transaction():
        session.info.pop(_KICK, None)


class hold:
    """Inside, commits start no mail thread and what is queued waits for the caller, who sends it
    with deliver(ids) — the ids `with hold() as ids:` collects (the daily run: what it reports as
    sent is what it sent, even with another process's sender running)."""

    def __enter__(self) -> list[int]:
        db.session.info[_HOLD] = held = []
        return held

    def __exit__(self, *exc):
        db.session.info.pop(_HOLD, None)


# -- sending ---------------------------------------------------------------------------------------

def kick(app) -> None:
    """Send what is due in a worker thread of this process (one at a time)."""
    global _executor
    if not app.config.get("MAIL_SERVER"):
        return
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-mail")
        _futures[:] = [f for f in _futures if not f.done()]
        _futures.append(_executor.submit(_deliver_in, app))


def drain(timeout: float = 30) -> None:
    """Wait until the mail thread is idle (tests, and the end of a CLI command)."""
    with _lock:
        pending = list(_futures)
    for future in pending:
        future.result(timeout=timeout)


def _deliver_in(app) -> int:
    with app.app_context():
        try:
            return deliver_pending()
        except Exception:
            log.exception("outbox delivery failed")
            db.session.rollback()
            return 0
        finally:
            db.session.remove()


def _claim(row_id: int, now) -> bool:
    result = db.session.execute(
        update(OutgoingEmail).where(
            OutgoingEmail.id == row_id, OutgoingEmail.sent_at.is_(None),
            or_(OutgoingEmail.claimed_until.is_(None), OutgoingEmail.claimed_until < now))
        .values(claimed_until=now + CLAIM).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def due_ids(now, limit: int) -> list[int]:
    return list(db.session.scalars(
        select(OutgoingEmail.id).where(
            OutgoingEmail.sent_at.is_(None), OutgoingEmail.attempts < MAX_ATTEMPTS,
            or_(OutgoingEmail.next_attempt_at.is_(None), OutgoingEmail.next_attempt_at <= now),
            or_(OutgoingEmail.claimed_until.is_(None), OutgoingEmail.claimed_until < now))
        .order_by(OutgoingEmail.id).limit(limit)))


def deliver_pending(limit: int = 200) -> int:
    """Send every message that is due (new, or whose retry time has come). Returns how many
    were sent. Commits after each message."""
    if not services.mail_configured():
        return 0
    return deliver(due_ids(now_utc(), limit))


def deliver(row_ids) -> int:
    """Send these messages unless sent or being sent (claimed by another sender) already; see
    deliver_pending."""
    if not services.mail_configured():
        return 0
    sent = 0
    for row_id in row_ids:
        if not _claim(row_id, now_utc()):
            continue  # another sender has it
        row = db.session.get(OutgoingEmail, row_id)
        user = row.user
        try:
            if not user.email:
                raise ValueError("người nhận không có địa chỉ thư điện tử")
            services.smtp_send(services.compose(user, row.subject, row.body))
        except Exception as exc:  # network, TLS, auth, refused recipient: try again later
            log.warning("e-mail %s to %s failed (attempt %s): %s", row.key, user.email, row.attempts + 1, exc)
            row.attempts += 1
            row.last_error = str(exc)[:1000]
            row.next_attempt_at = now_utc() + retry_delay(row.attempts)
            row.claimed_until = None
            db.session.commit()
            continue
        row.sent_at = now_utc()
        row.claimed_until = None
        if row.notification_ids:
            db.session.execute(update(Notification).where(Notification.id.in_(row.notification_ids))
                               .values(mail_state="sent", emailed_at=row.sent_at)
                               .execution_options(synchronize_session=False))
        db.session.commit()
        sent += 1
    # End the read transaction too (when another sender had every row, nothing was committed):
    # a caller reading next must see what that sender has since written, not this snapshot.
    db.session.commit()
    return sent


def failed_count() -> int:
    """Messages still unsent after a failure (shown on the settings page)."""
    return db.session.scalar(select(db.func.count(OutgoingEmail.id)).where(
        OutgoingEmail.sent_at.is_(None), OutgoingEmail.attempts > 0)) or 0
