"""Who hears about what: one handler per event (see events.py), each yielding the notifications
it created. Keys name the occurrence, so a repeated action never notifies twice."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from portal.accounts import roles as R
from portal.accounts.models import User, UserRole

from portal.extensions import db

from .events import handles
from .services import notify

ROUND_STATE_TITLES = {
    "review": "Đợt kiểm tra “{name}” chuyển sang giai đoạn thẩm định",
    "closed": "Đợt kiểm tra “{name}” đã kết thúc",
    "open": "Đợt kiểm tra “{name}” mở lại nhận báo cáo",
    "draft": "Đợt kiểm tra “{name}” được trả về dự thảo",
}
RATING_LABELS = {"dat": "Đạt", "mot_phan": "Đạt một phần", "chua_dat": "Chưa đạt"}


# -- who -------------------------------------------------------------------------------------------

def _distinct(people, *, skip=None):
    """Active people with no repeats, without `skip` (who did it needs no message)."""
    seen, out = set(), []
    skip_id = getattr(skip, "id", skip)
    for person in people:
        if person is None or person.id in seen or person.id == skip_id or not person.active:
            continue
        seen.add(person.id)
        out.append(person)
    return out


def with_role(*roles) -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role.in_(roles), User.active.is_(True)).distinct().order_by(User.id)))


def team(rnd) -> list[User]:
    return ([rnd.leader] if rnd.leader else []) + list(rnd.members)


def round_authors(rnd) -> list[tuple[User, int]]:
    """Each author of the round with how many criteria they report on."""
    from portal.rounds.models import Report

    return list(db.session.execute(
        select(User, func.count(Report.id)).join(Report, Report.author_id == User.id)
        .where(Report.round_id == rnd.id).group_by(User.id).order_by(User.id)))


def unit_heads(unit) -> list[User]:
    """The head of a unit (see Unit.heads: Trưởng phòng, Chánh Văn phòng, Giám đốc…)."""
    return unit.heads if unit is not None else []


def coordinators_of(criterion_id: int) -> list[User]:
    """People coordinating a criterion (phối hợp): named persons and the heads of named units."""
    try:
        from portal.assignments.models import Assignment
    except ImportError:
        return []
    assignment = db.session.scalar(select(Assignment).where(Assignment.criterion_id == criterion_id))
    if assignment is None:
        return []
    people = list(assignment.coordinator_persons)
    for unit in assignment.coordinator_units:
        people += unit_heads(unit)
    return people


def _say(people, key, title, body="", url=""):
    for person in people:
        yield notify(person, key, title, body, url)


def report_url(report) -> str:
    return f"/dot-kiem-tra/bao-cao/{report.id}"


def _criterion(report) -> str:
    c = report.criterion
    return f"nội dung {c.code}" if c is not None else f"nội dung #{report.criterion_id}"


# -- rounds ----------------------------------------------------------------------------------------

@handles("round_moved")
def round_moved(rnd, before: str, by=None):
    """A round changed state. Opened: each author (how many criteria, the deadline); later
    moves: the authors and the team. The key carries the row version: one message per move."""
    key = f"round:{rnd.id}:v{rnd.version}:{rnd.state}"
    if rnd.state == "open" and before == "draft":
        for author, count in round_authors(rnd):
            if author.id == getattr(by, "id", None) or not author.active:
                continue
            yield notify(author, key, f"Đợt kiểm tra “{rnd.name}” đã mở: bạn có {count} nội dung cần báo cáo",
                         f"Hạn gửi báo cáo tự kiểm tra: {rnd.report_deadline:%d/%m/%Y}.",
                         f"/dot-kiem-tra/{rnd.id}/cua-toi")
        return
    title = ROUND_STATE_TITLES.get(rnd.state, "Đợt kiểm tra “{name}” thay đổi trạng thái").format(name=rnd.name)
    authors = [a for a, _ in round_authors(rnd)]
    yield from _say(_distinct(authors + team(rnd), skip=by), key, title, "", f"/dot-kiem-tra/{rnd.id}")


# -- reports ---------------------------------------------------------------------------------------

@handles("report_submitted")
def report_submitted(report):
    """The team hears of each submission; a save that re-sends unchanged says nothing new."""
    key = f"report:{report.id}:submitted:{len(report.messages)}"
    late = " (quá hạn)" if report.late else ""
    author = report.author.full_name if report.author else "Người phụ trách"
    yield from _say(_distinct(team(report.round), skip=report.author_id), key,
                    f"{author} đã gửi báo cáo {_criterion(report)}{late}",
                    f"Đợt: {report.round.name}.", report_url(report))


@handles("clarification_requested")
def clarification_requested(message):
    report = message.report
    people = _distinct([report.author] + coordinators_of(report.criterion_id), skip=message.author_id)
    yield from _say(people, f"clarify:{message.id}",
                    f"Đoàn kiểm tra yêu cầu giải trình — {_criterion(report)}",
                    message.body[:500], report_url(report))


@handles("clarification_answered")
def clarification_answered(message):
    from portal.rounds.models import ClarificationMessage

    report = message.report
    asked = db.session.scalar(select(ClarificationMessage).where(
        ClarificationMessage.report_id == report.id, ClarificationMessage.kind == "request",
        ClarificationMessage.id < message.id).order_by(ClarificationMessage.id.desc()).limit(1))
    asker = asked.author if asked is not None else None
    yield from _say(_distinct([asker], skip=message.author_id), f"clarify:{message.id}",
                    f"Đã có giải trình — {_criterion(report)}", message.body[:500], report_url(report))


@handles("report_rated")
def report_rated(review):
    report = review.report
    if not review.rating:
        return
    label = RATING_LABELS.get(review.rating, review.rating)
    yield from _say(_distinct([report.author], skip=review.reviewer_id),
                    f"report:{report.id}:rated:{review.rating}",
                    f"Báo cáo {_criterion(report)} được đánh giá: {label}",
                    review.comment[:500], report_url(report))


@handles("report_commented")
def report_commented(comment):
    """A working note on a report: its author and the people coordinating it, not who wrote it."""
    report = comment.report
    people = _distinct([report.author] + coordinators_of(report.criterion_id), skip=comment.author_id)
    who = comment.author.full_name if comment.author else "Người phối hợp"
    yield from _say(people, f"comment:{comment.id}", f"{who} có ý kiến về báo cáo {_criterion(report)}",
                    comment.body[:500], report_url(report) + "#comments")


@handles("report_withdrawn")
def report_withdrawn(report, by=None):
    """The author took a sent report back to edit it: the team and the secretariat, who may have
    started reading it. Once per version withdrawn."""
    number = report.versions[-1].number if report.versions else 0
    author = report.author.full_name if report.author else "Người phụ trách"
    people = _distinct(team(report.round) + with_role(R.SECRETARIAT), skip=by or report.author_id)
    yield from _say(people, f"report:{report.id}:withdrawn:{number}",
                    f"{author} đã rút lại báo cáo {_criterion(report)} để sửa",
                    f"Đợt: {report.round.name}. Báo cáo sẽ được gửi lại.", report_url(report))


@handles("late_allowed")
def late_allowed(report, by=None):
    """The secretariat let one report in during review: its author, who may now send it."""
    when = report.late_allowed_at
    yield from _say(_distinct([report.author], skip=by),
                    f"report:{report.id}:late_allowed:{when:%Y%m%d%H%M%S%f}" if when else f"report:{report.id}:late_allowed",
                    f"Bạn được phép gửi muộn báo cáo {_criterion(report)}",
                    f"Đợt “{report.round.name}” đang thẩm định; báo cáo gửi bây giờ được đánh dấu trễ hạn.",
                    report_url(report))


@handles("reports_decided")
def reports_decided(rnd, reports, decision: str, by=None):
    """"Không gửi báo cáo" recorded, or one rating given to several reports from the queue: each
    author once, about their own reports (one report: the same message and key as a single rating,
    so rating it again the same way says nothing new)."""
    from portal.rounds.decisions import NOT_SUBMITTED

    mine: dict[int, list] = {}
    for report in reports:
        if report.author is not None:
            mine.setdefault(report.author_id, []).append(report)
    what = "được ghi nhận “Không gửi báo cáo” (Chưa đạt)" if decision == NOT_SUBMITTED else \
        f"được đánh giá: {RATING_LABELS.get(decision, decision)}"
    for rows in mine.values():
        first = rows[0]
        comment = first.review.comment if first.review is not None else ""
        if len(rows) == 1:
            key = (f"report:{first.id}:not_submitted:{first.review.id}" if decision == NOT_SUBMITTED
                   else f"report:{first.id}:rated:{decision}")
            title, body, url = f"Báo cáo {_criterion(first)} {what}", comment, report_url(first)
        else:
            ids = ",".join(str(r.id) for r in sorted(rows, key=lambda r: r.id))
            key = f"decided:{rnd.id}:{decision}:{hashlib.sha1(ids.encode()).hexdigest()[:16]}"
            codes = ", ".join(r.criterion.code for r in rows if r.criterion is not None)
            title = f"{len(rows)} báo cáo của bạn {what}"
            body = f"Đợt “{rnd.name}”, các nội dung: {codes}. {comment}".strip()
            url = f"/dot-kiem-tra/{rnd.id}/cua-toi"
        yield from _say(_distinct([first.author], skip=by), key, title, body[:500], url)


# -- findings and remedies ---------------------------------------------------------------------------

def finding_url(finding) -> str:
    return f"/ton-tai/{finding.id}"


def remedy_url(remedy) -> str:
    return f"/ton-tai/{remedy.finding_id}#bien-phap-{remedy.id}"


@handles("finding_recorded")
def finding_recorded(finding):
    people = [finding.person] + unit_heads(finding.unit)
    yield from _say(_distinct(people, skip=finding.created_by_id), f"finding:{finding.id}",
                    f"Đoàn kiểm tra ghi nhận tồn tại, hạn chế #{finding.id}",
                    finding.description[:500], finding_url(finding))


def _remedy_people(remedy):
    """The owner; for a unit's remedy its head, or its members if it has none (findings/owners.py)."""
    from portal.findings.owners import recipients

    return recipients(remedy)


@handles("remedy_assigned")
def remedy_assigned(remedy):
    """To the owner; a new owner (reassigned) hears of it, a re-save does not repeat it."""
    owner = remedy.owner_id if remedy.owner_id else f"u{remedy.owner_unit_id}"
    who = f"Đơn vị {remedy.owner_unit.name} được" if remedy.owner_unit_id else "Bạn được"
    yield from _say(_distinct(_remedy_people(remedy)), f"remedy:{remedy.id}:owner:{owner}",
                    f"{who} giao biện pháp khắc phục (hạn {remedy.deadline:%d/%m/%Y})",
                    remedy.action[:500], remedy_url(remedy))


@handles("remedy_reported")
def remedy_reported(update):
    """A remedy reported done: those who confirm it (the team and the secretariat)."""
    if update.status != "done":
        return
    remedy = update.remedy
    people = [remedy.finding.created_by] + with_role(R.SECRETARIAT)
    yield from _say(_distinct(people, skip=update.reported_by_id), f"remedy:{remedy.id}:done:{update.id}",
                    f"Biện pháp khắc phục #{remedy.id} được báo cáo đã hoàn thành, chờ xác nhận",
                    update.text[:500], remedy_url(remedy))


@handles("remedy_settled")
def remedy_settled(remedy):
    """Confirmed done or escalated: the owner is told it is settled."""
    if not remedy.is_settled:
        return
    what = "được chuyển cấp có thẩm quyền xử lý" if remedy.status == "escalated" else "đã được xác nhận hoàn thành"
    yield from _say(_distinct(_remedy_people(remedy), skip=remedy.confirmed_by_id), f"remedy:{remedy.id}:settled",
                    f"Biện pháp khắc phục #{remedy.id} {what}", remedy.note[:500], remedy_url(remedy))


@handles("remedy_reinspected")
def remedy_reinspected(row):
    """A re-inspection: passed settles the remedy, failed sends it back (reopened) to its owner."""
    remedy = row.remedy
    if row.passed:
        yield from remedy_settled(remedy)
        return
    yield from _say(_distinct(_remedy_people(remedy), skip=row.by_id), f"remedy:{remedy.id}:reopened:{row.id}",
                    f"Biện pháp khắc phục #{remedy.id} chưa đạt khi tái kiểm tra, cần tiếp tục thực hiện",
                    row.result[:500], remedy_url(remedy))


# -- assignments -----------------------------------------------------------------------------------

@handles("assignment_saved")
def assignment_saved(assignment):
    """Called before the history is synced: people newly in charge are told it was given, people
    no longer in charge that it was taken away."""
    from portal.assignments.models import AssignmentHistory

    current = {}
    if assignment.lead_person_id:
        current[assignment.lead_person_id] = "chủ trì"
    for c in assignment.coordinators:
        if c.person_id and c.person_id not in current:
            current[c.person_id] = "phối hợp"
    rows = list(db.session.scalars(select(AssignmentHistory).where(
        AssignmentHistory.criterion_id == assignment.criterion_id)))
    held = {h.person_id for h in rows if h.to_date is None}
    code = assignment.criterion.code if assignment.criterion else f"#{assignment.criterion_id}"
    tag = f"assignment:{assignment.criterion_id}:h{len(rows)}"
    url = f"/phan-cong/noi-dung/{assignment.criterion_id}"
    for person_id, role in current.items():
        if person_id not in held:
            person = db.session.get(User, person_id)
            if person is not None and person.active:
                yield notify(person, f"{tag}:given:{person_id}", f"Bạn được phân công {role} nội dung {code}",
                             assignment.criterion.text[:300] if assignment.criterion else "", url)
    for person_id in held - set(current):
        person = db.session.get(User, person_id)
        if person is not None and person.active:
            yield notify(person, f"{tag}:taken:{person_id}", f"Bạn không còn phụ trách nội dung {code}",
                         assignment.criterion.text[:300] if assignment.criterion else "", url)


@handles("handover")
def handover(from_person, to_person, moved: int, reason: str = "", on=None):
    if not moved:
        return
    key = f"handover:{from_person.id}:{to_person.id}:{on.isoformat() if on else ''}:{moved}"
    body = reason[:500]
    yield from _say(_distinct([from_person]), key,
                    f"Bạn đã bàn giao {moved} nội dung phụ trách cho {to_person.full_name}", body,
                    "/phan-cong/cua-toi")
    yield from _say(_distinct([to_person]), key,
                    f"Bạn nhận bàn giao {moved} nội dung phụ trách từ {from_person.full_name}", body,
                    "/phan-cong/cua-toi")


# -- sign-off --------------------------------------------------------------------------------------

@handles("signed_off")
def signed_off(sign_off):
    """The leader's sign-off with a directive: the secretariat, and whoever the directive's tasks name
    (those hear of their own task when it is given, see directive_task_assigned)."""
    rnd = sign_off.round
    yield from _say(_distinct(with_role(R.SECRETARIAT), skip=sign_off.leader_id), f"signoff:{sign_off.id}",
                    f"Lãnh đạo đã phê duyệt báo cáo đợt “{rnd.name}” và có ý kiến chỉ đạo",
                    sign_off.directive[:500], f"/bao-cao-ket-qua/dot/{rnd.id}")


# -- directive tasks -------------------------------------------------------------------------------

def task_url(task) -> str:
    return f"/chi-dao/{task.id}"


@handles("directive_task_assigned")
def directive_task_assigned(task):
    yield from _say(_distinct([task.assignee], skip=task.created_by_id), f"directive:{task.id}:assigned",
                    f"Bạn được giao nhiệm vụ theo ý kiến chỉ đạo (hạn {task.deadline:%d/%m/%Y})",
                    task.action[:500], task_url(task))


@handles("directive_task_reported")
def directive_task_reported(task):
    """Reported done: the secretariat and whoever gave it confirm it."""
    if task.status != "done":
        return
    people = [task.created_by] + with_role(R.SECRETARIAT)
    yield from _say(_distinct(people, skip=task.assignee_id), f"directive:{task.id}:done:{task.version}",
                    f"{task.assignee.full_name} báo cáo đã hoàn thành nhiệm vụ theo ý kiến chỉ đạo",
                    task.report[:500], task_url(task))


@handles("directive_task_confirmed")
def directive_task_confirmed(task):
    yield from _say(_distinct([task.assignee], skip=task.confirmed_by_id), f"directive:{task.id}:confirmed",
                    "Nhiệm vụ theo ý kiến chỉ đạo đã được xác nhận hoàn thành", task.action[:500], task_url(task))


@handles("directive_task_reopened")
def directive_task_reopened(task, by=None):
    yield from _say(_distinct([task.assignee], skip=by), f"directive:{task.id}:reopened:{task.version}",
                    "Nhiệm vụ theo ý kiến chỉ đạo cần tiếp tục thực hiện", task.action[:500], task_url(task))
