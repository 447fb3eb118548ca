"""Directive tasks: given at a sign-off, reported on by the person named, confirmed by the
leader or the secretariat. Functions change and flush; the request commits."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts import roles as R
from portal.accounts.models import User
from portal.extensions import db
from portal.notifications import events
from portal.text import clean
from portal.timeutil import now_utc, parse_date, today

from .models import DirectiveTask

REPORT_STATUSES = {"doing": "Đang thực hiện", "done": "Đã hoàn thành (đề nghị xác nhận)"}
MAX_TEXT = 5000


class TaskError(ValueError):
    """Field -> Vietnamese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def can_manage(user) -> bool:
    """Give and confirm tasks: the leaders and the secretariat."""
    return user.has_role(R.LEADER, *R.MANAGERS)


def can_view(user, task: DirectiveTask) -> bool:
    return can_manage(user) or task.assignee_id == user.id


def can_report(user, task: DirectiveTask) -> bool:
    return task.assignee_id == user.id and task.status != "confirmed"


def _values(action, assignee_id, deadline, *, signed_on: date) -> dict:
    errors: dict[str, str] = {}
    action = clean(action)
    if not action:
        errors["action"] = "Vui lòng nêu việc cần làm."
    elif len(action) > MAX_TEXT:
        errors["action"] = "Nội dung quá dài."
    assignee = db.session.get(User, assignee_id) if isinstance(assignee_id, int) else None
    if assignee is None or not assignee.active:
        errors["assignee_id"] = "Vui lòng chọn người thực hiện (tài khoản đang hoạt động)."
    when = None
    if isinstance(deadline, date):
        when = deadline
    else:
        try:
            when = parse_date(deadline) if (deadline or "").strip() else None
        except ValueError:
            errors["deadline"] = "Thời hạn không hợp lệ (dd/mm/yyyy)."
    if when is None and "deadline" not in errors:
        errors["deadline"] = "Vui lòng nhập thời hạn."
    elif when is not None and when < signed_on:
        errors["deadline"] = f"Thời hạn không được trước ngày phê duyệt ({signed_on:%d/%m/%Y})."
    if errors:
        raise TaskError(errors)
    return {"action": action, "assignee_id": assignee.id, "deadline": when}


def add_task(sign_off, user, *, action, assignee_id, deadline) -> DirectiveTask:
    from portal.timeutil import to_local

    values = _values(action, assignee_id, deadline, signed_on=to_local(sign_off.signed_at).date())
    task = DirectiveTask(sign_off_id=sign_off.id, created_by_id=user.id, status="todo", **values)
    db.session.add(task)
    db.session.flush()
    events.emit("directive_task_assigned", task)
    return task


def report(task: DirectiveTask, user, *, status: str, text: str) -> DirectiveTask:
    errors: dict[str, str] = {}
    text = clean(text)
    if status not in REPORT_STATUSES:
        errors["status"] = "Vui lòng chọn tình trạng."
    if not text:
        errors["text"] = "Vui lòng nêu kết quả thực hiện."
    if task.status == "confirmed":
        errors["status"] = "Nhiệm vụ đã được xác nhận hoàn thành; không cập nhật được nữa."
    if errors:
        raise TaskError(errors)
    task.status, task.report = status, text[:MAX_TEXT]
    task.done_on = today() if status == "done" else None
    db.session.flush()
    events.emit("directive_task_reported", task)
    return task


def confirm(task: DirectiveTask, user) -> DirectiveTask:
    if task.status != "done":
        raise TaskError({"status": "Chỉ xác nhận được nhiệm vụ đã báo cáo hoàn thành."})
    task.status, task.confirmed_by_id, task.confirmed_at = "confirmed", user.id, now_utc()
    db.session.flush()
    events.emit("directive_task_confirmed", task)
    return task


def reopen(task: DirectiveTask, user) -> DirectiveTask:
    if task.status not in ("done", "confirmed"):
        raise TaskError({"status": "Nhiệm vụ chưa được báo cáo hoàn thành."})
    task.status, task.confirmed_by_id, task.confirmed_at, task.done_on = "doing", None, None, None
    db.session.flush()
    events.emit("directive_task_reopened", task, user)
    return task


STATES = {"open": "Chưa hoàn thành", "overdue": "Quá hạn", "done": "Chờ xác nhận", "confirmed": "Đã xác nhận",
          "all": "Tất cả"}


def tasks_query(user, state: str = "open"):
    from portal.reports.models import SignOff

    stmt = (select(DirectiveTask).options(joinedload(DirectiveTask.assignee),
                                          joinedload(DirectiveTask.sign_off).joinedload(SignOff.round))
            .order_by(DirectiveTask.deadline, DirectiveTask.id))
    if not can_manage(user):
        stmt = stmt.where(DirectiveTask.assignee_id == user.id)
    if state == "open":
        stmt = stmt.where(DirectiveTask.status.in_(("todo", "doing")))
    elif state == "overdue":
        stmt = stmt.where(DirectiveTask.status.in_(("todo", "doing")), DirectiveTask.deadline < today())
    elif state in ("done", "confirmed"):
        stmt = stmt.where(DirectiveTask.status == state)
    return stmt


def sign_offs_without_tasks(limit: int = 20):
    from portal.reports.models import SignOff

    return list(db.session.scalars(
        select(SignOff).options(joinedload(SignOff.round))
        .where(~select(DirectiveTask.id).where(DirectiveTask.sign_off_id == SignOff.id).exists())
        .order_by(SignOff.signed_at.desc()).limit(limit)))


def due_reminders(on: date):
    """7, 3 and 1 days before a task's deadline, then once when it is overdue."""
    from portal.notifications.registry import Reminder

    out = []
    for task in db.session.scalars(select(DirectiveTask).where(DirectiveTask.status.in_(("todo", "doing")))):
        days = (task.deadline - on).days
        if days in (7, 3, 1):
            tag, title = f"due-{days}", f"Còn {days} ngày đến hạn nhiệm vụ theo ý kiến chỉ đạo"
        elif days < 0:
            tag, title = "overdue", "Nhiệm vụ theo ý kiến chỉ đạo đã quá hạn"
        else:
            continue
        out.append(Reminder(user=task.assignee, key=f"directive:{task.id}:{tag}:{task.deadline.isoformat()}",
                            title=title, body=f"{task.action[:300]} (hạn {task.deadline:%d/%m/%Y}).",
                            url=f"/chi-dao/{task.id}"))
    return out
