"""The Word twin of templates/pdf/document.html: a portal.pdf.model.Document as .docx
(python-docx), with the same content and the Nghị định 30 layout, for offices that edit in Word
before signing."""
from __future__ import annotations

import io
import unicodedata

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .model import Document, Heading, Para, Table
from .vn import long_date

FONT = "Times New Roman"
ALIGN = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _nfc(text) -> str:
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def _para(container, text="", *, bold=False, italic=False, size=14, align="left", indent=False,
          underline=False, keep=False, space_after=0, label=""):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = ALIGN[align]
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Cm(1)
    if keep:
        fmt.keep_with_next = True
    if label:
        run = p.add_run(_nfc(label))
        run.bold = True
        run.font.size = Pt(size)
    run = p.add_run(_nfc(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return p


def _field(paragraph, instr: str) -> None:
    """A Word field (PAGE) in a paragraph."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instr), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cell_text(cell, text, *, bold=False, size=11, align="left", keep=False):
    cell.paragraphs[0].text = ""
    p = cell.paragraphs[0]
    p.paragraph_format.alignment = ALIGN.get(align, WD_ALIGN_PARAGRAPH.LEFT)
    if keep:
        p.paragraph_format.keep_with_next = True
    run = p.add_run(_nfc(text))
    run.bold = bold
    run.font.size = Pt(size)


def _fmt(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour") and hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y %H:%M")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _percent(width: str | None) -> float | None:
    if width and width.endswith("%"):
        try:
            return float(width[:-1]) / 100
        except ValueError:
            return None
    return None


def _table(doc, block: Table, text_width_cm: float):
    table = doc.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for i, h in enumerate(block.headers):
        _cell_text(header.cells[i], h, bold=True, size=block.font_pt, align="center")
    for index, row in enumerate(block.rows):
        cells = table.add_row().cells
        group = index in block.group_rows
        for i, value in enumerate(row):
            align = (block.aligns[i] if block.aligns and i < len(block.aligns) and block.aligns[i] else "left")
            _cell_text(cells[i], _fmt(value), bold=group, size=block.font_pt, align=align)
    if block.widths:
        for i, w in enumerate(block.widths):
            share = _percent(w)
            if share:
                for row in table.rows:
                    row.cells[i].width = Cm(text_width_cm * share)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def _block(doc, b, text_width_cm: float, keep=False):
    if isinstance(b, Heading):
        _para(doc, b.text, bold=True, italic=b.level >= 3, indent=True, align="justify", keep=True,
              space_after=6)
    elif isinstance(b, Para):
        _para(doc, b.text, bold=b.bold, italic=b.italic, indent=b.indent, align=b.align, keep=keep,
              space_after=6, label=b.label)
    else:
        _table(doc, b, text_width_cm)


def _signature(cell, signer, keep=True, lines=0):
    for i, line in enumerate(signer.lines + ["\u00a0"] * max(0, lines - len(signer.lines))):
        if i == 0 and not cell.paragraphs[0].text:
            _cell_text(cell, line.upper(), bold=True, size=13, align="center", keep=keep)
            continue
        _para(cell, line.upper(), bold=True, size=13, align="center", keep=keep)
    for _ in range(4):
        _para(cell, "", size=13, align="center", keep=keep)
    _para(cell, signer.name, bold=True, size=13, align="center")


def render_docx(d: Document) -> bytes:
    doc = new_docx()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = doc.sections[0]
    if d.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    text_width_cm = (section.page_width - section.left_margin - section.right_margin) / 360000
    # Page numbers from page 2, centred in the top margin; DỰ THẢO on every page of a draft.
    section.different_first_page_header_footer = True
    number_p = section.header.paragraphs[0]
    number_p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(number_p, "PAGE")
    if d.draft:
        for header in (section.header, section.first_page_header):
            _para(header, "DỰ THẢO", bold=True, size=13, align="right")

    if not d.annex:
        head = doc.add_table(rows=2, cols=2)
        _no_borders(head)
        left, right = head.rows[0].cells
        left.width, right.width = Cm(text_width_cm * 0.42), Cm(text_width_cm * 0.58)
        left.paragraphs[0].text = ""
        first = True
        if d.parent:
            p = left.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(_nfc(d.parent.upper()))
            run.font.size = Pt(13)
            first = False
        for line in d.issuer.split("\n"):
            if first:
                p = left.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(_nfc(line.upper()))
                run.bold, run.font.size = True, Pt(13)
                first = False
            else:
                _para(left, line.upper(), bold=True, size=13, align="center")
        _para(left, "────────", size=9, align="center")
        _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align="center")
        p = _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align="center")
        _para(right, "──────────────────", size=9, align="center")
        left2, right2 = head.rows[1].cells
        _cell_text(left2, f"Số: {d.number}" if d.number is not None else "", size=13, align="center")
        right2.paragraphs[0].text = ""
        p = right2.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(_nfc(f"{d.place}, {long_date(d.date)}"))
        run.italic, run.font.size = True, Pt(13)

    _para(doc, "", size=8)
    _para(doc, d.title.upper(), bold=True, align="center", keep=True)
    if d.subtitle:
        _para(doc, d.subtitle, bold=True, align="center", keep=True)
    if d.note:
        _para(doc, d.note, italic=True, size=13, align="center", keep=True)
    if not d.annex:
        _para(doc, "─────────", size=9, align="center", keep=True, space_after=6)

    blocks = d.finished_blocks()
    for b in blocks[:-1]:
        _block(doc, b, text_width_cm)
    if blocks:
        # The last paragraph keeps with the signature block (never a signature alone on a page).
        _block(doc, blocks[-1], text_width_cm, keep=bool(d.signers))

    if d.signers or d.recipients is not None:
        cols = 2 if d.recipients is not None else max(1, len(d.signers))
        closing = doc.add_table(rows=1, cols=cols)
        _no_borders(closing)
        cells = closing.rows[0].cells
        if d.recipients is not None:
            cells[0].width, cells[1].width = Cm(text_width_cm * 0.45), Cm(text_width_cm * 0.55)
            cells[0].paragraphs[0].text = ""
            p = cells[0].paragraphs[0]
            run = p.add_run("Nơi nhận:")
            run.bold, run.italic, run.font.size = True, True, Pt(12)
            for line in d.recipient_lines():
                _para(cells[0], line, size=11)
            for s in d.signers:
                _signature(cells[1], s)
            cells[1].paragraphs[0].paragraph_format.keep_with_next = True
        else:
            most = max(len(s.lines) for s in d.signers)
            for cell, s in zip(cells, d.signers):
                _signature(cell, s, lines=most)
                cell.paragraphs[0].paragraph_format.keep_with_next = True

    if d.approval:
        _para(doc, "", size=8)
        box = doc.add_table(rows=1, cols=1)
        box.style = "Table Grid"
        cell = box.rows[0].cells[0]
        cell.paragraphs[0].text = ""
        p = cell.paragraphs[0]
        run = p.add_run("Ý kiến chỉ đạo của Chủ tịch UBND phường: ")
        run.bold, run.font.size = True, Pt(13)
        run = p.add_run(_nfc(d.approval.directive))
        run.font.size = Pt(13)
        _para(cell, f"Đã phê duyệt {long_date(d.approval.signed_on)}", italic=True, size=13, align="right")
        _para(cell, d.approval.approver_title.upper(), bold=True, size=13, align="right")
        _para(cell, d.approval.approver, bold=True, size=13, align="right")

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
