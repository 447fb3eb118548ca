"""The leader's sign-off of a round's summary report (phê duyệt, ý kiến chỉ đạo)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import now_utc


class SignOff(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    directive: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(default=now_utc)
    pdf_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))

    round = relationship("Round")
    leader = relationship("User")
    pdf_file = relationship("StoredFile")

    @property
    def audit_label(self):
        return f"Phê duyệt báo cáo đợt #{self.round_id}"
