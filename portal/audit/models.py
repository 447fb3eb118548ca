from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import now_utc


class ChangeLog(db.Model):
    """Who changed what, and when. Written by portal.audit.recorder for every audited model."""

    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))  # create / update / delete / or a verb
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(String(300), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    # Accent-free words of the entry (kind, action, record name, labels, values) for the text filter.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    user = relationship("User", lazy="joined")

    __table_args__ = (Index("ix_change_log_object", "object_type", "object_id"),)
