"""Indicators against their targets across rounds and years: every rate criterion's reported
value per round, beside the target the round froze, newest rounds last."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db


@dataclass
class IndicatorLine:
    code: str
    text: str
    unit: str
    target: Decimal | None = None
    values: dict[int, Decimal] = field(default_factory=dict)  # round id → value

    def met(self, value: Decimal | None) -> bool | None:
        if value is None or self.target is None:
            return None
        return value >= self.target


def indicator_table(year_from: int, year_to: int):
    """(rounds, lines): the opened rounds of those years in date order, and one line per indicator
    code with its values (the newest target wins where a year changed it)."""
    from portal.rounds.models import Report, Round

    rounds = list(db.session.scalars(select(Round).where(Round.year >= year_from, Round.year <= year_to,
                                                         Round.state != "draft")
                                     .order_by(Round.start_on, Round.id)))
    if not rounds:
        return [], []
    reports = db.session.scalars(select(Report).where(Report.round_id.in_([r.id for r in rounds]))
                                 .options(joinedload(Report.criterion), selectinload(Report.frozen)))
    lines: dict[str, IndicatorLine] = {}
    order = {r.id: i for i, r in enumerate(rounds)}
    seen_at: dict[str, int] = {}
    for report in reports:
        item = report.item
        if not item.is_indicator:
            continue
        line = lines.setdefault(item.code, IndicatorLine(item.code, item.text, item.indicator_unit or ""))
        if order[report.round_id] >= seen_at.get(item.code, -1):
            seen_at[item.code] = order[report.round_id]
            line.text, line.unit, line.target = item.text, item.indicator_unit or "", item.indicator_target
        if report.indicator_value is not None:
            line.values[report.round_id] = report.indicator_value
    return rounds, sorted(lines.values(), key=lambda x: [int(p) if p.isdigit() else p for p in x.code.split(".")])
