"""Every report ends with a decision, so every round can close: after the deadline the team
records "Không gửi báo cáo" for a report never sent (rated Chưa đạt, counted as not submitted),
or the secretariat lets one named report in late during review. Bulk decisions from the review
queue, the list of what still blocks closing, and whether the leader may sign off."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.audit.recorder import log_event
from portal.catalogue.models import Area, Criterion
from portal.extensions import db
from portal.notifications import events
from portal.text import clean
from portal.timeutil import now_utc

from .models import NOT_SUBMITTED_LABEL, RATINGS, Report, Review, Round
from .rules import RuleError, can_decide, can_review, ensure_writable

# What the bulk form offers: the three ratings, and the decision for a report never sent.
NOT_SUBMITTED = "khong_gui"
BULK_DECISIONS = {**RATINGS, NOT_SUBMITTED: NOT_SUBMITTED_LABEL}


def record_not_submitted(report: Report, user, reason: str, today: date, *, notify: bool = True) -> Review:
    """The report was never sent and the deadline has passed: close it as "Không gửi báo cáo",
    rated Chưa đạt with the reason. It stays unsubmitted in every figure (no submitted_at).
    The author is told (`notify=False`: the caller tells them once for several reports)."""
    ensure_writable(report.round)
    if report.state != "draft" or report.submitted_at is not None:
        raise RuleError(f"Nội dung {report.item.code}: chỉ ghi nhận “Không gửi báo cáo” với báo cáo chưa gửi.")
    if today <= report.round.report_deadline:
        raise RuleError(f"Nội dung {report.item.code}: chưa hết hạn gửi báo cáo "
                        f"({report.round.report_deadline:%d/%m/%Y}).")
    reason = clean(reason)
    review = report.review or Review(report=report)
    review.rating = "chua_dat"
    review.comment = f"{NOT_SUBMITTED_LABEL}." + (f" {reason}" if reason else "")
    review.appraised_score = None
    review.reviewer_id = user.id
    review.reviewed_at = now_utc()
    db.session.add(review)
    report.state = "not_submitted"
    report.late_allowed_at, report.late_allowed_by_id = None, None
    log_event(db.session, report, "not_submitted", {"reason": reason[:300]})
    db.session.flush()
    if notify:
        events.emit("reports_decided", report.round, [report], NOT_SUBMITTED, user)
    return review


def allow_late(report: Report, user) -> bool:
    """The secretariat lets this one report in after the round moved to review. A report already
    closed as "Không gửi báo cáo" goes back to its author as a draft. False when it already was
    allowed (nothing changes, nobody is told twice)."""
    ensure_writable(report.round)
    if report.round.state != "review":
        raise RuleError("Chỉ cho phép gửi muộn khi đợt đang thẩm định.")
    if report.author_id is None:
        raise RuleError("Báo cáo chưa có người phụ trách.")
    if report.state not in ("draft", "not_submitted"):
        raise RuleError("Báo cáo đã được gửi.")
    if report.state == "draft" and report.late_allowed_at is not None:
        return False
    if report.state == "not_submitted":
        db.session.delete(report.review)
        report.review = None
        report.state = "draft"
    report.late_allowed_at, report.late_allowed_by_id = now_utc(), user.id
    log_event(db.session, report, "late_allowed", {"author_id": report.author_id})
    db.session.flush()
    events.emit("late_allowed", report, user)
    return True


def bulk_decide(rnd: Round, user, report_ids, decision: str, comment: str, today: date) -> int:
    """One decision for several reports of the round: a rating (submitted reports) or "Không gửi
    báo cáo" (unsent ones). All or nothing: any report refused refuses the lot, with the reasons."""
    ensure_writable(rnd)
    if decision not in BULK_DECISIONS:
        raise RuleError("Vui lòng chọn kết quả đánh giá cho các báo cáo đã chọn.")
    ids = sorted({i for i in report_ids if isinstance(i, int)})
    if not ids:
        raise RuleError("Vui lòng chọn ít nhất một báo cáo.")
    reports = db.session.scalars(select(Report).where(Report.round_id == rnd.id, Report.id.in_(ids))
                                 .options(joinedload(Report.criterion), joinedload(Report.frozen), joinedload(Report.review))
                                 .order_by(Report.id)).unique().all()
    if len(reports) != len(ids):
        raise RuleError("Có báo cáo không thuộc đợt kiểm tra này.")
    errors, changed = [], []
    for report in reports:
        code = report.item.code
        try:
            if decision == NOT_SUBMITTED:
                if not can_decide(user, report):
                    raise RuleError(f"Nội dung {code}: bạn không có quyền ghi nhận.")
                record_not_submitted(report, user, comment, today, notify=False)
                changed.append(report)
            else:
                if not can_review(user, report):
                    raise RuleError(f"Nội dung {code}: bạn không có quyền đánh giá báo cáo này.")
                if report.state != "submitted":
                    raise RuleError(f"Nội dung {code}: chỉ đánh giá được báo cáo đã gửi.")
                review = report.review or Review(report=report)
                if review.rating != decision:  # rated the same again: nobody is told twice
                    changed.append(report)
                review.rating, review.comment = decision, clean(comment)
                review.reviewer_id, review.reviewed_at = user.id, now_utc()
                db.session.add(review)
        except RuleError as exc:
            errors.append(exc.message)
    if errors:
        raise RuleError("Chưa lưu gì: " + " ".join(errors[:10]) + (" …" if len(errors) > 10 else ""))
    log_event(db.session, rnd, "bulk_decision", {"decision": decision, "reports": ids})
    db.session.flush()
    events.emit("reports_decided", rnd, changed, decision, user)
    return len(reports)


# --------------------------------------------------------------------------------------------
# What blocks closing
# --------------------------------------------------------------------------------------------
UNASSIGNED = "Chưa có người phụ trách"


@dataclass(frozen=True)
class Blocker:
    report: Report
    reason: str
    hint: str


def close_blockers(rnd: Round, reports=None) -> list[Blocker]:
    """Each report that has no decision yet, with what it waits for. A report nobody answers for
    blocks too: the secretariat names someone (or the team records "Không gửi báo cáo" after the
    deadline). `reports`: the round's reports in catalogue order when the caller has them loaded."""
    if reports is None:
        reports = db.session.scalars(
            select(Report).join(Report.criterion).join(Criterion.area)
            .where(Report.round_id == rnd.id)
            .options(joinedload(Report.review), joinedload(Report.criterion), joinedload(Report.frozen),
                     joinedload(Report.author))
            .order_by(Area.position, Criterion.position)).unique().all()
    out = []
    for r in reports:
        why = blocker_reason(r.author_id, r.state, r.review.rating if r.review is not None else "")
        if why:
            out.append(Blocker(r, *why))
    return out


def blocker_reason(author_id, state: str, rating) -> tuple[str, str] | None:
    """Why a report keeps its round from closing, and what to do (reason, hint); None when it has
    its decision. From the columns alone: the round page reads them without loading reports."""
    if state == "not_submitted":
        return None
    if author_id is None and state in ("draft", "clarify"):
        return UNASSIGNED, "Chưa ai được giao báo cáo này; sau hạn cũng có thể ghi nhận “Không gửi báo cáo”."
    if state == "draft":
        return "Chưa gửi báo cáo", "Ghi nhận “Không gửi báo cáo” sau hạn, hoặc cho phép gửi muộn."
    if state == "clarify":
        return "Đang chờ giải trình", "Chờ người phụ trách trả lời."
    if not rating:
        return "Chưa đánh giá", "Đoàn kiểm tra chọn mức đánh giá."
    return None


def sign_off_refusal(rnd: Round) -> str | None:
    """None when the leader may sign the round's summary: the round is closed, or in review with
    every report decided. Else the reason, in Vietnamese."""
    if rnd.state == "closed":
        return None
    if rnd.state == "review" and not close_blockers(rnd):
        return None
    return ("Chỉ phê duyệt báo cáo khi đợt kiểm tra đã kết thúc, hoặc đang thẩm định và mọi báo cáo "
            "đã có kết quả đánh giá.")
