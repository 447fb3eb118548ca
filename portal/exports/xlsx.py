"""Excel (.xlsx) export and import helpers built on openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MIN_WIDTH, MAX_WIDTH = 6, 60
HEADER_SCAN_ROWS = 30  # how far down read_rows looks for the header row

MSG_NOT_XLSX = "Tệp không phải Excel (.xlsx) hợp lệ."
MSG_EMPTY_SHEET = "Trang tính đầu tiên không có dữ liệu."
MSG_NO_DATA_ROWS = "Không có dòng dữ liệu nào dưới dòng tiêu đề."
MSG_MISSING = "Thiếu cột: {}."

# Limits for uploaded spreadsheets (ISO registry, dossiers, responsibility tables): checked before
# and while parsing, so a small hostile file cannot take seconds of CPU or gigabytes of memory.
MAX_XLSX_BYTES = 5 * 1024 * 1024          # the file as uploaded
MAX_XLSX_UNPACKED = 60 * 1024 * 1024      # all its parts once unzipped (zip bombs)
MAX_XLSX_STRINGS = 8 * 1024 * 1024        # sharedStrings.xml, which openpyxl loads whole
MAX_XLSX_ROWS = 5000                      # rows read below the header (blank ones count)
MAX_XLSX_COLUMNS = 64
MSG_TOO_BIG = "Tệp quá lớn (tối đa {} MB). Hãy chia thành nhiều tệp nhỏ hơn."
MSG_TOO_MANY_ROWS = "Tệp có quá nhiều dòng (tối đa {} dòng dữ liệu). Hãy chia thành nhiều tệp nhỏ hơn."
MSG_UNPACKED = "Tệp Excel có nội dung giải nén quá lớn so với dữ liệu thực; không đọc tệp này."

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[float] | None = None
    heading: str | Sequence[str] | None = None  # line(s) merged above the table


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique case-insensitively.
    base = re.sub(r"[\[\]:*?/\\]", "-", title or "Sheet").strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _display_len(value) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_cell(ws, row: int, col: int, value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # user text, never a formula
    return cell


def build_workbook(sheets: Iterable[Sheet]) -> bytes:
    """Write the sheets into one .xlsx file and return its bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.title, taken))
        ncols = max(len(sheet.headers), 1)
        last_col = get_column_letter(ncols)
        row = 1

        heading = [sheet.heading] if isinstance(sheet.heading, str) else list(sheet.heading or [])
        for line in heading:
            cell = _write_cell(ws, row, 1, line)
            cell.font = Font(bold=True, size=13)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if ncols > 1:
                ws.merge_cells(f"A{row}:{last_col}{row}")
            row += 1
        if heading:
            row += 1  # blank line between heading and table

        header_row = row
        lengths = [_display_len(h) for h in sheet.headers]
        for col, header in enumerate(sheet.headers, start=1):
            cell = _write_cell(ws, header_row, col, header)
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.alignment = _HEADER_ALIGN
            cell.border = _BORDER

        for values in sheet.rows:
            row += 1
            for col, value in enumerate(values, start=1):
                if value is None:
                    continue
                _write_cell(ws, row, col, value).border = _BORDER
                if col <= len(lengths):
                    lengths[col - 1] = max(lengths[col - 1], _display_len(value))

        for col in range(1, ncols + 1):
            if sheet.widths and col <= len(sheet.widths) and sheet.widths[col - 1]:
                width = sheet.widths[col - 1]
            else:
                length = lengths[col - 1] if col <= len(lengths) else 0
                width = min(max(length + 2, MIN_WIDTH), MAX_WIDTH)
            ws.column_dimensions[get_column_letter(col)].width = width

        ws.freeze_panes = f"A{header_row + 1}"
        ws.auto_filter.ref = f"A{header_row}:{last_col}{max(row, header_row)}"

    if not wb.worksheets:
        wb.create_sheet("Sheet")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ascii_filename(filename: str) -> str:
    text = filename.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "export"
    return text if text.lower().endswith(".xlsx") else f"{text}.xlsx"


def xlsx_response(data: bytes, filename: str) -> Response:
    """A download response; the Vietnamese name survives via RFC 5987 filename*."""
    filename = unicodedata.normalize("NFC", filename.strip())
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    disposition = (
        f'attachment; filename="{_ascii_filename(filename)}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )
    response = Response(data, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = disposition
    response.headers["Content-Length"] = str(len(data))
    return response


def normalize_header(text) -> str:
    """Case-, accent- and whitespace-insensitive form of a header cell."""
    text = str(text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.lower().replace("*", " ").split())


def _read_bytes(source, limit: int | None = None) -> bytes:
    """The upload's bytes; at most limit + 1 are read, so an oversized file is never held whole."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    stream = getattr(source, "stream", source)  # werkzeug FileStorage or a file object
    if hasattr(stream, "seek"):
        stream.seek(0)
    return stream.read() if limit is None else stream.read(limit + 1)


def _sheet_size_from_head(self):
    """openpyxl's read-only sheet looks for <dimension> by parsing until </sheetData>, i.e. the
    whole sheet, when the element is missing (a million rows: a minute) - before any row is read,
    so no row cap could help. Stop at <sheetData>'s start instead; the result is the same."""
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    src = self._get_source()
    try:
        for _event, element in iterparse(src, events=("start",)):
            if element.tag == DIMENSION_TAG:
                bounds = SheetDimension.from_tree(element).boundaries
                if bounds is not None:
                    self._min_column, self._min_row, self._max_column, self._max_row = bounds
                return
            if element.tag == DATA_TAG:
                return
    finally:
        src.close()


def _bounded_sheets():
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _sheet_size_from_head


_bounded_sheets()


def _unpacked_problem(data: bytes) -> str | None:
    """Refuse a zip whose parts unpack to far more than any real table (sizes from the zip's
    directory; openpyxl's own reading stops at the row cap, but shared strings load whole)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return MSG_NOT_XLSX
    if sum(i.file_size for i in infos) > MAX_XLSX_UNPACKED:
        return MSG_UNPACKED
    if any(i.filename.lower().endswith("sharedstrings.xml") and i.file_size > MAX_XLSX_STRINGS for i in infos):
        return MSG_UNPACKED
    return None


def _clean(value):
    if isinstance(value, str):
        return value.strip()
    # Excel has no date-only type: a midnight datetime is read back as a date.
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def read_rows(source, expected_headers, max_rows: int | None = None) -> tuple[list[dict], list[str]]:
    """Read the first sheet of an uploaded .xlsx.

    expected_headers: a list of header labels (dict keys are the labels) or a
    mapping {key: label}. Returns (rows, errors); each row is a dict with those
    keys plus "_row", the Excel row number. Blank rows are skipped. Files over
    MAX_XLSX_BYTES, zip bombs and sheets with more than max_rows rows below the
    header are refused with one short message (reading stops at the cap).
    """
    max_rows = max_rows or MAX_XLSX_ROWS
    if isinstance(expected_headers, Mapping):
        expected = dict(expected_headers)
    else:
        expected = {label: label for label in expected_headers}
    wanted = {key: normalize_header(label) for key, label in expected.items()}

    try:
        data = _read_bytes(source, MAX_XLSX_BYTES)
        if len(data) > MAX_XLSX_BYTES:
            return [], [MSG_TOO_BIG.format(MAX_XLSX_BYTES // (1024 * 1024))]
        if not data.startswith(b"PK"):  # .xlsx is a zip archive
            return [], [MSG_NOT_XLSX]
        problem = _unpacked_problem(data)
        if problem:
            return [], [problem]
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many unrelated types on a corrupt file
        return [], [MSG_NOT_XLSX]

    try:
        if not wb.worksheets:
            return [], [MSG_EMPTY_SHEET]
        # No real table is wider than this; a hostile sheet declaring column XFD would otherwise
        # pad every row to 16,384 cells.
        rows_iter = wb.worksheets[0].iter_rows(values_only=True, max_col=MAX_XLSX_COLUMNS)
        columns: dict[str, int] = {}
        header_at = None
        best = 0
        seen_any = False
        scanned = []
        for number, values in enumerate(rows_iter, start=1):
            scanned.append((number, values))
            if any(v not in (None, "") for v in values):
                seen_any = True
            found = {}
            normalized = [normalize_header(v) for v in values]
            for key, label in wanted.items():
                if label in normalized:
                    found[key] = normalized.index(label)
            if len(found) > best:
                best, columns, header_at = len(found), found, number
                if best == len(wanted):
                    break
            if number >= HEADER_SCAN_ROWS:
                break

        if header_at is None:
            if not seen_any and not any(True for _ in rows_iter):
                return [], [MSG_EMPTY_SHEET]
            return [], [MSG_MISSING.format(", ".join(expected.values()))]
        missing = [expected[key] for key in expected if key not in columns]
        if missing:
            return [], [MSG_MISSING.format(", ".join(missing))]

        result = []
        data_rows = chain(
            ((n, v) for n, v in scanned if n > header_at),
            enumerate(rows_iter, start=len(scanned) + 1),
        )
        for number, values in data_rows:
            if number - header_at > max_rows:
                return [], [MSG_TOO_MANY_ROWS.format(max_rows)]
            record = {
                key: _clean(values[index]) if index < len(values) else None
                for key, index in columns.items()
            }
            if all(v in (None, "") for v in record.values()):
                continue
            record["_row"] = number
            result.append(record)
        if not result:
            return [], [MSG_NO_DATA_ROWS]
        return result, []
    finally:
        wb.close()
