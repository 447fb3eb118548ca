"""Read-only previews of evidence beside a report: PDF as the browser shows it, images scaled to
the panel (click to zoom), Word and Excel converted on the server to their text / first sheet.

The conversion reads the stored file with python-docx / openpyxl (already used for documents and
exports); nothing the file contains is executed or rendered as HTML (Jinja escapes every value).
Sizes are capped so a large workbook cannot make the page heavy.
"""
from dataclasses import dataclass, field

from flask import make_response, render_template

from .models import StoredFile
from .services import send_stored_file, stored_path

MAX_PARAGRAPHS = 400
MAX_ROWS = 200
MAX_COLS = 30
MAX_CELL = 500

DOCX = "docx"
XLSX = "xlsx"
IMAGES = {"jpg", "jpeg", "png", "gif", "webp"}


def kind_of(stored_file: StoredFile) -> str | None:
    ext = stored_file.stored_name.rpartition(".")[2].lower()
    if ext == "pdf":
        return "pdf"
    if ext in IMAGES:
        return "image"
    if ext in (DOCX, XLSX):
        return ext
    return None


def can_preview(stored_file: StoredFile) -> bool:
    return kind_of(stored_file) is not None


@dataclass
class Converted:
    blocks: list = field(default_factory=list)  # ("p", text, style) / ("table", rows)
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    truncated: bool = False
    error: str = ""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y") if not getattr(value, "hour", 0) else value.strftime("%d/%m/%Y %H:%M")
    text = str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…"


def docx_blocks(path) -> Converted:
    """Paragraphs (with their heading level) and tables, in document order."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = Converted()
    document = Document(str(path))
    count = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rpartition("}")[2]
        if count >= MAX_PARAGRAPHS:
            out.truncated = True
            break
        if tag == "p":
            para = Paragraph(child, document)
            text = para.text.strip()
            if text:
                style = (para.style.name or "").lower() if para.style is not None else ""
                out.blocks.append(("h", text) if style.startswith(("heading", "title")) else ("p", text))
                count += 1
        elif tag == "tbl":
            table = Table(child, document)
            rows = [[_cell_text(c.text) for c in row.cells][:MAX_COLS] for row in table.rows[:MAX_ROWS]]
            out.blocks.append(("table", rows))
            count += 1
    return out


def xlsx_first_sheet(path) -> Converted:
    from openpyxl import load_workbook

    out = Converted()
    book = load_workbook(str(path), read_only=True, data_only=True)
    try:
        out.sheets = list(book.sheetnames)
        sheet = book.worksheets[0]
        out.sheet = sheet.title
        for i, row in enumerate(sheet.iter_rows(values_only=True)):
            if i >= MAX_ROWS:
                out.truncated = True
                break
            cells = [_cell_text(v) for v in row[:MAX_COLS]]
            if len(row) > MAX_COLS:
                out.truncated = True
            out.rows.append(cells)
        # drop trailing empty rows and columns (sheets often carry formatting far beyond the data)
        while out.rows and not any(out.rows[-1]):
            out.rows.pop()
        width = max((max((j + 1 for j, c in enumerate(r) if c), default=0) for r in out.rows), default=0)
        out.rows = [(r + [""] * width)[:width] for r in out.rows]
    finally:
        book.close()
    return out


def preview_response(stored_file: StoredFile, raw_url: str):
    """The preview panel's content for one file (the caller has checked access)."""
    kind = kind_of(stored_file)
    if kind == "pdf":
        return send_stored_file(stored_file, inline=True)
    converted = None
    if kind in (DOCX, XLSX):
        path = stored_path(stored_file)
        try:
            converted = docx_blocks(path) if kind == DOCX else xlsx_first_sheet(path)
        except FileNotFoundError:
            converted = Converted(error="Không tìm thấy tệp trên máy chủ. Vui lòng báo quản trị hệ thống.")
        except Exception:  # a damaged or unusual file: say so, never a 500
            converted = Converted(error="Không đọc được nội dung tệp này để xem trước. Hãy tải tệp về để mở.")
    response = make_response(render_template("evidence/preview.html", file=stored_file, kind=kind,
                                             raw_url=raw_url, converted=converted))
    response.headers["Cache-Control"] = "private, no-store"
    return response
