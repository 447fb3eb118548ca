"""The responsibility list as light rows: columns, not objects. A 50-row page of Criterion
objects with their assignments, units, people and coordinators took more time to load than the
rest of the page to render; the list and the row the editor swaps back read these instead."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cache
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import aliased

from portal.accounts.models import Unit, User
from portal.catalogue.models import Catalogue, Criterion
from portal.catalogue.services import load_areas
from portal.extensions import db

from .models import Assignment, AssignmentCoordinator
from .services import Filters, filtered


class Line(NamedTuple):
    id: int
    code: str
    text: str
    area_id: int
    group_id: int | None
    parent_id: int | None
    assignment_id: int | None
    product: str | None
    lead_unit_name: str | None
    lead_person_name: str | None
    timeframe: str | None
    due_date: date | None
    note: str | None
    lead_person_id: int | None
    assigned: bool
    # filled by `complete`, for the page's rows only
    area_label: str = ""
    group_label: str = ""
    level_label: str = ""
    coordinator_units: tuple = ()
    coordinator_persons: tuple = ()

    @property
    def coordinators_text(self) -> str:
        """As Assignment.coordinators_text: units first, then persons, separated by "; "."""
        return "; ".join(self.coordinator_units + self.coordinator_persons)


@cache
def _people():
    """Aliases made once (making one configures the mappers: every model must be imported)."""
    return aliased(Unit, name="lead_unit"), aliased(User, name="lead_person")


def lines_select(catalogue: Catalogue, filters: Filters | None = None):
    unit, person = _people()
    stmt = (select(Criterion.id, Criterion.code, Criterion.text, Criterion.area_id, Criterion.group_id,
                   Criterion.parent_id, Assignment.id, Assignment.product, unit.name, person.full_name,
                   Assignment.timeframe, Assignment.due_date, Assignment.note, Assignment.lead_person_id,
                   Assignment.lead_person_id.is_not(None) | Assignment.lead_unit_id.is_not(None))
            .outerjoin(Assignment, Assignment.criterion_id == Criterion.id)
            .outerjoin(unit, unit.id == Assignment.lead_unit_id)
            .outerjoin(person, person.id == Assignment.lead_person_id))
    return filtered(stmt, catalogue, filters)


def make(row) -> Line:
    *head, assigned = row
    return Line(*head, bool(assigned))


def complete(catalogue: Catalogue, lines: list[Line]) -> list[Line]:
    """The page's rows with their area heading, level ("a) Công tác chỉ đạo… › 1.1. …") and
    coordinators: at most three more queries, whatever the page holds."""
    if not lines:
        return []
    load_areas(catalogue)
    areas = {a.id: a for a in catalogue.areas}
    groups = {g.id: g for a in catalogue.areas for g in a.groups}
    parents = {}
    if any(x.parent_id for x in lines):
        sub = select(Criterion.parent_id).where(Criterion.catalogue_id == catalogue.id)
        parents = {r.id: r for r in db.session.execute(
            select(Criterion.id, Criterion.code, Criterion.text, Criterion.parent_id)
            .where(Criterion.catalogue_id == catalogue.id, Criterion.id.in_(sub)))}
    units, people = defaultdict(list), defaultdict(list)
    ids = [x.assignment_id for x in lines if x.assignment_id]
    if ids:
        for aid, unit, person in db.session.execute(
                select(AssignmentCoordinator.assignment_id, Unit.name, User.full_name)
                .outerjoin(Unit, Unit.id == AssignmentCoordinator.unit_id)
                .outerjoin(User, User.id == AssignmentCoordinator.person_id)
                .where(AssignmentCoordinator.assignment_id.in_(ids)).order_by(AssignmentCoordinator.id)):
            if unit:
                units[aid].append(unit)
            if person:
                people[aid].append(person)
    out = []
    for x in lines:
        area = areas.get(x.area_id)
        group = groups.get(x.group_id)
        out.append(x._replace(area_label=f"{area.code}. {area.name}" if area else "",
                              group_label=group.label if group else "",
                              level_label=" › ".join(_levels(x, groups, parents)),
                              coordinator_units=tuple(units.get(x.assignment_id, ())),
                              coordinator_persons=tuple(people.get(x.assignment_id, ()))))
    return out


def _levels(line: Line, groups: dict, parents: dict) -> list[str]:
    """Criterion.level_path from columns: the group, then the parent criteria, outermost first."""
    path, node = [], parents.get(line.parent_id)
    while node is not None and len(path) < 20:
        path.append(f"{node.code}. {node.text}")
        node = parents.get(node.parent_id)
    path.reverse()
    if line.group_id in groups:
        path.insert(0, groups[line.group_id].label)
    return path


def one(catalogue: Catalogue, criterion_id: int) -> Line | None:
    """The row of one criterion (the editor swaps it back after a save or a cancel)."""
    row = db.session.execute(lines_select(catalogue).where(Criterion.id == criterion_id)).first()
    return complete(catalogue, [make(row)])[0] if row else None


def by_area(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    """Completed lines in runs of one area, with the area's label: [("1. Công tác …", [...]), …]."""
    groups: list[tuple[str, list[Line]]] = []
    last = object()
    for x in lines:
        if x.area_id != last:
            groups.append((x.area_label, []))
            last = x.area_id
        groups[-1][1].append(x)
    return groups
