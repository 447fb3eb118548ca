"""Year-end ranking (xếp loại cuối năm): the secretariat's weights and thresholds, and the
team's decision per person and per unit."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

# The four levels of civil servants' annual rating (Nghị định 90/2020/NĐ-CP), best first.
LEVELS = {"xuat_sac": "Hoàn thành xuất sắc nhiệm vụ", "tot": "Hoàn thành tốt nhiệm vụ",
          "hoan_thanh": "Hoàn thành nhiệm vụ", "khong": "Không hoàn thành nhiệm vụ"}
SUBJECTS = {"person": "Cá nhân", "unit": "Đơn vị"}


class RankingSetup(db.Model):
    """One per year: how the year's rounds combine and where the levels start."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    # A coordinator's criteria count with this weight beside the lead's 1.
    coordinator_weight: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("0.5"))
    excellent_from: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(90))
    good_from: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(70))
    done_from: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(50))
    version: Mapped[int] = mapped_column(default=1)

    weights: Mapped[list["RankingRoundWeight"]] = relationship(cascade="all, delete-orphan",
                                                               order_by="RankingRoundWeight.round_id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Cách xếp loại năm {self.year}"


class RankingRoundWeight(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    setup_id: Mapped[int] = mapped_column(ForeignKey("ranking_setup.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(1))

    __table_args__ = (UniqueConstraint("setup_id", "round_id"),)


class RankingDecision(db.Model):
    """The team confirms the proposed level, or sets another with a reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    subject: Mapped[str] = mapped_column(String(10))  # person | unit
    subject_id: Mapped[int]
    proposed: Mapped[str] = mapped_column(String(20), default="")  # the level proposed when decided
    level: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    decided_by = relationship("User")

    __table_args__ = (UniqueConstraint("year", "subject", "subject_id"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self):
        return f"Xếp loại {SUBJECTS.get(self.subject, '')} #{self.subject_id} năm {self.year}"

    @property
    def level_label(self):
        return LEVELS.get(self.level, self.level)
