"""Rules of the responsibility lists: listing, assigning, hand-over, copying a year.

Functions change and flush; the caller (a view or a CLI command) commits once.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from portal.accounts.models import Unit, User
from portal.audit.recorder import log_event
from portal.catalogue.models import Area, Catalogue, Criterion
from portal.extensions import db
from portal.notifications import events
from portal.text import clean, fold
from portal.timeutil import today
from portal.web.concurrency import check_version

from .models import Assignment, AssignmentCoordinator, AssignmentHistory

# --- time frames -------------------------------------------------------------------------

_DATE_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_RE = re.compile(r"tháng\s+(\d{1,2})\s*[/.-]\s*(\d{4})", re.IGNORECASE)


def parse_timeframe(text: str) -> date | None:
    """The due date a time frame names, if any: "Trước 30/6/2026" → 30/06/2026, "Tháng 9/2026"
    → 30/09/2026 (end of month), "Thường xuyên" → None. A malformed date gives None."""
    text = clean(text)
    try:
        if m := _DATE_RE.search(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _ISO_RE.search(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH_RE.search(text):
            year, month = int(m[2]), int(m[1])
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
    except ValueError:
        return None
    return None


# --- reading -----------------------------------------------------------------------------

@dataclass
class Filters:
    area_id: int | None = None
    unit_id: int | None = None
    person_id: int | None = None
    unassigned: bool = False
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.area_id or self.unit_id or self.person_id or self.unassigned or self.q)

    def as_args(self) -> dict:
        args = {"linh_vuc": self.area_id, "don_vi": self.unit_id, "nguoi": self.person_id,
                "chua_phan_cong": "1" if self.unassigned else None, "q": self.q or None}
        return {k: v for k, v in args.items() if v}


def _assigned_clause():
    return or_(Assignment.lead_person_id.is_not(None), Assignment.lead_unit_id.is_not(None))


def _loaded():
    """Eager loads for a list of criteria with their assignments: a flat number of queries."""
    # one-to-one: joined into the criteria query (a selectinload would split its IN list every
    # 500 rows, so the query count would grow with the catalogue)
    a = joinedload(Criterion.assignment)
    return (
        joinedload(Criterion.area),
        joinedload(Criterion.group),
        a.joinedload(Assignment.lead_unit),
        a.joinedload(Assignment.lead_person),
        a.selectinload(Assignment.coordinators).joinedload(AssignmentCoordinator.unit),
        a.selectinload(Assignment.coordinators).joinedload(AssignmentCoordinator.person),
    )


def involves_person(person_id: int):
    """Criteria whose assignment has this person as lead or coordinator."""
    return Criterion.assignment.has(or_(
        Assignment.lead_person_id == person_id,
        Assignment.coordinators.any(AssignmentCoordinator.person_id == person_id)))


def involves_unit(unit_id: int):
    return Criterion.assignment.has(or_(
        Assignment.lead_unit_id == unit_id,
        Assignment.coordinators.any(AssignmentCoordinator.unit_id == unit_id)))


def list_criteria(catalogue: Catalogue, filters: Filters | None = None) -> list[Criterion]:
    """The catalogue's criteria (with assignments loaded) matching the filters, in plan order."""
    return list(db.session.scalars(criteria_query(catalogue, filters)).unique())


def criteria_query(catalogue: Catalogue, filters: Filters | None = None):
    """The select behind list_criteria (for a page of it)."""
    return filtered(select(Criterion).options(*_loaded()), catalogue, filters)


def _conditions(filters: Filters | None) -> list:
    """The filters as conditions on Criterion (none: every criterion of the catalogue)."""
    f = filters or Filters()
    conditions = []
    if f.area_id:
        conditions.append(Criterion.area_id == f.area_id)
    if f.unit_id:
        conditions.append(involves_unit(f.unit_id))
    if f.person_id:
        conditions.append(involves_person(f.person_id))
    if f.unassigned:
        conditions.append(_unassigned())
    for word in fold(f.q).split():
        conditions.append(Criterion.search_text.contains(word, autoescape=True))
    return conditions


def filtered(stmt, catalogue: Catalogue, filters: Filters | None = None):
    """A select over Criterion narrowed to the catalogue and the filters, in plan order."""
    return (stmt.where(Criterion.catalogue_id == catalogue.id, *_conditions(filters))
            .order_by(Criterion.position, Criterion.id))


def _unassigned():
    # has(): correlated to the criterion only, also inside a select that joins the assignment
    return ~Criterion.assignment.has(_assigned_clause())


def unassigned_count(catalogue: Catalogue | None) -> int:
    if catalogue is None:
        return 0
    return db.session.scalar(
        select(func.count(Criterion.id)).where(Criterion.catalogue_id == catalogue.id, _unassigned()))


def list_counts(catalogue: Catalogue, filters: Filters | None = None) -> tuple[int, int]:
    """(criteria matching the filters, criteria of the catalogue nobody is assigned to) in one
    query: the list's count line and its "chưa phân công" counter."""
    conditions = _conditions(filters)
    matching = func.count(case((and_(*conditions), 1))) if conditions else func.count()
    total, unassigned = db.session.execute(
        select(matching, func.count(case((_unassigned(), 1)))).where(Criterion.catalogue_id == catalogue.id)).one()
    return total, unassigned


@dataclass
class AreaLoad:
    """How many of an area's criteria a person leads or coordinates (their own list)."""

    area: Area
    count: int
    lead: int
    overdue: int
    upcoming: int  # due on or after the day asked about


def my_areas(catalogue: Catalogue, person: User, on: date) -> list[AreaLoad]:
    """The person's criteria counted per area, in plan order (one aggregate query)."""
    stmt = (select(Area, func.count(Criterion.id),
                   func.sum(case((Assignment.lead_person_id == person.id, 1), else_=0)),
                   func.sum(case((Assignment.due_date < on, 1), else_=0)),
                   func.sum(case((Assignment.due_date >= on, 1), else_=0)))
            .join(Criterion, Criterion.area_id == Area.id).join(Assignment, Assignment.criterion_id == Criterion.id)
            .where(Criterion.catalogue_id == catalogue.id, involves_person(person.id))
            .group_by(Area.id).order_by(Area.position, Area.id))
    return [AreaLoad(area, count, *(n or 0 for n in sums)) for area, count, *sums in db.session.execute(stmt)]


def my_summary(catalogue: Catalogue | None, person: User, on: date | None = None) -> dict:
    """For the home panel and the person's list: how many criteria the person leads or
    coordinates (per area too), how many are overdue, what is due next. One query, two when
    something is still to come, whatever the number of criteria."""
    if catalogue is None:
        return {"count": 0, "lead": 0, "overdue": 0, "next": None, "areas": []}
    on = on or today()
    areas = my_areas(catalogue, person, on)
    return {"count": sum(a.count for a in areas), "lead": sum(a.lead for a in areas),
            "overdue": sum(a.overdue for a in areas), "areas": areas,
            "next": _next_due(catalogue, person, on) if any(a.upcoming for a in areas) else None}


def _next_due(catalogue: Catalogue, person: User, on: date) -> Criterion | None:
    """The person's criterion due first on or after `on` (with its assignment loaded)."""
    return db.session.scalar(
        select(Criterion).join(Criterion.assignment).options(contains_eager(Criterion.assignment))
        .where(Criterion.catalogue_id == catalogue.id, involves_person(person.id), Assignment.due_date >= on)
        .order_by(Assignment.due_date, Criterion.position, Criterion.id).limit(1))


def load_by_person(catalogue: Catalogue) -> dict[int, int]:
    """How many criteria of the catalogue each person leads or coordinates (one query set)."""
    counts: dict[int, int] = {}
    for c in list_criteria(catalogue):
        a = c.assignment
        if a is None:
            continue
        for person_id in {a.lead_person_id, *(x.person_id for x in a.coordinators)} - {None}:
            counts[person_id] = counts.get(person_id, 0) + 1
    return counts


def history_of(criterion: Criterion) -> list[AssignmentHistory]:
    stmt = (select(AssignmentHistory).where(AssignmentHistory.criterion_id == criterion.id)
            .options(joinedload(AssignmentHistory.person))
            .order_by(AssignmentHistory.from_date.desc(), AssignmentHistory.id.desc()))
    return list(db.session.scalars(stmt))


# --- writing -----------------------------------------------------------------------------

@dataclass
class AssignmentData:
    """What one assignment says; ids of units and people (validated by the caller's form)."""

    lead_unit_id: int | None = None
    lead_person_id: int | None = None
    coordinator_unit_ids: list[int] = field(default_factory=list)
    coordinator_person_ids: list[int] = field(default_factory=list)
    product: str = ""
    timeframe: str = ""
    note: str = ""

    @classmethod
    def of(cls, a: Assignment | None) -> "AssignmentData":
        if a is None:
            return cls()
        return cls(a.lead_unit_id, a.lead_person_id,
                   [c.unit_id for c in a.coordinators if c.unit_id],
                   [c.person_id for c in a.coordinators if c.person_id],
                   a.product, a.timeframe, a.note)


def _sync_history(assignment: Assignment, reason: str, on: date) -> None:
    """Open a history row for each person newly in charge, close the rows of those who left."""
    current = set()
    if assignment.lead_person_id:
        current.add((assignment.lead_person_id, "lead"))
    for c in assignment.coordinators:
        if c.person_id and (c.person_id, "lead") not in current:
            current.add((c.person_id, "coordinator"))
    open_rows = list(db.session.scalars(select(AssignmentHistory).where(
        AssignmentHistory.criterion_id == assignment.criterion_id, AssignmentHistory.to_date.is_(None))))
    held = {(h.person_id, h.role) for h in open_rows}
    for h in open_rows:
        if (h.person_id, h.role) not in current:
            h.to_date, h.end_reason = on, reason[:300]
    for person_id, role in sorted(current - held):
        db.session.add(AssignmentHistory(criterion=assignment.criterion, person_id=person_id,
                                         role=role, from_date=on, reason=reason[:300]))


def _apply(assignment: Assignment, data: AssignmentData) -> None:
    assignment.lead_unit_id = data.lead_unit_id
    assignment.lead_person_id = data.lead_person_id
    wanted = ([("u", i) for i in dict.fromkeys(data.coordinator_unit_ids)]
              + [("p", i) for i in dict.fromkeys(data.coordinator_person_ids) if i != data.lead_person_id])
    have = {("u", c.unit_id) if c.unit_id else ("p", c.person_id): c for c in assignment.coordinators}
    assignment.coordinators = [
        have.get(key) or AssignmentCoordinator(unit_id=i if kind == "u" else None,
                                               person_id=i if kind == "p" else None)
        for key in wanted for kind, i in [key]
    ]
    assignment.product = clean(data.product)
    assignment.timeframe = clean(data.timeframe)[:200]
    assignment.due_date = parse_timeframe(assignment.timeframe)
    assignment.note = clean(data.note)


def save_assignment(criterion: Criterion, data: AssignmentData, version=None,
                    reason: str = "Phân công", on: date | None = None) -> Assignment:
    """Create or update the criterion's assignment. `version` is what the editor read (0 when
    there was no assignment yet): a mismatch raises EditConflict and nothing is changed."""
    assignment = criterion.assignment
    if version is not None:
        if assignment is None:
            if str(version) not in ("0", ""):
                from portal.web.concurrency import EditConflict
                raise EditConflict()
        else:
            check_version(assignment, version)
    if assignment is None:
        assignment = Assignment(criterion=criterion)
        db.session.add(assignment)
    _apply(assignment, data)
    db.session.flush()
    events.emit("assignment_saved", assignment)  # before the history sync: it compares with it
    _sync_history(assignment, reason, on or today())
    db.session.flush()
    return assignment


def assign_many(criteria: list[Criterion], lead_unit_id: int | None, lead_person_id: int | None,
                coordinator_unit_ids=(), coordinator_person_ids=(), timeframe: str = "",
                product: str = "") -> int:
    """Bulk assignment: set the lead of every criterion; coordinators, time frame and product
    replace the old ones only when given. Returns how many criteria were changed."""
    changed = 0
    for criterion in criteria:
        data = AssignmentData.of(criterion.assignment)
        before = AssignmentData.of(criterion.assignment)
        data.lead_unit_id, data.lead_person_id = lead_unit_id, lead_person_id
        if coordinator_unit_ids or coordinator_person_ids:
            data.coordinator_unit_ids = list(coordinator_unit_ids)
            data.coordinator_person_ids = list(coordinator_person_ids)
        if clean(timeframe):
            data.timeframe = timeframe
        if clean(product):
            data.product = product
        if data != before or criterion.assignment is None:
            save_assignment(criterion, data, reason="Phân công hàng loạt")
            changed += 1
    return changed


def handover(from_person: User, to_person: User, reason: str = "", on: date | None = None,
             catalogue: Catalogue | None = None) -> int:
    """Move every assignment of one person (lead and coordinator) in one catalogue (by default
    the current year's; earlier years' lists stay as they were) to another person.

    History rows of the first person are closed and rows for the second opened, both dated
    `on`. Returns the number of assignments moved."""
    if from_person.id == to_person.id:
        raise ValueError("Người nhận bàn giao phải khác người bàn giao.")
    on = on or today()
    reason = clean(reason) or f"Bàn giao từ {from_person.full_name} sang {to_person.full_name}"
    if catalogue is None:  # the year being worked in, not the newest imported
        from portal.catalogue.services import current_catalogue

        catalogue = current_catalogue()
    if catalogue is None:
        return 0
    stmt = (select(Assignment).options(selectinload(Assignment.coordinators),
                                       joinedload(Assignment.criterion))
            .join(Assignment.criterion).where(Criterion.catalogue_id == catalogue.id)
            .where(or_(Assignment.lead_person_id == from_person.id,
                       Assignment.coordinators.any(AssignmentCoordinator.person_id == from_person.id))))
    moved = 0
    for assignment in db.session.scalars(stmt).unique():
        data = AssignmentData.of(assignment)
        if data.lead_person_id == from_person.id:
            data.lead_person_id = to_person.id
        data.coordinator_person_ids = [to_person.id if p == from_person.id else p
                                       for p in data.coordinator_person_ids]
        _apply(assignment, data)
        db.session.flush()
        _sync_history(assignment, reason, on)
        moved += 1
    db.session.flush()
    log_event(db.session, from_person, "handover",
              {"to": to_person.username, "count": moved, "reason": reason})
    events.emit("handover", from_person, to_person, moved, reason, on)
    return moved


def copy_year(source: Catalogue, target: Catalogue, confirmed=()):
    """Copy assignments to another catalogue, matching by code and text (see copying.py)."""
    from .copying import copy_year as copy

    return copy(source, target, confirmed)


def shift_year(text: str, old: int, new: int) -> str:
    """Dates of last year's time frame move to the new year ("Trước 30/6/2026" → "…/2027")."""
    return re.sub(rf"\b{old}\b", str(new), text or "")


def active_people() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)))


def active_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.position, Unit.name)))
