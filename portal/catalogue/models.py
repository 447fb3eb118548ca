from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.text import search_key


# A ward may hold, for one year, its own inspection plan and the province's scoring criteria.
CATALOGUE_KINDS = {"inspection": "Kế hoạch kiểm tra CCHC", "index": "Bộ tiêu chí Chỉ số CCHC"}
DEFAULT_KIND = "inspection"


class Catalogue(db.Model):
    """A year's set of inspection criteria (Bộ nội dung kiểm tra) or scoring criteria."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20), default=DEFAULT_KIND, server_default=DEFAULT_KIND)
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text, default="")
    # Optimistic lock for edits in the portal (two clerks editing the same catalogue).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __table_args__ = (UniqueConstraint("year", "kind"),)
    __mapper_args__ = {"version_id_col": version}

    areas: Mapped[list["Area"]] = relationship(
        back_populates="catalogue", order_by="Area.position", cascade="all, delete-orphan"
    )
    adhoc_subjects: Mapped[list["AdhocSubject"]] = relationship(
        order_by="AdhocSubject.position", cascade="all, delete-orphan"
    )

    @property
    def audit_label(self):
        return f"Bộ nội dung năm {self.year}" + ("" if self.kind == DEFAULT_KIND else f" ({self.kind_label})")

    @property
    def kind_label(self):
        return CATALOGUE_KINDS.get(self.kind, self.kind)

    @property
    def label(self):
        return f"{self.kind_label} năm {self.year}"

    @property
    def url_args(self) -> dict:
        """Query arguments that pick this catalogue on list pages (?nam=2026[&bo=index])."""
        return {"nam": self.year} if self.kind == DEFAULT_KIND else {"nam": self.year, "bo": self.kind}

    def args(self, **extra) -> dict:
        """url_args with more arguments (Jinja allows one ** per call)."""
        return {**self.url_args, **extra}


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


def group_label(code: str, name: str) -> str:
    """"a) Công tác chỉ đạo…" for lettered groups (Lào Cai's plan), "1.6.1. …" otherwise."""
    last = code.rsplit(".", 1)[-1]
    if last.isalpha() and len(last) <= 2:
        return f"{last}) {name}"
    return f"{code}. {name}"


class AreaGroup(db.Model):
    """An optional group inside an area (1.6's three groups; 1.7 a. and b.)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    area: Mapped[Area] = relationship(back_populates="groups")

    @property
    def label(self):
        return group_label(self.code, self.name)
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
    # Tiêu chí thành phần: a criterion may sit under another, to any depth the file gives.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    # An indicator is a criterion measured by a figure (a rate, a count) against a target.
    indicator_unit: Mapped[str] = mapped_column(String(30), default="")
    indicator_target: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    max_points: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    # How points follow from a rating or the indicator value (portal.scoring.rules).
    scoring_rule: Mapped[str] = mapped_column(String(20), default="", server_default="")
    partial_ratio: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    thresholds: Mapped[str] = mapped_column(String(300), default="", server_default="")
    position: Mapped[int] = mapped_column(default=0)
    search_text: Mapped[str] = mapped_column(Text, default="", info={"audit": False})

    area: Mapped[Area] = relationship(back_populates="criteria")
    group: Mapped[AreaGroup | None] = relationship(back_populates="criteria")
    parent: Mapped["Criterion | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Criterion"]] = relationship(back_populates="parent", order_by="Criterion.position")

    __table_args__ = (UniqueConstraint("catalogue_id", "code"),)

    @property
    def is_indicator(self) -> bool:
        return bool(self.indicator_unit) or self.indicator_target is not None

    @property
    def audit_label(self):
        return f"Nội dung {self.code}"

    @property
    def level_path(self) -> list[str]:
        """The levels between the area and this criterion: its group, then its parent criteria
        ("a) Công tác chỉ đạo…" in Lào Cai's plan). Shown wherever a criterion is listed."""
        path = []
        node = self.parent
        while node is not None and len(path) < 20:
            path.append(f"{node.code}. {node.text}")
            node = node.parent
        path.reverse()
        if self.group is not None:
            path.insert(0, self.group.label)
        return path

    @property
    def level_label(self) -> str:
        return " › ".join(self.level_path)

    @property
    def depth(self) -> int:
        depth, node = 0, self.parent
        while node is not None and depth < 20:
            depth, node = depth + 1, node.parent
        return depth

    def refresh_search_text(self) -> None:
        self.search_text = search_key(f"{self.code} {self.text}")


class AdhocSubject(db.Model):
    """A subject of ad-hoc inspection listed by the year's plan (section III.2)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("catalogue.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
