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
from portal.catalogue.models import Area, AreaGroup, Catalogue, Criterion, group_label
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
    area_label: str
    group_label: str
    # filled by `complete`, for the page's rows only
    level_label: str = ""
    coordinator_units: tuple = ()
    coordinator_persons: tuple = ()

    @property
    def coordinators_text(self) -> str:
        """As Assignment.coordinators_text: units first, then persons, separated by "; "."""
        return "; ".join(self.coordinator_units + self.coordinator_persons)


@cache
def _base():
    """The select of every line, made once (making its aliases configures the mappers, so every
    model must be imported by then); filters narrow a copy of it."""
    unit, person = aliased(Unit, name="lead_unit"), aliased(User, name="lead_person")
    return (select(Criterion.id, Criterion.code, Criterion.text, Criterion.area_id, Criterion.group_id,
                   Criterion.parent_id, Assignment.id, Assignment.product, unit.name, person.full_name,
                   Assignment.timeframe, Assignment.due_date, Assignment.note, Assignment.lead_person_id,
                   Assignment.lead_person_id.is_not(None) | Assignment.lead_unit_id.is_not(None),
                   Area.code, Area.name, AreaGroup.code, AreaGroup.name)
            .join(Area, Area.id == Criterion.area_id)
            .outerjoin(AreaGroup, AreaGroup.id == Criterion.group_id)
            .outerjoin(Assignment, Assignment.criterion_id == Criterion.id)
            .outerjoin(unit, unit.id == Assignment.lead_unit_id)
            .outerjoin(person, person.id == Assignment.lead_person_id))


def lines_select(catalogue: Catalogue, filters: Filters | None = None):
    return filtered(_base(), catalogue, filters)


def make(row) -> Line:
    """A row of lines_select as a Line, with its area's and group's headings (as Area.label and
    AreaGroup.label) read in the same query rather than from the catalogue's tree."""
    *head, assigned, area_code, area_name, group_code, group_name = row
    return Line(*head, bool(assigned), f"{area_code}. {area_name}",
                group_label(group_code, group_name) if group_code is not None else "")


def complete(catalogue: Catalogue, lines: list[Line]) -> list[Line]:
    """The page's rows with their level ("a) Công tác chỉ đạo… › 1.1. …") and their
    coordinators: at most two more queries, whatever the page holds."""
    if not lines:
        return []
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
        out.append(x._replace(level_label=" › ".join(_levels(x, parents)),
                              coordinator_units=tuple(units.get(x.assignment_id, ())),
                              coordinator_persons=tuple(people.get(x.assignment_id, ()))))
    return out


def _levels(line: Line, parents: dict) -> list[str]:
    """Criterion.level_path from columns: the group, then the parent criteria, outermost first."""
    path, node = [], parents.get(line.parent_id)
    while node is not None and len(path) < 20:
        path.append(f"{node.code}. {node.text}")
        node = parents.get(node.parent_id)
    path.reverse()
    if line.group_label:
        path.insert(0, line.group_label)
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
