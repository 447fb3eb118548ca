"""URL table of the rounds area. Each view: load, check access, call a service, commit once.

This module holds the blueprint and the round itself (list, new, edit, page, history, state,
"my reports", evaluations, the self-report); the views of one report, of the team's review and of
who answers for what register on the same blueprint from report_routes, review_routes and
team_routes (imported at the end), so every endpoint keeps its `rounds.` name."""

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.exc import IntegrityError

from portal.accounts import roles as R
from portal.accounts.models import User
from portal.audit.panel import history_page
from portal.audit.queries import record_history
from portal.catalogue import services as catalogue_services
from portal.catalogue.models import Catalogue
from portal.extensions import db
from portal.timeutil import today
from portal.web.access import deny_unless, require
from portal.web.concurrency import EditConflict, check_version
from portal.web.errors import error_response
from portal.web.forms import EmptyForm
from portal.web.htmx import is_htmx, render, wants_fragment
from portal.web.nav import home_panel, nav
from portal.web.pagination import paginate_list
from portal.web.params import db_int
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export

from . import overview
from . import services as S
from .forms import EvaluationForm, ReopenForm, RoundForm
from .models import KINDS, RATINGS, Evaluation, Round
from .view_helpers import active_people, commit_and_return, load_round, refuse, refuse_if_closed

bp = Blueprint("rounds", __name__, url_prefix="/dot-kiem-tra")

nav("Đợt kiểm tra", "rounds.index", order=30)
home_panel("rounds/_home_panel.html", order=20,
           context=lambda user: {"round_items": S.home_items(user, today())})

try:  # delivery (dedupe, e-mail, `flask reminders send`) belongs to the notifications area
    from portal.notifications.registry import register_provider

    register_provider(S.due_reminders)
except ImportError:
    pass


# -- rounds ----------------------------------------------------------------------------------
@bp.get("/")
def index():
    rounds = db.session.scalars(select(Round).order_by(Round.year.desc(), Round.start_on.desc())).all()
    if wants_export():
        return export_response(export_lists.rounds(rounds))
    return render("rounds/index.html", rounds=rounds, can_manage=S.is_manager(current_user))


def _fill_round_form(form: RoundForm, rnd: Round | None):
    people = active_people()
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
            return commit_and_return(f"Đã tạo đợt kiểm tra “{rnd.name}” (dự thảo).",
                                     url_for("rounds.show", round_id=rnd.id))
    status = 422 if form.errors or warnings else 200
    return render("rounds/round_form.html", form=form, rnd=None, status=status, warnings=warnings, source=source,
                  kind=form.kind.data)


@bp.route("/<int:round_id>/sua", methods=["GET", "POST"])
@require(*R.MANAGERS)
def edit(round_id):
    rnd = load_round(round_id)
    back = url_for("rounds.show", round_id=rnd.id)
    refuse_if_closed(rnd)
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
        return commit_and_return("Đã lưu đợt kiểm tra.", back)
    return render("rounds/round_form.html", form=form, rnd=rnd, status=422 if form.errors else 200)


@bp.get("/<int:round_id>")
def show(round_id):
    """The round at a glance: what blocks closing (a page at a time), progress per area and unit,
    the matrix with drill-down by area (a page at a time). Read from one light row per report
    (overview), never the round's reports as objects."""
    rnd = load_round(round_id, joinedload(Round.catalogue))  # its label heads the page
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
    rnd = load_round(round_id)
    deny_unless(S.can_read_round(current_user, rnd))
    return history_page(rnd, record_history(rnd), url_for("rounds.show", round_id=rnd.id))


@bp.post("/<int:round_id>/trang-thai")
def move(round_id):
    rnd = load_round(round_id)
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
        return refuse(exc.message, back)
    return commit_and_return(f"Đợt kiểm tra chuyển sang trạng thái: {rnd.state_label}.", back)


@bp.get("/<int:round_id>/cua-toi")
def mine(round_id):
    rnd = load_round(round_id)
    reports = S.my_reports(current_user, rnd.id)
    if wants_export():
        return export_response(export_lists.my_reports(rnd, reports))
    return render("rounds/mine.html", rnd=rnd, reports=reports, days_left=(rnd.report_deadline - today()).days)


# -- evaluations and the self-report -----------------------------------------------------------
@bp.route("/<int:round_id>/nhan-xet", methods=["GET", "POST"])
def evaluations(round_id):
    rnd = load_round(round_id)
    deny_unless(S.can_read_round(current_user, rnd))
    back = url_for("rounds.evaluations", round_id=rnd.id)
    if request.method == "POST":
        refuse_if_closed(rnd)
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
        return commit_and_return("Đã lưu nhận xét, đánh giá.", back)
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

    rnd = load_round(round_id)
    deny_unless(S.can_read_round(current_user, rnd))
    unit_id = request.args.get("don_vi", type=db_int)
    context = selfreport.build_context(rnd, unit_id)
    db.session.commit()  # never hold a transaction open while rendering
    pdf = selfreport.render(context)
    name = f"bao-cao-tu-kiem-tra-dot-{rnd.id}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


# the rest of the area's views, on the same blueprint
from . import report_routes, review_routes, team_routes  # noqa: E402,F401
