"""The team's side of a report: ratings, clarification requests and answers, findings, and the
written evaluations per area and person."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.audit.recorder import log_event
from portal.extensions import db
from portal.notifications import events
from portal.text import clean
from portal.timeutil import now_utc

from .models import RATINGS, ClarificationMessage, Evaluation, Report, ReportComment, Review, Round
from .rules import RuleError, _decimal, ensure_writable


# --------------------------------------------------------------------------------------------
# Review, clarification, findings
# --------------------------------------------------------------------------------------------
def save_review(report: Report, user, *, rating: str, comment: str, appraised_score=None,
                version=None, appraisal_reason: str | None = None) -> Review:
    from portal.web.concurrency import check_version

    ensure_writable(report.round)
    if rating and rating not in RATINGS:
        raise RuleError("Mức đánh giá không hợp lệ.")
    if report.state != "submitted":
        raise RuleError("Chỉ đánh giá được báo cáo đã gửi (không đang chờ giải trình).")
    review = report.review
    if review is None:
        review = Review(report=report)
        db.session.add(review)
    elif version is not None:
        check_version(review, version)
    max_points = report.item.max_points
    score = _decimal(appraised_score, "Điểm thẩm định", low=0, high=max_points)
    review.rating = rating
    review.comment = clean(comment)
    review.appraised_score = score if max_points is not None else None
    if appraisal_reason is not None:
        review.appraisal_reason = clean(appraisal_reason)[:5000]
    # The appraised score records a difference from the self-score: say why.
    if (review.appraised_score is not None and report.self_score is not None
            and review.appraised_score != report.self_score and not review.appraisal_reason):
        raise RuleError("Điểm thẩm định khác điểm tự chấm: vui lòng ghi lý do.")
    review.reviewer_id = user.id
    review.reviewed_at = now_utc()
    db.session.flush()
    events.emit("report_rated", review)
    return review


def request_clarification(report: Report, user, body: str) -> ClarificationMessage:
    ensure_writable(report.round)
    body = clean(body)
    if not body:
        raise RuleError("Vui lòng nêu nội dung cần giải trình.")
    if report.state != "submitted":
        raise RuleError("Chỉ yêu cầu giải trình với báo cáo đã gửi.")
    report.state = "clarify"
    msg = ClarificationMessage(report=report, author_id=user.id, kind="request", body=body)
    db.session.add(msg)
    log_event(db.session, report, "clarification_requested", {"body": body[:300]})
    db.session.flush()
    events.emit("clarification_requested", msg)
    return msg


def answer_clarification(report: Report, user, body: str) -> ClarificationMessage:
    ensure_writable(report.round)
    body = clean(body)
    if not body:
        raise RuleError("Vui lòng nhập nội dung giải trình.")
    if report.state != "clarify":
        raise RuleError("Báo cáo này không có yêu cầu giải trình đang chờ trả lời.")
    from .authoring import snapshot_version

    msg = ClarificationMessage(report=report, author_id=user.id, kind="answer", body=body)
    db.session.add(msg)
    report.state = "submitted"
    report.updated_at = now_utc()
    version = snapshot_version(report, user)  # the clarified report is a new version
    log_event(db.session, report, "submit", {"after_clarification": True, "version": version.number})
    db.session.flush()
    events.emit("clarification_answered", msg)
    return msg


def add_comment(report: Report, user, body: str) -> ReportComment:
    """A working note by the author or a coordinator (see rules.can_comment)."""
    ensure_writable(report.round)
    body = clean(body)
    if not body:
        raise RuleError("Vui lòng nhập nội dung ý kiến.")
    comment = ReportComment(report=report, author_id=user.id, body=body[:5000])
    db.session.add(comment)
    db.session.flush()
    events.emit("report_commented", comment)
    return comment


def record_finding(report: Report, user, *, description: str, cause: str, recommendation: str,
                   found_on: date):
    from portal.findings.models import CAUSES, Finding

    ensure_writable(report.round)
    description = clean(description)
    if not description:
        raise RuleError("Vui lòng mô tả tồn tại, hạn chế.")
    if cause not in CAUSES:
        raise RuleError("Vui lòng chọn nguyên nhân (chủ quan hoặc khách quan).")
    finding = Finding(source="round", source_id=report.id, round_id=report.round_id,
                      year=report.round.year, found_on=found_on, area_id=report.item.area_id,
                      criterion_id=report.criterion_id, unit_id=report.unit_id,
                      person_id=report.author_id, description=description, cause=cause,
                      recommendation=clean(recommendation), created_by_id=user.id)
    db.session.add(finding)
    db.session.flush()
    events.emit("finding_recorded", finding)
    return finding


def findings_for_round(round_id: int, *, with_remedies: bool = False):
    from sqlalchemy.orm import joinedload, selectinload

    from portal.findings.models import Finding, Remedy

    stmt = select(Finding).where(Finding.source == "round", Finding.round_id == round_id).order_by(Finding.id)
    if with_remedies:  # a page printing each finding's remedies and owners: loaded with the findings
        stmt = stmt.options(selectinload(Finding.remedies).options(
            joinedload(Remedy.owner), joinedload(Remedy.owner_unit)))
    return db.session.scalars(stmt).all()


def save_evaluation(rnd: Round, user, *, area_id=None, person_id=None, text="", version=None) -> Evaluation:
    from portal.web.concurrency import check_version

    ensure_writable(rnd)
    row = db.session.scalar(select(Evaluation).where(
        Evaluation.round_id == rnd.id,
        Evaluation.area_id.is_(None) if area_id is None else Evaluation.area_id == area_id,
        Evaluation.person_id.is_(None) if person_id is None else Evaluation.person_id == person_id))
    if row is None:
        row = Evaluation(round_id=rnd.id, area_id=area_id, person_id=person_id)
        db.session.add(row)
    else:  # written by someone since the page was read (no version = read before it existed)
        check_version(row, version)
    row.text = clean(text)
    row.updated_by_id = user.id
    row.updated_at = now_utc()
    db.session.flush()
    return row
