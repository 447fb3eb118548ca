"""When a finding is closed (every remedy confirmed done or escalated), its outcome, and the
"% of findings remedied or escalated" figure."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from portal.extensions import db
from portal.timeutil import now_utc

from .models import Finding, Remedy
from .rules import TARGET_PERCENT


def refresh_closure(finding: Finding) -> None:
    """A finding is closed when it has remedies and every one is confirmed done or escalated."""
    settled = bool(finding.remedies) and all(r.is_settled for r in finding.remedies)
    if settled and finding.closed_at is None:
        finding.closed_at = now_utc()
    elif not settled and finding.closed_at is not None:
        finding.closed_at = None


# -- the figure -----------------------------------------------------------------------------

def outcome(finding: Finding) -> str:
    """"remedied" (closed, every remedy confirmed done), "escalated" (closed, one or more
    escalated) or "open"."""
    if not finding.remedies or not all(r.is_settled for r in finding.remedies):
        return "open"
    if any(r.status == "escalated" for r in finding.remedies):
        return "escalated"
    return "remedied"


@dataclass(frozen=True)
class Figure:
    total: int
    remedied: int
    escalated: int
    target: int = TARGET_PERCENT

    @property
    def settled(self) -> int:
        return self.remedied + self.escalated

    @property
    def open(self) -> int:
        return self.total - self.settled

    @property
    def percent(self) -> float | None:
        """% of findings remedied or escalated; None when there is no finding to count."""
        return None if self.total == 0 else round(100 * self.settled / self.total, 1)

    @property
    def meets_target(self) -> bool:
        return self.total == 0 or self.settled * 100 >= self.target * self.total


def figure_for(findings: Iterable[Finding]) -> Figure:
    """Pure: the "% of findings remedied or escalated" figure over the given findings."""
    counts = {"remedied": 0, "escalated": 0, "open": 0}
    for f in findings:
        counts[outcome(f)] += 1
    return Figure(total=sum(counts.values()), remedied=counts["remedied"], escalated=counts["escalated"])


def figure_of(scope) -> Figure:
    """figure_for computed by the database over a select(Finding) (queries.findings_scope): two
    aggregate passes instead of loading every finding of the year with its remedies."""
    settled = or_(Remedy.status == "escalated", (Remedy.status == "done") & Remedy.confirmed_at.is_not(None))
    per = (select(func.count(Remedy.id).label("n"), func.sum(case((settled, 1), else_=0)).label("s"),
                  func.sum(case((Remedy.status == "escalated", 1), else_=0)).label("e"))
           .select_from(Finding).outerjoin(Remedy, Remedy.finding_id == Finding.id)
           .where(Finding.id.in_(scope.with_only_columns(Finding.id).order_by(None)))
           .group_by(Finding.id).subquery())
    closed = (per.c.n > 0) & (per.c.s == per.c.n)
    total, remedied, escalated = db.session.execute(select(
        func.count(), func.sum(case((closed & (per.c.e == 0), 1), else_=0)),
        func.sum(case((closed & (per.c.e > 0), 1), else_=0)))).one()
    return Figure(total=total, remedied=remedied or 0, escalated=escalated or 0)


def findings_figure(*, year: int | None = None, round_id: int | None = None,
                    unit_id: int | None = None) -> Figure:
    """The figure for a year, a round and/or a unit (any combination; none = every finding)."""
    stmt = select(Finding)
    if year is not None:
        stmt = stmt.where(Finding.year == year)
    if round_id is not None:
        stmt = stmt.where(Finding.round_id == round_id)
    if unit_id is not None:
        stmt = stmt.where(Finding.unit_id == unit_id)
    return figure_of(stmt)  # counted by the database: the home page shows it on every visit
