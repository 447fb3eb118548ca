"""Who may do what in a round, and the refusal every rule raises. Pure functions of the user,
the round and the report."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from portal.accounts import roles as R

from .models import Report, Round


class RuleError(Exception):
    """A request the rules refuse; `.message` is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


CLOSED_MESSAGE = "Đợt kiểm tra đã kết thúc: mọi nội dung chỉ được xem, không được thay đổi."


# --------------------------------------------------------------------------------------------
# Policies
# --------------------------------------------------------------------------------------------
def is_manager(user) -> bool:
    return user.has_role(*R.MANAGERS)


def can_read_round(user, rnd: Round) -> bool:
    """The round's whole picture: managers, leaders, inspectors and team members."""
    return user.has_role(*R.MANAGERS, R.LEADER, R.INSPECTOR) or user.id in rnd.team_ids


def is_coordinator(user, report: Report) -> bool:
    """The person coordinates (phối hợp) the report's criterion in the assignments."""
    from flask import has_request_context, request
    from sqlalchemy import select

    from portal.assignments.models import Assignment, AssignmentCoordinator
    from portal.extensions import db

    key = (user.id, report.criterion_id)
    cache = {}
    if has_request_context():  # asked several times per page: once per request
        cache = request.__dict__.setdefault("_coordinates", {})
    if key not in cache:
        cache[key] = _coordinates(db, select, Assignment, AssignmentCoordinator, user, report)
    return cache[key]


def _coordinates(db, select, Assignment, AssignmentCoordinator, user, report) -> bool:
    return db.session.scalar(
        select(AssignmentCoordinator.id).join(Assignment)
        .where(Assignment.criterion_id == report.criterion_id, AssignmentCoordinator.person_id == user.id)
        .limit(1)) is not None


def can_view_report(user, report: Report) -> bool:
    return report.author_id == user.id or can_read_round(user, report.round) or is_coordinator(user, report)


def can_add_evidence(user, report: Report) -> bool:
    """The author, and the coordinators while the author may still write (the lead submits)."""
    if can_edit_report(user, report):
        return True
    if report.author_id is None or report.author_id == user.id:
        return False
    author_may_write = (report.state == "clarify" and report.round.state in ("open", "review")) or (
        report.state == "draft" and (report.round.state == "open"
                                     or (report.round.state == "review" and report.late_allowed_at is not None)))
    return author_may_write and is_coordinator(user, report)


def can_comment(user, report: Report) -> bool:
    """Working notes on a report: its author and the people who coordinate its criterion, while
    the round is not closed (the lead alone submits)."""
    if report.round.state == "closed":
        return False
    return (report.author_id is not None and report.author_id == user.id) or is_coordinator(user, report)


def can_edit_report(user, report: Report) -> bool:
    """The author writes while the report is theirs: a draft in an open round (or in review when
    the secretariat allowed it late), or while a clarification is asked. A sent report is frozen."""
    if report.author_id != user.id:
        return False
    state = report.round.state
    if report.state == "clarify":
        return state in ("open", "review")
    if report.state != "draft":
        return False
    if state == "review":  # the secretariat let this one in late
        return report.late_allowed_at is not None
    return state == "open"


def can_withdraw(user, report: Report) -> bool:
    """The author takes a sent report back while the round still takes reports and the team has
    neither rated it nor asked about it."""
    return (report.author_id == user.id and report.round.state == "open" and report.state == "submitted"
            and report.review is None and not report.messages)


def can_review(user, report: Report) -> bool:
    return (report.round.state in ("open", "review") and user.id in report.round.team_ids
            and report.author_id != user.id)


def can_decide(user, report: Report) -> bool:
    """Recording "Không gửi báo cáo": the team (members, leader) and the secretariat."""
    return (report.round.state in ("open", "review") and report.author_id != user.id
            and (user.id in report.round.team_ids or is_manager(user)))


def can_allow_late(user, report: Report) -> bool:
    """Letting one report in after the round moved to review: the secretariat only."""
    return report.round.state == "review" and is_manager(user)


def can_evaluate(user, rnd: Round) -> bool:
    return rnd.state in ("open", "review") and (user.id in rnd.team_ids or is_manager(user))


def ensure_writable(rnd: Round) -> None:
    if rnd.state == "closed":
        raise RuleError(CLOSED_MESSAGE)


def _decimal(value, label: str, low=None, high=None) -> Decimal | None:
    text = (value or "").strip().replace(",", ".") if isinstance(value, str) else value
    if text in ("", None):
        return None
    try:
        number = Decimal(str(text))
    except InvalidOperation:
        raise RuleError(f"{label} phải là một số.") from None
    if not number.is_finite() or (low is not None and number < low) or (high is not None and number > high):
        raise RuleError(f"{label} nằm ngoài giới hạn cho phép.")
    return number.quantize(Decimal("0.01"))
