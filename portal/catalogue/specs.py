"""A catalogue as read from a file (YAML or Excel) or an edit, before it reaches the database:
areas, groups and criteria (sub-criteria to any depth), each with the line it came from."""
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class CriterionSpec:
    code: str
    text: str
    line: int = field(default=0, compare=False)
    indicator_unit: str = ""
    indicator_target: Decimal | None = None
    max_points: Decimal | None = None
    scoring_rule: str = ""               # "" (= rating), rating, proportional, thresholds
    partial_ratio: Decimal | None = None
    thresholds: str = ""                 # "97:2; 90:1"
    children: list["CriterionSpec"] = field(default_factory=list)  # tiêu chí thành phần

    def walk(self, parent=None):
        """This criterion and its sub-criteria, depth first, each with its parent spec."""
        yield self, parent
        for child in self.children:
            yield from child.walk(self)


@dataclass
class GroupSpec:
    code: str
    name: str
    line: int = field(default=0, compare=False)
    criteria: list[CriterionSpec] = field(default_factory=list)


@dataclass
class AreaSpec:
    code: str
    name: str
    line: int = field(default=0, compare=False)
    criteria: list[CriterionSpec] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)

    def all_criteria(self):
        """(criterion, group) for every criterion of the area, sub-criteria included."""
        for c in self.criteria:
            yield from ((x, None) for x, _ in c.walk())
        for g in self.groups:
            for c in g.criteria:
                yield from ((x, g) for x, _ in c.walk())

    def all_with_parents(self):
        """(criterion, group, parent criterion or None), parents before their children."""
        for c in self.criteria:
            yield from ((x, None, p) for x, p in c.walk())
        for g in self.groups:
            for c in g.criteria:
                yield from ((x, g, p) for x, p in c.walk())


@dataclass
class CatalogueSpec:
    year: int
    title: str
    source: str = ""
    kind: str = "inspection"
    areas: list[AreaSpec] = field(default_factory=list)
    adhoc_subjects: list[str] = field(default_factory=list)

    def criteria_count(self) -> int:
        return sum(1 for a in self.areas for _ in a.all_criteria())
