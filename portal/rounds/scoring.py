"""Scoring (pure): self and appraised points per area and overall."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from .models import Report


# --------------------------------------------------------------------------------------------
# Scoring (pure)
# --------------------------------------------------------------------------------------------
@dataclass
class ScoreLine:
    area: str
    max_points: Decimal | None
    score: Decimal | None
    not_applicable: bool = False


@dataclass
class ScoreTotal:
    max_points: Decimal = Decimal(0)
    applicable_max: Decimal = Decimal(0)
    score: Decimal = Decimal(0)

    @property
    def scaled(self) -> Decimal | None:
        """The score re-scaled to the full maximum once "Không phát sinh" items drop out."""
        if not self.applicable_max:
            return None
        return (self.score * self.max_points / self.applicable_max).quantize(Decimal("0.01"))


def score_totals(lines: list[ScoreLine]) -> tuple[dict[str, ScoreTotal], ScoreTotal]:
    """Totals per area and overall; lines without max points don't count."""
    per_area: dict[str, ScoreTotal] = defaultdict(ScoreTotal)
    overall = ScoreTotal()
    for line in lines:
        if line.max_points is None:
            continue
        for total in (per_area[line.area], overall):
            total.max_points += line.max_points
            if not line.not_applicable:
                total.applicable_max += line.max_points
                total.score += min(line.score or Decimal(0), line.max_points)
    return dict(per_area), overall


def round_scores(reports: list[Report], appraised: bool = False):
    lines = [ScoreLine(area=r.item.area.code, max_points=r.item.max_points,
                       score=(r.review.appraised_score if r.review else None) if appraised else r.self_score,
                       not_applicable=r.status == "na") for r in reports]
    return score_totals(lines)
