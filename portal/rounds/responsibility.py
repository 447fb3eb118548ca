"""Who answers for a report is a record of the round: the secretariat changes it for one or many
reports; a hand-over moves a person's open reports and open remedies; assignments made after a
round opened reach its reports. Every change is kept in the change log (from whom, to whom)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.audit.recorder import log_event
from portal.extensions import db
from portal.text import clean

from .models import Report, Round
from .rules import RuleError, ensure_writable

OPEN_ROUND_STATES = ("draft", "open", "review")
OPEN_REPORT_STATES = ("draft", "clarify")


def reassign(report: Report, to_user, *, reason: str = "") -> bool:
    """Make `to_user` answer for the report (their unit with them). False when nothing changes."""
    ensure_writable(report.round)
    if report.author_id == to_user.id:
        return False
    before = report.author_id
    report.author_id, report.unit_id = to_user.id, to_user.unit_id
    log_event(db.session, report, "reassign", {"from": before, "to": to_user.id, "reason": clean(reason)[:250]})
    return True


def reassign_many(rnd: Round, report_ids, to_user, *, reason: str = "") -> int:
    """The secretariat gives several reports of a round to one person; reports already decided
    (sent and rated, or "Không gửi báo cáo") keep the person who answered for them."""
    ensure_writable(rnd)
    if to_user is None or not to_user.active:
        raise RuleError("Vui lòng chọn một người đang làm việc để giao báo cáo.")
    ids = sorted({i for i in report_ids if isinstance(i, int)})
    if not ids:
        raise RuleError("Vui lòng chọn ít nhất một báo cáo.")
    reports = db.session.scalars(select(Report).where(Report.round_id == rnd.id, Report.id.in_(ids))
                                 .options(joinedload(Report.criterion))).unique().all()
    if len(reports) != len(ids):
        raise RuleError("Có báo cáo không thuộc đợt kiểm tra này.")
    closed = [r.item.code for r in reports if r.state not in OPEN_REPORT_STATES]
    if closed:
        raise RuleError("Chưa giao gì: báo cáo đã gửi hoặc đã có kết quả giữ người đã báo cáo ("
                        + ", ".join(closed[:10]) + ").")
    moved = sum(reassign(r, to_user, reason=reason) for r in reports)
    db.session.flush()
    return moved


@dataclass
class OpenWork:
    reports: list = field(default_factory=list)
    remedies: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.reports or self.remedies)


def open_work(user) -> OpenWork:
    """What a person still has to do: unsent (or clarification-pending) reports of rounds not
    closed, and remedies not yet done or escalated."""
    from portal.findings.models import Remedy

    reports = db.session.scalars(
        select(Report).join(Round, Round.id == Report.round_id)
        .where(Report.author_id == user.id, Round.state.in_(OPEN_ROUND_STATES),
               Report.state.in_(OPEN_REPORT_STATES))
        .options(joinedload(Report.criterion), joinedload(Report.round)).order_by(Report.id)).unique().all()
    remedies = db.session.scalars(select(Remedy).where(Remedy.owner_id == user.id,
                                                       Remedy.status.in_(("todo", "doing")))
                                  .order_by(Remedy.deadline, Remedy.id)).all()
    return OpenWork(reports=list(reports), remedies=list(remedies))


def move_open_work(from_user, to_user, *, reason: str = "", reports: bool = True, remedies: bool = True) -> tuple[int, int]:
    """Hand a person's open reports and open remedies to another; returns (reports, remedies)."""
    if from_user.id == to_user.id:
        raise RuleError("Người nhận bàn giao phải khác người bàn giao.")
    work = open_work(from_user)
    moved_reports = moved_remedies = 0
    if reports:
        moved_reports = sum(reassign(r, to_user, reason=reason) for r in work.reports)
    if remedies:
        for remedy in work.remedies:
            remedy.owner_id = to_user.id
            log_event(db.session, remedy, "reassign", {"from": from_user.id, "to": to_user.id,
                                                       "reason": clean(reason)[:250]})
            moved_remedies += 1
    db.session.flush()
    return moved_reports, moved_remedies


def assignment_changes(rnd: Round, reports=None) -> list[tuple[object, object]]:
    """Open reports whose person in charge per today's assignments differs from the one the
    round recorded (assignments made or changed after the round opened; a unit-only assignment
    names the unit's head, see lifecycle.answerer): (report, that person). `reports`: the round's
    reports when the caller has them loaded already, or the round page's light rows
    (overview.Line: criterion_id, author_id and state are all this reads)."""
    if rnd.state not in ("open", "review"):
        return []
    if reports is None:
        reports = db.session.scalars(select(Report).where(Report.round_id == rnd.id)
                                     .options(joinedload(Report.frozen), joinedload(Report.author))
                                     .order_by(Report.id)).unique().all()
    reports = [r for r in reports if r.state in OPEN_REPORT_STATES]
    if not reports:
        return []
    from .lifecycle import answerers

    leads = answerers({r.criterion_id for r in reports})
    return [(r, leads[r.criterion_id]) for r in reports
            if leads.get(r.criterion_id) is not None and leads[r.criterion_id].active
            and leads[r.criterion_id].id != r.author_id]


def apply_assignments(rnd: Round) -> int:
    """Bring the round's open reports in line with today's assignments."""
    ensure_writable(rnd)
    changes = assignment_changes(rnd)
    for report, user in changes:
        reassign(report, user, reason="Theo phân công phụ trách hiện hành")
    db.session.flush()
    return len(changes)
