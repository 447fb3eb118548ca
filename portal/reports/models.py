"""The leader's sign-off of a round's summary report (phê duyệt, ý kiến chỉ đạo), the year's plan and
team decision as records, the minutes as they happened, and good practices (điển hình)."""
from datetime import date, datetime, time

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
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
    # The number given at sign-off and the Word twin of the approved document (both kept unchanged).
    number: Mapped[str] = mapped_column(String(40), default="")
    docx_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))

    round = relationship("Round")
    leader = relationship("User")
    pdf_file = relationship("StoredFile", foreign_keys=[pdf_file_id])
    docx_file = relationship("StoredFile", foreign_keys=[docx_file_id])

    @property
    def audit_label(self):
        return f"Phê duyệt báo cáo đợt #{self.round_id}"


class YearRecords(db.Model):
    """The two documents every paper of the year cites: the inspection plan (Kế hoạch kiểm tra
    CCHC, …/KH-UBND) and the decision forming the inspection team (…/QĐ-UBND)."""

    __tablename__ = "year_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    plan_number: Mapped[str] = mapped_column(String(40), default="")
    plan_date: Mapped[date | None]
    plan_signer: Mapped[str] = mapped_column(String(120), default="")
    plan_signer_title: Mapped[str] = mapped_column(String(120), default="")
    plan_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    decision_number: Mapped[str] = mapped_column(String(40), default="")
    decision_date: Mapped[date | None]
    decision_signer: Mapped[str] = mapped_column(String(120), default="")
    decision_signer_title: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(default=1)

    roles: Mapped[list["TeamRole"]] = relationship(back_populates="records", cascade="all, delete-orphan",
                                                   order_by="TeamRole.position")

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Kế hoạch và Quyết định thành lập Đoàn kiểm tra năm {self.year}"


class TeamRole(db.Model):
    """A member of the inspection team as the decision names them (Trưởng đoàn, Phó Trưởng đoàn,
    Thành viên, Thư ký)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    records_id: Mapped[int] = mapped_column(ForeignKey("year_records.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(60), default="Thành viên")
    position: Mapped[int] = mapped_column(default=0)

    records: Mapped[YearRecords] = relationship(back_populates="roles")
    user = relationship("User")


class MinutesRecord(db.Model):
    """What happened at one unit during a round, entered by the team: when, where, who attended
    on each side, who signs for the unit, the unit's opinion. The minutes print from it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(40), default="")
    held_on: Mapped[date | None]
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    place: Mapped[str] = mapped_column(String(300), default="")
    team_ids: Mapped[list] = mapped_column(JSON, default=list)
    unit_ids: Mapped[list] = mapped_column(JSON, default=list)
    unit_signer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    opinion: Mapped[str] = mapped_column(Text, default="")
    copies: Mapped[int] = mapped_column(default=2)
    updated_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    unit = relationship("Unit")
    unit_signer = relationship("User")

    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Biên bản kiểm tra đơn vị #{self.unit_id} (đợt #{self.round_id})"


class GoodPractice(db.Model):
    """A report the team marks as a good practice (điển hình, seed 003 §I.1), with its note."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=now_utc)

    report = relationship("Report")

    @property
    def audit_label(self):
        return f"Điển hình: báo cáo #{self.report_id}"
