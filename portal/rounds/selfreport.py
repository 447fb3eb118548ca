"""The self-inspection report (báo cáo tự kiểm tra) of a round: built by the documents area
(portal.reports.unit_documents), so the unit issues it, its head signs it and only what was sent
prints as results."""
from portal.pdf import render_document_pdf


def build_context(rnd, unit_id: int | None = None):
    """Plain data only (a portal.pdf.model.Document), so rendering needs no open transaction."""
    from portal.reports.unit_documents import self_report

    return self_report(rnd.id, unit_id)


def render(document) -> bytes:
    return render_document_pdf(document)
