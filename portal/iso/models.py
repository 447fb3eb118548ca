"""Procedure registry (quy trình ISO / quy trình nội bộ), holidays, and sample checks.

A procedure's content lives in versions: issuing a new version adds a ProcedureVersion row and
never rewrites an old one, so a dossier checked against version 01 keeps its steps after
version 02 is issued.
"""
import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import now_utc

KINDS = {
    "tthc": "Quy trình ISO giải quyết thủ tục hành chính",
    "noi_bo": "Quy trình nội bộ (không gắn với thủ tục hành chính)",
}
RESULTS = {"dung": "Đúng", "khong_dung": "Không đúng", "khong_ap_dung": "Không áp dụng"}
CHECK_STATUSES = {"draft": "Đang nhập danh sách hồ sơ", "drawn": "Đã rút mẫu, đang kiểm tra",
                  "completed": "Đã hoàn thành"}


class Holiday(db.Model):
    """A public holiday (ngày nghỉ lễ, Tết) on a weekday or weekend; entered per year."""

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Ngày nghỉ {self.date:%d/%m/%Y} ({self.name})"


class Procedure(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="tthc")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    search_text: Mapped[str] = mapped_column(String(400), default="", info={"audit": False})
    version: Mapped[int] = mapped_column(default=1)

    unit = relationship("Unit")
    versions: Mapped[list["ProcedureVersion"]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan",
        order_by=lambda: [ProcedureVersion.effective_date.desc(), ProcedureVersion.id.desc()],
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Quy trình {self.code}"

    @property
    def current(self) -> "ProcedureVersion | None":
        """The version in force today (latest effective date not in the future), else the first."""
        from portal.timeutil import today

        now = today()
        for v in self.versions:
            if v.effective_date <= now:
                return v
        return self.versions[-1] if self.versions else None

    def version_on(self, day: dt.date) -> "ProcedureVersion | None":
        for v in self.versions:
            if v.effective_date <= day:
                return v
        return self.versions[-1] if self.versions else None

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)


class ProcedureVersion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))  # "01", "02"… as printed on the procedure
    effective_date: Mapped[dt.date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)

    procedure: Mapped[Procedure] = relationship(back_populates="versions")
    steps: Mapped[list["ProcedureStep"]] = relationship(
        back_populates="proc_version", cascade="all, delete-orphan", order_by="ProcedureStep.position")
    forms: Mapped[list["ProcedureForm"]] = relationship(
        cascade="all, delete-orphan", order_by="ProcedureForm.position")

    __table_args__ = (UniqueConstraint("procedure_id", "number"),)

    @property
    def audit_label(self):
        return f"Quy trình {self.procedure.code if self.procedure else ''} phiên bản {self.number}"

    @property
    def total_days(self) -> int:
        return sum(s.days_limit for s in self.steps)


class ProcedureStep(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(200), default="")
    days_limit: Mapped[int] = mapped_column(default=0)  # working days

    proc_version: Mapped[ProcedureVersion] = relationship(back_populates="steps")

    @property
    def audit_label(self):
        return f"Bước {self.position}"


class ProcedureForm(db.Model):
    """A form (biểu mẫu) the version uses."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))

    @property
    def audit_label(self):
        return f"Biểu mẫu {self.code}"


class SampleCheckProcedure(db.Model):
    __audit__ = False  # recorded through the check's own log events

    check_id: Mapped[int] = mapped_column(ForeignKey("sample_check.id", ondelete="CASCADE"), primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id", ondelete="CASCADE"), primary_key=True)


class SampleCheck(db.Model):
    """Bóc mẫu hồ sơ: a list of dossiers handled in a period, a random sample, step checks."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(index=True)
    round_id: Mapped[int | None] = mapped_column(index=True)  # optional link to an inspection round
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    sample_size: Mapped[int]
    seed: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    drawn_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=now_utc)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    completed_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1)

    procedures: Mapped[list[Procedure]] = relationship(
        secondary="sample_check_procedure", order_by="Procedure.code")
    dossiers: Mapped[list["Dossier"]] = relationship(
        back_populates="check", cascade="all, delete-orphan", order_by="Dossier.code")
    created_by = relationship("User", foreign_keys=[created_by_id])
    completed_by = relationship("User", foreign_keys=[completed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Bóc mẫu hồ sơ #{self.id}"

    @property
    def status_label(self):
        return CHECK_STATUSES.get(self.status, self.status)

    @property
    def sampled(self) -> list["Dossier"]:
        return sorted((d for d in self.dossiers if d.sample_order), key=lambda d: d.sample_order)


class Dossier(db.Model):
    """A dossier (hồ sơ) handled under a procedure during the check's period."""

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("sample_check.id", ondelete="CASCADE"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    received_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    returned_on: Mapped[dt.date | None]
    handler_name: Mapped[str] = mapped_column(String(120), default="")
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    sample_order: Mapped[int | None]  # 1…n when drawn into the sample

    check: Mapped[SampleCheck] = relationship(back_populates="dossiers")
    procedure: Mapped[Procedure] = relationship()
    proc_version: Mapped[ProcedureVersion] = relationship()
    handler = relationship("User")
    step_checks: Mapped[list["StepCheck"]] = relationship(back_populates="dossier", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("check_id", "code"),)

    @property
    def audit_label(self):
        return f"Hồ sơ {self.code} (bóc mẫu #{self.check_id})"

    def result_for(self, step_id: int) -> "StepCheck | None":
        return next((s for s in self.step_checks if s.step_id == step_id), None)


class StepCheck(db.Model):
    """The checker's verdict on one step of one sampled dossier."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("procedure_step.id"), index=True)
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    checked_at: Mapped[dt.datetime] = mapped_column(default=now_utc)

    dossier: Mapped[Dossier] = relationship(back_populates="step_checks")
    step: Mapped[ProcedureStep] = relationship()
    checked_by = relationship("User")

    __table_args__ = (UniqueConstraint("dossier_id", "step_id"),)

    @property
    def audit_label(self):
        return f"Kiểm tra bước {self.step.position if self.step else ''} hồ sơ {self.dossier.code if self.dossier else ''}"

    @property
    def result_label(self):
        return RESULTS.get(self.result, self.result)
