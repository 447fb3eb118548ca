"""Rounds (đợt kiểm tra), the self-assessment reports in them, the team's reviews and the
clarification threads. A report snapshots who was in charge of its criterion when the round
opened, so later re-assignments never rewrite history."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, ForeignKey, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy import and_
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import now_utc

KINDS = {"6thang": "Kiểm tra 6 tháng", "cuoinam": "Kiểm tra cuối năm", "khac": "Khác"}
STATES = {"draft": "Dự thảo", "open": "Đang nhận báo cáo", "review": "Đang thẩm định", "closed": "Đã kết thúc"}
REPORT_STATUSES = {
    "done": "Đã hoàn thành",
    "doing": "Đang thực hiện",
    "todo": "Chưa thực hiện",
    "na": "Không phát sinh",
}
# The report's place in the workflow (separate from the work status the author reports).
REPORT_STATES = {"draft": "Đang soạn", "submitted": "Đã gửi", "clarify": "Cần giải trình",
                 "not_submitted": "Không gửi báo cáo"}
# The comment a "Không gửi báo cáo" decision carries in its review (rated Chưa đạt).
NOT_SUBMITTED_LABEL = "Không gửi báo cáo"
RATINGS = {"dat": "Đạt", "mot_phan": "Đạt một phần", "chua_dat": "Chưa đạt"}

round_member = Table(
    "round_member",
    db.metadata,
    Column("round_id", ForeignKey("round.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)

report_evidence = Table(
    "report_evidence",
    db.metadata,
    Column("report_id", ForeignKey("report.id", ondelete="CASCADE"), primary_key=True),
    Column("stored_file_id", ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Round(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("catalogue.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="6thang")
    period_from: Mapped[date | None]
    period_to: Mapped[date | None]
    start_on: Mapped[date]
    end_on: Mapped[date]
    report_deadline: Mapped[date]
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="SET NULL"))
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    version: Mapped[int] = mapped_column(default=1)

    catalogue = relationship("Catalogue")
    leader = relationship("User", foreign_keys=[leader_id])
    members = relationship("User", secondary=round_member, order_by="User.full_name")
    previous = relationship("Round", remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return self.name

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def team_ids(self) -> set[int]:
        ids = {m.id for m in self.members}
        if self.leader_id:
            ids.add(self.leader_id)
        return ids


class Report(db.Model):
    """Báo cáo tự kiểm tra: one criterion in one round, by the person in charge."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    status: Mapped[str] = mapped_column(String(20), default="")
    done_text: Mapped[str] = mapped_column(Text, default="")
    indicator_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    self_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    self_justification: Mapped[str] = mapped_column(Text, default="", server_default="")  # giải trình điểm tự chấm
    submitted_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(default=False)
    # The secretariat let this report in after the round moved to review (a named exception).
    late_allowed_at: Mapped[datetime | None]
    late_allowed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    round: Mapped[Round] = relationship()
    criterion = relationship("Criterion")
    author = relationship("User", foreign_keys=[author_id])
    late_allowed_by = relationship("User", foreign_keys=[late_allowed_by_id])
    unit = relationship("Unit")
    files = relationship("StoredFile", secondary=report_evidence, order_by="StoredFile.id")
    documents: Mapped[list["ReportDocument"]] = relationship(
        back_populates="report", order_by="ReportDocument.id", cascade="all, delete-orphan")
    messages: Mapped[list["ClarificationMessage"]] = relationship(
        back_populates="report", order_by="ClarificationMessage.id", cascade="all, delete-orphan")
    comments: Mapped[list["ReportComment"]] = relationship(
        back_populates="report", order_by="ReportComment.id", cascade="all, delete-orphan")
    review: Mapped["Review | None"] = relationship(back_populates="report", uselist=False,
                                                   cascade="all, delete-orphan")
    # The criterion as this round judged it (frozen when the round opened), when there is one.
    frozen: Mapped["RoundCriterion | None"] = relationship(
        primaryjoin=lambda: and_(foreign(RoundCriterion.round_id) == Report.round_id,
                                 foreign(RoundCriterion.criterion_id) == Report.criterion_id),
        viewonly=True, uselist=False)
    versions: Mapped[list["ReportVersion"]] = relationship(
        back_populates="report", order_by="ReportVersion.number", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("round_id", "criterion_id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Báo cáo nội dung #{self.criterion_id} (đợt #{self.round_id})"

    @property
    def status_label(self):
        return REPORT_STATUSES.get(self.status, "Chưa chọn")

    @property
    def state_label(self):
        return REPORT_STATES.get(self.state, self.state)

    @property
    def item(self):
        """What the report answers for, as shown and printed: the round's frozen copy of the
        criterion once the round has opened, else the live catalogue row."""
        return self.frozen or self.criterion


@dataclass(frozen=True)
class FrozenArea:
    id: int | None
    code: str
    name: str
    position: int

    @property
    def label(self):
        return f"{self.code}. {self.name}"


class RoundCriterion(db.Model):
    """A criterion as a round judged it, copied when the round opens, so later catalogue imports
    and edits never change an opened round's pages, figures or documents. Read through
    Report.item, which has the same names as Criterion (code, text, area.code/name/label, …).

    The scoring columns (maximum, rule, indicator unit and target) are frozen too: a round's
    scores never move when the office edits the catalogue's points."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("criterion.id", ondelete="SET NULL"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    area_code: Mapped[str] = mapped_column(String(20))
    area_name: Mapped[str] = mapped_column(String(300))
    area_position: Mapped[int] = mapped_column(default=0)
    # The levels between the area and the criterion as they read then: its group, its parents.
    level_path: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    indicator_unit: Mapped[str] = mapped_column(String(30), default="", server_default="")
    indicator_target: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    max_points: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    scoring_rule: Mapped[str] = mapped_column(String(20), default="", server_default="")
    partial_ratio: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    thresholds: Mapped[str] = mapped_column(String(300), default="", server_default="")

    criterion = relationship("Criterion")

    __table_args__ = (UniqueConstraint("round_id", "criterion_id"),)

    @classmethod
    def copy_of(cls, round_id: int, criterion) -> "RoundCriterion":
        area = criterion.area
        return cls(round_id=round_id, criterion_id=criterion.id, code=criterion.code, text=criterion.text,
                   area_id=area.id, area_code=area.code, area_name=area.name, area_position=area.position,
                   level_path=list(criterion.level_path), position=criterion.position,
                   indicator_unit=criterion.indicator_unit or "", indicator_target=criterion.indicator_target,
                   max_points=criterion.max_points, scoring_rule=criterion.scoring_rule or "",
                   partial_ratio=criterion.partial_ratio, thresholds=criterion.thresholds or "")

    @property
    def area(self) -> FrozenArea:
        return FrozenArea(self.area_id, self.area_code, self.area_name, self.area_position)

    @property
    def level_label(self) -> str:
        return " › ".join(self.level_path or [])

    @property
    def is_indicator(self) -> bool:
        return bool(self.indicator_unit) or self.indicator_target is not None


class ReportVersion(db.Model):
    """What the author sent, frozen at each submission (the first, and each one after a
    clarification or a withdrawal), so the team sees every version and what changed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    submitted_at: Mapped[datetime]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="")
    done_text: Mapped[str] = mapped_column(Text, default="")
    indicator_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    self_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    # [{"id": stored_file.id, "name": original name}] and [{"number", "issued_on", "summary"}]
    files: Mapped[list] = mapped_column(JSON, default=list)
    documents: Mapped[list] = mapped_column(JSON, default=list)

    report: Mapped[Report] = relationship(back_populates="versions")
    submitted_by = relationship("User")

    __table_args__ = (UniqueConstraint("report_id", "number"),)

    @property
    def status_label(self):
        return REPORT_STATUSES.get(self.status, "Chưa chọn")


class ReportDocument(db.Model):
    """A document cited as evidence (số ký hiệu, ngày ban hành, trích yếu)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date | None]
    summary: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[Report] = relationship(back_populates="documents")

    @property
    def audit_label(self):
        return f"Văn bản {self.number}"


class Review(db.Model):
    """The team's verdict on one report (nhận xét, đánh giá, điểm thẩm định)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), unique=True)
    rating: Mapped[str] = mapped_column(String(20), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    appraised_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    appraisal_reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # where it differs
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    report: Mapped[Report] = relationship(back_populates="review")
    reviewer = relationship("User")

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Đánh giá báo cáo #{self.report_id}"

    @property
    def rating_label(self):
        return RATINGS.get(self.rating, "")


class ClarificationMessage(db.Model):
    """One message of a report's clarification thread (yêu cầu giải trình / trả lời)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), default="request")  # request | answer
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    report: Mapped[Report] = relationship(back_populates="messages")
    author = relationship("User")

    @property
    def audit_label(self):
        return f"Giải trình báo cáo #{self.report_id}"


class ReportComment(db.Model):
    """A working note on a report by its author or a coordinator (ý kiến phối hợp): what the
    coordinating people add while the lead writes; the lead alone submits."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    report: Mapped[Report] = relationship(back_populates="comments")
    author = relationship("User")

    @property
    def audit_label(self):
        return f"Ý kiến về báo cáo #{self.report_id}"


class Evaluation(db.Model):
    """The team's written evaluation of one area or one person in charge, for a round."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __table_args__ = (UniqueConstraint("round_id", "area_id", "person_id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Nhận xét đợt #{self.round_id}"
