"""Who may do what with findings and remedies, FindingError, and the field checks every recording
form shares (text, reference, date). Validation problems raise FindingError carrying
{field: Vietnamese message}."""
from __future__ import annotations

from datetime import date

from portal.accounts import roles as R
from portal.accounts.models import User
from portal.extensions import db
from portal.text import clean
from portal.web.params import db_int

from . import owners
from .models import Finding, Remedy


MAX_TEXT = 5000  # a description, a recommendation, a report: generous, but bounded
MAX_REF = 300
TARGET_PERCENT = 100  # seed 001: 100% of shortcomings remedied or escalated


class FindingError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# -- policy ---------------------------------------------------------------------------------

def can_manage(user) -> bool:
    return user.has_role(*R.MANAGERS)


def can_confirm(user) -> bool:
    """Only the inspection team (or the secretariat standing in for it) settles a remedy."""
    return user.has_role(R.INSPECTOR, *R.MANAGERS)


def can_read_all(user) -> bool:
    return user.has_role(R.LEADER, R.INSPECTOR, *R.MANAGERS)


def can_view(user, finding: Finding) -> bool:
    if can_read_all(user):
        return True
    return finding.person_id == user.id or any(owners.answers_for(user, r) for r in finding.remedies)


def can_report(user, remedy: Remedy) -> bool:
    """Staff update only the remedies they answer for (their own, their unit's), while not settled."""
    return owners.answers_for(user, remedy) and not remedy.is_settled


# -- validation helpers ---------------------------------------------------------------------

def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def text_field(errors, field, value, label, required=False, limit=MAX_TEXT):
    value = clean(value)
    if required and not value:
        errors[field] = f"Vui lòng nhập {label}."
    elif len(value) > limit:
        errors[field] = (f"{label[:1].upper()}{label[1:]} quá dài: tối đa {_n(limit)} ký tự "
                         f"(đang có {_n(len(value))}).")
    return value


def ref_field(errors, field, model, value, message):
    if value in (None, "", 0):
        return None
    try:
        value = db_int(value)
    except (TypeError, ValueError):
        errors[field] = message
        return None
    row = db.session.get(model, value)
    if row is None or (isinstance(row, User) and not row.active):
        errors[field] = message
        return None
    return row


def date_field(errors, field, value, label, required=True):
    if value in (None, ""):
        if required:
            errors[field] = f"Vui lòng nhập {label}."
        return None
    if isinstance(value, date):
        return value
    from portal.timeutil import parse_date

    try:
        return parse_date(str(value))
    except ValueError:
        errors[field] = f"{label[:1].upper()}{label[1:]} không hợp lệ (dạng ngày/tháng/năm)."
        return None
