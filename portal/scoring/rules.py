"""Scoring rules (pure): how a criterion's points follow from a rating or an indicator value.

A scored criterion has a maximum (điểm tối đa) and one rule:
- "rating" (the default): Đạt gives the maximum, Đạt một phần a share of it (partial_ratio,
  0.5 unless the catalogue says otherwise), Chưa đạt nothing;
- "proportional": the indicator value against its target, value/target × maximum, capped;
- "thresholds": the points of the highest threshold the value reaches ("97:2; 90:1" gives 2
  points from 97 up, 1 point from 90 up, 0 below).
The result is the suggested score; the author's self-score and the team's appraised score are
what count."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

RULES = {"rating": "Theo mức đánh giá (đạt / đạt một phần / chưa đạt)",
         "proportional": "Theo tỷ lệ giá trị đạt được so với chỉ tiêu",
         "thresholds": "Theo ngưỡng giá trị"}
DEFAULT_PARTIAL = Decimal("0.5")
CENT = Decimal("0.01")


class ThresholdError(ValueError):
    pass


def parse_thresholds(text: str | None) -> list[tuple[Decimal, Decimal]]:
    """"97:2; 90:1" → [(97, 2), (90, 1)], highest first. Raises ThresholdError (Vietnamese)."""
    steps = []
    for part in (text or "").replace(",", ".").split(";"):
        if not part.strip():
            continue
        value, sep, points = part.partition(":")
        try:
            if not sep:
                raise InvalidOperation
            steps.append((Decimal(value.strip()), Decimal(points.strip())))
        except InvalidOperation:
            raise ThresholdError(f"Ngưỡng “{part.strip()[:30]}” phải có dạng giá trị:điểm, ví dụ 97:2; 90:1.") from None
    if len(steps) > 20:
        raise ThresholdError("Tối đa 20 ngưỡng.")
    return sorted(steps, reverse=True)


def format_thresholds(steps) -> str:
    def n(x: Decimal) -> str:
        return f"{x.normalize():f}"
    return "; ".join(f"{n(v)}:{n(p)}" for v, p in steps)


def suggested_points(max_points: Decimal | None, rule: str = "", *, rating: str = "",
                     value: Decimal | None = None, target: Decimal | None = None,
                     partial_ratio: Decimal | None = None, thresholds: str = "") -> Decimal | None:
    """The points the rule gives, or None when it cannot say yet (no rating, no value)."""
    if max_points is None:
        return None
    rule = rule or "rating"
    if rule == "proportional":
        if value is None or not target:
            return None
        return min(max_points, (Decimal(value) / Decimal(target) * max_points)).quantize(CENT)
    if rule == "thresholds":
        if value is None:
            return None
        for at, points in parse_thresholds(thresholds):
            if Decimal(value) >= at:
                return min(points, max_points).quantize(CENT)
        return Decimal("0.00")
    if rating == "dat":
        return max_points.quantize(CENT)
    if rating == "mot_phan":
        ratio = DEFAULT_PARTIAL if partial_ratio is None else partial_ratio
        return (max_points * ratio).quantize(CENT)
    if rating == "chua_dat":
        return Decimal("0.00")
    return None


def criterion_suggestion(criterion, *, rating: str = "", value=None) -> Decimal | None:
    return suggested_points(criterion.max_points, criterion.scoring_rule, rating=rating, value=value,
                            target=criterion.indicator_target, partial_ratio=criterion.partial_ratio,
                            thresholds=criterion.thresholds)


def describe(criterion) -> str:
    """The rule in words, for the catalogue page and the self-scoring table."""
    if criterion.max_points is None:
        return ""
    rule = criterion.scoring_rule or "rating"
    if rule == "proportional":
        return "Tỷ lệ so với chỉ tiêu"
    if rule == "thresholds":
        return f"Theo ngưỡng {criterion.thresholds}"
    ratio = DEFAULT_PARTIAL if criterion.partial_ratio is None else criterion.partial_ratio
    return f"Đạt / một phần ({int(ratio * 100)}%) / chưa đạt"
