"""Queries for the round pages (constant query counts: eager loading), the phase of each
report, progress per area and unit, and the figures beside the team's evaluation."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.catalogue.models import Area, Criterion
from portal.extensions import db

from .models import RATINGS, Report, Review


# --------------------------------------------------------------------------------------------
# Queries for pages (constant query counts: eager loading)
# --------------------------------------------------------------------------------------------
def _report_options():
    crit = joinedload(Report.criterion)
    # group and parent: the level shown with each criterion ("a) Công tác chỉ đạo…")
    return (crit.joinedload(Criterion.area), crit.joinedload(Criterion.group),
            crit.joinedload(Criterion.parent), joinedload(Report.frozen), joinedload(Report.author),
            joinedload(Report.unit), joinedload(Report.review))


def round_reports(round_id: int, **filters) -> list[Report]:
    """Reports of a round in catalogue order, filtered (the review queue and the matrix)."""
    return db.session.scalars(round_reports_query(round_id, **filters)).unique().all()


def round_reports_query(round_id: int, **filters):
    """The select behind round_reports (the review queue walks it from a report)."""
    stmt = (select(Report).join(Report.criterion).join(Criterion.area).where(Report.round_id == round_id)
            .options(*_report_options()).order_by(Area.position, Criterion.position, Report.id))
    return filter_reports(stmt, **filters)


def filter_reports(stmt, *, area_id=None, unit_id=None, person_id=None, state=None, rating=None, late=None):
    """The review queue's filters on a select over Report joined to its Criterion."""
    if area_id:
        stmt = stmt.where(Criterion.area_id == area_id)
    if unit_id:
        stmt = stmt.where(Report.unit_id == unit_id)
    if person_id:
        stmt = stmt.where(Report.author_id == person_id)
    if state == "unassigned":
        stmt = stmt.where(Report.author_id.is_(None))
    elif state == "reviewed":
        stmt = stmt.where(Report.state == "submitted", Report.review.has(Review.rating != ""))
    elif state == "to_review":
        stmt = stmt.where(Report.state == "submitted", ~Report.review.has(Review.rating != ""))
    elif state in ("draft", "submitted", "clarify", "not_submitted"):
        stmt = stmt.where(Report.state == state, Report.author_id.is_not(None))
    if rating:
        stmt = stmt.where(Report.review.has(Review.rating == rating))
    if late:
        stmt = stmt.where(Report.late.is_(True))
    return stmt


def my_reports(user, round_id: int) -> list[Report]:
    stmt = (select(Report).join(Report.criterion).join(Criterion.area)
            .where(Report.round_id == round_id, Report.author_id == user.id)
            .options(*_report_options()).order_by(Area.position, Criterion.position))
    return db.session.scalars(stmt).unique().all()


def report_phase(report: Report) -> str:
    """One key per report for the matrix: unassigned, draft, clarify, submitted, reviewed,
    not_submitted (closed as "Không gửi báo cáo": decided, but never counted as sent)."""
    return phase_of(report.author_id, report.state, report.review.rating if report.review is not None else "")


def phase_of(author_id, state: str, rating) -> str:
    """report_phase from the columns alone (the round page reads them without loading reports)."""
    if author_id is None:
        return "unassigned"
    if state in ("not_submitted", "clarify"):
        return state
    if state == "submitted":
        return "reviewed" if rating else "submitted"
    return "draft"


PHASES = {"unassigned": "Chưa phân công", "draft": "Chưa gửi", "submitted": "Chờ thẩm định",
          "clarify": "Chờ giải trình", "reviewed": "Đã thẩm định", "not_submitted": "Không gửi báo cáo"}


@dataclass
class Progress:
    label: str
    key: int | None = None
    counts: dict = field(default_factory=lambda: {k: 0 for k in PHASES})
    late: int = 0
    total: int = 0

    @property
    def submitted(self) -> int:
        return self.counts["submitted"] + self.counts["clarify"] + self.counts["reviewed"]

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def progress(reports: list[Report], key, phase=report_phase) -> list[Progress]:
    """Per-group progress (key(report) -> (id, label)), in first-seen order. `reports` may be
    light rows of the round page (overview.Line) with their own `phase`."""
    groups: dict = {}
    for r in reports:
        gid, label = key(r)
        p = groups.get(gid)
        if p is None:
            p = groups[gid] = Progress(label=label, key=gid)
        p.counts[phase(r)] += 1
        p.total += 1
        p.late += 1 if r.late else 0
    return list(groups.values())


def area_progress(reports, key=lambda r: (r.item.area_id, r.item.area.label), phase=report_phase):
    return progress(reports, key, phase)


def unit_progress(reports, key=lambda r: (r.unit_id, r.unit.name if r.unit else None), phase=report_phase):
    def named(r):
        unit_id, name = key(r)
        return unit_id, name or "Chưa phân công"

    rows = progress(reports, named, phase)
    return sorted(rows, key=lambda p: (p.key is None, p.label))


# --------------------------------------------------------------------------------------------
# Figures beside the team's evaluation
# --------------------------------------------------------------------------------------------
@dataclass
class Figures:
    reports: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    ratings: dict = field(default_factory=lambda: {k: 0 for k in RATINGS})
    open_findings: int = 0


def figures(reports: list[Report], findings, key) -> dict:
    out: dict = defaultdict(Figures)
    for r in reports:
        f = out[key(r)]
        f.reports += 1
        if r.submitted_at:
            f.submitted += 1
            f.late += 1 if r.late else 0
            f.on_time += 0 if r.late else 1
        if r.review and r.review.rating:
            f.ratings[r.review.rating] += 1
    by_report = {r.id: r for r in reports}
    for finding in findings:
        r = by_report.get(finding.source_id)
        if r is not None and finding.closed_at is None:
            out[key(r)].open_findings += 1
    return out
