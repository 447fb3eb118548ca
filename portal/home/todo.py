"""The home page's to-do list: what waits for this person, by role. Each item says how many and
links straight to the work (a filtered list, or the first report to review)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts import roles as R
from portal.extensions import db

DUE_SOON_DAYS = 7


@dataclass
class Item:
    text: str
    url: str
    count: int = 0
    urgent: bool = False
    note: str = ""


@dataclass
class Section:
    title: str
    items: list[Item]


def _author(user, today: date) -> list[Item]:
    from portal.rounds.models import Report, Round

    items = []
    rows = db.session.execute(
        select(Round, Report.state, func.count(Report.id)).join(Report, Report.round_id == Round.id)
        .where(Report.author_id == user.id, Round.state.in_(("open", "review")),
               Report.state.in_(("draft", "clarify")))
        .group_by(Round.id, Report.state).order_by(Round.report_deadline)).all()
    for rnd, state, count in rows:
        if state == "draft" and rnd.state == "open":
            days = (rnd.report_deadline - today).days
            items.append(Item(f"Báo cáo cần viết và gửi — {rnd.name}", f"/dot-kiem-tra/{rnd.id}/cua-toi", count,
                              urgent=days <= 3, note=(f"hạn {rnd.report_deadline:%d/%m/%Y}"
                                                      + (f", quá hạn {-days} ngày" if days < 0 else ""))))
        elif state == "clarify":
            first = db.session.scalar(select(Report.id).where(
                Report.round_id == rnd.id, Report.author_id == user.id, Report.state == "clarify")
                .order_by(Report.id).limit(1))
            items.append(Item(f"Yêu cầu giải trình cần trả lời — {rnd.name}", f"/dot-kiem-tra/bao-cao/{first}",
                              count, urgent=True))
    items += _my_remedies(user, today)
    items += _my_directive_tasks(user, today)
    return items


def _my_remedies(user, today: date) -> list[Item]:
    from portal.findings.models import Remedy
    from portal.findings.owners import owned_by

    soon = today + timedelta(days=DUE_SOON_DAYS)
    # their own and their unit's (every member of an owning unit sees it: findings/owners.py)
    remedies = list(db.session.scalars(select(Remedy).where(
        owned_by(user), Remedy.status.in_(("todo", "doing")), Remedy.deadline <= soon)
        .order_by(Remedy.deadline, Remedy.id)))
    out = []
    for r in remedies:
        late = r.deadline < today
        whose = " (của đơn vị)" if r.owner_unit_id else ""
        out.append(Item(f"Biện pháp khắc phục{whose}: {r.action[:90]}", f"/ton-tai/{r.finding_id}#bien-phap-{r.id}",
                        urgent=late, note=(f"quá hạn từ {r.deadline:%d/%m/%Y}" if late else f"hạn {r.deadline:%d/%m/%Y}")))
    return out


def _my_directive_tasks(user, today: date) -> list[Item]:
    from portal.directives.models import DirectiveTask

    tasks = db.session.scalars(select(DirectiveTask).where(
        DirectiveTask.assignee_id == user.id, DirectiveTask.status.in_(("todo", "doing")))
        .order_by(DirectiveTask.deadline))
    return [Item(f"Nhiệm vụ theo chỉ đạo: {t.action[:90]}", f"/chi-dao/{t.id}", urgent=t.deadline < today,
                 note=f"hạn {t.deadline:%d/%m/%Y}") for t in tasks]


def _inspector(user, today: date) -> list[Item]:
    """Reports waiting for review in each round this person reviews, with the first one."""
    from portal.rounds.models import Report, Review, Round, round_member

    rounds = list(db.session.scalars(select(Round).where(
        Round.state.in_(("open", "review")),
        (Round.leader_id == user.id) | Round.id.in_(select(round_member.c.round_id)
                                                     .where(round_member.c.user_id == user.id)))
        .order_by(Round.start_on)))
    items = []
    for rnd in rounds:
        waiting = (Report.round_id == rnd.id, Report.state == "submitted", Report.author_id != user.id,
                   ~Report.review.has(Review.rating != ""))
        count = db.session.scalar(select(func.count(Report.id)).where(*waiting)) or 0
        if count:
            items.append(Item(f"Báo cáo chờ thẩm định — {rnd.name}",
                              f"/dot-kiem-tra/{rnd.id}/tham-dinh?trang_thai=to_review", count))
    return items


def _overdue_remedies(today: date) -> list[Item]:
    from portal.findings.models import Remedy

    count = db.session.scalar(select(func.count(Remedy.id)).where(
        Remedy.deadline < today, Remedy.status.in_(("todo", "doing")))) or 0
    return [Item("Biện pháp khắc phục quá hạn", "/ton-tai/?trang_thai=overdue", count, urgent=True)] if count else []


def _chairman(user, today: date) -> list[Item]:
    from portal.directives.models import DirectiveTask
    from portal.reports.models import SignOff
    from portal.rounds.models import Round

    items = []
    unsigned = db.session.scalars(select(Round).where(
        Round.state == "closed", ~select(SignOff.id).where(SignOff.round_id == Round.id).exists())
        .order_by(Round.closed_at))
    for rnd in unsigned:
        items.append(Item(f"Báo cáo kết quả chờ phê duyệt — {rnd.name}", f"/bao-cao-ket-qua/dot/{rnd.id}", 1))
    items += _overdue_remedies(today)
    open_tasks = db.session.scalar(select(func.count(DirectiveTask.id)).where(
        DirectiveTask.status.in_(("todo", "doing", "done")))) or 0
    if open_tasks:
        items.append(Item("Nhiệm vụ theo ý kiến chỉ đạo chưa hoàn thành", "/chi-dao/", open_tasks))
    return items


def _secretariat(user, today: date) -> list[Item]:
    from portal.catalogue.models import Catalogue
    from portal.rounds import services as S
    from portal.rounds.models import Round

    items = []
    for rnd in db.session.scalars(select(Round).where(Round.state.in_(("open", "review"))).order_by(Round.start_on)):
        missing = len(S.missing_for_close(rnd))
        if missing:
            items.append(Item(f"Nội dung chưa xong, chặn việc kết thúc — {rnd.name}", f"/dot-kiem-tra/{rnd.id}",
                              missing))
    try:
        from portal.assignments.services import unassigned_count
    except ImportError:
        unassigned_count = None
    catalogue = db.session.scalar(select(Catalogue).where(Catalogue.year == today.year).order_by(Catalogue.id).limit(1))
    if unassigned_count and catalogue is not None:
        count = unassigned_count(catalogue)
        if count:
            items.append(Item(f"Nội dung kiểm tra năm {catalogue.year} chưa phân công", "/phan-cong/", count))
    items += _overdue_remedies(today)
    return items


def sections(user, today: date) -> list[Section]:
    out = [Section("Việc của tôi", _author(user, today))]
    if user.has_role(R.INSPECTOR) or user.has_role(*R.MANAGERS):
        out.append(Section("Thẩm định", _inspector(user, today)))
    if user.has_role(R.LEADER):
        out.append(Section("Lãnh đạo", _chairman(user, today)))
    if user.has_role(*R.MANAGERS):
        out.append(Section("Thường trực CCHC", _secretariat(user, today)))
    return [s for s in out if s.items]
