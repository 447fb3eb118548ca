"""Stored files (evidence, minutes, attachments). Owned by no single area: a report, a remedy
update or an ad-hoc entry links to StoredFile rows through its own link table, so one file can be
reused (e.g. in the next round) without being uploaded again."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import now_utc


class StoredFile(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    original_name: Mapped[str] = mapped_column(String(255))  # NFC, shown and sent back as is
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # generated, never user input
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=now_utc)

    uploaded_by = relationship("User")

    @property
    def audit_label(self):
        return self.original_name
