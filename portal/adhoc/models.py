"""The ad-hoc inspection log (sổ theo dõi kiểm tra đột xuất), seed 003 section III.2."""
from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.text import fold
from portal.timeutil import now_utc

from .times import time_span

SUBJECT_KINDS = {
    "discipline": "Kỷ luật, kỷ cương hành chính",
    "complaint": "Phản ánh, kiến nghị của người dân, tổ chức",
    "other": "Khác",
}


class AdhocEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    inspected_on: Mapped[date] = mapped_column(index=True)
    # When the check began and ended that day (the minutes' "vào hồi …"); either may be unknown.
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    subject_kind: Mapped[str] = mapped_column(String(20), index=True)
    subject: Mapped[str] = mapped_column(Text, default="")  # wording, suggested by the catalogue
    trigger_ref: Mapped[str] = mapped_column(String(300), default="")  # complaint's number / date
    trigger_by: Mapped[str] = mapped_column(String(300), default="")  # who raised it
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    inspected_other: Mapped[str] = mapped_column(String(300), default="")  # a person or body not listed
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    content: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    violations: Mapped[str] = mapped_column(Text, default="")
    handling: Mapped[str] = mapped_column(Text, default="")
    unit_representative: Mapped[str] = mapped_column(String(200), default="")  # signs the minutes
    search_text: Mapped[str] = mapped_column(Text, default="", info={"audit": False})
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    version: Mapped[int] = mapped_column(default=1)
    # Set by a phone that wrote the entry offline: the same entry sent twice is stored once.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True, info={"audit": False})

    unit = relationship("Unit")
    person = relationship("User", foreign_keys=[person_id])
    lead = relationship("User", foreign_keys=[lead_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    members = relationship("User", secondary="adhoc_team_member", order_by="User.full_name")
    files = relationship("StoredFile", secondary="adhoc_entry_file", order_by="StoredFile.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Kiểm tra đột xuất #{self.id}"

    @property
    def subject_label(self) -> str:
        return SUBJECT_KINDS.get(self.subject_kind, self.subject_kind)

    @property
    def time_label(self) -> str:
        """"08:30 – 10:15" (see times.time_span); "" when neither time was recorded."""
        return time_span(self.start_time, self.end_time)

    @property
    def inspected_label(self) -> str:
        parts = [p for p in (self.unit.name if self.unit else "",
                             self.person.full_name if self.person else "", self.inspected_other) if p]
        return "; ".join(parts)

    def refresh_search_text(self) -> None:
        self.search_text = fold(" ".join([
            self.subject, self.trigger_ref, self.trigger_by, self.inspected_label, self.content,
            self.result, self.violations, self.handling]))


class AdhocTeamMember(db.Model):
    entry_id: Mapped[int] = mapped_column(ForeignKey("adhoc_entry.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)

    @property
    def audit_label(self):
        return f"Thành viên đoàn kiểm tra đột xuất #{self.entry_id}"


class AdhocEntryFile(db.Model):
    """Minutes and other files attached to an entry."""

    entry_id: Mapped[int] = mapped_column(ForeignKey("adhoc_entry.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True)

    @property
    def audit_label(self):
        return f"Biên bản, tệp của kiểm tra đột xuất #{self.entry_id}"
