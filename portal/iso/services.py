"""Holidays, the procedure registry and its access policy. Functions flush; the view commits."""
import datetime as dt
import re

from sqlalchemy import extract, select

from portal.accounts import roles as R
from portal.extensions import db
from portal.text import fold, nfc

from .models import KINDS, Holiday, Procedure, ProcedureForm, ProcedureStep, ProcedureVersion


class InputError(ValueError):
    """Bad user input; `errors` lists every problem in Vietnamese."""

    def __init__(self, errors):
        self.errors = list(errors) if isinstance(errors, (list, tuple)) else [errors]
        super().__init__("; ".join(self.errors))


def clean(value) -> str:
    return nfc(str(value) if value is not None else "").strip()


# -- access policy -------------------------------------------------------------------------
# The registry is public inside the ward; sample checks are the team's and the secretariat's.
READ_CHECKS = (*R.MANAGERS, R.INSPECTOR, R.LEADER)
RECORD_CHECKS = (R.INSPECTOR,)


def can_manage(user) -> bool:
    return user.has_role(*R.MANAGERS)


def can_record(user) -> bool:
    return user.has_role(*RECORD_CHECKS)


# -- holidays ------------------------------------------------------------------------------

def holidays_of(year: int) -> list[Holiday]:
    stmt = select(Holiday).where(extract("year", Holiday.date) == year).order_by(Holiday.date)
    return list(db.session.scalars(stmt))


def holiday_years() -> list[int]:
    days = db.session.scalars(select(Holiday.date)).all()
    return sorted({d.year for d in days})


def holiday_set(start: dt.date | None = None, end: dt.date | None = None) -> frozenset[dt.date]:
    """The holiday dates (optionally only those between start and end) for workdays functions."""
    stmt = select(Holiday.date)
    if start:
        stmt = stmt.where(Holiday.date >= start)
    if end:
        stmt = stmt.where(Holiday.date <= end)
    return frozenset(db.session.scalars(stmt))


def add_holiday(day: dt.date, name: str) -> Holiday:
    name = clean(name)
    if not name:
        raise InputError("Vui lòng nhập tên ngày nghỉ.")
    if db.session.scalar(select(Holiday.id).where(Holiday.date == day)):
        raise InputError(f"Ngày {day:%d/%m/%Y} đã có trong danh sách ngày nghỉ.")
    holiday = Holiday(date=day, name=name[:200])
    db.session.add(holiday)
    db.session.flush()
    return holiday


# -- procedures ----------------------------------------------------------------------------

CODE_RE = re.compile(r"^[A-Za-z0-9Đđ][A-Za-z0-9Đđ._/-]{0,39}$")


def search_procedures(q: str = "", unit_id: int | None = None, kind: str | None = None) -> list[Procedure]:
    stmt = select(Procedure).order_by(Procedure.code)
    if q:
        stmt = stmt.where(Procedure.search_text.contains(fold(q)))
    if unit_id:
        stmt = stmt.where(Procedure.unit_id == unit_id)
    if kind in KINDS:
        stmt = stmt.where(Procedure.kind == kind)
    return list(db.session.scalars(stmt))


def procedure_by_code(code: str) -> Procedure | None:
    return db.session.scalar(select(Procedure).where(Procedure.code == clean(code).upper()))


def _index(proc: Procedure) -> None:
    proc.search_text = fold(f"{proc.code} {proc.name}")[:400]


def save_procedure(proc: Procedure | None, code: str, name: str, kind: str, unit_id: int | None) -> Procedure:
    code, name = clean(code).upper(), clean(name)
    errors = []
    if not CODE_RE.match(code):
        errors.append("Mã quy trình chỉ gồm chữ, số và các dấu . _ / - (tối đa 40 ký tự), ví dụ QT-VHXH-01.")
    if not name:
        errors.append("Vui lòng nhập tên quy trình.")
    if kind not in KINDS:
        errors.append("Loại quy trình không hợp lệ.")
    other = procedure_by_code(code) if code else None
    if other is not None and other is not proc:
        errors.append(f"Mã quy trình {code} đã có trong danh mục.")
    if errors:
        raise InputError(errors)
    if proc is None:
        proc = Procedure()
        db.session.add(proc)
    proc.code, proc.name, proc.kind, proc.unit_id = code, name[:300], kind, unit_id
    _index(proc)
    db.session.flush()
    return proc


def parse_steps(text: str) -> tuple[list[dict], list[str]]:
    """Steps typed one per line: "Nội dung bước | Trách nhiệm | Số ngày làm việc"."""
    steps, errors = [], []
    for number, line in enumerate(clean(text).splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            errors.append(f"Dòng {number}: cần đúng 3 phần ngăn bởi dấu |: nội dung | trách nhiệm | số ngày.")
            continue
        name, responsible, days = parts
        if not name:
            errors.append(f"Dòng {number}: thiếu nội dung bước.")
        try:
            days_limit = parse_days(days)
        except ValueError:
            errors.append(f"Dòng {number}: thời hạn “{days}” phải là số ngày làm việc (số nguyên từ 0).")
            continue
        steps.append({"name": name, "responsible": responsible[:200], "days_limit": days_limit})
    if not steps and not errors:
        errors.append("Quy trình cần ít nhất một bước.")
    return steps, errors


def parse_days(value) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    days = int(str(value).strip())
    if days < 0 or days > 365:
        raise ValueError(value)
    return days


def parse_forms(text: str) -> tuple[list[dict], list[str]]:
    """Forms typed one per line (or separated by ";"): "Mã - Tên" or "Mã | Tên"."""
    forms, errors, seen = [], [], set()
    items = [p.strip() for line in clean(text).splitlines() for p in line.split(";")]
    for item in filter(None, items):
        match = re.match(r"^(\S+)\s*(?:\||-|–|:)\s*(.+)$", item)
        if not match:
            errors.append(f"Biểu mẫu “{item}”: cần dạng “Mã - Tên biểu mẫu”.")
            continue
        code, name = match.group(1).strip(), match.group(2).strip()
        if code.upper() in seen:
            errors.append(f"Biểu mẫu {code} bị lặp.")
            continue
        seen.add(code.upper())
        forms.append({"code": code[:40], "name": name[:300]})
    return forms, errors


def steps_text(version: ProcedureVersion | None) -> str:
    if version is None:
        return ""
    return "\n".join(f"{s.name} | {s.responsible} | {s.days_limit}" for s in version.steps)


def forms_text(version: ProcedureVersion | None) -> str:
    if version is None:
        return ""
    return "\n".join(f"{f.code} - {f.name}" for f in version.forms)


def add_version(proc: Procedure, number: str, effective_date: dt.date, steps: list[dict],
                forms: list[dict], note: str = "") -> ProcedureVersion:
    """Issue a new version; the old ones stay as they were."""
    number = clean(number)
    errors = []
    if not number or len(number) > 20:
        errors.append("Vui lòng nhập số phiên bản (tối đa 20 ký tự), ví dụ 01.")
    elif any(v.number == number for v in proc.versions):
        errors.append(f"Phiên bản {number} của quy trình {proc.code} đã có; phiên bản mới cần số khác.")
    if not steps:
        errors.append("Quy trình cần ít nhất một bước.")
    if errors:
        raise InputError(errors)
    version = ProcedureVersion(number=number, effective_date=effective_date, note=clean(note))
    version.steps = [ProcedureStep(position=i, **s) for i, s in enumerate(steps, start=1)]
    version.forms = [ProcedureForm(position=i, **f) for i, f in enumerate(forms, start=1)]
    proc.versions.append(version)
    db.session.flush()
    return version
