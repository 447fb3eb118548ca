"""The responsibility table as Excel, both ways (export, and import with a preview).

Columns as every Vietnamese office writes this table (Cao Bằng annex, seed 001): STT, Mã,
Nhiệm vụ (nội dung kiểm tra), Kết quả/sản phẩm, Chủ trì (đơn vị), Người chủ trì, Phối hợp,
Thời gian, Ghi chú. "Phối hợp" lists units and people separated by ";".
"""
import datetime as dt
from dataclasses import asdict, dataclass

from itsdangerous import BadSignature, URLSafeSerializer
from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Unit, User
from portal.catalogue.models import Catalogue, Criterion
from portal.exports.xlsx import Sheet, build_workbook, read_rows
from portal.extensions import db
from portal.text import clean, fold

from . import services
from .services import AssignmentData

HEADERS = {
    "stt": "STT",
    "code": "Mã",
    "text": "Nhiệm vụ (nội dung kiểm tra)",
    "product": "Kết quả/sản phẩm",
    "lead_unit": "Chủ trì (đơn vị)",
    "lead_person": "Người chủ trì",
    "coordinators": "Phối hợp",
    "timeframe": "Thời gian",
    "note": "Ghi chú",
}
WIDTHS = [6, 10, 60, 30, 26, 22, 34, 18, 20]
ERROR_VALUES = {"#REF!", "#VALUE!", "#NAME?", "#DIV/0!", "#N/A", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"}


def table_rows(criteria: list[Criterion]) -> list[list]:
    """One list per criterion, in the column order above (for Excel and PDF)."""
    rows = []
    for n, c in enumerate(criteria, start=1):
        a = c.assignment
        rows.append([
            n, c.code, c.text,
            a.product if a else "",
            a.lead_unit.name if a and a.lead_unit else "",
            a.lead_person.full_name if a and a.lead_person else "",
            a.coordinators_text if a else "",
            a.timeframe if a else "",
            a.note if a else "",
        ])
    return rows


def build_xlsx(criteria: list[Criterion], heading: list[str]) -> bytes:
    sheet = Sheet(title="Phân công", headers=list(HEADERS.values()), rows=table_rows(criteria),
                  widths=WIDTHS, heading=heading)
    return build_workbook([sheet])


# --- import ------------------------------------------------------------------------------

@dataclass
class RowChange:
    """One parsed, valid row of an import: the criterion and what its assignment becomes."""

    row: int
    criterion_id: int
    code: str
    data: dict  # AssignmentData as a dict (serialisable into the signed preview token)
    changes: list  # [(label, old, new)]


class _Directory:
    """Units and people by every name a file may use for them (accent/case-insensitive)."""

    def __init__(self):
        self.units: dict[str, list[Unit]] = {}
        self.people: dict[str, list[User]] = {}
        for u in db.session.scalars(select(Unit)):
            for key in {fold(u.name), fold(u.short_name)} - {""}:
                self.units.setdefault(key, []).append(u)
        for p in db.session.scalars(select(User).where(User.active.is_(True))):
            for key in {fold(p.full_name), fold(p.username)} - {""}:
                self.people.setdefault(key, []).append(p)

    @staticmethod
    def _one(found):
        if not found:
            return None, "none"
        if len({x.id for x in found}) > 1:
            return None, "many"
        return found[0], "ok"

    def unit(self, name):
        return self._one(self.units.get(fold(name), []))

    def person(self, name):
        return self._one(self.people.get(fold(name), []))


def _cell_text(value, row, label, errors) -> str | None:
    """A text cell; None (with an error) when the cell is broken (an Excel error, a formula
    result that is not text)."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.strip().upper() in ERROR_VALUES:
            errors.append(f"Dòng {row}: ô “{label}” bị lỗi ({value.strip()}).")
            return None
        return clean(value)
    if isinstance(value, bool):
        errors.append(f"Dòng {row}: ô “{label}” không hợp lệ (giá trị đúng/sai).")
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    errors.append(f"Dòng {row}: ô “{label}” không đọc được.")
    return None


def _describe(data: AssignmentData, units: dict, people: dict) -> dict:
    coord = [units[i].name for i in data.coordinator_unit_ids] + \
            [people[i].full_name for i in data.coordinator_person_ids]
    return {
        "Kết quả/sản phẩm": data.product,
        "Chủ trì (đơn vị)": units[data.lead_unit_id].name if data.lead_unit_id else "",
        "Người chủ trì": people[data.lead_person_id].full_name if data.lead_person_id else "",
        "Phối hợp": "; ".join(coord),
        "Thời gian": data.timeframe,
        "Ghi chú": data.note,
    }


def parse_import(source, catalogue: Catalogue) -> tuple[list[RowChange], list[str]]:
    """Read an uploaded responsibility table. Returns the rows that change something and every
    problem found, each naming its Excel row, in Vietnamese. Nothing is written."""
    rows, errors = read_rows(source, {k: v for k, v in HEADERS.items() if k not in ("stt", "text")})
    if errors:
        return [], errors
    directory = _Directory()
    criteria = {c.code: c for c in services.list_criteria(catalogue)}
    units = {u.id: u for us in directory.units.values() for u in us}
    people = {p.id: p for ps in directory.people.values() for p in ps}
    seen: dict[str, int] = {}
    changes: list[RowChange] = []
    for rec in rows:
        n = rec["_row"]
        row_errors: list[str] = []
        cells = {k: _cell_text(rec.get(k), n, HEADERS[k], row_errors) for k in HEADERS
                 if k not in ("stt", "text")}
        if any(v is None for v in cells.values()):
            errors.extend(row_errors)
            continue
        code = cells["code"]
        if not code:
            errors.append(f"Dòng {n}: thiếu mã nội dung kiểm tra (cột “Mã”).")
            continue
        criterion = criteria.get(code)
        if criterion is None:
            errors.append(f"Dòng {n}: không có nội dung kiểm tra mã “{code}” trong bộ nội dung năm "
                          f"{catalogue.year}.")
            continue
        if code in seen:
            errors.append(f"Dòng {n}: mã “{code}” bị trùng (đã có ở dòng {seen[code]}).")
            continue
        seen[code] = n
        data = AssignmentData(product=cells["product"], timeframe=cells["timeframe"], note=cells["note"])
        if cells["lead_unit"]:
            unit, status = directory.unit(cells["lead_unit"])
            if unit is None:
                row_errors.append(f"Dòng {n}: không tìm thấy đơn vị chủ trì “{cells['lead_unit']}”.")
            else:
                data.lead_unit_id = unit.id
        if cells["lead_person"]:
            person, status = directory.person(cells["lead_person"])
            if person is None:
                row_errors.append(
                    f"Dòng {n}: không tìm thấy người chủ trì “{cells['lead_person']}”."
                    if status == "none" else
                    f"Dòng {n}: có nhiều người tên “{cells['lead_person']}”; hãy ghi tên đăng nhập.")
            else:
                data.lead_person_id = person.id
        for token in [t.strip() for t in cells["coordinators"].replace("\n", ";").split(";")]:
            if not token:
                continue
            unit, _ = directory.unit(token)
            if unit is not None:
                data.coordinator_unit_ids.append(unit.id)
                continue
            person, status = directory.person(token)
            if person is not None:
                data.coordinator_person_ids.append(person.id)
            else:
                row_errors.append(f"Dòng {n}: không tìm thấy đơn vị hoặc người phối hợp “{token}”."
                                  if status == "none" else
                                  f"Dòng {n}: có nhiều người tên “{token}”; hãy ghi tên đăng nhập.")
        if cells["timeframe"] and len(cells["timeframe"]) > 200:
            row_errors.append(f"Dòng {n}: ô “Thời gian” quá dài (tối đa 200 ký tự).")
        if row_errors:
            errors.extend(row_errors)
            continue
        old = AssignmentData.of(criterion.assignment)
        before, after = _describe(old, units, people), _describe(data, units, people)
        diff = [(k, before[k], after[k]) for k in after if before[k] != after[k]]
        if diff:
            changes.append(RowChange(n, criterion.id, code, asdict(data), diff))
    return changes, errors


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="assignments-import")


def sign_changes(catalogue: Catalogue, changes: list[RowChange]) -> str:
    """The preview's rows, signed, to travel in a hidden field until the user confirms."""
    return _serializer().dumps({"catalogue": catalogue.id,
                                "rows": [[c.row, c.criterion_id, c.data] for c in changes]})


def load_changes(token: str) -> tuple[int, list[tuple[int, int, AssignmentData]]] | None:
    try:
        payload = _serializer().loads(token or "")
        return payload["catalogue"], [(r, cid, AssignmentData(**data)) for r, cid, data in payload["rows"]]
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def apply_changes(catalogue: Catalogue, rows) -> int:
    """Save the confirmed rows. Criteria are re-checked against the catalogue."""
    criteria = {c.id: c for c in services.list_criteria(catalogue)}
    valid_units = set(db.session.scalars(select(Unit.id)))
    valid_people = set(db.session.scalars(select(User.id)))
    count = 0
    for _row, criterion_id, data in rows:
        criterion = criteria.get(criterion_id)
        ids_ok = ({data.lead_unit_id} - {None} <= valid_units
                  and {data.lead_person_id} - {None} <= valid_people
                  and set(data.coordinator_unit_ids) <= valid_units
                  and set(data.coordinator_person_ids) <= valid_people)
        if criterion is None or not ids_ok:
            raise ValueError("Dữ liệu xem trước không còn khớp; hãy tải tệp lên lại.")
        services.save_assignment(criterion, data, reason="Nhập từ tệp Excel")
        count += 1
    return count
