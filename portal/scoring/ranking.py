"""Year-end ranking of people and units over the year's rounds.

Per criterion of a round, its result in percent: the appraised score (or the self-score where
the team wrote none) over the maximum for scored criteria, else the rating (Đạt 100, Đạt một
phần 50, Chưa đạt 0). Criteria not applicable or not yet rated do not count.

A person's (a unit's) score in a round is the weighted mean of the results of the criteria
they lead (weight 1) and coordinate (the secretariat's coordinator weight). The year score is
the mean of the round scores weighted by the secretariat's round weights, over the rounds
where the person had something. Levels follow the ward's thresholds; ranks are shared by
equal scores (1, 1, 3)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .models import LEVELS

RATING_PCT = {"dat": Decimal(100), "mot_phan": Decimal(50), "chua_dat": Decimal(0)}
CENT = Decimal("0.01")


def q(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Contribution:
    subject_id: int
    round_id: int
    pct: Decimal
    role: str  # lead | coordinator


@dataclass
class RankRow:
    subject_id: int
    round_scores: dict[int, Decimal] = field(default_factory=dict)
    leads: int = 0
    coordinates: int = 0
    score: Decimal | None = None
    rank: int = 0
    proposed: str = ""

    @property
    def proposed_label(self) -> str:
        return LEVELS.get(self.proposed, "")


def criterion_pct(report) -> Decimal | None:
    """One report's result in percent, or None when it does not count."""
    if report.status == "na":
        return None
    review = report.review
    maximum = report.item.max_points  # the round's frozen copy
    if maximum:
        points = review.appraised_score if review and review.appraised_score is not None else report.self_score
        if points is not None and review is not None and (review.rating or review.appraised_score is not None):
            return min(points, maximum) * 100 / maximum
    if review is not None and review.rating in RATING_PCT:
        return RATING_PCT[review.rating]
    return None


def level_for(score: Decimal | None, excellent: Decimal, good: Decimal, done: Decimal) -> str:
    if score is None:
        return ""
    if score >= excellent:
        return "xuat_sac"
    if score >= good:
        return "tot"
    if score >= done:
        return "hoan_thanh"
    return "khong"


def rank(contributions: list[Contribution], round_weights: dict[int, Decimal],
         coordinator_weight: Decimal, thresholds: tuple[Decimal, Decimal, Decimal]) -> list[RankRow]:
    """The ranked rows, best first (pure: the test computes the same by hand)."""
    sums: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    rows: dict[int, RankRow] = {}
    for c in contributions:
        weight = Decimal(1) if c.role == "lead" else coordinator_weight
        row = rows.setdefault(c.subject_id, RankRow(c.subject_id))
        if c.role == "lead":
            row.leads += 1
        else:
            row.coordinates += 1
        if round_weights.get(c.round_id, Decimal(0)) <= 0 or weight <= 0:
            continue
        acc = sums[(c.subject_id, c.round_id)]
        acc[0] += weight * c.pct
        acc[1] += weight
    for (subject_id, round_id), (total, weight) in sums.items():
        rows[subject_id].round_scores[round_id] = q(total / weight)
    for row in rows.values():
        weighted = sum((round_weights[r] * s for r, s in row.round_scores.items()), Decimal(0))
        weights = sum((round_weights[r] for r in row.round_scores), Decimal(0))
        row.score = q(weighted / weights) if weights else None
        row.proposed = level_for(row.score, *thresholds)
    ordered = sorted(rows.values(), key=lambda r: (r.score is None, -(r.score or 0), r.subject_id))
    for i, row in enumerate(ordered):
        if row.score is None:
            row.rank = 0
        elif i and ordered[i - 1].score == row.score:
            row.rank = ordered[i - 1].rank
        else:
            row.rank = i + 1
    return ordered
