"""The catalogue as an Excel workbook: template, export, and an all-or-nothing import.

One sheet. Above the table, three label/value rows (Năm, Tiêu đề, Nguồn); then the table, one
row per item, its kind in the first column:

    Loại      | Mã    | Tên / nội dung | Đơn vị tính | Chỉ tiêu | Điểm tối đa
    Lĩnh vực  | 1.1   | Công tác chỉ đạo, điều hành
    Nội dung  | 1.1.1 | Việc xây dựng …
    Nhóm      | 1.6.1 | Tổ chức thực hiện công tác tài chính - ngân sách
    Nội dung  | 1.6.1.1 | …                                  (in the group above)
    Nội dung  | 1.6.1.1.a | …  (column “Thuộc mã” = 1.6.1.1: a sub-criterion, any depth)
    Đột xuất  |       | Kiểm tra việc thực hiện kỷ luật …

The rows become the same structure a YAML file gives, each carrying its row number, so both
formats share one validation and every message names the row ("Dòng 12: …")."""
import io
import zipfile
from decimal import Decimal
from xml.etree.ElementTree import iterparse

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from portal.exports.xlsx import normalize_header

from .specs import CatalogueSpec
from .validation import validate
from .yamlsafe import excerpt

MAX_BYTES = 5_000_000
MAX_ROWS = 5000
SHEET = "Bộ nội dung"

KINDS = {"linh vuc": "area", "nhom": "group", "noi dung": "criterion", "tieu chi": "criterion",
         "dot xuat": "adhoc"}
KIND_LABELS = {"area": "Lĩnh vực", "group": "Nhóm", "criterion": "Nội dung", "adhoc": "Đột xuất"}
META = {"nam": "year", "loai bo": "kind", "tieu de": "title", "nguon": "source"}
COLUMNS = [("kind", "Loại"), ("code", "Mã"), ("text", "Tên / nội dung"), ("unit", "Đơn vị tính"),
           ("target", "Chỉ tiêu"), ("max_points", "Điểm tối đa"), ("parent", "Thuộc mã"),
           ("rule", "Cách chấm"), ("thresholds", "Ngưỡng (giá trị:điểm)"), ("partial", "Tỷ lệ đạt một phần")]
# What validate() calls each field, in this format's words.
LABELS = {"code": "cột “Mã”", "text": "cột “Tên / nội dung”", "name": "cột “Tên / nội dung”",
          "title": "dòng “Tiêu đề”", "year": "dòng “Năm”", "source": "dòng “Nguồn”",
          "unit": "cột “Đơn vị tính”", "target": "cột “Chỉ tiêu”", "max_points": "cột “Điểm tối đa”",
          "kind": "dòng “Loại bộ”", "rule": "cột “Cách chấm”", "thresholds": "cột “Ngưỡng (giá trị:điểm)”"}
WIDTHS = [11, 11, 90, 12, 10, 12, 11, 22, 20, 12]
RULE_LABELS = {"rating": "Theo mức đánh giá", "proportional": "Tỷ lệ so với chỉ tiêu", "thresholds": "Theo ngưỡng"}

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _cell_text(value):
    """Excel turns "2026" or "1.1" into numbers; codes and texts are read back as text."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _year(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _too_many_rows(raw: bytes) -> bool:
    """Count rows of every sheet, streaming, stopping at the cap. openpyxl cannot be trusted
    with this: without a <dimension> element its read-only mode parses the whole sheet just to
    learn its size (a million-row file then takes minutes)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            rows = 0
            with archive.open(name) as stream:
                for _event, element in iterparse(stream, events=("end",)):
                    if element.tag.endswith("}row"):
                        rows += 1
                        if rows > MAX_ROWS:
                            return True
                        element.clear()
    return False


def _rows(raw: bytes):
    """(row number, values) of the first sheet, streamed; stops past MAX_ROWS."""
    wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        if not wb.worksheets:
            return
        for number, values in enumerate(wb.worksheets[0].iter_rows(max_col=12, values_only=True), 1):
            yield number, values
    finally:
        wb.close()


def parse_xlsx(raw: bytes) -> tuple[CatalogueSpec | None, list[str]]:
    if len(raw) > MAX_BYTES:
        return None, [f"Tệp Excel quá lớn (tối đa {MAX_BYTES // 1_000_000} MB)."]
    data: dict = {"__line__": 1, "areas": [], "adhoc_subjects": []}
    errors: list[str] = []
    columns: dict[str, int] | None = None
    area = group = None
    by_code: dict[str, dict] = {}  # criteria of the current area, for “Thuộc mã”
    try:
        if _too_many_rows(raw):
            return None, [f"Tệp có hơn {MAX_ROWS} dòng; bộ nội dung không thể dài như vậy. "
                          "Hãy kiểm tra lại tệp (có thể có các dòng thừa ở cuối)."]
        for number, values in _rows(raw):
            values = list(values) + [None] * 12
            if all(v in (None, "") for v in values):
                continue
            first = normalize_header(values[0])
            if columns is None:
                if first in META:
                    data[META[first]] = _year(values[1]) if first == "nam" else _cell_text(values[1])
                    data["__line__"] = data.get("__line__", number)
                    continue
                heads = [normalize_header(v) for v in values]
                if first == "loai" and "ma" in heads:
                    columns = {key: heads.index(normalize_header(label))
                               for key, label in COLUMNS if normalize_header(label) in heads}
                    missing = [label for key, label in COLUMNS[:3] if key not in columns]
                    if missing:
                        return None, [f"Dòng {number}: thiếu cột {', '.join(missing)}."]
                    continue
                errors.append(f"Dòng {number}: chưa đến bảng nội dung (dòng tiêu đề “Loại | Mã | "
                              "Tên / nội dung”) nên không hiểu dòng này.")
                continue
            row = {key: values[index] for key, index in columns.items()}
            kind = KINDS.get(normalize_header(row.get("kind")))
            code, text = _cell_text(row.get("code")), _cell_text(row.get("text"))
            if kind == "area":
                area = {"__line__": number, "code": code, "name": text, "criteria": [], "groups": []}
                group, by_code = None, {}
                data["areas"].append(area)
            elif kind == "group":
                if area is None:
                    errors.append(f"Dòng {number}: nhóm “{excerpt(code or text, 30)}” đứng trước mọi lĩnh vực.")
                    continue
                group = {"__line__": number, "code": code, "name": text, "criteria": []}
                area["groups"].append(group)
            elif kind == "criterion":
                if area is None:
                    errors.append(f"Dòng {number}: nội dung “{excerpt(code or text, 30)}” đứng trước mọi lĩnh vực.")
                    continue
                item = {"__line__": number, "code": code, "text": text}
                if row.get("unit") not in (None, "") or row.get("target") not in (None, ""):
                    item["indicator"] = {"__line__": number, "unit": _cell_text(row.get("unit")),
                                         "target": row.get("target")}
                if row.get("max_points") not in (None, ""):
                    item["max_points"] = row.get("max_points")
                if any(row.get(k) not in (None, "") for k in ("rule", "thresholds", "partial")):
                    item["scoring"] = {"__line__": number, "rule": row.get("rule"),
                                       "thresholds": _cell_text(row.get("thresholds")), "partial": row.get("partial")}
                parent_code = _cell_text(row.get("parent"))
                if parent_code not in (None, ""):
                    parent = by_code.get(str(parent_code).strip())
                    if parent is None:
                        errors.append(f"Dòng {number}: cột “Thuộc mã” là “{excerpt(parent_code, 30)}” nhưng "
                                      "không có nội dung nào mã đó ở các dòng trên trong cùng lĩnh vực.")
                        continue
                    parent.setdefault("criteria", []).append(item)
                else:
                    (group or area)["criteria"].append(item)
                if isinstance(code, str):
                    by_code[code.strip()] = item
            elif kind == "adhoc":
                data["adhoc_subjects"].append({"__line__": number, "name": text})
            else:
                errors.append(f"Dòng {number}: cột “Loại” là “{excerpt(row.get('kind') or '', 30)}”; "
                              "chỉ dùng Lĩnh vực, Nhóm, Nội dung hoặc Đột xuất.")
    except Exception:  # openpyxl raises many unrelated types on a corrupt file
        return None, ["Tệp không phải Excel (.xlsx) hợp lệ hoặc đã hỏng."]
    if columns is None:
        return None, errors[:1] + ["Không tìm thấy dòng tiêu đề “Loại | Mã | Tên / nội dung” "
                                   "(hãy dùng tệp mẫu Excel của cổng)."]
    if data.get("year") is None:
        errors.insert(0, "Thiếu dòng “Năm” phía trên bảng (ví dụ: Năm | 2026).")
    if isinstance(data.get("kind"), str):
        data["kind"] = data["kind"].strip()
    for area_node in data["areas"]:
        if not area_node["groups"]:
            del area_node["groups"]
    spec, problems = validate(data, LABELS)
    errors += problems
    return (None if errors else spec), errors


def _num(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _criterion_rows(c, parent_code=None):
    scored = c.scoring_rule or c.partial_ratio is not None or c.thresholds
    yield ("criterion", c.code, c.text, c.indicator_unit or None, _num(c.indicator_target),
           _num(c.max_points), parent_code, RULE_LABELS[c.scoring_rule or "rating"] if scored else None,
           c.thresholds or None, _num(c.partial_ratio))
    for child in c.children:
        yield from _criterion_rows(child, c.code)


def _table(catalogue):
    for area in catalogue.areas:
        yield "area", area.code, area.name, *[None] * 7
        for c in area.criteria:
            if c.group_id is None and c.parent_id is None:
                yield from _criterion_rows(c)
        for group in area.groups:
            yield "group", group.code, group.name, *[None] * 7
            for c in group.criteria:
                if c.parent_id is None:
                    yield from _criterion_rows(c)
    for subject in catalogue.adhoc_subjects:
        yield "adhoc", None, subject.name, *[None] * 7


def build_xlsx(catalogue=None) -> bytes:
    """The catalogue as a workbook; without a catalogue, the empty template with examples."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    meta = [("Năm", catalogue.year if catalogue else 2027),
            ("Loại bộ", catalogue.kind_label if catalogue else "Kế hoạch kiểm tra CCHC"),
            ("Tiêu đề", catalogue.title if catalogue else "Bộ nội dung kiểm tra cải cách hành chính năm 2027"),
            ("Nguồn", (catalogue.source or None) if catalogue else "Kế hoạch kiểm tra CCHC năm 2027, mục III")]
    for row, (label, value) in enumerate(meta, start=1):
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.cell(row, 2, value)
    header_row = len(meta) + 2
    for col, (_key, label) in enumerate(COLUMNS, start=1):
        cell = ws.cell(header_row, col, label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
    rows = list(_table(catalogue)) if catalogue else [
        ("area", "1.1", "Công tác chỉ đạo, điều hành", *[None] * 7),
        ("criterion", "1.1.1", "Việc xây dựng, ban hành kế hoạch cải cách hành chính", None, None, 2, None,
         "Theo mức đánh giá", None, 0.5),
        ("group", "1.1.a", "Nhóm (không bắt buộc): các nội dung bên dưới thuộc nhóm này", *[None] * 7),
        ("criterion", "1.1.a.1", "Tỷ lệ hồ sơ trực tuyến", "%", 60, 1.5, None, "Tỷ lệ so với chỉ tiêu", None, None),
        ("criterion", "1.1.a.2", "Tỷ lệ hồ sơ giải quyết đúng hạn", "%", 97, 2, None, "Theo ngưỡng", "97:2; 90:1", None),
        ("criterion", "1.1.a.2.1", "Tiêu chí thành phần (cột “Thuộc mã”)", None, None, 0.5, "1.1.a.2", None, None, None),
        ("adhoc", None, "Kiểm tra việc thực hiện kỷ luật, kỷ cương hành chính", *[None] * 7),
    ]
    for offset, (kind, *values) in enumerate(rows, start=1):
        r = header_row + offset
        ws.cell(r, 1, KIND_LABELS[kind]).border = _BORDER
        for col, value in enumerate(values, start=2):
            cell = ws.cell(r, col, value)
            cell.border = _BORDER
            if col in (2, 7, 9):
                cell.number_format = "@"  # codes stay text ("1.10" is not 1.1)
            if col == 3:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if kind in ("area", "group"):
            for col in range(1, 4):
                ws.cell(r, col).font = Font(bold=True)
    last = header_row + max(len(rows), 1) + 500
    choice = DataValidation(type="list", formula1='"Lĩnh vực,Nhóm,Nội dung,Đột xuất"', allow_blank=True)
    choice.add(f"A{header_row + 1}:A{last}")
    ws.add_data_validation(choice)
    rules = DataValidation(type="list", formula1='"' + ",".join(RULE_LABELS.values()) + '"', allow_blank=True)
    rules.add(f"H{header_row + 1}:H{last}")
    ws.add_data_validation(rules)
    for col in range(header_row + 1, last + 1):
        ws.cell(col, 2).number_format = "@"
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions["ABCDEFGHIJ"[index]].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
