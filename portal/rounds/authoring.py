"""The author's side of a report: saving and submitting the text, evidence files and document
references."""
from __future__ import annotations

from sqlalchemy import select

from portal.audit.recorder import log_event
from portal.extensions import db
from portal.notifications import events
from portal.text import clean
from portal.timeutil import now_utc, to_local

from .models import REPORT_STATUSES, Report, ReportDocument, ReportVersion, Round
from .rules import RuleError, _decimal, ensure_writable


def is_late(rnd: Round, submitted_at) -> bool:
    return to_local(submitted_at).date() > rnd.report_deadline


def save_report(report: Report, data: dict, *, submit: bool = False, user=None) -> None:
    """Save the author's text; `submit` sends it to the team (late after the deadline) and
    freezes what was sent as a new version. A sent report is not changed here (see rules)."""
    ensure_writable(report.round)
    if report.state not in ("draft", "clarify"):
        raise RuleError("Báo cáo đã gửi không sửa được; hãy rút lại báo cáo (nếu đoàn chưa thẩm định) để sửa.")
    status = data.get("status", "") or ""
    if status and status not in REPORT_STATUSES:
        raise RuleError("Tình trạng thực hiện không hợp lệ.")
    report.status = status
    report.done_text = clean(data.get("done_text"))
    report.difficulties = clean(data.get("difficulties"))
    report.proposals = clean(data.get("proposals"))
    report.indicator_value = _decimal(data.get("indicator_value"), "Giá trị chỉ tiêu", low=0)
    max_points = report.item.max_points
    score = _decimal(data.get("self_score"), "Điểm tự chấm", low=0, high=max_points)
    report.self_score = score if max_points is not None else None
    if "self_justification" in data:
        report.self_justification = clean(data.get("self_justification"))[:5000]
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
        version = snapshot_version(report, user)
        log_event(db.session, report, "submit", {"late": report.late, "after_clarification": was == "clarify",
                                                 "version": version.number})
    db.session.flush()
    if submit:
        events.emit("report_submitted", report)


def snapshot_version(report: Report, user=None) -> ReportVersion:
    """Freeze what is being sent: text, figures, the files and the documents cited."""
    number = 1 + max((v.number for v in report.versions), default=0)
    version = ReportVersion(
        number=number, submitted_at=now_utc(), submitted_by_id=(user.id if user else report.author_id),
        status=report.status, done_text=report.done_text, indicator_value=report.indicator_value,
        difficulties=report.difficulties, proposals=report.proposals, self_score=report.self_score,
        files=[{"id": f.id, "name": f.original_name} for f in report.files],
        documents=[{"id": d.id, "number": d.number, "summary": d.summary,
                    "issued_on": d.issued_on.isoformat() if d.issued_on else ""} for d in report.documents])
    report.versions.append(version)
    db.session.flush()
    return version


def withdraw(report: Report, user) -> None:
    """The author takes a sent report back before the team starts on it; what was sent stays
    among the versions and the withdrawal is recorded."""
    from .rules import can_withdraw

    ensure_writable(report.round)
    if not can_withdraw(user, report):
        raise RuleError("Không rút lại được: đoàn kiểm tra đã bắt đầu thẩm định báo cáo này, hoặc đợt đã hết nhận báo cáo.")
    report.state = "draft"
    report.submitted_at, report.late = None, False
    report.updated_at = now_utc()
    log_event(db.session, report, "withdraw", {"version": report.versions[-1].number if report.versions else None})
    db.session.flush()
    events.emit("report_withdrawn", report, user)


def sent_file_ids(report: Report) -> set[int]:
    return {f["id"] for v in report.versions for f in (v.files or [])}


def sent_document_ids(report: Report) -> set[int]:
    return {d.get("id") for v in report.versions for d in (v.documents or [])}


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
    if file_id in sent_file_ids(report):  # evidence once sent stays with the report
        raise RuleError("Tệp này đã được gửi cho đoàn kiểm tra, không gỡ được; có thể bổ sung tệp mới.")
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
    if doc_id in sent_document_ids(report):
        raise RuleError("Văn bản này đã được gửi cho đoàn kiểm tra, không xóa được; có thể bổ sung văn bản mới.")
    report.documents = [d for d in report.documents if d.id != doc_id]
    db.session.flush()


def file_visible_in(report: Report, file_id: int):
    """A file of the report now, or of any version sent."""
    from portal.evidence.models import StoredFile

    match = next((f for f in report.files if f.id == file_id), None)
    if match is None and file_id in sent_file_ids(report):
        match = db.session.get(StoredFile, file_id)
    return match
