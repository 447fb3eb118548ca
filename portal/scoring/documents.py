"""Scoring documents as portal.pdf.model.Document (plain data, rendered after the database
is released)."""
from __future__ import annotations

from portal.pdf import render_document_pdf
from portal.reports import common as C

from . import exports
from .totals import ScoreTable


def headings(rnd) -> list[str]:
    return [f"BẢNG TỰ CHẤM ĐIỂM, THẨM ĐỊNH KẾT QUẢ CẢI CÁCH HÀNH CHÍNH NĂM {rnd.year}",
            f"{rnd.name} — {rnd.catalogue.label}"]


def score_table_document(rnd, table: ScoreTable):
    doc = C.document("score_table", doc_type="ward_report", type_code="", title="Bảng tự chấm điểm",
                     subtitle=f"Kết quả tự đánh giá, chấm điểm và thẩm định công tác cải cách hành chính năm {rnd.year}",
                     file_stem=f"Bang tu cham diem {rnd.year}", landscape=True, end_mark=False)
    doc.note = f"({rnd.name}; {rnd.catalogue.label})"
    doc.blocks = exports.blocks(table)
    doc.recipients = None
    return doc


def render(document) -> bytes:
    return render_document_pdf(document)


def ranking_document(result):
    doc = C.document("ranking", doc_type="ward_report", type_code="",
                     title="Bảng tổng hợp",
                     subtitle=f"Kết quả cải cách hành chính năm {result.year} của cán bộ, công chức, viên chức và "
                              "các phòng, cơ quan, đơn vị (căn cứ xếp loại, xét thi đua, khen thưởng)",
                     file_stem=f"Xep loai CCHC {result.year}", landscape=True, end_mark=False)
    doc.blocks = exports.ranking_blocks(result)
    doc.recipients = ["Hội đồng Thi đua - Khen thưởng phường"]
    return doc
