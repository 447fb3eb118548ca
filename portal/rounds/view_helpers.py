"""What every rounds view shares: load a round or report (404, 403), refuse a change (a closed
round, a broken rule), commit once and go back. The views themselves are in routes.py and the
modules it imports."""

from flask import abort, flash, make_response, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.catalogue.models import Criterion
from portal.extensions import db
from portal.web.access import deny_unless
from portal.web.concurrency import commit_or_conflict
from portal.web.errors import error_response
from portal.web.forms import EmptyForm
from portal.web.htmx import hx_redirect, is_htmx

from . import services as S
from .forms import MessageForm
from .models import Report, ReportComment, Round


def load_round(round_id: int, *options) -> Round:
    return db.session.get(Round, round_id, options=options) or abort(404, "Không tìm thấy đợt kiểm tra.")


def load_report(report_id: int) -> Report:
    # what the report page and the permission checks read, in one query instead of one each
    report = db.session.get(Report, report_id, options=[
        joinedload(Report.round), joinedload(Report.criterion).joinedload(Criterion.area),
        joinedload(Report.unit), joinedload(Report.author), joinedload(Report.review), joinedload(Report.frozen),
        joinedload(Report.comments).joinedload(ReportComment.author)],  # the one collection joined
    ) or abort(404, "Không tìm thấy báo cáo.")
    deny_unless(S.can_view_report(current_user, report))
    return report


def refuse(message: str, back: str, status: int = 422, error_target: str | None = None):
    """A rule refused the request: say so plainly, save nothing. `error_target`: where an htmx
    form shows its refusal (its section stays as it is, with what was typed)."""
    db.session.rollback()
    if is_htmx():
        response = error_response(status, message)
        if error_target:
            response = make_response(response)
            response.headers["HX-Retarget"], response.headers["HX-Reswap"] = error_target, "innerHTML"
        return response
    flash(message, "error")
    return redirect(back, code=303)


def commit_and_return(message: str, back: str, category: str = "success"):
    # two people creating the same review/evaluation at once clash on unique keys: told, not lost
    commit_or_conflict(unique_clash=True)
    flash(message, category)
    return hx_redirect(back) if is_htmx() else redirect(back, code=303)


def refuse_if_closed(rnd: Round) -> None:
    """A closed round takes no more changes: 409 with the reason, whatever the action."""
    if rnd.state == "closed":
        db.session.rollback()
        abort(409, S.CLOSED_MESSAGE)  # answered by the app-wide handler, as error_response(409, …)


def form_errors(form) -> str:
    return " ".join(e for errs in form.errors.values() for e in errs)


def active_people():
    return db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)).all()


def report_action(report_id, may_act):
    """Load a report for a change: 409 if its round is closed, 403 unless may_act(user, report).
    Returns the report and the page to go back to."""
    report = load_report(report_id)
    refuse_if_closed(report.round)
    deny_unless(may_act(current_user, report))
    return report, url_for("rounds.report", report_id=report.id)


def report_button(report_id, may_act):
    """report_action for a button that posts nothing but its CSRF token: 400 without a valid one."""
    report, back = report_action(report_id, may_act)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return report, back


def round_button(round_id, may_act, back_endpoint: str = "rounds.show"):
    """Load a round for a button that posts nothing but its CSRF token: 409 if the round is
    closed, 403 unless may_act(user, round), 400 without a valid token. Returns the round and the
    page to go back to (`back_endpoint` of the round)."""
    rnd = load_round(round_id)
    back = url_for(back_endpoint, round_id=rnd.id)
    refuse_if_closed(rnd)
    deny_unless(may_act(current_user, rnd))
    if not EmptyForm().validate_on_submit():
        abort(400)
    return rnd, back


def send_message(report: Report, back: str, send, done: str):
    """A clarification asked or answered: `send(report, user, body)` with the message form's text;
    an empty or refused message goes back with the reason, nothing saved."""
    form = MessageForm()
    if not form.validate_on_submit():
        return refuse(form_errors(form), back)
    try:
        send(report, current_user, form.body.data)
    except S.RuleError as exc:
        return refuse(exc.message, back)
    return commit_and_return(done, back)
