"""Who owns a remedy, and who answers for it when its owner is a unit.

A remedy is owned by a person or by a unit (phòng, ban). For a unit the ward expects:
- every active member of the unit sees the remedy among their own ("Việc của tôi", "Biện pháp
  khắc phục của tôi", the findings list) and may report its progress: the unit answers as a
  whole and its head decides inside it who does the work;
- messages and reminders go to the unit's head (Trưởng phòng, Chánh Văn phòng, Giám đốc…, as the
  unit's documents are signed), or to every active member when the unit has no head recorded,
  so that a unit's remedy never reaches nobody and does not flood the whole office either.

Forms name an owner with one token: "p<id>" a person, "u<id>" a unit (a bare id is a person:
the remedy forms sent bare ids before units could own remedies).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Unit, User
from portal.extensions import db
from portal.timeutil import today

from .models import Remedy

PERSON, UNIT = "p", "u"
BLANK = "— Chọn người hoặc đơn vị thực hiện —"


# -- tokens ---------------------------------------------------------------------------------

def token(*, person_id: int | None = None, unit_id: int | None = None) -> str:
    """The person if there is one, else the unit ("" for neither)."""
    if person_id:
        return f"{PERSON}{person_id}"
    return f"{UNIT}{unit_id}" if unit_id else ""


def token_of(remedy: Remedy) -> str:
    return token(person_id=remedy.owner_id, unit_id=remedy.owner_unit_id)


def parse(value) -> tuple[int | None, int | None]:
    """(person id, unit id) named by a form token; (None, None) for nothing chosen; an unreadable
    token becomes person -1, which the rules report as unknown in Vietnamese."""
    from portal.web.params import db_int

    text = str(value if value is not None else "").strip()
    if not text:
        return None, None
    kind, number = (text[0], text[1:]) if text[0] in (PERSON, UNIT) else (PERSON, text)
    try:
        number = db_int(number)
    except (TypeError, ValueError):
        return -1, None
    return (None, number) if kind == UNIT else (number, None)


def choices(blank=None, *, keep: Remedy | None = None) -> dict:
    """Grouped choices for a select: people (active), then units (active). `keep` adds the
    current owner of a remedy if no longer active, so saving its form unchanged keeps it."""
    person_rows, unit_rows = (list(rows) for rows in _active_rows())
    if keep is not None and keep.owner_id and keep.owner and not keep.owner.active:
        person_rows.append((token_of(keep), f"{keep.owner.full_name} (đã khóa)"))
    if keep is not None and keep.owner_unit_id and keep.owner_unit and not keep.owner_unit.active:
        unit_rows.append((token_of(keep), f"{keep.owner_unit.name} (ngừng hoạt động)"))
    return {None: [("", blank or BLANK)], "Cán bộ, công chức": person_rows, "Đơn vị": unit_rows}


def _active_rows() -> tuple[list, list]:
    """(person rows, unit rows): active people (with their unit's short name), active units."""
    people = db.session.scalars(select(User).where(User.active).order_by(User.full_name)
                                .options(joinedload(User.unit))).all()
    units = db.session.scalars(select(Unit).where(Unit.active).order_by(Unit.position, Unit.name)).all()
    return ([(token(person_id=u.id), f"{u.full_name}{' — ' + u.unit.short_name if u.unit else ''}") for u in people],
            [(token(unit_id=u.id), u.name) for u in units])


def initial_choices(*, person: User | None = None, unit: Unit | None = None) -> dict:
    """The blank choice and the pre-filled owner only (see forms.load_owners_later)."""
    out = {None: [("", BLANK)]}
    if person is not None:
        out["Cán bộ, công chức"] = [(token(person_id=person.id), person.full_name)]
    elif unit is not None:
        out["Đơn vị"] = [(token(unit_id=unit.id), unit.name)]
    return out


# -- who answers ----------------------------------------------------------------------------

def answers_for(user, remedy: Remedy) -> bool:
    """The owner, or an active member of the owning unit (see the module's note)."""
    if remedy.owner_id is not None:
        return remedy.owner_id == user.id
    return bool(user.unit_id) and remedy.owner_unit_id == user.unit_id and user.active


def owned_by(user):
    """SQL condition: remedies this user answers for (their own and their unit's)."""
    mine = Remedy.owner_id == user.id
    if not user.unit_id:
        return mine
    return or_(mine, Remedy.owner_unit_id == user.unit_id)


def recipients(remedy: Remedy) -> list[User]:
    """Who is told about the remedy: its person; for a unit, its head, else its active members."""
    if remedy.owner_unit_id is None:
        return [remedy.owner] if remedy.owner is not None else []
    unit = remedy.owner_unit
    if unit is None:
        return []
    from portal.reports.common import unit_head

    head = unit_head(unit)
    return [head] if head is not None else [m for m in unit.members if m.active]


# -- the default deadline -------------------------------------------------------------------

def default_deadline(on: date | None = None) -> date:
    """Today (or `on`) plus the ward's setting "remedy_deadline_days"."""
    from portal.settings.models import get_settings

    return (on or today()) + timedelta(days=get_settings().remedy_deadline_days or 30)
