"""A round's life: its state machine, creating and opening it (one report per criterion), what
blocks closing, closing and reopening. Functions change and flush; the request commits once."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts import roles as R
from portal.audit.recorder import log_event
from portal.catalogue.models import Area, Criterion
from portal.extensions import db
from portal.notifications import events
from portal.text import clean
from portal.timeutil import now_utc

from .models import Report, ReportDocument, Round, RoundCriterion
from .rules import RuleError


# --------------------------------------------------------------------------------------------
# State machine (pure)
# --------------------------------------------------------------------------------------------
TRANSITIONS = {
    "draft": ("open",),
    "open": ("review", "draft"),
    "review": ("closed", "open"),
    "closed": ("review",),  # reopening: admin only, with a reason
}
TRANSITION_LABELS = {
    ("draft", "open"): "Mở đợt, bắt đầu nhận báo cáo",
    ("open", "draft"): "Trả về dự thảo",
    ("open", "review"): "Chuyển sang thẩm định",
    ("review", "open"): "Mở lại nhận báo cáo",
    ("review", "closed"): "Kết thúc đợt kiểm tra",
    ("closed", "review"): "Mở lại đợt (quản trị)",
}


def check_transition(current: str, target: str, *, roles: set[str], missing: list[str] = (),
                     reason: str = "", has_reports: bool = False) -> str | None:
    """None when the move is allowed, else the Vietnamese reason it is refused."""
    if target not in TRANSITIONS.get(current, ()):
        return "Không thể chuyển đợt kiểm tra sang trạng thái này từ trạng thái hiện tại."
    if current == "closed":
        if R.ADMIN not in roles:
            return "Chỉ quản trị hệ thống được mở lại đợt kiểm tra đã kết thúc."
        if not clean(reason):
            return "Vui lòng nêu lý do mở lại đợt kiểm tra."
        return None
    if not roles & set(R.MANAGERS):
        return "Chỉ bộ phận thường trực CCHC được chuyển trạng thái đợt kiểm tra."
    if target == "closed" and missing:
        return f"Chưa thể kết thúc đợt: còn {len(missing)} nội dung chưa thẩm định xong."
    if (current, target) == ("open", "draft") and has_reports:
        return "Đợt đã có báo cáo được gửi, không thể trả về dự thảo."
    return None


def default_deadline(start: date, days: int) -> date:
    return start - timedelta(days=days)


# --------------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------------
def answerer(assignment):
    """Who writes the report of an assignment: its lead person; for an assignment that names
    only a unit, the unit's head. A ward gives a criterion to an office and the head of that
    office answers for it (and may hand it on through "Giao báo cáo"); a unit with no head, or
    with several, is left without a person and shows on the round page as "Chưa có người phụ
    trách", with the screen that sets who answers. None when nobody can be named."""
    if assignment is None:
        return None
    return _answerer(assignment.lead_person, assignment.lead_unit.heads if assignment.lead_unit is not None else [])


def _answerer(lead_person, heads):
    if lead_person is not None:
        return lead_person
    return heads[0] if len(heads) == 1 else None


def answerers(criterion_ids) -> dict:
    """answerer() of each criterion's assignment, in two queries whatever their number (the
    assignments' columns, the ward's people) instead of loading every assignment with its people.
    Criteria without an assignment, or with nobody to name, are left out."""
    from portal.accounts.models import User, unit_heads
    from portal.assignments.models import Assignment

    rows = db.session.execute(select(Assignment.criterion_id, Assignment.lead_person_id, Assignment.lead_unit_id)
                              .where(Assignment.criterion_id.in_(list(criterion_ids)))).all()
    if not rows:
        return {}
    people = {u.id: u for u in db.session.scalars(select(User))}
    members = defaultdict(list)
    for u in people.values():
        members[u.unit_id].append(u)
    heads = {unit_id: unit_heads(users) for unit_id, users in members.items() if unit_id is not None}
    out = {}
    for criterion_id, person_id, unit_id in rows:
        named = _answerer(people.get(person_id), heads.get(unit_id, []))
        if named is not None:
            out[criterion_id] = named
    return out


def person_in_charge(criterion):
    """(user, unit) in charge of the criterion per the assignments area, else (None, None)."""
    try:
        from portal.assignments.models import Assignment
    except ImportError:
        return None, None
    assignment = db.session.scalar(select(Assignment).where(Assignment.criterion_id == criterion.id).limit(1))
    if assignment is None:
        return None, None
    user = answerer(assignment)
    unit = assignment.lead_unit or (user.unit if user else None)
    return user, unit


def round_criteria(rnd: Round) -> list[Criterion]:
    return db.session.scalars(
        select(Criterion).join(Area).where(Criterion.catalogue_id == rnd.catalogue_id)
        .order_by(Area.position, Criterion.position)).all()


def open_round(rnd: Round, assignees: dict | None = None, criteria=None) -> int:
    """Create the round's missing reports, snapshotting who is in charge of each criterion.

    `assignees` ({criterion_id: user}) overrides the assignments area (tests, the demo);
    `criteria` limits the criteria (tests). Earlier text and evidence are carried over from
    the previous round when there is one. Returns how many reports were created."""
    existing = set(db.session.scalars(select(Report.criterion_id).where(Report.round_id == rnd.id)))
    previous = {}
    if rnd.previous_id:
        previous = {r.criterion_id: r for r in db.session.scalars(
            select(Report).where(Report.round_id == rnd.previous_id)
            .options(selectinload(Report.files), selectinload(Report.documents)))}
    created = 0
    for criterion in criteria if criteria is not None else round_criteria(rnd):
        if criterion.id in existing:
            continue
        if assignees is not None:
            user = assignees.get(criterion.id)
            unit = user.unit if user else None
        else:
            user, unit = person_in_charge(criterion)
        report = Report(round=rnd, criterion_id=criterion.id, author_id=user.id if user else None,
                        unit_id=unit.id if unit else None, state="draft")
        earlier = previous.get(criterion.id)
        if earlier is not None:
            # Pre-filled so people update rather than retype; status and workflow reset.
            report.done_text = earlier.done_text
            report.difficulties = earlier.difficulties
            report.proposals = earlier.proposals
            report.indicator_value = earlier.indicator_value
            report.files = list(earlier.files)
            report.documents = [ReportDocument(number=d.number, issued_on=d.issued_on, summary=d.summary)
                                for d in earlier.documents]
        db.session.add(report)
        created += 1
    db.session.flush()
    freeze_criteria(rnd)
    return created


def freeze_criteria(rnd: Round) -> int:
    """Copy each criterion the round's reports answer for, as it reads now (once per criterion):
    the round is judged against this copy whatever the catalogue becomes."""
    from portal.catalogue.models import AreaGroup  # noqa: F401  (criterion.group is loaded below)

    have = set(db.session.scalars(select(RoundCriterion.criterion_id).where(RoundCriterion.round_id == rnd.id)))
    criteria = db.session.scalars(
        select(Criterion).join(Report, Report.criterion_id == Criterion.id).where(Report.round_id == rnd.id)
        .options(selectinload(Criterion.area), selectinload(Criterion.group),
                 selectinload(Criterion.parent))).unique().all()
    rows = [RoundCriterion.copy_of(rnd.id, c) for c in criteria if c.id not in have]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


def create_round(catalogue, *, name, kind, start_on, end_on, report_deadline=None, period_from=None,
                 period_to=None, leader=None, members=(), previous=None) -> Round:
    from portal.settings.models import get_settings

    if end_on < start_on:
        raise RuleError("Ngày kết thúc kiểm tra phải sau ngày bắt đầu.")
    deadline = report_deadline or default_deadline(start_on, get_settings().report_deadline_days)
    rnd = Round(catalogue_id=catalogue.id, year=catalogue.year, name=clean(name), kind=kind,
                start_on=start_on, end_on=end_on, report_deadline=deadline, period_from=period_from,
                period_to=period_to, leader=leader, members=list(members),
                previous_id=previous.id if previous else None)
    db.session.add(rnd)
    db.session.flush()
    return rnd


def new_round_warnings(*, name, kind, start_on, end_on, report_deadline, today: date) -> list[str]:
    """What deserves a second look before creating a round (warnings, not refusals): a name
    already used, dates overlapping a round of the same kind, a deadline already past."""
    from portal.settings.models import get_settings

    out = []
    wanted = clean(name).casefold()  # SQLite's lower() knows no Vietnamese letters: compare here
    if any(n.strip().casefold() == wanted for n in db.session.scalars(select(Round.name))):
        out.append(f"Đã có đợt kiểm tra tên “{clean(name)}”: hai đợt trùng tên sẽ khó phân biệt trong báo cáo.")
    overlap = db.session.scalar(select(Round).where(Round.kind == kind, Round.start_on <= end_on,
                                                    Round.end_on >= start_on).limit(1))
    if overlap is not None:
        out.append(f"Thời gian kiểm tra trùng với đợt “{overlap.name}” ({overlap.start_on:%d/%m/%Y} – "
                   f"{overlap.end_on:%d/%m/%Y}) cùng loại.")
    deadline = report_deadline or default_deadline(start_on, get_settings().report_deadline_days)
    if deadline < today:
        out.append(f"Hạn gửi báo cáo {deadline:%d/%m/%Y} đã qua: mọi báo cáo gửi trong đợt này sẽ bị "
                   "đánh dấu trễ hạn.")
    return out


def missing_for_close(rnd: Round) -> list[Report]:
    """Reports that keep the round from closing (see decisions.close_blockers)."""
    from .decisions import close_blockers

    return [b.report for b in close_blockers(rnd)]


def move_round(rnd: Round, target: str, user, reason: str = "") -> None:
    missing = [f"{r.criterion.code}" for r in missing_for_close(rnd)] if target == "closed" else []
    has_reports = bool(db.session.scalar(select(func.count(Report.id)).where(
        Report.round_id == rnd.id, Report.submitted_at.is_not(None)))) if target == "draft" else False
    error = check_transition(rnd.state, target, roles=user.roles, missing=missing, reason=reason,
                             has_reports=has_reports)
    if error:
        if missing:
            error += " Các nội dung: " + ", ".join(missing[:40]) + ("…" if len(missing) > 40 else "")
        raise RuleError(error)
    before = rnd.state
    if before == "closed":
        rnd.reopen_reason = clean(reason)
        rnd.closed_at = None
        log_event(db.session, rnd, "reopen", {"reason": rnd.reopen_reason})
    if target == "open" and before == "draft":
        open_round(rnd)
    if target == "closed":
        rnd.closed_at = now_utc()
    rnd.state = target
    log_event(db.session, rnd, "state", {"from": before, "to": target})
    db.session.flush()
    events.emit("round_moved", rnd, before, user)
