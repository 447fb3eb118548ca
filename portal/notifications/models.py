from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import now_utc


class Notification(db.Model):
    """One message to one person. (user_id, key) is unique: the key names the occasion
    (e.g. "round:3:due:7d:criterion:41"), so the same reminder is never sent twice."""

    # Notifications are messages, not records of the inspection: logging every one (and every
    # "read" click) would bury the change log that people actually need to read.
    __audit__ = False
    # The unique key also serves lookups by user; the second index serves "newest first".
    __table_args__ = (UniqueConstraint("user_id", "key"),
                      Index("ix_notification_user_created", "user_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    # E-mail: "none" (not by mail), "digest" (waits for the daily digest), "queued" (in the
    # outbox), "sent".
    mail_state: Mapped[str] = mapped_column(String(10), default="none", server_default="none", index=True)

    user = relationship("User")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def audit_label(self) -> str:
        return self.title


EMAIL_MODES = {"digest": "Một thư tổng hợp mỗi ngày", "immediate": "Gửi thư ngay khi có thông báo"}


class NotificationPreference(db.Model):
    """How one person wants notifications by e-mail (no row: the default, the daily digest)."""

    __audit__ = False

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    email_mode: Mapped[str] = mapped_column(String(20), default="digest")


class OutgoingEmail(db.Model):
    """An e-mail waiting to be sent (the outbox): written in the request's transaction, sent after
    it commits by a worker thread or the scheduler, retried with growing delays when it fails.
    `key` is unique (one per notification, one digest per person and day): never sent twice."""

    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    notification_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User")


class ScheduledRun(db.Model):
    """One run of a daily job. (job, day) is unique: the row is the lock, so however many
    processes run the scheduler, one of them sends the day's reminders and digests."""

    __audit__ = False
    __table_args__ = (UniqueConstraint("job", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    day: Mapped[date]
    started_at: Mapped[datetime] = mapped_column(default=now_utc)
    finished_at: Mapped[datetime | None]
    reminders: Mapped[int] = mapped_column(default=0)
    digests: Mapped[int] = mapped_column(default=0)
    emails: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
