"""URL table of the rounds area. Each view: load, check access, call a service, commit once."""

from flask import Blueprint, Response, abort, flash, make_response, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.exc import IntegrityError

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.audit import recorder
from portal.audit.panel import history_page
from portal.audit.queries import record_history
from portal.catalogue import services as catalogue_services
from portal.scoring import rules as scoring_rules
from portal.catalogue.models import Catalogue, Criterion
from portal.extensions import db
from portal.timeutil import now_utc, to_local, today
from portal.web.access import deny_unless, require
from portal.web.concurrency import EditConflict, check_version, commit_or_conflict
from portal.web.errors import error_response
from portal.web.forms import EmptyForm, apply_errors
from portal.web.htmx import hx_redirect, is_htmx, render, wants_fragment
from portal.web.nav import home_panel, nav
from portal.web.pagination import paginate, paginate_list
from portal.web.params import db_int
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export

from . import overview, queue_walk
from . import services as S
from .forms import (DocumentForm, EvaluationForm, FindingForm, MessageForm, ReopenForm, ReportForm,
                    ReviewForm, RoundForm)
from .models import KINDS, RATINGS, Evaluation, Report, ReportComment, Round

QUEUE_PER_PAGE = 50
bp = Blueprint("rounds", __name__, url_prefix="/dot-kiem-tra")

nav("Đợt kiểm tra", "rounds.index", order=30)
home_panel("rounds/_home_panel.html", order=20,
           context=lambda user: {"round_items": S.home_items(user, today())})

try:  # delivery (dedupe, e-mail, `flask reminders send`) belongs to the notifications area
    from portal.notifications.registry import register_provider

    register_provider(S.due_reminders)
except ImportError:
    pass


# -- helpers ---------------------------------------------------------------------------------
def _round(round_id: int, *options) -> Round:
    return db.session.get(Round, round_id, options=options) or abort(404, "Không tìm thấy đợt kiểm tra.")


def _report(report_id: int) -> Report:
    # what the report page and the permission checks read, in one query instead of one each
    report = db.session.get(Report, report_id, options=[
        joinedload(Report.round), joinedload(Report.criterion).joinedload(Criterion.area),
        joinedload(Report.unit), joinedload(Report.author), joinedload(Report.review), joinedload(Report.frozen),
        joinedload(Report.comments).joinedload(ReportComment.author)],  # the one collection joined
    ) or abort(404, "Không tìm thấy báo cáo.")
    deny_unless(S.can_view_report(current_user, report))
    return report


def _refuse(message: str, back: str, status: int = 422, error_target: str | None = None):
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


def _commit(message: str, back: str, category: str = "success"):
    # two people creating the same review/evaluation at once clash on unique keys: told, not lost
    commit_or_conflict(unique_clash=True)
    flash(message, category)
    return hx_redirect(back) if is_htmx() else redirect(back, code=303)


def _refuse_if_closed(rnd: Round) -> None:
    """A closed round takes no more changes: 409 with the reason, whatever the action."""
    if rnd.state == "closed":
        db.session.rollback()
        abort(409, S.CLOSED_MESSAGE)  # answered by the app-wide handler, as error_response(409, …)


def _form_errors(form) -> str:
    return " ".join(e for errs in form.errors.values() for e in errs)


def _people():
    return db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)).all()


# -- rounds ----------------------------------------------------------------------------------
@bp.get("/")
def index():
    rounds = db.session.scalars(select(Round).order_by(Round.year.desc(), Round.start_on.desc())).all()
    if wants_export():
        return export_response(export_lists.rounds(rounds))
    return render("rounds/index.html", rounds=rounds, can_manage=S.is_manager(current_user))


def _fill_round_form(form: RoundForm, rnd: Round | None):
    people = _people()
    form.leader_id.choices = {0: "— Chưa chọn —", **{u.id: u.full_name for u in people}}
    form.member_ids.choices = {u.id: f"{u.full_name} ({u.unit.short_name if u.unit else ''})" for u in people}
    # A year may hold several catalogues (the plan, the province's scoring criteria): the round
    # names the one it uses; it is fixed once the round opens.
    form.catalogue_id.choices = {c.id: c.label for c in catalogue_services.all_catalogues()}
    form.catalogue_id.validate_choice = False  # checked by the view: absent means the start year's plan
    others = db.session.scalars(select(Round).order_by(Round.start_on.desc())).all()
    form.previous_id.choices = {0: "— Không kế thừa —",
                                **{r.id: r.name for r in others if rnd is None or r.id != rnd.id}}


def _chosen_catalogue(form: RoundForm) -> Catalogue | None:
    if form.catalogue_id.data in form.catalogue_id.choices:  # never look up an arbitrary number
        return db.session.get(Catalogue, form.catalogue_id.data)
    return None


def _carry_team(form: RoundForm, kind: str) -> Round | None:
    """Leader, members and the round to inherit reports from, as the latest round of `kind` had
    them (nothing chosen when there is none). Returns that round."""
    last = db.session.scalar(select(Round).where(Round.kind == kind).order_by(Round.start_on.desc()).limit(1))
    form.previous_id.data = last.id if last else 0
    form.leader_id.data = (last.leader_id or 0) if last else 0
    form.member_ids.data = [m.id for m in last.members] if last else []
    return last


@bp.route("/moi", methods=["GET", "POST"])
@require(*R.MANAGERS)
def create():
    form = RoundForm()
    _fill_round_form(form, None)
    source = None
    if request.method == "GET":
        # The kind asked for (?loai=, or the form's own select when it changes), else the kind of
        # the latest round; the team comes from the previous round of that kind. Changing the kind
        # on the form asks again (htmx) and swaps the team fields only.
        kind = request.args.get("loai") or request.args.get("kind")
        if kind not in KINDS:
            latest = db.session.scalar(select(Round.kind).order_by(Round.start_on.desc()).limit(1))
            kind = latest if latest in KINDS else next(iter(KINDS))
        form.kind.data = kind
        source = _carry_team(form, kind)
        if is_htmx():
            return render("rounds/round_form.html", "team", form=form, rnd=None, source=source, kind=kind)
        current = catalogue_services.current_catalogue()
        form.catalogue_id.data = current.id if current else None
    warnings = []
    if form.validate_on_submit():
        warnings = S.new_round_warnings(name=form.name.data, kind=form.kind.data, start_on=form.start_on.data,
                                        end_on=form.end_on.data, report_deadline=form.report_deadline.data,
                                        today=today())
    if form.validate_on_submit() and (not warnings or request.form.get("confirm_warnings") == "1"):
        catalogue = _chosen_catalogue(form) \
            or catalogue_services.catalogue_for_year(form.start_on.data.year) \
            or catalogue_services.current_catalogue()
        if catalogue is None:
            flash("Chưa có bộ nội dung kiểm tra: hãy nhập bộ nội dung trước khi tạo đợt.", "error")
        else:
            rnd = S.create_round(
                catalogue, name=form.name.data, kind=form.kind.data, start_on=form.start_on.data,
                end_on=form.end_on.data, report_deadline=form.report_deadline.data,
                period_from=form.period_from.data, period_to=form.period_to.data,
                leader=db.session.get(User, form.leader_id.data) if form.leader_id.data else None,
                members=[db.session.get(User, i) for i in form.member_ids.data or ()],
                previous=db.session.get(Round, form.previous_id.data) if form.previous_id.data else None)
            return _commit(f"Đã tạo đợt kiểm tra “{rnd.name}” (dự thảo).", url_for("rounds.show", round_id=rnd.id))
    status = 422 if form.errors or warnings else 200
    return render("rounds/round_form.html", form=form, rnd=None, status=status, warnings=warnings, source=source,
                  kind=form.kind.data)


@bp.route("/<int:round_id>/sua", methods=["GET", "POST"])
@require(*R.MANAGERS)
def edit(round_id):
    rnd = _round(round_id)
    back = url_for("rounds.show", round_id=rnd.id)
    _refuse_if_closed(rnd)
    form = RoundForm(obj=rnd)
    _fill_round_form(form, rnd)
    if request.method == "GET":
        form.leader_id.data = rnd.leader_id or 0
        form.member_ids.data = [m.id for m in rnd.members]
        form.previous_id.data = rnd.previous_id or 0
        form.catalogue_id.data = rnd.catalogue_id
        form.version.data = rnd.version
    if form.validate_on_submit():
        check_version(rnd, form.version.data)
        rnd.name = form.name.data.strip()
        rnd.kind = form.kind.data
        rnd.period_from, rnd.period_to = form.period_from.data, form.period_to.data
        rnd.start_on, rnd.end_on = form.start_on.data, form.end_on.data
        if form.report_deadline.data:
            rnd.report_deadline = form.report_deadline.data
        rnd.leader_id = form.leader_id.data or None
        if form.member_ids.data is not None:  # None: no form data at all (the form fell back to the round)
            rnd.members = [db.session.get(User, i) for i in form.member_ids.data]
        if rnd.state == "draft":
            rnd.previous_id = form.previous_id.data or None
            chosen = _chosen_catalogue(form)
            if chosen is not None and chosen.id != rnd.catalogue_id:
                rnd.catalogue_id, rnd.year = chosen.id, chosen.year
        return _commit("Đã lưu đợt kiểm tra.", back)
    return render("rounds/round_form.html", form=form, rnd=rnd, status=422 if form.errors else 200)


@bp.get("/<int:round_id>")
def show(round_id):
    """The round at a glance: what blocks closing (a page at a time), progress per area and unit,
    the matrix with drill-down by area (a page at a time). Read from one light row per report
    (overview), never the round's reports as objects."""
    rnd = _round(round_id, joinedload(Round.catalogue))  # its label heads the page
    if not S.can_read_round(current_user, rnd):
        return redirect(url_for("rounds.mine", round_id=rnd.id))
    area_id = request.args.get("linh_vuc", type=db_int)
    ov = overview.overview(rnd)
    if wants_export():
        return export_response(export_lists.round_progress(rnd, ov.areas, ov.units, S.PHASES), f"Tiến độ {rnd.name}")
    manager = S.is_manager(current_user)
    ctx = {"rnd": rnd, "area_id": area_id, "can_manage": manager,
           "blockers": paginate_list(ov.blockers) if rnd.state in ("open", "review") else None}
    if area_id:
        ctx["drill"] = drill = paginate_list(ov.in_area(area_id), param="page_lv")
        ctx["rows"] = overview.reports_by_id([x.id for x in drill.items])
    # an htmx request names the part it replaces: the drill-down, or a page of the blockers
    part = {"drill": "drill", "blockers": "blockers"}.get(request.headers.get("HX-Target", ""))
    part = part or ("drill" if area_id else None)
    if part == "blockers" and ctx["blockers"] is None:  # a round that is not open has none to page
        part = None
    if part and wants_fragment():
        return render("rounds/show.html", part, **ctx)
    return render("rounds/show.html", **ctx, areas=ov.areas, units=ov.units, scores=ov.scores(),
                  unassigned=ov.unassigned_codes, phases=S.PHASES, transitions=S.TRANSITIONS,
                  labels=S.TRANSITION_LABELS, is_admin=current_user.has_role(R.ADMIN),
                  assignment_changes=S.assignment_changes(rnd, ov.lines) if manager else [],
                  reopen_form=ReopenForm(), form=EmptyForm(), today=today)


@bp.get("/<int:round_id>/lich-su")
def round_history(round_id):
    """The round's history panel, loaded when opened (portal.audit.panel), for whoever reads the
    round page."""
    rnd = _round(round_id)
    deny_unless(S.can_read_round(current_user, rnd))
    return history_page(rnd, record_history(rnd), url_for("rounds.show", round_id=rnd.id))


@bp.post("/<int:round_id>/trang-thai")
def move(round_id):
    rnd = _round(round_id)
    back = url_for("rounds.show", round_id=rnd.id)
    deny_unless(S.is_manager(current_user))
    if not EmptyForm().validate_on_submit():
        abort(400)
    target = request.form.get("target", "")
    try:
        S.move_round(rnd, target, current_user, reason=request.form.get("reason", ""))
    except S.RuleError as exc:
        if rnd.state == "closed":  # a closed round stays closed: answer plainly, as every write does
            db.session.rollback()
            return error_response(409, exc.message)
        return _refuse(exc.message, back)
    return _commit(f"Đợt kiểm tra chuyển sang trạng thái: {rnd.state_label}.", back)


@bp.get("/<int:round_id>/cua-toi")
def mine(round_id):
    rnd = _round(round_id)
    reports = S.my_reports(current_user, rnd.id)
    if wants_export():
        return export_response(export_lists.my_reports(rnd, reports))
    return render("rounds/mine.html", rnd=rnd, reports=reports, days_left=(rnd.report_deadline - today()).days)


@bp.get("/<int:round_id>/tham-dinh")
def queue(round_id):
    rnd = _round(round_id)
    deny_unless(S.can_read_round(current_user, rnd))
    args = request.args
    filters = {"area_id": args.get("linh_vuc", type=db_int), "unit_id": args.get("don_vi", type=db_int),
               "person_id": args.get("nguoi", type=db_int), "state": args.get("trang_thai") or None,
               "rating": args.get("danh_gia") or None, "late": args.get("tre") == "1"}
    if wants_export():  # the whole filtered list, not the page on screen
        return export_response(export_lists.review_queue(rnd, S.round_reports(rnd.id, **filters)))
    page = paginate(S.round_reports_query(rnd.id, **filters), per_page=QUEUE_PER_PAGE)
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
                  people=_people() if can_reassign else [])


@bp.post("/<int:round_id>/tham-dinh/giao")
def reassign(round_id):
    """The secretariat gives the ticked reports to one person (history in the change log)."""
    rnd = _round(round_id)
    back = url_for("rounds.queue", round_id=rnd.id)
    _refuse_if_closed(rnd)
    deny_unless(S.is_manager(current_user))
    if not EmptyForm().validate_on_submit():
        abort(400)
    person_id = request.form.get("person_id", type=db_int)
    person = db.session.get(User, person_id) if person_id else None
    try:
        count = S.reassign_many(rnd, request.form.getlist("report_ids", type=db_int), person,
                                reason=request.form.get("reason", ""))
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    return _commit(f"Đã giao {count} báo cáo cho {person.full_name}.", back)


@bp.post("/<int:round_id>/cap-nhat-phan-cong")
def apply_assignments(round_id):
    """Assignments made after the round opened reach its open reports."""
    rnd = _round(round_id)
    back = url_for("rounds.show", round_id=rnd.id)
    _refuse_if_closed(rnd)
    deny_unless(S.is_manager(current_user))
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = S.apply_assignments(rnd)
    return _commit(f"Đã cập nhật người phụ trách cho {count} báo cáo theo phân công hiện hành.", back)


@bp.post("/<int:round_id>/tham-dinh/hang-loat")
def bulk(round_id):
    """One rating (or "Không gửi báo cáo") and one comment for the reports ticked in the queue."""
    rnd = _round(round_id)
    back = url_for("rounds.queue", round_id=rnd.id)
    _refuse_if_closed(rnd)
    deny_unless(current_user.id in rnd.team_ids or S.is_manager(current_user))
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = request.form.getlist("report_ids", type=db_int)  # non-numbers dropped
    try:
        count = S.bulk_decide(rnd, current_user, [i for i in ids if i], request.form.get("decision", ""),
                              request.form.get("comment", ""), today())
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    label = S.BULK_DECISIONS[request.form["decision"]]
    return _commit(f"Đã ghi nhận “{label}” cho {count} báo cáo.", back)


# -- reports ---------------------------------------------------------------------------------
def _report_page(report: Report, *, form=None, review_form=None, status=200, block=None, section_message="",
                 finding_form=None, remedy_form=None):
    user = current_user
    rnd = report.round
    if form is None:
        form = ReportForm(obj=report)
        form.version.data = report.version
        form.indicator_value.data = "" if report.indicator_value is None else str(report.indicator_value)
        form.self_score.data = "" if report.self_score is None else str(report.self_score)
    if review_form is None:
        review_form = ReviewForm(obj=report.review) if report.review else ReviewForm()
        if report.review:
            review_form.version.data = report.review.version
            review_form.appraised_score.data = ("" if report.review.appraised_score is None
                                                else str(report.review.appraised_score))
    from .versions import history

    findings = [f for f in S.findings_for_round(rnd.id, with_remedies=True) if f.source_id == report.id]
    return render("rounds/report.html", block, report=report, rnd=rnd, form=form, review_form=review_form,
                  section_message=section_message, sent_file_ids=S.sent_file_ids(report),
                  sent_document_ids=S.sent_document_ids(report),
                  walk=S.can_read_round(user, rnd),  # the walk itself loads after the page (queue_walk)
                  history=history(report.versions), can_withdraw=S.can_withdraw(user, report),
                  can_add_evidence=S.can_add_evidence(user, report), can_comment=S.can_comment(user, report),
                  can_edit=S.can_edit_report(user, report), can_review=S.can_review(user, report),
                  can_decide=(S.can_decide(user, report) and report.state == "draft"
                              and today() > rnd.report_deadline),
                  can_allow_late=(S.can_allow_late(user, report) and report.state in ("draft", "not_submitted")
                                  and report.late_allowed_at is None),
                  reusable=S.reusable_files(report) if S.can_edit_report(user, report) else [],
                  findings=findings, message_form=MessageForm(), finding_form=finding_form or FindingForm(),
                  remedy_form=remedy_form or (_first_remedy_form(report) if S.can_review(user, report) else None),
                  scoring_rule=scoring_rules.describe(report.item),
                  suggested=scoring_rules.criterion_suggestion(
                      report.item, rating=report.review.rating if report.review else "",
                      value=report.indicator_value),
                  document_form=DocumentForm(), action_form=EmptyForm(), status=status)


@bp.get("/bao-cao/<int:report_id>")
def report(report_id):
    return _report_page(_report(report_id))


@bp.get("/bao-cao/<int:report_id>/lich-su")
def report_history(report_id):
    """The report's history panel (its review, documents and clarifications too), loaded when
    opened, for whoever may open the report."""
    report = _report(report_id)
    return history_page(report, record_history(report), url_for("rounds.report", report_id=report.id))


@bp.post("/bao-cao/<int:report_id>")
def save_report(report_id):
    report, back = _author_action(report_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return _report_page(report, form=form, status=422)
    check_version(report, form.version.data)
    submit = request.form.get("action") == "submit"
    try:
        S.save_report(report, form.data, submit=submit, user=current_user)
    except S.RuleError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _report_page(report, form=form, status=422)
    if submit:
        note = " (gửi sau hạn, được đánh dấu trễ hạn)" if report.late else ""
        return _commit(f"Đã gửi báo cáo cho đoàn kiểm tra{note}.", back)
    return _commit("Đã lưu bản nháp báo cáo.", back)


@bp.post("/bao-cao/<int:report_id>/tu-luu")
def autosave(report_id):
    """The draft saved as the author types (htmx, two seconds after the last key): a line for the
    page's status region and the record's new version (out of band), never a page. The version
    sent must be current: a concurrent edit gets the usual 409 and nothing is overwritten. A
    report the author may no longer edit (sent, or the round no longer takes it) is not saved."""
    report = _report(report_id)
    _refuse_if_closed(report.round)
    deny_unless(report.author_id == current_user.id)
    if not S.can_edit_report(current_user, report):
        return error_response(409, "Báo cáo không còn sửa được (đã gửi cho đoàn kiểm tra hoặc đợt đã hết nhận "
                                   "báo cáo) nên không tự lưu; nội dung vừa gõ chưa được lưu.")
    form = ReportForm()
    if not form.validate_on_submit():
        return error_response(422, "Chưa tự lưu: " + (_form_errors(form) or "dữ liệu không hợp lệ."))
    check_version(report, form.version.data)
    recorder.name_updates("autosave")  # the history reads a typing session as one line
    try:
        S.save_report(report, form.data, submit=False, user=current_user)
    except S.RuleError as exc:
        db.session.rollback()
        return error_response(422, f"Chưa tự lưu: {exc.message}")
    commit_or_conflict()
    return render("rounds/_autosaved.html", report=report, at=to_local(now_utc()))


def _report_action(report_id, may_act):
    """Load a report for a change: 409 if its round is closed, 403 unless may_act(user, report).
    Returns the report and the page to go back to."""
    report = _report(report_id)
    _refuse_if_closed(report.round)
    deny_unless(may_act(current_user, report))
    return report, url_for("rounds.report", report_id=report.id)


def _section_done(report: Report, message: str, back: str, block: str = "evidence"):
    """Evidence or comments changed: an htmx request gets that section alone (the report form on
    the page keeps whatever was typed); a plain form post goes back to the page."""
    if not is_htmx():
        return _commit(message, back)
    commit_or_conflict(unique_clash=True)
    db.session.expire_all()
    return _report_page(db.session.get(Report, report.id), block=block, section_message=message)


def _evidence_done(report: Report, message: str, back: str):
    return _section_done(report, message, back)


def _author_action(report_id):
    return _report_action(report_id, S.can_edit_report)


@bp.post("/bao-cao/<int:report_id>/tep")
def upload(report_id):
    report, back = _report_action(report_id, S.can_add_evidence)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    try:
        saved = S.add_files(report, uploads, current_user)
    except S.RuleError as exc:
        return _refuse(exc.message, back, error_target="#upload-error")
    return _evidence_done(report, f"Đã tải lên {len(saved)} tệp minh chứng.", back)


@bp.post("/bao-cao/<int:report_id>/tep/dung-lai")
def reuse(report_id):
    report, back = _author_action(report_id)
    try:
        S.reuse_file(report, request.form.get("file_id", type=db_int) or 0)
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    return _evidence_done(report, "Đã dùng lại tài liệu của đợt trước.", back)


@bp.post("/bao-cao/<int:report_id>/tep/<int:file_id>/go")
def unlink(report_id, file_id):
    report, back = _author_action(report_id)
    try:
        S.remove_file(report, file_id)
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    return _evidence_done(report, "Đã gỡ tệp khỏi báo cáo.", back)


@bp.get("/bao-cao/<int:report_id>/tep/<int:file_id>")
def file(report_id, file_id):
    """Serve a file only to people who may see the report. ?xem=1 is the preview panel's content
    (PDF inline, an image scaled to fit, Word/Excel converted to text); ?xem=goc an image inline."""
    from portal.evidence.preview import can_preview, preview_response
    from portal.evidence.services import send_stored_file

    report = _report(report_id)
    stored = S.file_visible_in(report, file_id) or abort(404, "Không tìm thấy tệp.")
    mode = request.args.get("xem")
    if mode == "1" and can_preview(stored):
        return preview_response(stored, url_for("rounds.file", report_id=report_id, file_id=file_id, xem="goc"))
    return send_stored_file(stored, inline=mode in ("1", "goc"))


@bp.post("/bao-cao/<int:report_id>/van-ban")
def add_document(report_id):
    report, back = _report_action(report_id, S.can_add_evidence)
    form = DocumentForm()
    if not form.validate_on_submit():
        return _refuse(_form_errors(form) or "Dữ liệu văn bản không hợp lệ.", back, error_target="#document-error")
    try:
        S.add_document(report, form.number.data, form.issued_on.data, form.summary.data)
    except S.RuleError as exc:
        return _refuse(exc.message, back, error_target="#document-error")
    return _evidence_done(report, "Đã thêm văn bản minh chứng.", back)


@bp.post("/bao-cao/<int:report_id>/van-ban/<int:doc_id>/xoa")
def remove_document(report_id, doc_id):
    report, back = _author_action(report_id)
    try:
        S.remove_document(report, doc_id)
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    return _evidence_done(report, "Đã xóa văn bản minh chứng.", back)


@bp.post("/bao-cao/<int:report_id>/y-kien")
def comment(report_id):
    """A working note by the author or a coordinator; the comments section swaps alone."""
    report, back = _report_action(report_id, S.can_comment)
    form = MessageForm()
    if not form.validate_on_submit():
        return _refuse(_form_errors(form) or "Vui lòng nhập nội dung ý kiến.", back, error_target="#comment-error")
    try:
        S.add_comment(report, current_user, form.body.data)
    except S.RuleError as exc:
        return _refuse(exc.message, back, error_target="#comment-error")
    return _section_done(report, "Đã gửi ý kiến.", back, block="comments")


@bp.post("/bao-cao/<int:report_id>/rut-lai")
def withdraw(report_id):
    report, back = _report_action(report_id, S.can_withdraw)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        S.withdraw(report, current_user)
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    return _commit("Đã rút lại báo cáo để sửa; hãy gửi lại trước hạn.", back)


@bp.post("/bao-cao/<int:report_id>/tra-loi")
def answer(report_id):
    # only the author answers (not a manager who may also edit the report)
    report, back = _report_action(report_id, lambda user, report: report.author_id == user.id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _refuse(_form_errors(form), back)
    try:
        S.answer_clarification(report, current_user, form.body.data)
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    return _commit("Đã gửi nội dung giải trình cho đoàn kiểm tra.", back)


# -- the team's review -----------------------------------------------------------------------
def _reviewer_action(report_id):
    return _report_action(report_id, S.can_review)


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
        return _refuse(exc.message, back)
    except IntegrityError:  # another inspector created the review in the same instant
        db.session.rollback()
        raise EditConflict() from None
    return _commit("Đã lưu đánh giá của đoàn kiểm tra.", back)


@bp.post("/bao-cao/<int:report_id>/giai-trinh")
def clarify(report_id):
    report, back = _reviewer_action(report_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _refuse(_form_errors(form), back)
    try:
        S.request_clarification(report, current_user, form.body.data)
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    return _commit("Đã gửi yêu cầu giải trình; báo cáo được mở lại cho người phụ trách.", back)


def _first_remedy_form(report: Report):
    """The finding form's first remedy, its owner pre-filled with the report's author (or, with no
    active author, the reporting unit)."""
    from portal.findings.forms import FirstRemedyForm
    from portal.findings.owners import token

    author = report.author if report.author is not None and report.author.active else None
    form = FirstRemedyForm(owner=token(person_id=author.id if author else None, unit_id=report.unit_id))
    return form.load_owners_later(person=author, unit=report.unit)


@bp.post("/bao-cao/<int:report_id>/ton-tai")
def finding(report_id):
    """A finding with its first remedy. Refused input comes back in the form, with what was typed:
    the findings section alone for htmx, else the whole page."""
    from portal.findings import first_remedy

    report, back = _reviewer_action(report_id)
    form, remedy_form = FindingForm(), _first_remedy_form(report)
    valid = form.validate_on_submit()
    valid = remedy_form.validate_on_submit() and valid  # both forms' messages at once
    if valid:
        try:
            first_remedy.record(lambda: S.record_finding(
                report, current_user, description=form.description.data, cause=form.cause.data,
                recommendation=form.recommendation.data, found_on=today()), remedy_form, found_on=today())
        except S.RuleError as exc:
            return _refuse(exc.message, back)
        except first_remedy.Refused as exc:
            db.session.rollback()
            apply_errors(form, exc.finding_errors)
            apply_errors(remedy_form, exc.remedy_errors)
        else:
            return _commit("Đã ghi nhận tồn tại, hạn chế và biện pháp khắc phục đầu tiên.", back)
    return _report_page(db.session.get(Report, report.id), finding_form=form, remedy_form=remedy_form,
                        status=422, block="findings")


@bp.post("/bao-cao/<int:report_id>/khong-gui")
def not_submitted(report_id):
    report, back = _report_action(report_id, S.can_decide)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        S.record_not_submitted(report, current_user, request.form.get("reason", ""), today())
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    return _commit("Đã ghi nhận “Không gửi báo cáo” (đánh giá Chưa đạt).", back)


@bp.post("/bao-cao/<int:report_id>/cho-gui-muon")
def allow_late(report_id):
    report, back = _report_action(report_id, S.can_allow_late)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        allowed = S.allow_late(report, current_user)
    except S.RuleError as exc:
        return _refuse(exc.message, back)
    name = report.author.full_name if report.author else ""
    if not allowed:
        return _commit(f"{name} đã được cho phép gửi muộn báo cáo này từ trước.", back, "info")
    return _commit(f"Đã cho phép {name} gửi muộn báo cáo này (sẽ được đánh dấu trễ hạn).", back)


# -- evaluations and the self-report -----------------------------------------------------------
@bp.route("/<int:round_id>/nhan-xet", methods=["GET", "POST"])
def evaluations(round_id):
    rnd = _round(round_id)
    deny_unless(S.can_read_round(current_user, rnd))
    back = url_for("rounds.evaluations", round_id=rnd.id)
    if request.method == "POST":
        _refuse_if_closed(rnd)
        deny_unless(S.can_evaluate(current_user, rnd))
        form = EvaluationForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            S.save_evaluation(rnd, current_user, area_id=request.form.get("area_id", type=db_int),
                              person_id=request.form.get("person_id", type=db_int), text=form.text.data,
                              version=form.version.data or "")
        except IntegrityError:  # created by someone else in the same instant
            db.session.rollback()
            raise EditConflict() from None
        return _commit("Đã lưu nhận xét, đánh giá.", back)
    reports = S.round_reports(rnd.id)
    findings = S.findings_for_round(rnd.id)
    by_area = S.figures(reports, findings, lambda r: r.item.area_id)
    by_person = S.figures([r for r in reports if r.author_id], findings, lambda r: r.author_id)
    people = sorted({r.author for r in reports if r.author}, key=lambda u: u.full_name)
    evals = {(e.area_id, e.person_id): e for e in db.session.scalars(
        select(Evaluation).where(Evaluation.round_id == rnd.id))}
    if wants_export():
        return export_response(export_lists.evaluations(rnd, rnd.catalogue.areas, people, by_area, by_person, evals),
                               f"Nhận xét {rnd.name}")
    return render("rounds/evaluations.html", rnd=rnd, areas=rnd.catalogue.areas, people=people,
                  by_area=by_area, by_person=by_person, evals=evals, ratings=RATINGS,
                  can_evaluate=S.can_evaluate(current_user, rnd), form=EvaluationForm())


@bp.get("/<int:round_id>/bao-cao-tu-kiem-tra.pdf")
def self_report_pdf(round_id):
    from . import selfreport

    rnd = _round(round_id)
    deny_unless(S.can_read_round(current_user, rnd))
    unit_id = request.args.get("don_vi", type=db_int)
    context = selfreport.build_context(rnd, unit_id)
    db.session.commit()  # never hold a transaction open while rendering
    pdf = selfreport.render(context)
    name = f"bao-cao-tu-kiem-tra-dot-{rnd.id}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})



@bp.app_template_global("queue_args")
def _queue_args(args) -> dict:
    return queue_walk.queue_args(args)


@bp.get("/bao-cao/<int:report_id>/hang-doi")
def walk(report_id):
    """Previous/next report in the queue as filtered (loaded by the review page after it shows)."""
    report = _report(report_id)
    deny_unless(S.can_read_round(current_user, report.round))
    return render("rounds/_queue_walk.html", walk=queue_walk.walk(report, request.args), rnd=report.round)
