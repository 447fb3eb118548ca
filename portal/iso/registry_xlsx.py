"""The procedure registry as an Excel file (export and import share one layout).

Layout — first sheet, a header row (found anywhere in the first 30 rows; header text is matched
without regard to case or accents), then ONE ROW PER STEP:

    Mã quy trình | Tên quy trình | Loại | Đơn vị chủ trì | Phiên bản | Ngày hiệu lực | Bước |
    Nội dung bước | Trách nhiệm | Thời hạn (ngày làm việc) | Biểu mẫu

- Rows with the same "Mã quy trình" and "Phiên bản" form one version; the name, kind, unit and
  effective date must be the same on each of its rows.
- "Loại": "Thủ tục hành chính" (ISO procedure for an administrative procedure) or "Nội bộ".
- "Đơn vị chủ trì": the unit's name or short name as in Quản trị › Đơn vị (may be empty).
- "Ngày hiệu lực": an Excel date or dd/mm/yyyy. "Bước": 1, 2, 3… "Thời hạn": whole working days.
- "Biểu mẫu": the version's forms as "Mã - Tên", separated by ";" (on any of its rows).

Import: a new code creates the procedure; a new version number adds a version (old versions are
kept); a version that already exists is skipped if identical and refused if different (a
published version is never rewritten). For a code already in the registry the procedure's name,
kind and unit are left as they are (they are edited on the procedure's page). Any bad row: every problem is reported, nothing is saved.
"""
import datetime as dt
from collections import OrderedDict

from sqlalchemy import select

from portal.accounts.models import Unit
from portal.extensions import db
from portal.exports.xlsx import Sheet, build_workbook, read_rows
from portal.text import fold
from portal.timeutil import parse_date

from . import services
from .models import Procedure
from .services import clean

HEADERS = {
    "code": "Mã quy trình",
    "name": "Tên quy trình",
    "kind": "Loại",
    "unit": "Đơn vị chủ trì",
    "number": "Phiên bản",
    "effective": "Ngày hiệu lực",
    "position": "Bước",
    "step": "Nội dung bước",
    "responsible": "Trách nhiệm",
    "days": "Thời hạn (ngày làm việc)",
    "forms": "Biểu mẫu",
}
KIND_CELLS = {"tthc": "Thủ tục hành chính", "noi_bo": "Nội bộ"}
WIDTHS = [14, 36, 18, 26, 10, 13, 7, 50, 30, 12, 50]


def export_registry(procedures: list[Procedure]) -> bytes:
    rows = []
    for proc in procedures:
        for version in reversed(proc.versions):  # oldest first, as they were issued
            forms = "; ".join(f"{f.code} - {f.name}" for f in version.forms)
            for i, step in enumerate(version.steps):
                rows.append([proc.code, proc.name, KIND_CELLS.get(proc.kind, proc.kind),
                             proc.unit.name if proc.unit else "", version.number,
                             version.effective_date, step.position, step.name, step.responsible,
                             step.days_limit, forms if i == 0 else ""])
    return build_workbook([Sheet("Quy trình", list(HEADERS.values()), rows, widths=WIDTHS,
                                 heading="DANH MỤC QUY TRÌNH ISO VÀ QUY TRÌNH NỘI BỘ")])


def _kind(value) -> str | None:
    text = fold(clean(value))
    if text in ("tthc", "thu tuc hanh chinh", "iso", "quy trinh iso") or text.startswith("quy trinh iso"):
        return "tthc"
    if text in ("noi bo", "noi_bo", "quy trinh noi bo") or text.startswith("quy trinh noi bo"):
        return "noi_bo"
    return None


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(clean(value))


def import_registry(source) -> tuple[dict, list[str]]:
    """Read and apply the file. Returns (stats, errors). With errors the caller must roll back
    (some rows may have been flushed before a conflicting version was found)."""
    rows, errors = read_rows(source, HEADERS)
    if errors:
        return {}, errors
    units = list(db.session.scalars(select(Unit)))
    unit_by = {}
    for u in units:
        unit_by[fold(u.name)] = u
        if u.short_name:
            unit_by.setdefault(fold(u.short_name), u)

    groups: "OrderedDict[tuple[str, str], dict]" = OrderedDict()
    for row in rows:
        n = row["_row"]
        problems = []
        code = clean(row["code"]).upper()
        number = clean(row["number"])
        if isinstance(row["number"], (int, float)) and not isinstance(row["number"], bool):
            number = f"{int(row['number']):02d}"  # Excel turns "01" into 1
        if not services.CODE_RE.match(code):
            problems.append("mã quy trình trống hoặc không hợp lệ")
        if not clean(row["name"]):
            problems.append("thiếu tên quy trình")
        kind = _kind(row["kind"])
        if kind is None:
            problems.append(f"loại “{clean(row['kind'])}” không hợp lệ (Thủ tục hành chính hoặc Nội bộ)")
        unit = None
        if clean(row["unit"]):
            unit = unit_by.get(fold(clean(row["unit"])))
            if unit is None:
                problems.append(f"không có đơn vị “{clean(row['unit'])}”")
        if not number or len(number) > 20:
            problems.append("thiếu số phiên bản")
        try:
            effective = _date(row["effective"])
        except (TypeError, ValueError):
            effective = None
            problems.append(f"ngày hiệu lực “{clean(row['effective'])}” không hợp lệ (dd/mm/yyyy)")
        try:
            position = services.parse_days(row["position"])
            if position < 1:
                raise ValueError
        except (TypeError, ValueError):
            position = None
            problems.append("số thứ tự bước phải là số nguyên từ 1")
        if not clean(row["step"]):
            problems.append("thiếu nội dung bước")
        try:
            days = services.parse_days(row["days"])
        except (TypeError, ValueError):
            days = None
            problems.append(f"thời hạn “{clean(row['days'])}” phải là số ngày làm việc nguyên từ 0")
        forms, form_errors = services.parse_forms(clean(row["forms"]))
        problems += [e[0].lower() + e[1:] for e in form_errors]
        if problems:
            errors.append(f"Dòng {n}: " + "; ".join(problems) + ".")
            continue
        key = (code, number)
        head = (clean(row["name"]), kind, unit.id if unit else None, effective)
        group = groups.setdefault(key, {"head": head, "steps": {}, "forms": [], "row": n})
        if group["head"] != head:
            errors.append(f"Dòng {n}: tên, loại, đơn vị hoặc ngày hiệu lực khác với dòng {group['row']} "
                          f"của cùng quy trình {code} phiên bản {number}.")
            continue
        if position in group["steps"]:
            errors.append(f"Dòng {n}: bước {position} của quy trình {code} phiên bản {number} bị lặp.")
            continue
        group["steps"][position] = {"name": clean(row["step"]), "responsible": clean(row["responsible"])[:200],
                                    "days_limit": days}
        for f in forms:
            if f["code"].upper() not in {g["code"].upper() for g in group["forms"]}:
                group["forms"].append(f)

    stats = {"procedures": 0, "versions": 0, "skipped": 0}
    if errors:
        return stats, errors
    for (code, number), group in groups.items():
        name, kind, unit_id, effective = group["head"]
        steps = [group["steps"][k] for k in sorted(group["steps"])]
        proc = services.procedure_by_code(code)
        if proc is None:
            proc = services.save_procedure(None, code, name, kind, unit_id)
            stats["procedures"] += 1
        existing = next((v for v in proc.versions if v.number == number), None)
        if existing is not None:
            same = (existing.effective_date == effective
                    and [(s.name, s.responsible, s.days_limit) for s in existing.steps]
                    == [(s["name"], s["responsible"], s["days_limit"]) for s in steps]
                    and [(f.code, f.name) for f in existing.forms] == [(f["code"], f["name"]) for f in group["forms"]])
            if same:
                stats["skipped"] += 1
            else:
                errors.append(f"Quy trình {code} phiên bản {number} (dòng {group['row']}) đã có với nội dung "
                              "khác; phiên bản đã ban hành không sửa được, hãy đặt số phiên bản mới.")
            continue
        services.add_version(proc, number, effective, steps, group["forms"])
        stats["versions"] += 1
    return stats, errors
