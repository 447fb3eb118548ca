"""One route answer for every built document: a portal.pdf.model.Document as PDF (shown in the
browser) or as .docx (downloaded, for the office that edits in Word before signing). Both come from
the same Document, so the two files never say different things."""
from __future__ import annotations

import re
import unicodedata

from flask import Response, abort

from . import render_document_pdf
from .docx import render_docx
from .model import Document

FORMATS = ("pdf", "docx")
PDF_MIMETYPE = "application/pdf"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_name(stem: str, fmt: str) -> str:
    """The document's file name, Vietnamese kept (NFC), without what Windows refuses in a name."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", unicodedata.normalize("NFC", stem))
    return (re.sub(r"\s+", " ", stem).strip()[:150] or "van-ban") + "." + fmt


def send_document(document: Document, fmt: str) -> Response:
    """Render `document` in `fmt` ("pdf" or "docx"; anything else is a 404). The caller has loaded
    the data, checked access and ended its transaction: rendering holds none open."""
    from portal.evidence.services import content_disposition

    if fmt == "pdf":
        data, mimetype = render_document_pdf(document), PDF_MIMETYPE
    elif fmt == "docx":
        data, mimetype = render_docx(document), DOCX_MIMETYPE
    else:
        abort(404, "Không có định dạng này.")
    name = file_name(document.file_stem, fmt)
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": content_disposition(name, inline=fmt == "pdf")})
