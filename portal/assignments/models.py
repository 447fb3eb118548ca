"""Assignments: one per criterion (lead unit and person, coordinators, product, time frame),
and the history of who was in charge of what, and when."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import now_utc

ROLES = {"lead": "Chủ trì", "coordinator": "Phối hợp"}


class Assignment(db.Model):
    """Phân công phụ trách một nội dung kiểm tra. A row with no lead means "chưa phân công"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), unique=True)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    lead_person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    product: Mapped[str] = mapped_column(Text, default="")
    # Thời gian as the plan writes it ("Thường xuyên", "Trước 30/6/2026"); due_date when it names one.
    timeframe: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc, info={"audit": False})
    version: Mapped[int] = mapped_column(default=1)

    criterion = relationship(
        "Criterion",
        backref=backref("assignment", uselist=False, passive_deletes=True, cascade="all, delete-orphan"),
    )
    lead_unit = relationship("Unit")
    lead_person = relationship("User")
    coordinators: Mapped[list["AssignmentCoordinator"]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="AssignmentCoordinator.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Phân công nội dung {self.criterion.code}" if self.criterion else "Phân công"

    @property
    def is_assigned(self) -> bool:
        return self.lead_person_id is not None or self.lead_unit_id is not None

    @property
    def coordinator_units(self):
        return [c.unit for c in self.coordinators if c.unit is not None]

    @property
    def coordinator_persons(self):
        return [c.person for c in self.coordinators if c.person is not None]

    @property
    def coordinators_text(self) -> str:
        """Phối hợp as one cell: units first, then persons, separated by "; "."""
        return "; ".join([u.name for u in self.coordinator_units]
                         + [p.full_name for p in self.coordinator_persons])


class AssignmentCoordinator(db.Model):
    """A coordinating unit or person (phối hợp): exactly one of unit_id, person_id is set."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)

    assignment: Mapped[Assignment] = relationship(back_populates="coordinators")
    unit = relationship("Unit")
    person = relationship("User")

    @property
    def audit_label(self):
        who = self.unit.name if self.unit else (self.person.full_name if self.person else "")
        return f"Phối hợp: {who}"


class AssignmentHistory(db.Model):
    """Who was in charge of a criterion, in which role, from when to when (open while to_date is None)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300), default="")
    end_reason: Mapped[str] = mapped_column(String(300), default="")

    criterion = relationship("Criterion")
    person = relationship("User")

    @property
    def audit_label(self):
        return f"Lịch sử phụ trách nội dung {self.criterion.code}" if self.criterion else "Lịch sử phụ trách"

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)
