"""Directive tasks: the list, giving tasks for a sign-off, a task's page (report, confirm, reopen)."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import User
from portal.extensions import db
from portal.web.access import deny_unless
from portal.web.concurrency import commit_or_conflict
from portal.web.forms import EmptyForm
from portal.web.htmx import render
from portal.web.nav import nav
from portal.web.pagination import paginate

from . import services as S
from .forms import TaskForm, TaskReportForm
from .models import DirectiveTask

bp = Blueprint("directives", __name__, url_prefix="/chi-dao")

nav("Nhiệm vụ chỉ đạo", "directives.index", roles=(R.LEADER, *R.MANAGERS), order=45)


@bp.record_once
def _register_reminders(state):
    from portal.notifications.registry import register_provider

    register_provider(S.due_reminders)


def _task(task_id: int) -> DirectiveTask:
    task = db.session.get(DirectiveTask, task_id) or abort(404, "Không tìm thấy nhiệm vụ.")
    deny_unless(S.can_view(current_user, task))
    return task


def _people():
    return db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)).all()


@bp.get("/")
def index():
    state = request.args.get("trang_thai", "open")
    if state not in S.STATES:
        state = "open"
    page = paginate(S.tasks_query(current_user, state), per_page=30)
    return render("directives/index.html", "results", page=page, state=state, states=S.STATES,
                  can_manage=S.can_manage(current_user),
                  waiting=S.sign_offs_without_tasks() if S.can_manage(current_user) else [])


@bp.route("/giao/<int:sign_off_id>", methods=["GET", "POST"])
def create(sign_off_id):
    from portal.reports.models import SignOff

    deny_unless(S.can_manage(current_user))
    sign_off = db.session.get(SignOff, sign_off_id) or abort(404, "Không tìm thấy ý kiến chỉ đạo.")
    form = TaskForm()
    form.assignee_id.choices = {"": "— Chọn người thực hiện —", **{u.id: u.full_name for u in _people()}}
    status = 200
    if form.validate_on_submit():
        try:
            S.add_task(sign_off, current_user, action=form.action.data, assignee_id=form.assignee_id.data,
                       deadline=form.deadline.data)
        except S.TaskError as exc:
            db.session.rollback()
            for name, message in exc.errors.items():
                form[name].errors = [*form[name].errors, message]
            status = 422
        else:
            commit_or_conflict()
            flash("Đã giao nhiệm vụ; người thực hiện đã được thông báo.", "success")
            if request.form.get("then") == "more":
                return redirect(url_for("directives.create", sign_off_id=sign_off.id), code=303)
            return redirect(url_for("directives.index"), code=303)
    elif form.errors:
        status = 422
    tasks = db.session.scalars(select(DirectiveTask).where(DirectiveTask.sign_off_id == sign_off.id)
                               .order_by(DirectiveTask.id)).all()
    return render("directives/form.html", form=form, sign_off=sign_off, tasks=tasks, status=status)


@bp.get("/<int:task_id>")
def detail(task_id):
    task = _task(task_id)
    return render("directives/detail.html", task=task, form=TaskReportForm(), action_form=EmptyForm(),
                  can_report=S.can_report(current_user, task), can_manage=S.can_manage(current_user))


@bp.post("/<int:task_id>/bao-cao")
def report(task_id):
    task = _task(task_id)
    deny_unless(S.can_report(current_user, task))
    form = TaskReportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        S.report(task, current_user, status=form.status.data, text=form.text.data)
    except S.TaskError as exc:
        db.session.rollback()
        for name, message in exc.errors.items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
        return render("directives/detail.html", task=task, form=form, action_form=EmptyForm(),
                      can_report=True, can_manage=S.can_manage(current_user), status=422)
    commit_or_conflict()
    flash("Đã gửi báo cáo kết quả thực hiện.", "success")
    return redirect(url_for("directives.detail", task_id=task.id), code=303)


def _decide(task_id, fn, message):
    task = _task(task_id)
    deny_unless(S.can_manage(current_user))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        fn(task, current_user)
    except S.TaskError as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("directives.detail", task_id=task_id), code=303)
    commit_or_conflict()
    flash(message, "success")
    return redirect(url_for("directives.detail", task_id=task_id), code=303)


@bp.post("/<int:task_id>/xac-nhan")
def confirm(task_id):
    return _decide(task_id, S.confirm, "Đã xác nhận nhiệm vụ hoàn thành.")


@bp.post("/<int:task_id>/mo-lai")
def reopen(task_id):
    return _decide(task_id, S.reopen, "Đã yêu cầu tiếp tục thực hiện nhiệm vụ.")
