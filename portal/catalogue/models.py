from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.text import search_key


class Catalogue(db.Model):
    """A year's set of inspection criteria (Bộ nội dung kiểm tra)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text, default="")

    areas: Mapped[list["Area"]] = relationship(
        back_populates="catalogue", order_by="Area.position", cascade="all, delete-orphan"
    )
    adhoc_subjects: Mapped[list["AdhocSubject"]] = relationship(
        order_by="AdhocSubject.position", cascade="all, delete-orphan"
    )

    @property
    def audit_label(self):
        return f"Bộ nội dung năm {self.year}"


class Area(db.Model):
    """Lĩnh vực (1.1 … 1.7)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("catalogue.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    catalogue: Mapped[Catalogue] = relationship(back_populates="areas")
    groups: Mapped[list["AreaGroup"]] = relationship(
        back_populates="area", order_by="AreaGroup.position", cascade="all, delete-orphan"
    )
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="area", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("catalogue_id", "code"),)

    @property
    def audit_label(self):
        return f"{self.code}. {self.name}"

    @property
    def label(self):
        return f"{self.code}. {self.name}"


class AreaGroup(db.Model):
    """An optional group inside an area (1.6's three groups; 1.7 a. and b.)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    area: Mapped[Area] = relationship(back_populates="groups")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="group", order_by="Criterion.position"
    )

    @property
    def audit_label(self):
        return f"{self.code}. {self.name}"


class Criterion(db.Model):
    """Nội dung kiểm tra: one bullet of the plan's section III."""

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("catalogue.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("area_group.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    # An indicator is a criterion measured by a figure (a rate, a count) against a target.
    indicator_unit: Mapped[str] = mapped_column(String(30), default="")
    indicator_target: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    max_points: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    position: Mapped[int] = mapped_column(default=0)
    search_text: Mapped[str] = mapped_column(Text, default="", info={"audit": False})

    area: Mapped[Area] = relationship(back_populates="criteria")
    group: Mapped[AreaGroup | None] = relationship(back_populates="criteria")

    __table_args__ = (UniqueConstraint("catalogue_id", "code"),)

    @property
    def is_indicator(self) -> bool:
        return bool(self.indicator_unit) or self.indicator_target is not None

    @property
    def audit_label(self):
        return f"Nội dung {self.code}"

    def refresh_search_text(self) -> None:
        self.search_text = search_key(f"{self.code} {self.text}")


class AdhocSubject(db.Model):
    """A subject of ad-hoc inspection listed by the year's plan (section III.2)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("catalogue.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
