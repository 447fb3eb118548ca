"""Findings (tồn tại, hạn chế) from any source, and the remedies that close them.

Sources are decoupled: a finding names its source kind and the id of the record that raised
it (a round review, a sample check, an ad-hoc inspection); `round_id` is kept for the per-round
figure. The findings area owns the lists, the remedies workflow and the figures.
"""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
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


class Remedy(db.Model):
    """Biện pháp khắc phục: one action with an owner and a deadline."""

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    deadline: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="todo", index=True)
    done_on: Mapped[date | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    finding: Mapped[Finding] = relationship(back_populates="remedies")
    owner = relationship("User", foreign_keys=[owner_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Biện pháp khắc phục #{self.id} (tồn tại #{self.finding_id})"
