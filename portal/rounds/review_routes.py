"""The team's review of a round: the queue (filtered, a page at a time, walked report by report),
decisions on many reports at once, and on one report its rating, clarification requests,
findings, "not submitted" and permission to send late."""

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Unit, User
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export
from portal.extensions import db
from portal.timeutil import today
from portal.web.access import deny_unless
from portal.web.concurrency import EditConflict
from portal.web.forms import EmptyForm, apply_errors
from portal.web.htmx import render
from portal.web.pagination import paginate
from portal.web.params import db_int

from . import overview, queue_walk
from . import services as S
from .forms import FindingForm, ReviewForm
from .models import RATINGS, Report
from .report_routes import first_remedy_form, report_page
from .routes import bp
from .view_helpers import (active_people, commit_and_return, load_report, load_round, refuse,
                           report_action, report_button, round_button, send_message)

QUEUE_PER_PAGE = 50


# -- the queue ---------------------------------------------------------------------------------
@bp.get("/<int:round_id>/tham-dinh")
def queue(round_id):
    rnd = load_round(round_id)
    deny_unless(S.can_read_round(current_user, rnd))
    filters = queue_walk.filters_from(request.args)
    if wants_export():  # the whole filtered list, not the page on screen
        return export_response(export_lists.review_queue(rnd, S.round_reports(rnd.id, **filters)))
    page = paginate(overview.queue_select(rnd.id, **filters), per_page=QUEUE_PER_PAGE,
                    make=overview.QueueLine._make)
    reports = page.items
    authors = db.session.scalars(select(User).join(Report, Report.author_id == User.id)
                                 .where(Report.round_id == rnd.id).distinct().order_by(User.full_name)).all()
    units = db.session.scalars(select(Unit).join(Report, Report.unit_id == Unit.id)
                               .where(Report.round_id == rnd.id).distinct().order_by(Unit.position)).all()
    can_bulk = rnd.state in ("open", "review") and (current_user.id in rnd.team_ids or S.is_manager(current_user))
    can_reassign = rnd.state in ("open", "review") and S.is_manager(current_user)
    return render("rounds/queue.html", "results", rnd=rnd, reports=reports, page=page, filters=filters,
                  authors=authors, units=units, areas=rnd.catalogue.areas, phases=S.PHASES, ratings=RATINGS,
                  can_bulk=can_bulk, decisions=S.BULK_DECISIONS, form=EmptyForm(), can_reassign=can_reassign,
                  people=active_people() if can_reassign else [])


def _in_team_or_manages(user, rnd) -> bool:
    return user.id in rnd.team_ids or S.is_manager(user)


@bp.post("/<int:round_id>/tham-dinh/hang-loat")
def bulk(round_id):
    """One rating (or "Không gửi báo cáo") and one comment for the reports ticked in the queue."""
    rnd, back = round_button(round_id, _in_team_or_manages, "rounds.queue")
    ids = request.form.getlist("report_ids", type=db_int)  # non-numbers dropped
    try:
        count = S.bulk_decide(rnd, current_user, [i for i in ids if i], request.form.get("decision", ""),
                              request.form.get("comment", ""), today())
    except S.RuleError as exc:
        return refuse(exc.message, back)
    label = S.BULK_DECISIONS[request.form["decision"]]
    return commit_and_return(f"Đã ghi nhận “{label}” cho {count} báo cáo.", back)


@bp.app_template_global("queue_args")
def _queue_args(args) -> dict:
    return queue_walk.queue_args(args)


@bp.get("/bao-cao/<int:report_id>/hang-doi")
def walk(report_id):
    """Previous/next report in the queue as filtered (loaded by the review page after it shows)."""
    report = load_report(report_id)
    deny_unless(S.can_read_round(current_user, report.round))
    return render("rounds/_queue_walk.html", walk=queue_walk.walk(report, request.args), rnd=report.round)


# -- one report ------------------------------------------------------------------------------
def _reviewer_action(report_id):
    return report_action(report_id, S.can_review)


@bp.post("/bao-cao/<int:report_id>/danh-gia")
def review(report_id):
    report, back = _reviewer_action(report_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        S.save_review(report, current_user, rating=form.rating.data, comment=form.comment.data,
                      appraised_score=form.appraised_score.data, appraisal_reason=form.appraisal_reason.data,
                      # the page was read before a review existed, or at an older version
                      version=(form.version.data or "") if report.review else None)
    except S.RuleError as exc:
        return refuse(exc.message, back)
    except IntegrityError:  # another inspector created the review in the same instant
        db.session.rollback()
        raise EditConflict() from None
    return commit_and_return("Đã lưu đánh giá của đoàn kiểm tra.", back)


@bp.post("/bao-cao/<int:report_id>/giai-trinh")
def clarify(report_id):
    report, back = _reviewer_action(report_id)
    return send_message(report, back, S.request_clarification,
                        "Đã gửi yêu cầu giải trình; báo cáo được mở lại cho người phụ trách.")


@bp.post("/bao-cao/<int:report_id>/ton-tai")
def finding(report_id):
    """A finding with its first remedy. Refused input comes back in the form, with what was typed:
    the findings section alone for htmx, else the whole page."""
    from portal.findings import first_remedy

    report, back = _reviewer_action(report_id)
    form, remedy_form = FindingForm(), first_remedy_form(report)
    valid = form.validate_on_submit()
    valid = remedy_form.validate_on_submit() and valid  # both forms' messages at once
    if valid:
        try:
            first_remedy.record(lambda: S.record_finding(
                report, current_user, description=form.description.data, cause=form.cause.data,
                recommendation=form.recommendation.data, found_on=today()), remedy_form, found_on=today())
        except S.RuleError as exc:
            return refuse(exc.message, back)
        except first_remedy.Refused as exc:
            db.session.rollback()
            apply_errors(form, exc.finding_errors)
            apply_errors(remedy_form, exc.remedy_errors)
        else:
            return commit_and_return("Đã ghi nhận tồn tại, hạn chế và biện pháp khắc phục đầu tiên.", back)
    return report_page(db.session.get(Report, report.id), finding_form=form, remedy_form=remedy_form,
                        status=422, block="findings")


@bp.post("/bao-cao/<int:report_id>/khong-gui")
def not_submitted(report_id):
    report, back = report_button(report_id, S.can_decide)
    try:
        S.record_not_submitted(report, current_user, request.form.get("reason", ""), today())
    except S.RuleError as exc:
        return refuse(exc.message, back)
    return commit_and_return("Đã ghi nhận “Không gửi báo cáo” (đánh giá Chưa đạt).", back)


@bp.post("/bao-cao/<int:report_id>/cho-gui-muon")
def allow_late(report_id):
    report, back = report_button(report_id, S.can_allow_late)
    try:
        allowed = S.allow_late(report, current_user)
    except S.RuleError as exc:
        return refuse(exc.message, back)
    name = report.author.full_name if report.author else ""
    if not allowed:
        return commit_and_return(f"{name} đã được cho phép gửi muộn báo cáo này từ trước.", back, "info")
    return commit_and_return(f"Đã cho phép {name} gửi muộn báo cáo này (sẽ được đánh dấu trễ hạn).", back)
