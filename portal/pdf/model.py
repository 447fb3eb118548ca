"""One description of an administrative document, rendered both to PDF (xhtml2pdf, via
templates/pdf/document.html) and to Word (python-docx, portal.pdf.docx).

A document builder (portal/reports/...) returns a Document; the two renderers only lay it out,
so the PDF and the .docx can never say different things. The renderers apply the Nghị định 30
details that belong to form, not content: "./." after the body, "- …;" recipient lines ending
with the "Lưu" line, DỰ THẢO on every page of a draft, the signature kept with the last paragraph.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: "I. ..." capitals; 2: "1. ..."; 3: "1.1. ..." italic


@dataclass
class Para:
    text: str
    bold: bool = False
    italic: bool = False
    indent: bool = True
    align: str = "justify"  # justify | center | left | right
    label: str = ""  # bold lead-in before the text, e.g. "Ý kiến chỉ đạo: "


@dataclass
class Table:
    """A grid. A "\n" inside a header or a cell is a line break in both renderings."""
    headers: list[str]
    rows: list[list]
    widths: list[str] | None = None  # CSS widths, e.g. ["8%", "50%"]; docx reads the percents
    aligns: list[str] | None = None  # per column: left | center | right
    group_rows: set[int] = field(default_factory=set)  # indexes of rows printed as a section heading
    font_pt: float = 11  # 9.5 fits nine columns on a portrait page


@dataclass
class Signer:
    lines: list[str]  # title lines in capitals: ["TRƯỞNG ĐOÀN"], ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", ...]
    name: str = ""


@dataclass
class Approval:
    """The leader's sign-off printed on the approved document (stored unchanged afterwards)."""
    directive: str
    approver: str
    approver_title: str
    signed_on: date | None


@dataclass
class Document:
    kind: str
    file_stem: str
    title: str
    subtitle: str = ""
    parent: str = ""  # parent body, capitals, regular
    issuer: str = ""  # issuing body, capitals, bold; "\n" separates lines
    number: str | None = None  # "07/BC-ĐKT"; "/BC-ĐKT" leaves the blank; None: no number line
    place: str = ""
    date: date | None = None
    note: str = ""  # italic line under the subtitle, e.g. "(Kèm theo Kế hoạch số …)"
    blocks: list = field(default_factory=list)
    signers: list[Signer] = field(default_factory=list)
    recipients: list[str] | None = None  # None: no "Nơi nhận" (minutes, forms)
    archive: str = "Lưu: VT."
    draft: bool = False
    approval: Approval | None = None
    annex: bool = False  # an annex: no letterhead, no number, no signature of its own
    end_mark: bool = True  # "./." after the body
    landscape: bool = False

    def finished_blocks(self) -> list:
        """The blocks with "./." on the last paragraph of the body (Nghị định 30, Phụ lục I)."""
        blocks = list(self.blocks)
        if not self.end_mark:
            return blocks
        for i in range(len(blocks) - 1, -1, -1):
            b = blocks[i]
            if isinstance(b, Para):
                text = b.text.rstrip()
                if not text.endswith("./."):
                    text = text.rstrip(".;:,") + "./."
                blocks[i] = Para(text, b.bold, b.italic, b.indent, b.align, b.label)
                break
            if isinstance(b, Table):
                blocks.insert(i + 1, Para("./.", indent=False, align="right"))
                break
        return blocks

    def recipient_lines(self) -> list[str]:
        """"- Chủ tịch UBND phường;" … "- Lưu: VT, VHXH." (every line but the last ends with ";")."""
        if self.recipients is None:
            return []
        lines = [r.strip().lstrip("-").strip().rstrip(".;,") for r in self.recipients]
        lines = [f"- {r};" for r in lines if r and not r.startswith("Lưu")]
        archive = self.archive.strip().rstrip(".") + "."
        return lines + [f"- {archive}"]

    def text(self) -> str:
        """Plain text of the body, for searches and tests."""
        out = []
        for b in self.finished_blocks():
            if isinstance(b, Table):
                out.append(" | ".join(b.headers))
                out += [" | ".join(str(c) for c in row) for row in b.rows]
            else:
                out.append((b.label if isinstance(b, Para) else "") + b.text)
        return "\n".join(out)
