"""The rules of a round: its state machine, opening it, reports, reviews, clarifications,
findings, closing and reopening, scoring, the matrix and reminders. Functions change and flush;
the request commits once."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts import roles as R
from portal.accounts.models import User
from portal.audit.recorder import log_event
from portal.catalogue.models import Area, Criterion
from portal.extensions import db
from portal.text import clean
from portal.timeutil import now_utc, to_local

from .models import (RATINGS, REPORT_STATUSES, ClarificationMessage, Evaluation, Report,
                     ReportDocument, Review, Round)


class RuleError(Exception):
    """A request the rules refuse; `.message` is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


CLOSED_MESSAGE = "Đợt kiểm tra đã kết thúc: mọi nội dung chỉ được xem, không được thay đổi."

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
# Policies
# --------------------------------------------------------------------------------------------
def is_manager(user) -> bool:
    return user.has_role(*R.MANAGERS)


def can_read_round(user, rnd: Round) -> bool:
    """The round's whole picture: managers, leaders, inspectors and team members."""
    return user.has_role(*R.MANAGERS, R.LEADER, R.INSPECTOR) or user.id in rnd.team_ids


def can_view_report(user, report: Report) -> bool:
    return report.author_id == user.id or can_read_round(user, report.round)


def can_edit_report(user, report: Report) -> bool:
    if report.author_id != user.id:
        return False
    state = report.round.state
    if report.state == "clarify":
        return state in ("open", "review")
    return state == "open" and report.state in ("draft", "submitted") and report.review is None


def can_review(user, report: Report) -> bool:
    return (report.round.state in ("open", "review") and user.id in report.round.team_ids
            and report.author_id != user.id)


def can_evaluate(user, rnd: Round) -> bool:
    return rnd.state in ("open", "review") and (user.id in rnd.team_ids or is_manager(user))


def ensure_writable(rnd: Round) -> None:
    if rnd.state == "closed":
        raise RuleError(CLOSED_MESSAGE)


# --------------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------------
def person_in_charge(criterion):
    """(user, unit) in charge of the criterion per the assignments area, else (None, None)."""
    try:
        from portal.assignments.models import Assignment
    except ImportError:
        return None, None
    assignment = db.session.scalar(select(Assignment).where(Assignment.criterion_id == criterion.id).limit(1))
    if assignment is None:
        return None, None
    user = getattr(assignment, "lead_person", None)
    unit = getattr(assignment, "lead_unit", None) or (user.unit if user else None)
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
    return created


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


def missing_for_close(rnd: Round) -> list[Report]:
    """Reports that keep the round from closing: not reviewed, or waiting for a clarification."""
    reports = db.session.scalars(
        select(Report).where(Report.round_id == rnd.id)
        .options(joinedload(Report.review), joinedload(Report.criterion))
        .order_by(Report.id)).unique().all()
    return [r for r in reports if r.author_id is not None and
            (r.review is None or not r.review.rating or r.state != "submitted")]


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


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Review, clarification, findings
# --------------------------------------------------------------------------------------------
def save_review(report: Report, user, *, rating: str, comment: str, appraised_score=None,
                version=None) -> Review:
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
    max_points = report.criterion.max_points
    score = _decimal(appraised_score, "Điểm thẩm định", low=0, high=max_points)
    review.rating = rating
    review.comment = clean(comment)
    review.appraised_score = score if max_points is not None else None
    review.reviewer_id = user.id
    review.reviewed_at = now_utc()
    db.session.flush()
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
    return msg


def answer_clarification(report: Report, user, body: str) -> ClarificationMessage:
    ensure_writable(report.round)
    body = clean(body)
    if not body:
        raise RuleError("Vui lòng nhập nội dung giải trình.")
    if report.state != "clarify":
        raise RuleError("Báo cáo này không có yêu cầu giải trình đang chờ trả lời.")
    msg = ClarificationMessage(report=report, author_id=user.id, kind="answer", body=body)
    db.session.add(msg)
    report.state = "submitted"
    report.updated_at = now_utc()
    db.session.flush()
    return msg


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
                      year=report.round.year, found_on=found_on, area_id=report.criterion.area_id,
                      criterion_id=report.criterion_id, unit_id=report.unit_id,
                      person_id=report.author_id, description=description, cause=cause,
                      recommendation=clean(recommendation), created_by_id=user.id)
    db.session.add(finding)
    db.session.flush()
    return finding


def findings_for_round(round_id: int):
    from portal.findings.models import Finding

    return db.session.scalars(select(Finding).where(Finding.source == "round", Finding.round_id == round_id)
                              .order_by(Finding.id)).all()


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


# --------------------------------------------------------------------------------------------
# Queries for pages (constant query counts: eager loading)
# --------------------------------------------------------------------------------------------
def _report_options():
    return (joinedload(Report.criterion).joinedload(Criterion.area), joinedload(Report.author),
            joinedload(Report.unit), joinedload(Report.review))


def round_reports(round_id: int, *, area_id=None, unit_id=None, person_id=None, state=None,
                  rating=None, late=None) -> list[Report]:
    """Reports of a round in catalogue order, filtered (the review queue and the matrix)."""
    stmt = (select(Report).join(Report.criterion).join(Criterion.area).where(Report.round_id == round_id)
            .options(*_report_options()).order_by(Area.position, Criterion.position))
    if area_id:
        stmt = stmt.where(Criterion.area_id == area_id)
    if unit_id:
        stmt = stmt.where(Report.unit_id == unit_id)
    if person_id:
        stmt = stmt.where(Report.author_id == person_id)
    if state == "unassigned":
        stmt = stmt.where(Report.author_id.is_(None))
    elif state == "reviewed":
        stmt = stmt.where(Report.review.has(Review.rating != ""))
    elif state == "to_review":
        stmt = stmt.where(Report.state == "submitted", ~Report.review.has(Review.rating != ""))
    elif state in ("draft", "submitted", "clarify"):
        stmt = stmt.where(Report.state == state, Report.author_id.is_not(None))
    if rating:
        stmt = stmt.where(Report.review.has(Review.rating == rating))
    if late:
        stmt = stmt.where(Report.late.is_(True))
    return db.session.scalars(stmt).unique().all()


def my_reports(user, round_id: int) -> list[Report]:
    stmt = (select(Report).join(Report.criterion).join(Criterion.area)
            .where(Report.round_id == round_id, Report.author_id == user.id)
            .options(*_report_options()).order_by(Area.position, Criterion.position))
    return db.session.scalars(stmt).unique().all()


def report_phase(report: Report) -> str:
    """One key per report for the matrix: unassigned, draft, clarify, submitted, reviewed."""
    if report.author_id is None:
        return "unassigned"
    if report.state == "clarify":
        return "clarify"
    if report.state == "submitted":
        return "reviewed" if report.review is not None and report.review.rating else "submitted"
    return "draft"


PHASES = {"unassigned": "Chưa phân công", "draft": "Chưa gửi", "submitted": "Chờ thẩm định",
          "clarify": "Chờ giải trình", "reviewed": "Đã thẩm định"}


@dataclass
class Progress:
    label: str
    key: int | None = None
    counts: dict = field(default_factory=lambda: {k: 0 for k in PHASES})
    late: int = 0
    total: int = 0

    @property
    def submitted(self) -> int:
        return self.counts["submitted"] + self.counts["clarify"] + self.counts["reviewed"]

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def progress(reports: list[Report], key) -> list[Progress]:
    """Per-group progress (key(report) -> (id, label)), in first-seen order."""
    groups: dict = {}
    for r in reports:
        gid, label = key(r)
        p = groups.setdefault(gid, Progress(label=label, key=gid))
        p.counts[report_phase(r)] += 1
        p.total += 1
        p.late += 1 if r.late else 0
    return list(groups.values())


def area_progress(reports):
    return progress(reports, lambda r: (r.criterion.area_id, r.criterion.area.label))


def unit_progress(reports):
    rows = progress(reports, lambda r: (r.unit_id, r.unit.name if r.unit else "Chưa phân công"))
    return sorted(rows, key=lambda p: (p.key is None, p.label))


# --------------------------------------------------------------------------------------------
# Scoring (pure)
# --------------------------------------------------------------------------------------------
@dataclass
class ScoreLine:
    area: str
    max_points: Decimal | None
    score: Decimal | None
    not_applicable: bool = False


@dataclass
class ScoreTotal:
    max_points: Decimal = Decimal(0)
    applicable_max: Decimal = Decimal(0)
    score: Decimal = Decimal(0)

    @property
    def scaled(self) -> Decimal | None:
        """The score re-scaled to the full maximum once "Không phát sinh" items drop out."""
        if not self.applicable_max:
            return None
        return (self.score * self.max_points / self.applicable_max).quantize(Decimal("0.01"))


def score_totals(lines: list[ScoreLine]) -> tuple[dict[str, ScoreTotal], ScoreTotal]:
    """Totals per area and overall; lines without max points don't count."""
    per_area: dict[str, ScoreTotal] = defaultdict(ScoreTotal)
    overall = ScoreTotal()
    for line in lines:
        if line.max_points is None:
            continue
        for total in (per_area[line.area], overall):
            total.max_points += line.max_points
            if not line.not_applicable:
                total.applicable_max += line.max_points
                total.score += min(line.score or Decimal(0), line.max_points)
    return dict(per_area), overall


def round_scores(reports: list[Report], appraised: bool = False):
    lines = [ScoreLine(area=r.criterion.area.code, max_points=r.criterion.max_points,
                       score=(r.review.appraised_score if r.review else None) if appraised else r.self_score,
                       not_applicable=r.status == "na") for r in reports]
    return score_totals(lines)


# --------------------------------------------------------------------------------------------
# Figures beside the team's evaluation
# --------------------------------------------------------------------------------------------
@dataclass
class Figures:
    reports: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    ratings: dict = field(default_factory=lambda: {k: 0 for k in RATINGS})
    open_findings: int = 0


def figures(reports: list[Report], findings, key) -> dict:
    out: dict = defaultdict(Figures)
    for r in reports:
        f = out[key(r)]
        f.reports += 1
        if r.submitted_at:
            f.submitted += 1
            f.late += 1 if r.late else 0
            f.on_time += 0 if r.late else 1
        if r.review and r.review.rating:
            f.ratings[r.review.rating] += 1
    by_report = {r.id: r for r in reports}
    for finding in findings:
        r = by_report.get(finding.source_id)
        if r is not None and finding.closed_at is None:
            out[key(r)].open_findings += 1
    return out


# --------------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reminder:
    user: User
    key: str
    title: str
    body: str
    url: str


REMIND_DAYS = (7, 3, 1)


def due_reminders(today: date) -> list[Reminder]:
    """Reminders due today for authors with unsubmitted reports in open rounds: 7, 3 and 1 days
    before the deadline, and once when late. Keys are unique so delivery can dedupe."""
    rounds = db.session.scalars(select(Round).where(Round.state == "open")).all()
    out = []
    for rnd in rounds:
        days_left = (rnd.report_deadline - today).days
        if days_left in REMIND_DAYS:
            tag = f"d{days_left}"
        elif days_left < 0:
            tag = "late"
        else:
            continue
        rows = db.session.execute(
            select(User, func.count(Report.id)).join(Report, Report.author_id == User.id)
            .where(Report.round_id == rnd.id, Report.submitted_at.is_(None))
            .group_by(User.id).order_by(User.id)).all()
        for user, count in rows:
            if tag == "late":
                title = f"Quá hạn gửi báo cáo tự kiểm tra — {rnd.name}"
                body = (f"Hạn gửi báo cáo là {rnd.report_deadline:%d/%m/%Y}; bạn còn {count} nội dung "
                        "chưa gửi. Đề nghị hoàn thành và gửi ngay.")
            else:
                title = f"Còn {days_left} ngày đến hạn gửi báo cáo — {rnd.name}"
                body = (f"Hạn gửi báo cáo tự kiểm tra là {rnd.report_deadline:%d/%m/%Y}; bạn còn {count} "
                        "nội dung chưa gửi.")
            out.append(Reminder(user=user, key=f"round{rnd.id}-{tag}-user{user.id}", title=title,
                                body=body, url=f"/dot-kiem-tra/{rnd.id}/cua-toi"))
    return out


def home_items(user, today: date) -> list[dict]:
    """For the author's home page: rounds open with their unsubmitted or clarify reports."""
    rows = db.session.execute(
        select(Round, Report.state, func.count(Report.id)).join(Report, Report.round_id == Round.id)
        .where(Report.author_id == user.id, Round.state.in_(("open", "review")),
               Report.state.in_(("draft", "clarify")))
        .group_by(Round.id, Report.state).order_by(Round.report_deadline)).all()
    items: dict = {}
    for rnd, state, count in rows:
        if state == "draft" and rnd.state != "open":
            continue
        item = items.setdefault(rnd.id, {"round": rnd, "draft": 0, "clarify": 0,
                                         "days_left": (rnd.report_deadline - today).days})
        item[state] += count
    return list(items.values())
