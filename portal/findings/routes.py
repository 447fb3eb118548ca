"""Findings and remedies: lists with the figure, the record page, the remedy workflow."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.audit.panel import history_page
from portal.audit.queries import history_for
from portal.catalogue.services import current_catalogue
from portal.evidence.models import StoredFile
from portal.extensions import db
from portal.text import nfc
from portal.timeutil import today
from portal.web.access import deny_unless, require
from portal.web.concurrency import check_version, commit_or_conflict
from portal.web.forms import apply_errors
from portal.web.htmx import render
from portal.web.nav import home_panel, nav
from portal.web.pagination import paginate
from portal.web.params import db_int

from . import first_remedy, owners
from . import services as S
from .forms import FindingForm, FirstRemedyForm, NoteForm, ProgressForm, ReInspectionForm, RemedyForm
from .models import REMEDY_STATUSES, SOURCES, Finding, Remedy, RemedyUpdate

bp = Blueprint("findings", __name__, url_prefix="/ton-tai")

nav("Tồn tại, hạn chế", "findings.index", order=60)

STATES = {"open": "Chưa khắc phục xong", "overdue": "Có biện pháp quá hạn", "closed": "Đã khắc phục / kiến nghị",
          "all": "Tất cả"}


def _home_context(user):
    # The panel's three lists (mine open, all overdue, awaiting confirmation) in one query, split here
    # with the same rules as S.open_remedies_of / S.overdue_remedies / S.awaiting_confirmation.
    from sqlalchemy import and_, or_

    day, confirm = today(), S.can_confirm(user)
    is_open = Remedy.status.in_(("todo", "doing"))
    wanted = and_(owners.owned_by(user), is_open)
    if confirm:
        wanted = or_(wanted, and_(Remedy.deadline < day, is_open),
                     and_(Remedy.status == "done", Remedy.confirmed_at.is_(None)))
    rows = db.session.scalars(select(Remedy).where(wanted).order_by(Remedy.deadline, Remedy.id)
                              .options(joinedload(Remedy.owner_unit))).all()
    ctx = {"my_remedies": [r for r in rows if owners.answers_for(user, r) and r.status in ("todo", "doing")],
           "today_": day}
    if confirm:
        ctx["overdue_all"] = [r for r in rows if r.deadline < day and r.status in ("todo", "doing")]
        ctx["awaiting"] = sorted((r for r in rows if r.status == "done" and r.confirmed_at is None),
                                 key=lambda r: (r.done_on is not None, r.done_on or day, r.id))
    if S.can_read_all(user):
        ctx["year"] = today().year
        ctx["figure"] = S.findings_figure(year=ctx["year"])
    return ctx


home_panel("findings/_home_panel.html", order=30, context=_home_context)


def _load(finding_id: int, options=()) -> Finding:
    finding = db.session.get(Finding, finding_id, options=list(options)) or abort(404)
    deny_unless(S.can_view(current_user, finding))
    return finding


# -- lists ----------------------------------------------------------------------------------

def _filters():
    args = request.args
    state = args.get("trang_thai", "open")
    return {
        "state": state if state in STATES else "open",
        "source": args.get("nguon", "") if args.get("nguon", "") in SOURCES else "",
        "area_id": args.get("linh_vuc", type=db_int),
        "unit_id": args.get("don_vi", type=db_int),
        "person_id": args.get("nguoi", type=db_int),
        "year": args.get("nam", type=db_int),
        "round_id": args.get("dot", type=db_int),
        "q": nfc(args.get("q", "")).strip()[:200],
    }


@bp.get("/")
def index():
    filters = _filters()
    page = paginate(S.findings_query(current_user, **filters), per_page=25)
    # The figure covers the same scope as the list minus its state (open/closed) filter.
    scope = {**filters, "state": "all"}
    figure = S.figure_of(S.findings_scope(current_user, **scope))
    catalogue = current_catalogue()
    people = db.session.scalars(select(User).where(User.active).order_by(User.full_name)).all()
    units = db.session.scalars(select(Unit).where(Unit.active).order_by(Unit.position)).all()
    return render("findings/index.html", "results", page=page, f=filters, figure=figure,
                  states=STATES, sources=SOURCES, areas=catalogue.areas if catalogue else [],
                  people=people, units=units, on=today(), years=S.finding_years(), read_all=S.can_read_all(current_user),
                  statuses=REMEDY_STATUSES)


@bp.get("/xuat-excel")
def export():
    from portal.exports.xlsx import Sheet, build_workbook, xlsx_response

    filters = _filters()
    findings = db.session.scalars(S.findings_query(current_user, **filters)).all()
    figure = S.figure_of(S.findings_scope(current_user, **{**filters, "state": "all"}))
    on = today()
    heading = [f"DANH SÁCH TỒN TẠI, HẠN CHẾ VÀ BIỆN PHÁP KHẮC PHỤC — {STATES[filters['state']].upper()}",
               f"Tỷ lệ đã khắc phục hoặc kiến nghị xử lý: "
               f"{'—' if figure.percent is None else str(figure.percent).replace('.', ',') + '%'} "
               f"(chỉ tiêu {figure.target}%); xuất ngày {on:%d/%m/%Y}"]
    data = build_workbook([Sheet("Tồn tại, hạn chế", S.EXPORT_HEADERS, S.export_rows(findings, on),
                                 heading=heading, widths=[5, 8, 12, 22, 50, 28, 22, 12, 40, 50, 14])])
    return xlsx_response(data, f"Ton-tai-han-che-{on:%Y%m%d}.xlsx")


# -- findings -------------------------------------------------------------------------------

def _adhoc_entry(entry_id):
    from portal.adhoc.models import AdhocEntry

    return db.session.get(AdhocEntry, entry_id) or abort(404)


@bp.route("/moi", methods=["GET", "POST"])
@require(*R.MANAGERS)
def new():
    """A finding raised by an ad-hoc inspection (?dot_xuat=) or by a higher body, with its first
    remedy (owner pre-filled with the person or unit inspected)."""
    entry_id = request.args.get("dot_xuat", type=db_int)
    entry = _adhoc_entry(entry_id) if entry_id else None
    form = FindingForm()
    remedy_form = FirstRemedyForm(owner=owners.token(person_id=entry.person_id, unit_id=entry.unit_id)
                                  if entry is not None else "")
    failed = False
    if request.method == "GET":
        form.found_on.data = today().isoformat()
    if request.method == "GET" and entry is not None:
        form.found_on.data = entry.inspected_on.isoformat()
        form.unit_id.data = entry.unit_id
        form.person_id.data = entry.person_id
        form.description.data = entry.violations
        form.source_ref.data = f"Kiểm tra đột xuất ngày {entry.inspected_on:%d/%m/%Y}"
    valid = form.validate_on_submit()
    valid = remedy_form.validate_on_submit() and valid  # both forms' messages at once
    if valid:
        source = "adhoc" if entry is not None else "higher"
        try:
            finding = first_remedy.record(
                lambda: S.record_finding(source=source, source_id=entry.id if entry else None,
                                         created_by=current_user, **form.values()),
                remedy_form, found_on=form.found_on.data)
        except first_remedy.Refused as exc:
            db.session.rollback()
            failed = True
            apply_errors(form, exc.finding_errors)
            apply_errors(remedy_form, exc.remedy_errors)
        else:
            db.session.commit()
            flash("Đã ghi nhận tồn tại, hạn chế và biện pháp khắc phục đầu tiên.", "success")
            return redirect(url_for("findings.detail", finding_id=finding.id), code=303)
    status = 422 if form.errors or remedy_form.errors or failed else 200
    return render("findings/form.html", form=form, remedy_form=remedy_form, finding=None, entry=entry,
                  status=status)


@bp.route("/<int:finding_id>/sua", methods=["GET", "POST"])
@require(*R.MANAGERS)
def edit(finding_id: int):
    finding = db.session.get(Finding, finding_id) or abort(404)
    form = FindingForm(obj=finding if request.method == "GET" else None, year=finding.year)
    failed = False
    if request.method == "GET":
        form.found_on.data = finding.found_on.isoformat()
        form.version.data = finding.version
    if form.validate_on_submit():
        check_version(finding, form.version.data)
        try:
            S.update_finding(finding, **form.values())
        except S.FindingError as exc:
            failed = True
            apply_errors(form, exc.errors)
        else:
            commit_or_conflict()
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for("findings.detail", finding_id=finding.id), code=303)
    status = 422 if form.errors or failed else 200
    return render("findings/form.html", form=form, remedy_form=None, finding=finding, entry=None, status=status)


def _detail(finding: Finding, status=200, **forms):
    remedy_form = forms.pop("remedy_form", None) or RemedyForm(formdata=None, data={
        "deadline": owners.default_deadline(),
        "owner_id": owners.token(person_id=finding.person_id, unit_id=finding.unit_id),
    }).load_owners_later(person=finding.person, unit=finding.unit)
    return render("findings/detail.html", finding=finding, status=status, remedy_form=remedy_form,
                  progress_form=forms.get("progress_form") or ProgressForm(formdata=None),
                  note_form=forms.get("note_form") or NoteForm(formdata=None),
                  reinspection_form=forms.get("reinspection_form") or ReInspectionForm(formdata=None),
                  failed_remedy=forms.get("remedy_id"),
                  may_report={r.id for r in finding.remedies if S.can_report(current_user, r)},
                  can_manage=S.can_manage(current_user), can_confirm=S.can_confirm(current_user),
                  on=today(), statuses=REMEDY_STATUSES, sources=SOURCES, source_link=_source_link(finding))


def _source_link(finding):
    """A link to the ad-hoc entry that raised the finding, if this user may open it."""
    if finding.source != "adhoc" or not finding.source_id:
        return None
    from portal.adhoc.models import AdhocEntry
    from portal.adhoc.services import can_view

    entry = db.session.get(AdhocEntry, finding.source_id)
    return url_for("adhoc.detail", entry_id=entry.id) if entry and can_view(current_user, entry) else None


@bp.get("/<int:finding_id>")
def detail(finding_id: int):
    # the page shows these with the finding: joined into its query instead of one query each
    return _detail(_load(finding_id, options=[
        joinedload(Finding.area), joinedload(Finding.criterion), joinedload(Finding.unit),
        joinedload(Finding.person), joinedload(Finding.created_by)]))


@bp.get("/<int:finding_id>/lich-su")
def history(finding_id: int):
    """The finding's history panel (loaded when opened), for whoever may open the finding."""
    finding = _load(finding_id)
    return history_page(finding, history_for(finding), url_for("findings.detail", finding_id=finding.id))


@bp.get("/bien-phap/<int:remedy_id>/lich-su")
def remedy_history(remedy_id: int):
    """A remedy's history panel, for whoever may open its finding."""
    remedy = _load_remedy(remedy_id)
    finding = _load(remedy.finding_id)
    return history_page(remedy, history_for(remedy), url_for("findings.detail", finding_id=finding.id))


@bp.post("/<int:finding_id>/bien-phap")
@require(*R.MANAGERS)
def add_remedy(finding_id: int):
    finding = db.session.get(Finding, finding_id) or abort(404)
    form = RemedyForm()
    if form.validate_on_submit():
        try:
            S.add_remedy(finding, **form.remedy_values(), not_before=today())
        except S.FindingError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash("Đã thêm biện pháp khắc phục.", "success")
            return redirect(url_for("findings.detail", finding_id=finding.id), code=303)
    finding = db.session.get(Finding, finding_id)
    return _detail(finding, status=422, remedy_form=form)


@bp.get("/nguoi-thuc-hien")
def owner_options():
    """The options of a remedy owner select (every active person and unit), `chon` selected:
    pages that show remedy forms fetch them after loading (forms.load_owners_later)."""
    from flask import render_template

    return render_template("findings/_owner_options.html", groups=owners.choices(),
                           chosen=request.args.get("chon", "")[:20])


def _load_remedy(remedy_id: int) -> Remedy:
    return db.session.get(Remedy, remedy_id) or abort(404)


@bp.route("/bien-phap/<int:remedy_id>/sua", methods=["GET", "POST"])
@require(*R.MANAGERS)
def edit_remedy(remedy_id: int):
    remedy = _load_remedy(remedy_id)
    form = RemedyForm(obj=remedy if request.method == "GET" else None, keep=remedy)
    if request.method == "GET":
        form.deadline.data = remedy.deadline.isoformat()
        form.owner_id.data = owners.token_of(remedy)
        form.version.data = remedy.version
    if form.validate_on_submit():
        check_version(remedy, form.version.data)
        try:
            S.update_remedy(remedy, **form.remedy_values(), not_before=today())
        except S.FindingError as exc:
            apply_errors(form, exc.errors)
        else:
            commit_or_conflict()
            flash("Đã lưu biện pháp khắc phục.", "success")
            return redirect(url_for("findings.detail", finding_id=remedy.finding_id), code=303)
    status = 422 if form.errors else 200
    return render("findings/remedy_form.html", form=form, remedy=remedy, status=status)


@bp.post("/bien-phap/<int:remedy_id>/bao-cao")
def report(remedy_id: int):
    remedy = _load_remedy(remedy_id)
    deny_unless(owners.answers_for(current_user, remedy))
    form = ProgressForm()
    if form.validate_on_submit():
        from portal.evidence.services import UploadRejected, save_upload

        try:
            files = [save_upload(f, current_user) for f in (form.files.data or []) if f and f.filename]
            S.report_progress(remedy, current_user, text=form.text.data, status=form.status.data,
                              files=files)
        except UploadRejected as exc:
            db.session.rollback()
            form.files.errors = [exc.message]
        except S.FindingError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash("Đã gửi báo cáo tiến độ khắc phục." if form.status.data == "doing" else
                  "Đã báo cáo hoàn thành; chờ Đoàn kiểm tra xác nhận.", "success")
            return redirect(url_for("findings.detail", finding_id=remedy.finding_id), code=303)
    remedy = _load_remedy(remedy_id)
    return _detail(remedy.finding, status=422, progress_form=form, remedy_id=remedy.id)


def _team_action(remedy_id: int, form_cls, act, message: str, form_key: str):
    remedy = _load_remedy(remedy_id)
    deny_unless(S.can_confirm(current_user))
    form = form_cls()
    if form.validate_on_submit():
        try:
            act(remedy, form)
        except S.FindingError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("findings.detail", finding_id=remedy.finding_id), code=303)
    remedy = _load_remedy(remedy_id)
    return _detail(remedy.finding, status=422, remedy_id=remedy.id, **{form_key: form})


@bp.post("/bien-phap/<int:remedy_id>/xac-nhan")
def confirm(remedy_id: int):
    return _team_action(remedy_id, NoteForm,
                        lambda r, f: S.confirm_done(r, current_user, f.note.data),
                        "Đã xác nhận biện pháp đã khắc phục.", "note_form")


@bp.post("/bien-phap/<int:remedy_id>/kien-nghi")
def escalate(remedy_id: int):
    return _team_action(remedy_id, NoteForm,
                        lambda r, f: S.escalate(r, current_user, f.note.data),
                        "Đã ghi nhận kiến nghị cấp có thẩm quyền xử lý.", "note_form")


@bp.post("/bien-phap/<int:remedy_id>/tai-kiem-tra")
def reinspect(remedy_id: int):
    return _team_action(remedy_id, ReInspectionForm,
                        lambda r, f: S.record_reinspection(
                            r, current_user, inspected_on=f.inspected_on.data, result=f.result.data,
                            passed=f.passed.data == "1"),
                        "Đã ghi kết quả tái kiểm tra.", "reinspection_form")


@bp.get("/bao-cao/<int:update_id>/tep/<int:file_id>")
def update_file(update_id: int, file_id: int):
    update = db.session.get(RemedyUpdate, update_id) or abort(404)
    deny_unless(S.can_view(current_user, update.remedy.finding))
    stored = db.session.get(StoredFile, file_id)
    if stored is None or stored not in update.files:
        abort(404)
    from portal.evidence.services import send_stored_file

    return send_stored_file(stored, inline=request.args.get("xem") == "1")




from .reminders import register as _register_reminders  # noqa: E402

_register_reminders()
