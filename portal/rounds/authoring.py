"""The author's side of a report: saving and submitting the text, evidence files and document
references."""
from __future__ import annotations

from sqlalchemy import select

from portal.audit.recorder import log_event
from portal.extensions import db
from portal.notifications import events
from portal.text import clean
from portal.timeutil import now_utc, to_local

from .models import REPORT_STATUSES, Report, ReportDocument, Round
from .rules import RuleError, _decimal, ensure_writable


def is_late(rnd: Round, submitted_at) -> bool:
    return to_local(submitted_at).date() > rnd.report_deadline


def save_report(report: Report, data: dict, *, submit: bool = False) -> None:
    """Save the author's text; `submit` sends it to the team (late after the deadline)."""
    ensure_writable(report.round)
    status = data.get("status", "") or ""
    if status and status not in REPORT_STATUSES:
        raise RuleError("Tình trạng thực hiện không hợp lệ.")
    report.status = status
    report.done_text = clean(data.get("done_text"))
    report.difficulties = clean(data.get("difficulties"))
    report.proposals = clean(data.get("proposals"))
    report.indicator_value = _decimal(data.get("indicator_value"), "Giá trị chỉ tiêu", low=0)
    max_points = report.criterion.max_points
    score = _decimal(data.get("self_score"), "Điểm tự chấm", low=0, high=max_points)
    report.self_score = score if max_points is not None else None
    report.updated_at = now_utc()
    if submit:
        if not status:
            raise RuleError("Vui lòng chọn tình trạng thực hiện trước khi gửi báo cáo.")
        if status != "na" and not report.done_text:
            raise RuleError("Vui lòng nêu kết quả đã thực hiện trước khi gửi báo cáo.")
        first = report.submitted_at is None
        if first:
            report.submitted_at = now_utc()
            report.late = is_late(report.round, report.submitted_at)
        was = report.state
        report.state = "submitted"
        log_event(db.session, report, "submit", {"late": report.late, "after_clarification": was == "clarify"})
    db.session.flush()
    if submit:
        events.emit("report_submitted", report)


def add_files(report: Report, uploads, user) -> list:
    from portal.evidence.services import UploadRejected, save_upload

    ensure_writable(report.round)
    saved = []
    for upload in uploads:
        try:
            stored = save_upload(upload, user)
        except UploadRejected as exc:
            raise RuleError(exc.message) from None
        if stored not in report.files:
            report.files.append(stored)
        saved.append(stored)
    if not saved:
        raise RuleError("Vui lòng chọn ít nhất một tệp.")
    db.session.flush()
    return saved


def reusable_files(report: Report) -> list:
    """Files the author attached to reports of earlier rounds for the same criterion."""
    from portal.evidence.models import StoredFile
    from .models import report_evidence

    current = {f.id for f in report.files}
    rows = db.session.scalars(
        select(StoredFile).join(report_evidence, report_evidence.c.stored_file_id == StoredFile.id)
        .join(Report, Report.id == report_evidence.c.report_id)
        .where(Report.criterion_id == report.criterion_id, Report.round_id != report.round_id)
        .order_by(StoredFile.id.desc())).unique().all()
    return [f for f in rows if f.id not in current]


def reuse_file(report: Report, file_id: int) -> None:
    ensure_writable(report.round)
    match = next((f for f in reusable_files(report) if f.id == file_id), None)
    if match is None:
        raise RuleError("Không tìm thấy tài liệu của đợt trước để dùng lại.")
    report.files.append(match)
    db.session.flush()


def remove_file(report: Report, file_id: int) -> None:
    ensure_writable(report.round)
    report.files = [f for f in report.files if f.id != file_id]
    db.session.flush()


def add_document(report: Report, number: str, issued_on, summary: str) -> ReportDocument:
    ensure_writable(report.round)
    number = clean(number)
    if not number:
        raise RuleError("Vui lòng nhập số, ký hiệu văn bản.")
    doc = ReportDocument(number=number[:100], issued_on=issued_on, summary=clean(summary))
    report.documents.append(doc)
    db.session.flush()
    return doc


def remove_document(report: Report, doc_id: int) -> None:
    ensure_writable(report.round)
    report.documents = [d for d in report.documents if d.id != doc_id]
    db.session.flush()


def file_visible_in(report: Report, file_id: int):
    return next((f for f in report.files if f.id == file_id), None)
