from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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

    user = relationship("User")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def audit_label(self) -> str:
        return self.title
