"""The self-scoring table of a round (bảng tự chấm điểm): per criterion the maximum, the
author's self-score with evidence and justification, the team's appraised score with its
reason; totals per area and overall, with criteria not applicable dropped and the rest
rescaled to 100.

Pure arithmetic on plain rows (ScoreRow), so a test can check it against a hand computation;
`round_table()` reads a round into those rows and is what pages and documents call."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ScoreRow:
    """One line of the table. `kind` is "area", "group" or "criterion"; only scored criteria
    (max_points set, no scored sub-criteria of their own) count in the totals."""
    kind: str
    code: str
    text: str
    area_code: str = ""
    depth: int = 0
    max_points: Decimal | None = None
    self_score: Decimal | None = None
    appraised: Decimal | None = None
    not_applicable: bool = False
    counts: bool = False
    suggested: Decimal | None = None
    evidence: str = ""
    justification: str = ""
    reason: str = ""
    report_id: int | None = None
    author: str = ""
    unit: str = ""
    indicator: str = ""

    @property
    def appraised_effective(self) -> Decimal | None:
        """Where the team wrote no appraised score, the self-score stands (thẩm định only
        records differences)."""
        return self.appraised if self.appraised is not None else self.self_score

    @property
    def differs(self) -> bool:
        return self.appraised is not None and self.self_score is not None and self.appraised != self.self_score


@dataclass
class Total:
    max_points: Decimal = Decimal(0)       # every scored criterion
    applicable_max: Decimal = Decimal(0)   # without the criteria not applicable
    self_score: Decimal = Decimal(0)
    appraised: Decimal = Decimal(0)
    not_applicable: int = 0

    def add(self, row: ScoreRow) -> None:
        self.max_points += row.max_points
        if row.not_applicable:
            self.not_applicable += 1
            return
        self.applicable_max += row.max_points
        self.self_score += min(row.self_score or Decimal(0), row.max_points)
        self.appraised += min(row.appraised_effective or Decimal(0), row.max_points)

    @property
    def self_100(self) -> Decimal | None:
        return q(self.self_score * HUNDRED / self.applicable_max) if self.applicable_max else None

    @property
    def appraised_100(self) -> Decimal | None:
        return q(self.appraised * HUNDRED / self.applicable_max) if self.applicable_max else None


@dataclass
class ScoreTable:
    rows: list[ScoreRow] = field(default_factory=list)
    areas: dict[str, Total] = field(default_factory=dict)   # area code → total, in order
    area_names: dict[str, str] = field(default_factory=dict)
    overall: Total = field(default_factory=Total)

    @property
    def scored(self) -> bool:
        return self.overall.max_points > 0


def compute(rows: list[ScoreRow]) -> ScoreTable:
    table = ScoreTable(rows=rows)
    for row in rows:
        if row.kind == "area":
            table.areas.setdefault(row.code, Total())
            table.area_names[row.code] = row.text
        if row.kind != "criterion" or not row.counts or row.max_points is None:
            continue
        table.areas.setdefault(row.area_code, Total()).add(row)
        table.overall.add(row)
    return table


# --------------------------------------------------------------------------------------------
# Reading a round
# --------------------------------------------------------------------------------------------
def _indicator(criterion, value) -> str:
    if not criterion.is_indicator and value is None:
        return ""
    unit = criterion.indicator_unit or ""
    def n(x):
        return f"{Decimal(x).normalize():f}".replace(".", ",")
    got = f"{n(value)}{unit}" if value is not None else "—"
    target = f" / chỉ tiêu {n(criterion.indicator_target)}{unit}" if criterion.indicator_target is not None else ""
    return got + target


def round_table(rnd, reports=None) -> ScoreTable:
    """The round's self-scoring table, in catalogue order with area and group lines."""
    from portal.reports.documents import evidence_summary
    from portal.rounds import services as RS

    from .rules import criterion_suggestion

    reports = list(reports if reports is not None else RS.round_reports(rnd.id))
    evidence = evidence_summary([r.id for r in reports])
    # Points, rules and targets come from the round's frozen copy (Report.item); the live
    # criterion only tells which criteria are parents of scored ones.
    scored_parents = {r.criterion.parent_id for r in reports
                      if r.criterion is not None and r.criterion.parent_id and r.item.max_points is not None}
    rows: list[ScoreRow] = []
    area_seen, level_seen = None, None
    for r in reports:
        c = r.item
        path = list(c.level_path or [])
        if c.area.code != area_seen:
            area_seen, level_seen = c.area.code, None
            rows.append(ScoreRow("area", c.area.code, c.area.name, area_code=c.area.code))
        if path and path[0] != level_seen:
            level_seen = path[0]
            rows.append(ScoreRow("group", "", path[0], area_code=c.area.code))
        review = r.review
        rows.append(ScoreRow(
            "criterion", c.code, c.text, area_code=c.area.code, depth=len(path),
            max_points=c.max_points, self_score=r.self_score,
            appraised=review.appraised_score if review else None,
            not_applicable=r.status == "na", counts=r.criterion_id not in scored_parents,
            suggested=criterion_suggestion(c, rating=review.rating if review else "", value=r.indicator_value),
            evidence=evidence.get(r.id, ""), justification=r.self_justification or "",
            reason=(review.appraisal_reason or "") if review else "", report_id=r.id,
            author=r.author.full_name if r.author else "", unit=r.unit.short_name if r.unit else "",
            indicator=_indicator(c, r.indicator_value)))
    return compute(rows)
