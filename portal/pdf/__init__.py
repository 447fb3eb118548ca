"""HTML-to-PDF rendering for administrative documents (Nghị định 30/2020/NĐ-CP layout).

Usage inside an app/request context::

    pdf_bytes = render_pdf("pdf/bao_cao.html", doc=doc, rows=rows)

Child templates extend ``pdf/_nd30_base.html``; see that file for the blocks
and the ``doc`` fields it reads.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from pathlib import Path

import xhtml2pdf.default
from flask import render_template
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.tables import CellStyle
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

__all__ = ["FONT_DIR", "FONT_FAMILY", "PdfRenderError", "register_fonts", "render_pdf"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
FONT_DIR = STATIC_DIR / "fonts"
FONT_FAMILY = "LiberationSerif"
# CSS font-family names (lower case) that resolve to FONT_FAMILY.
FONT_ALIASES = ("times new roman", "times", "serif", "georgia", "ui-serif",
                "liberation serif", "liberationserif")

# xhtml2pdf only reads local files under the document's base directory. The
# rendered HTML has no file of its own, so it is given a (non-existent) name
# inside static/: fonts and images there load, nothing else on disk does, and
# nothing is fetched over the network.
_DOCUMENT_PATH = str(STATIC_DIR / "_document.html")
_POLICY = ResourceAccessPolicy(base_dir=STATIC_DIR, allow_remote=False)


class PdfRenderError(RuntimeError):
    """xhtml2pdf reported errors while converting a document."""


@functools.cache
def register_fonts() -> None:
    """Register Liberation Serif (4 faces) with ReportLab and xhtml2pdf, once per process.

    Done in Python rather than with CSS @font-face so that the same font objects
    can also be ReportLab's base font (see the end of this function).
    """
    faces = {"normal": "Regular", "bold": "Bold", "italic": "Italic", "boldItalic": "BoldItalic"}
    names = {}
    for role, face in faces.items():
        name = FONT_FAMILY if face == "Regular" else f"{FONT_FAMILY}-{face}"
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"LiberationSerif-{face}.ttf")))
        names[role] = name
    # Bold/italic lookup (tt2ps) goes through this family map.
    pdfmetrics.registerFontFamily(FONT_FAMILY, **names)
    # xhtml2pdf copies DEFAULT_FONT into each document's font list.
    for alias in FONT_ALIASES:
        xhtml2pdf.default.DEFAULT_FONT[alias] = FONT_FAMILY
    # ReportLab otherwise selects base-14 Helvetica (never embedded) when it
    # starts each page and each table, so it would be listed in every PDF.
    rl_config.canvas_basefontname = FONT_FAMILY
    CellStyle.fontname = FONT_FAMILY


def render_pdf(template_name: str, on_progress=None, **context) -> bytes:
    """Render a Jinja template to PDF bytes. Needs an active Flask app context.

    `on_progress(fraction, message)`, when given, hears how far the work has gone: the HTML
    written, xhtml2pdf's reading of it done, then each tenth of the layout (portal.pdf.layout)."""
    register_fonts()
    from .layout import LAYOUT_PROGRESS, install

    install()  # long tables start under their heading when there is room (portal.pdf.layout)
    html = unicodedata.normalize("NFC", render_template(template_name, **context))
    out = io.BytesIO()
    token = LAYOUT_PROGRESS.set(_layout_reporter(on_progress)) if on_progress else None
    if on_progress:
        on_progress(0.05, "Đang đọc bố cục văn bản…")
    try:
        status = pisa.CreatePDF(
            html,
            dest=out,
            encoding="utf-8",
            path=_DOCUMENT_PATH,
            resource_policy=_POLICY,
        )
    finally:
        if token is not None:
            LAYOUT_PROGRESS.reset(token)
    if status.err:
        messages = "; ".join(
            str(entry[2]) for entry in getattr(status, "log", []) if entry[0] == "error"
        )
        raise PdfRenderError(
            f"xhtml2pdf reported {status.err} error(s) rendering {template_name}"
            + (f": {messages}" if messages else "")
        )
    return out.getvalue()


def render_document_pdf(document, on_progress=None) -> bytes:
    """A portal.pdf.model.Document as PDF (its .docx twin: portal.pdf.docx.render_docx)."""
    from .vn import long_date

    return render_pdf("pdf/document.html", on_progress=on_progress, doc=document, long_date=long_date)


# Of a PDF's rendering, what xhtml2pdf's reading of the HTML takes (measured on a big round's
# report: two fifths to a half); the layout, reported per tenth of the story, takes the rest.
_READ_SHARE = 0.4


def _layout_reporter(on_progress):
    """ReportLab's progress callback (kind, value) as on_progress calls, one per tenth."""
    state = {"size": 0, "tenth": -1}

    def hook(kind, value):
        if kind == "SIZE_EST":
            state["size"] = value
            on_progress(_READ_SHARE, "Đang dàn trang…")
        elif kind == "PROGRESS" and state["size"]:
            tenth = min(10, value * 10 // state["size"])
            if tenth > state["tenth"]:
                state["tenth"] = tenth
                on_progress(_READ_SHARE + (1 - _READ_SHARE) * tenth / 10, f"Đang dàn trang: {tenth * 10}%…")

    return hook
