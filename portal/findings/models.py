"""Findings (tồn tại, hạn chế) from any source, and the remedies that close them.

Sources are decoupled: a finding names its source kind and the id of the record that raised
it (a round review, a sample check, an ad-hoc inspection); `round_id` is kept for the per-round
figure. The findings area owns the lists, the remedies workflow and the figures.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import now_utc

SOURCES = {
    "round": "Kiểm tra định kỳ (đợt kiểm tra)",
    "iso": "Bóc mẫu hồ sơ ISO",
    "adhoc": "Kiểm tra đột xuất",
    "higher": "Cấp trên chỉ ra",
}
CAUSES = {"chu_quan": "Chủ quan", "khach_quan": "Khách quan"}
REMEDY_STATUSES = {
    "todo": "Chưa thực hiện",
    "doing": "Đang thực hiện",
    "done": "Đã khắc phục",
    "escalated": "Kiến nghị cấp có thẩm quyền xử lý",
}


class Finding(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20), index=True)
    source_id: Mapped[int | None] = mapped_column(index=True)
    source_ref: Mapped[str] = mapped_column(String(300), default="")  # e.g. the higher body's document
    round_id: Mapped[int | None] = mapped_column(index=True)
    year: Mapped[int] = mapped_column(index=True)
    found_on: Mapped[date]
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"), index=True)
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("criterion.id", ondelete="SET NULL"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(String(20), default="chu_quan")
    cause_detail: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    closed_at: Mapped[datetime | None]
    # Folded description, unit, person and source document for accent-insensitive search.
    search_text: Mapped[str] = mapped_column(Text, default="", info={"audit": False})
    version: Mapped[int] = mapped_column(default=1)

    area = relationship("Area")
    criterion = relationship("Criterion")
    unit = relationship("Unit")
    person = relationship("User", foreign_keys=[person_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    remedies: Mapped[list["Remedy"]] = relationship(
        back_populates="finding", order_by="Remedy.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Tồn tại #{self.id}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Remedy(db.Model):
    """Biện pháp khắc phục: one action with an owner and a deadline.

    The owner is a person (owner_id) or a unit (owner_unit_id), never both: a finding about an
    office is often the office's to remedy. Who answers for a unit's remedy: see owners.py."""

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    deadline: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="todo", index=True)
    done_on: Mapped[date | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    finding: Mapped[Finding] = relationship(back_populates="remedies")
    owner = relationship("User", foreign_keys=[owner_id])
    owner_unit = relationship("Unit")
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("(owner_id IS NULL) <> (owner_unit_id IS NULL)", name="one_owner"),)

    @property
    def audit_label(self):
        return f"Biện pháp khắc phục #{self.id} (tồn tại #{self.finding_id})"

    @property
    def owner_name(self) -> str:
        """The person's name, or the unit's: what lists, documents and exports print."""
        if self.owner_unit_id is not None:
            return self.owner_unit.name if self.owner_unit else ""
        return self.owner.full_name if self.owner else ""

    @property
    def is_settled(self) -> bool:
        """Confirmed done by the team, or escalated to the competent authority."""
        return self.status == "escalated" or (self.status == "done" and self.confirmed_at is not None)

    def is_overdue(self, on: date) -> bool:
        """Past its deadline and not yet done (a done report awaiting confirmation is not late)."""
        return self.deadline < on and self.status in ("todo", "doing")


# Progress reports with evidence, and re-inspections (added by the findings area).


class RemedyUpdate(db.Model):
    """A progress report by the remedy's owner (text, the status it reports, evidence files)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    remedy_id: Mapped[int] = mapped_column(ForeignKey("remedy.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(default=now_utc)

    remedy: Mapped[Remedy] = relationship(back_populates="updates")
    reported_by = relationship("User")
    files = relationship("StoredFile", secondary="remedy_update_file", order_by="StoredFile.id")

    @property
    def audit_label(self):
        return f"Báo cáo tiến độ khắc phục #{self.id} (biện pháp #{self.remedy_id})"


class RemedyUpdateFile(db.Model):
    """Link table: evidence files of a progress report."""

    update_id: Mapped[int] = mapped_column(ForeignKey("remedy_update.id", ondelete="CASCADE"), primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True)

    @property
    def audit_label(self):
        return f"Tệp #{self.file_id} của báo cáo #{self.update_id}"


class ReInspection(db.Model):
    """Tái kiểm tra: the team checks a remedy again and records whether it passed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    remedy_id: Mapped[int] = mapped_column(ForeignKey("remedy.id", ondelete="CASCADE"), index=True)
    inspected_on: Mapped[date]
    result: Mapped[str] = mapped_column(Text)
    passed: Mapped[bool]
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    remedy: Mapped[Remedy] = relationship(back_populates="reinspections")
    by = relationship("User")

    @property
    def audit_label(self):
        return f"Tái kiểm tra #{self.id} (biện pháp #{self.remedy_id})"


Remedy.updates = relationship(RemedyUpdate, back_populates="remedy", order_by=RemedyUpdate.id,
                              cascade="all, delete-orphan")
Remedy.reinspections = relationship(ReInspection, back_populates="remedy", order_by=ReInspection.id,
                                    cascade="all, delete-orphan")
