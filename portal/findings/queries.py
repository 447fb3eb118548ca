"""Lists of findings and remedies (what a user may see, overdue, awaiting confirmation) and the
export rows."""
from __future__ import annotations

from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.text import fold
from portal.timeutil import today

from . import owners
from .closure import outcome
from .models import CAUSES, REMEDY_STATUSES, SOURCES, Finding, Remedy
from .rules import can_read_all


def overdue_clause(on: date):
    return exists().where(Remedy.finding_id == Finding.id, Remedy.deadline < on,
                          Remedy.status.in_(("todo", "doing")))


def findings_query(user, *, state: str = "open", source: str = "", area_id=None, unit_id=None,
                   person_id=None, year=None, round_id=None, q: str = "", on: date | None = None):
    """The select behind the findings list, limited to what the user may see."""
    stmt = findings_scope(user, state=state, source=source, area_id=area_id, unit_id=unit_id,
                          person_id=person_id, year=year, round_id=round_id, q=q, on=on)
    # Lists, exports and the figure all read these per finding: load them with the page, not per row.
    stmt = stmt.options(selectinload(Finding.remedies).options(joinedload(Remedy.owner),
                                                                joinedload(Remedy.owner_unit)),
                        joinedload(Finding.area), joinedload(Finding.unit), joinedload(Finding.person),
                        joinedload(Finding.criterion))
    return stmt.order_by(Finding.found_on.desc(), Finding.id.desc())


def findings_scope(user, *, state: str = "open", source: str = "", area_id=None, unit_id=None,
                   person_id=None, year=None, round_id=None, q: str = "", on: date | None = None):
    """findings_query's filters alone: a select(Finding) to count or aggregate over."""
    on = on or today()
    stmt = select(Finding)
    if not can_read_all(user):
        stmt = stmt.where(or_(Finding.person_id == user.id,
                              exists().where(Remedy.finding_id == Finding.id, owners.owned_by(user))))
    if state == "open":
        stmt = stmt.where(Finding.closed_at.is_(None))
    elif state == "overdue":
        stmt = stmt.where(Finding.closed_at.is_(None), overdue_clause(on))
    elif state == "closed":
        stmt = stmt.where(Finding.closed_at.is_not(None))
    if source in SOURCES:
        stmt = stmt.where(Finding.source == source)
    for column, value in ((Finding.area_id, area_id), (Finding.unit_id, unit_id),
                          (Finding.person_id, person_id), (Finding.year, year),
                          (Finding.round_id, round_id)):
        if value:
            stmt = stmt.where(column == value)
    for word in fold(q).split():
        stmt = stmt.where(Finding.search_text.contains(word, autoescape=True))
    return stmt


def finding_years() -> list[int]:
    return list(db.session.scalars(select(Finding.year).distinct().order_by(Finding.year.desc())))


def overdue_remedies(on: date | None = None) -> list[Remedy]:
    on = on or today()
    stmt = (select(Remedy).where(Remedy.deadline < on, Remedy.status.in_(("todo", "doing")))
            .order_by(Remedy.deadline, Remedy.id))
    return list(db.session.scalars(stmt))


def open_remedies_of(user) -> list[Remedy]:
    """Open remedies the user answers for: their own and their unit's (owners.py)."""
    stmt = (select(Remedy).where(owners.owned_by(user), Remedy.status.in_(("todo", "doing")))
            .order_by(Remedy.deadline, Remedy.id))
    return list(db.session.scalars(stmt))


def awaiting_confirmation() -> list[Remedy]:
    stmt = (select(Remedy).where(Remedy.status == "done", Remedy.confirmed_at.is_(None))
            .order_by(Remedy.done_on, Remedy.id))
    return list(db.session.scalars(stmt))


EXPORT_HEADERS = ["STT", "Số", "Ngày phát hiện", "Nguồn", "Nội dung tồn tại, hạn chế", "Đơn vị",
                  "Cán bộ, công chức", "Nguyên nhân", "Kiến nghị", "Biện pháp khắc phục (người thực hiện, hạn, tình trạng)",
                  "Tình trạng"]


def export_rows(findings, on: date) -> list[list]:
    rows = []
    for n, f in enumerate(findings, start=1):
        remedies = "\n".join(
            f"- {r.action} ({r.owner_name}, hạn {r.deadline:%d/%m/%Y}, {REMEDY_STATUSES[r.status].lower()}"
            f"{', quá hạn' if r.is_overdue(on) else ''})" for r in f.remedies)
        state = {"remedied": "Đã khắc phục", "escalated": "Đã kiến nghị cấp có thẩm quyền",
                 "open": "Đang theo dõi"}[outcome(f)]
        rows.append([n, f.id, f.found_on, SOURCES.get(f.source, f.source) + (f"\n{f.source_ref}" if f.source_ref else ""),
                     f.description, f.unit.name if f.unit else "", f.person.full_name if f.person else "",
                     CAUSES.get(f.cause, f.cause), f.recommendation, remedies, state])
    return rows
