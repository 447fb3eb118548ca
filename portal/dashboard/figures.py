"""Every figure of the dashboard, as plain functions over the models.

Counts come from SQL aggregates (a fixed number of queries whatever the round's size); the lists
behind them (`reports_behind`, `findings_behind`, `remedies_behind`) come from separate row
queries with the same predicates, so a test can check that each bar's number is its list's length.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import Unit, User
from portal.catalogue.models import Area, Criterion
from portal.extensions import db
from portal.findings.models import Finding, Remedy
from portal.rounds.models import RATINGS, Report, Review, Round

UNASSIGNED = "Chưa phân công"
# The measures a progress bar is made of; each is also a drill-down filter.
MEASURES = {
    "total": "Tổng số nội dung",
    "submitted": "Đã gửi báo cáo",
    "on_time": "Gửi đúng hạn",
    "late": "Gửi trễ hạn",
    "pending": "Chưa gửi",
    "reviewed": "Đã thẩm định",
}
DIMENSIONS = {"area": "Lĩnh vực", "unit": "Đơn vị", "person": "Người phụ trách"}


@dataclass
class Counts:
    key: int | None = None
    label: str = ""
    total: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    reviewed: int = 0

    @property
    def pending(self) -> int:
        return self.total - self.submitted

    def pct(self, measure: str) -> int:
        return round(100 * getattr(self, measure) / self.total) if self.total else 0

    def add(self, other: "Counts") -> None:
        for name in ("total", "submitted", "on_time", "late", "reviewed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# ---------------------------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------------------------
def current_round(round_id: int | None = None, *extra) -> Round | None:
    """The round asked for, else the one under way (open or under review, latest first), else the
    latest closed one. Drafts are not shown: nothing has happened in them yet. With `extra`
    columns (scalar subqueries on the round), returns the row (round, *values) instead."""
    if round_id:
        return db.session.get(Round, round_id)
    order = (case((Round.state.in_(("open", "review")), 0), else_=1), Round.start_on.desc())
    stmt = select(Round, *extra).where(Round.state != "draft").order_by(*order).limit(1)
    return db.session.execute(stmt).first() if extra else db.session.scalar(stmt)


def rounds_for_choice() -> list[Round]:
    return db.session.scalars(select(Round).where(Round.state != "draft")
                              .order_by(Round.year.desc(), Round.start_on.desc())).all()


def _submitted():
    return Report.submitted_at.is_not(None)


def _reviewed():
    return Review.rating.in_(tuple(RATINGS))


_MEASURES = {
    "submitted": _submitted,
    "on_time": lambda: and_(_submitted(), Report.late.is_(False)),
    "late": lambda: and_(_submitted(), Report.late.is_(True)),
    "pending": lambda: Report.submitted_at.is_(None),
    "reviewed": _reviewed,
}


def _measure_filter(measure: str | None):
    """The condition behind a measure (None for all reports); KeyError for an unknown one."""
    return None if measure in (None, "total") else _MEASURES[measure]()


@cache
def _aggregates():
    """The counted columns of every progress figure: built once (building them cost more than
    running the query), when first used."""
    def total(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    return (func.count(Report.id), total(_measure_filter("submitted")), total(_measure_filter("on_time")),
            total(_measure_filter("late")), total(_reviewed()))


def _counts(row, key, label) -> Counts:
    total, submitted, on_time, late, reviewed = row
    return Counts(key=key, label=label, total=int(total), submitted=int(submitted), on_time=int(on_time),
                  late=int(late), reviewed=int(reviewed))


def progress(round_id: int, dimension: str) -> list[Counts]:
    """Progress of a round's reports grouped by area, unit or person."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    return progress_by(round_id)[dimension]


def progress_by(round_id: int) -> dict[str, list[Counts]]:
    """Progress of a round's reports grouped by area, by unit and by person, from one query
    (counted per area × unit × person, then added up here): one pass over the round's reports
    instead of one per grouping."""
    stmt = (select(Area.id, Area.code, Area.name, Area.position, Unit.id, Unit.name, Unit.position,
                   User.id, User.full_name, *_aggregates()).select_from(Report)
            .join(Criterion, Criterion.id == Report.criterion_id).join(Area, Area.id == Criterion.area_id)
            .outerjoin(Unit, Unit.id == Report.unit_id).outerjoin(User, User.id == Report.author_id)
            .outerjoin(Review, Review.report_id == Report.id).where(Report.round_id == round_id)
            .group_by(Area.id, Area.code, Area.name, Area.position, Unit.id, Unit.name, Unit.position,
                      User.id, User.full_name))
    groups: dict[str, dict] = {d: {} for d in DIMENSIONS}
    for area_id, code, name, a_pos, unit_id, unit, u_pos, user_id, full_name, *figures in db.session.execute(stmt):
        counts = _counts(figures, None, "")
        for dimension, key, label, order in (
                ("area", area_id, f"{code}. {name}", (a_pos, area_id)),
                ("unit", unit_id, unit or UNASSIGNED, (u_pos is None, u_pos or 0, unit_id or 0)),
                ("person", user_id, full_name or UNASSIGNED, (user_id is None, full_name or "", user_id or 0))):
            group = groups[dimension].get(key)
            if group is None:
                group = groups[dimension][key] = (order, Counts(key=key, label=label))
            group[1].add(counts)
    return {d: [c for _, c in sorted(rows.values(), key=lambda x: x[0])] for d, rows in groups.items()}


def round_totals(round_ids) -> dict[int, Counts]:
    """Totals per round for several rounds at once (one query)."""
    return round_figures(round_ids)[0]


def ratings_by_round(round_ids) -> dict[int, dict[str, int]]:
    return round_figures(round_ids)[1]


def round_figures(round_ids) -> tuple[dict[int, Counts], dict[int, dict[str, int]]]:
    """Totals and ratings per round for several rounds at once: one query (counted per round and
    rating) for what round_totals and ratings_by_round each give."""
    ids = list(round_ids)
    totals = {rid: Counts(key=rid) for rid in ids}
    rates = {rid: {**{k: 0 for k in RATINGS}, "none": 0} for rid in ids}
    if not ids:
        return totals, rates
    stmt = (select(Report.round_id, Review.rating, *_aggregates()).select_from(Report)
            .outerjoin(Review, Review.report_id == Report.id)
            .where(Report.round_id.in_(ids)).group_by(Report.round_id, Review.rating))
    for rid, rating, *figures in db.session.execute(stmt):
        counts = _counts(figures, rid, "")
        totals[rid].add(counts)
        rates[rid][rating if rating in RATINGS else "none"] += counts.total
    return totals, rates


def ratings(round_id: int) -> dict[str, int]:
    """How many reports of the round got each rating, plus "none" for those not yet rated."""
    out = {k: 0 for k in RATINGS}
    rows = db.session.execute(
        select(Review.rating, func.count(Report.id)).select_from(Report)
        .outerjoin(Review, Review.report_id == Report.id)
        .where(Report.round_id == round_id).group_by(Review.rating))
    out["none"] = 0
    for rating, count in rows:
        out[rating if rating in RATINGS else "none"] += count
    return out


def reports_behind(round_id: int, *, dimension: str | None = None, key: int | None = None,
                   measure: str | None = None, rating: str | None = None) -> list[Report]:
    """The reports a bar counts. `key` None with a dimension means "not assigned"."""
    stmt = (select(Report).join(Criterion, Criterion.id == Report.criterion_id)
            .join(Area, Area.id == Criterion.area_id).outerjoin(Review, Review.report_id == Report.id)
            .where(Report.round_id == round_id)
            .options(joinedload(Report.criterion), joinedload(Report.frozen), joinedload(Report.author), joinedload(Report.unit),
                     joinedload(Report.review))
            .order_by(Area.position, Criterion.position))
    column = {"area": Criterion.area_id, "unit": Report.unit_id, "person": Report.author_id}.get(dimension)
    if column is not None:
        stmt = stmt.where(column.is_(None) if key is None else column == key)
    condition = _measure_filter(measure)
    if condition is not None:
        stmt = stmt.where(condition)
    if rating == "none":
        stmt = stmt.where(or_(Review.id.is_(None), ~_reviewed()))
    elif rating:
        stmt = stmt.where(Review.rating == rating)
    return db.session.scalars(stmt).unique().all()


# ---------------------------------------------------------------------------------------------
# Findings and remedies
# ---------------------------------------------------------------------------------------------
def remedy_settled(remedy) -> bool:
    """Done and confirmed by the team, or escalated to the competent level."""
    return remedy.status == "escalated" or (remedy.status == "done" and remedy.confirmed_at is not None)


def finding_settled(finding) -> bool:
    """Remedied or escalated: at least one remedy, and every remedy settled."""
    return bool(finding.remedies) and all(remedy_settled(r) for r in finding.remedies)


def remedy_overdue(remedy, today: date) -> bool:
    return not remedy_settled(remedy) and remedy.deadline < today


def finding_overdue(finding, today: date) -> bool:
    return not finding_settled(finding) and any(remedy_overdue(r, today) for r in finding.remedies)


@dataclass
class FindingFigures:
    total: int = 0
    settled: int = 0
    open: int = 0
    overdue: int = 0
    remedies: int = 0
    remedies_open: int = 0
    remedies_overdue: int = 0
    by_area: dict = field(default_factory=dict)  # area label -> [open, settled]

    @property
    def rate(self) -> int | None:
        """Percent of findings remedied or escalated (None when there are none)."""
        return round(100 * self.settled / self.total) if self.total else None


def _findings(year: int | None = None, round_id: int | None = None) -> list[Finding]:
    stmt = (select(Finding).options(selectinload(Finding.remedies), joinedload(Finding.area),
                                    joinedload(Finding.unit), joinedload(Finding.person))
            .order_by(Finding.found_on, Finding.id))
    if year is not None:
        stmt = stmt.where(Finding.year == year)
    if round_id is not None:
        stmt = stmt.where(Finding.round_id == round_id)
    return db.session.scalars(stmt).unique().all()


def finding_figures(findings: list[Finding], today: date) -> FindingFigures:
    out = FindingFigures()
    for f in findings:
        settled = finding_settled(f)
        out.total += 1
        out.settled += settled
        out.open += not settled
        out.overdue += finding_overdue(f, today)
        label = f.area.label if f.area else "Khác"
        pair = out.by_area.setdefault(label, [0, 0])
        pair[0 if not settled else 1] += 1
        for r in f.remedies:
            out.remedies += 1
            out.remedies_open += not remedy_settled(r)
            out.remedies_overdue += remedy_overdue(r, today)
    return out


def findings_for_year(year: int, today: date) -> FindingFigures:
    return findings_for_years((year,), today)[year]


def findings_for_years(years, today: date) -> dict[int, FindingFigures]:
    """The figures of several years in one aggregate query: one row per finding with its remedies
    counted (all, settled, overdue) — the same rules as finding_settled/remedy_overdue, in SQL."""
    years = list(years)
    out = {y: FindingFigures() for y in years}
    settled = or_(Remedy.status == "escalated", and_(Remedy.status == "done", Remedy.confirmed_at.is_not(None)))
    rows = db.session.execute(
        select(Finding.year, Area.code, Area.name, func.count(Remedy.id),
               func.coalesce(func.sum(case((settled, 1), else_=0)), 0),
               func.coalesce(func.sum(case((and_(Remedy.id.is_not(None), ~settled, Remedy.deadline < today), 1),
                                           else_=0)), 0))
        .select_from(Finding).outerjoin(Area, Area.id == Finding.area_id)
        .outerjoin(Remedy, Remedy.finding_id == Finding.id)
        .where(Finding.year.in_(years))
        .group_by(Finding.id, Finding.year, Finding.found_on, Area.code, Area.name)
        .order_by(Finding.found_on, Finding.id))
    for year, code, name, n, n_settled, n_overdue in rows:
        fig = out[year]
        done = bool(n) and n_settled == n
        fig.total += 1
        fig.settled += done
        fig.open += not done
        fig.overdue += (not done) and n_overdue > 0
        pair = fig.by_area.setdefault(f"{code}. {name}" if code is not None else "Khác", [0, 0])
        pair[1 if done else 0] += 1
        fig.remedies += n
        fig.remedies_open += n - n_settled
        fig.remedies_overdue += n_overdue
    return out


FINDING_FILTERS = {"all": "Tất cả tồn tại, hạn chế", "open": "Tồn tại chưa khắc phục xong",
                   "overdue": "Tồn tại có biện pháp quá hạn", "settled": "Đã khắc phục hoặc kiến nghị xử lý"}
REMEDY_FILTERS = {"open": "Biện pháp khắc phục chưa xong", "overdue": "Biện pháp khắc phục quá hạn"}


def findings_behind(year: int, which: str, today: date, area_label: str | None = None) -> list[Finding]:
    rows = _findings(year=year)
    test = {"all": lambda f: True, "open": lambda f: not finding_settled(f),
            "overdue": lambda f: finding_overdue(f, today), "settled": finding_settled}[which]
    return [f for f in rows if test(f)
            and (area_label is None or (f.area.label if f.area else "Khác") == area_label)]


def remedies_behind(year: int, which: str, today: date) -> list[Remedy]:
    stmt = (select(Remedy).join(Finding, Finding.id == Remedy.finding_id).where(Finding.year == year)
            .options(joinedload(Remedy.finding), joinedload(Remedy.owner), joinedload(Remedy.owner_unit)).order_by(Remedy.deadline, Remedy.id))
    rows = db.session.scalars(stmt).unique().all()
    test = {"open": lambda r: not remedy_settled(r), "overdue": lambda r: remedy_overdue(r, today)}[which]
    return [r for r in rows if test(r)]


# ---------------------------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------------------------
@dataclass
class Period:
    label: str
    counts: Counts
    ratings: dict
    findings: FindingFigures | None = None
    rounds: int = 0

    @property
    def dat_pct(self) -> int:
        rated = sum(v for k, v in self.ratings.items() if k != "none")
        return round(100 * self.ratings.get("dat", 0) / rated) if rated else 0


def compare_rounds(rnd: Round, totals: dict | None = None, rates: dict | None = None) -> list[Period]:
    """The round beside the one before it (Đợt 1 against Đợt 2), oldest first. `totals` and
    `rates` (round_figures over these rounds and more) spare its query."""
    rounds = [r for r in (rnd.previous, rnd) if r is not None]
    if totals is None or rates is None:
        totals, rates = round_figures(r.id for r in rounds)
    return [Period(label=r.name, counts=totals[r.id], ratings=rates[r.id], rounds=1) for r in rounds]


def year_round_ids(year: int) -> list[tuple[int, int]]:
    """(round id, year) of every non-draft round of the year and the one before."""
    return [tuple(r) for r in db.session.execute(select(Round.id, Round.year).where(
        Round.year.in_((year - 1, year)), Round.state != "draft")).all()]


def compare_years(year: int, today: date, *, rounds=None, totals=None, rates=None,
                  findings: dict | None = None) -> list[Period]:
    """This year against last year: every non-draft round of each year added up. The keyword
    arguments hand in what the dashboard already computed for its other panels."""
    rounds = rounds if rounds is not None else year_round_ids(year)
    if totals is None or rates is None:
        totals, rates = round_figures(rid for rid, _ in rounds)
    findings = findings if findings is not None else findings_for_years((year - 1, year), today)
    out = []
    for y in (year - 1, year):
        counts, rating = Counts(label=str(y)), {**{k: 0 for k in RATINGS}, "none": 0}
        ids = [rid for rid, ry in rounds if ry == y]
        for rid in ids:
            counts.add(totals[rid])
            for k, v in rates[rid].items():
                rating[k] += v
        out.append(Period(label=f"Năm {y}", counts=counts, ratings=rating,
                          findings=findings[y], rounds=len(ids)))
    return out
