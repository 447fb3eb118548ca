"""ISO area URL table: the procedure registry, holidays, and sample checks of dossiers."""
import datetime as dt

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts import roles as R
from portal.accounts.models import Unit
from portal.audit.panel import history_page
from portal.audit.queries import history_for
from portal.exports.xlsx import xlsx_response
from portal.extensions import db
from portal.pdf.send import send_document
from portal.text import nfc
from portal.timeutil import today
from portal.web.access import deny_unless, require
from portal.web.concurrency import check_version, commit_or_conflict
from portal.web.forms import EmptyForm
from portal.web.htmx import is_htmx, render
from portal.web.nav import home_panel, nav
from portal.web.params import db_int
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export

from . import checks, record, registry_xlsx, services
from .forms import (CheckForm, DossierForm, DrawForm, FileForm, HolidayForm, NewProcedureForm,
                    ProcedureHeadForm, StepForm, VersionFields)
from .models import KINDS, RESULTS, Dossier, Holiday, Procedure, ProcedureStep, SampleCheck
from .services import READ_CHECKS, InputError

# Three child blueprints, so that the side navigation highlights only the part in use.
bp = Blueprint("iso", __name__, url_prefix="/iso")
qt = Blueprint("qt", __name__, url_prefix="/quy-trinh")  # the procedure registry
nn = Blueprint("nn", __name__, url_prefix="/ngay-nghi")  # holidays
bm = Blueprint("bm", __name__, url_prefix="/boc-mau")  # sample checks

nav("Quy trình ISO", "iso.qt.procedures", order=60)
nav("Bóc mẫu hồ sơ", "iso.bm.checks_list", roles=READ_CHECKS, order=61)
nav("Ngày nghỉ lễ, Tết", "iso.nn.holidays", roles=R.MANAGERS, order=60, section="admin")


def _home_context(_user):
    """Sample checks still open: what the team has left to check."""
    open_checks = db.session.scalars(select(SampleCheck).where(SampleCheck.status != "completed")
                                     .order_by(SampleCheck.period_end)).all()
    return {"open_checks": [(c, checks.results(c)) for c in open_checks]}


home_panel("iso/_home_panel.html", roles=READ_CHECKS, order=60, context=_home_context)


def _flash_errors(errors, limit=50):
    for message in errors[:limit]:
        flash(message, "error")
    if len(errors) > limit:
        flash(f"… và {len(errors) - limit} lỗi khác.", "error")


def _unit_choices(blank="— Chưa xác định —"):
    units = db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.position)).all()
    return {0: blank, **{u.id: u.name for u in units}}


# -- registry ------------------------------------------------------------------------------

@qt.get("/")
def procedures():
    q = nfc(request.args.get("q", "")).strip()[:100]
    unit_id = request.args.get("don_vi", type=db_int)
    kind = request.args.get("loai", "")
    rows = services.search_procedures(q, unit_id, kind)
    if wants_export():
        return export_response(export_lists.procedures(rows))
    return render("iso/procedures.html", "results", procedures=rows, q=q, unit_id=unit_id, kind=kind,
                  kinds=KINDS, units=_unit_choices("Tất cả đơn vị"))


@qt.get("/<int:proc_id>")
def procedure(proc_id: int):
    proc = db.get_or_404(Procedure, proc_id)
    shown = proc.current
    wanted = request.args.get("phien_ban", type=db_int)
    if wanted:
        shown = next((v for v in proc.versions if v.id == wanted), None) or abort(404)
    return render("iso/procedure.html", proc=proc, shown=shown, history=history_for(proc))


def _procedure_form_choices(form):
    form.unit_id.choices = _unit_choices()


@qt.route("/moi", methods=["GET", "POST"])
@require(*R.MANAGERS)
def procedure_new():
    form = NewProcedureForm()
    _procedure_form_choices(form)
    if request.method == "GET":
        form.effective_date.data = today()
        form.number.data = "01"
    if form.validate_on_submit():
        steps, errors = services.parse_steps(form.steps.data)
        forms, form_errors = services.parse_forms(form.forms.data or "")
        form.steps.errors += errors
        form.forms.errors += form_errors
        if not errors and not form_errors:
            try:
                proc = services.save_procedure(None, form.code.data, form.name.data, form.kind.data,
                                               form.unit_id.data or None)
                services.add_version(proc, form.number.data, form.effective_date.data, steps, forms,
                                     form.note.data)
            except InputError as exc:
                db.session.rollback()
                form.form_errors.extend(exc.errors)
            else:
                commit_or_conflict(unique_clash=True)
                flash(f"Đã thêm quy trình {proc.code}.", "success")
                return redirect(url_for("iso.qt.procedure", proc_id=proc.id), 303)
    status = 422 if request.method == "POST" else 200
    return render("iso/procedure_form.html", form=form, proc=None, hints=_hints()), status


def _hints():
    from .forms import FORMS_HINT, STEPS_HINT

    return {"steps": STEPS_HINT, "forms": FORMS_HINT}


@qt.route("/<int:proc_id>/sua", methods=["GET", "POST"])
@require(*R.MANAGERS)
def procedure_edit(proc_id: int):
    proc = db.get_or_404(Procedure, proc_id)
    form = ProcedureHeadForm(obj=proc if request.method == "GET" else None)
    _procedure_form_choices(form)
    if request.method == "GET":
        form.unit_id.data = proc.unit_id or 0
    if form.validate_on_submit():
        check_version(proc, form.version.data)
        try:
            services.save_procedure(proc, form.code.data, form.name.data, form.kind.data, form.unit_id.data or None)
        except InputError as exc:
            db.session.rollback()
            form.form_errors.extend(exc.errors)
        else:
            commit_or_conflict(unique_clash=True)
            flash(f"Đã lưu quy trình {proc.code}.", "success")
            return redirect(url_for("iso.qt.procedure", proc_id=proc.id), 303)
    status = 422 if request.method == "POST" else 200
    return render("iso/procedure_form.html", form=form, proc=proc, hints=_hints()), status


@qt.route("/<int:proc_id>/phien-ban-moi", methods=["GET", "POST"])
@require(*R.MANAGERS)
def version_new(proc_id: int):
    proc = db.get_or_404(Procedure, proc_id)
    form = VersionFields()
    if request.method == "GET":
        current = proc.current
        form.effective_date.data = today()
        form.steps.data = services.steps_text(current)
        form.forms.data = services.forms_text(current)
        if current and current.number.isdigit():
            form.number.data = f"{int(current.number) + 1:0{len(current.number)}d}"
    if form.validate_on_submit():
        steps, errors = services.parse_steps(form.steps.data)
        forms, form_errors = services.parse_forms(form.forms.data or "")
        form.steps.errors += errors
        form.forms.errors += form_errors
        if not errors and not form_errors:
            try:
                version = services.add_version(proc, form.number.data, form.effective_date.data, steps, forms,
                                               form.note.data)
            except InputError as exc:
                db.session.rollback()
                form.form_errors.extend(exc.errors)
            else:
                commit_or_conflict(unique_clash=True)
                flash(f"Đã ban hành phiên bản {version.number} của quy trình {proc.code}; "
                      "các phiên bản cũ vẫn được lưu.", "success")
                return redirect(url_for("iso.qt.procedure", proc_id=proc.id), 303)
    status = 422 if request.method == "POST" else 200
    return render("iso/version_form.html", form=form, proc=proc, hints=_hints()), status


@qt.get("/danh-muc.xlsx")
def registry_export():
    data = registry_xlsx.export_registry(services.search_procedures())
    return xlsx_response(data, f"Danh mục quy trình {today():%Y-%m-%d}.xlsx")


@qt.route("/nhap", methods=["GET", "POST"])
@require(*R.MANAGERS)
def registry_import():
    form = FileForm()
    errors = []
    if form.validate_on_submit():
        stats, errors = registry_xlsx.import_registry(form.file.data)
        if not errors:
            commit_or_conflict(unique_clash=True)
            flash(f"Đã nhập danh mục: {stats['procedures']} quy trình mới, {stats['versions']} phiên bản mới, "
                  f"{stats['skipped']} phiên bản đã có (bỏ qua).", "success")
            return redirect(url_for("iso.qt.procedures"), 303)
        db.session.rollback()
    elif request.method == "POST":
        errors = [e for field in form.errors.values() for e in field]
    status = 422 if errors else 200
    return render("iso/registry_import.html", form=form, errors=errors, headers=registry_xlsx.HEADERS), status


# -- holidays ------------------------------------------------------------------------------

def _holiday_page(year: int, form=None, status=200):
    years = sorted(set(services.holiday_years()) | {year, today().year, today().year + 1})
    return render("iso/holidays.html", "holiday_list", year=year, years=years,
                  holidays=services.holidays_of(year), form=form or HolidayForm(), delete_form=EmptyForm(),
                  status=status)


@nn.get("")
@require(*R.MANAGERS)
def holidays():
    year = request.args.get("nam", type=db_int) or today().year
    if not 2000 <= year <= 2100:
        year = today().year
    if wants_export():
        return export_response(export_lists.holidays(year, services.holidays_of(year)))
    return _holiday_page(year)


@nn.post("")
@require(*R.MANAGERS)
def holiday_add():
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            holiday = services.add_holiday(form.date.data, form.name.data)
        except InputError as exc:
            db.session.rollback()
            form.date.errors = list(form.date.errors) + exc.errors
        else:
            commit_or_conflict(unique_clash=True)
            if is_htmx():
                return _holiday_page(holiday.date.year)
            flash(f"Đã thêm ngày nghỉ {holiday.date:%d/%m/%Y}.", "success")
            return redirect(url_for("iso.nn.holidays", nam=holiday.date.year), 303)
    year = form.date.data.year if form.date.data else (request.args.get("nam", type=db_int) or today().year)
    return _holiday_page(year, form, 422)


@nn.post("/<int:holiday_id>/xoa")
@require(*R.MANAGERS)
def holiday_delete(holiday_id: int):
    holiday = db.get_or_404(Holiday, holiday_id)
    year = holiday.date.year
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(holiday)
    commit_or_conflict(unique_clash=True)
    if is_htmx():
        return _holiday_page(year)
    flash("Đã xóa ngày nghỉ.", "success")
    return redirect(url_for("iso.nn.holidays", nam=year), 303)


# -- sample checks -------------------------------------------------------------------------

@bm.get("/")
@require(*READ_CHECKS)
def checks_list():
    rows = db.session.scalars(select(SampleCheck).order_by(SampleCheck.year.desc(), SampleCheck.period_end.desc(),
                                                           SampleCheck.id.desc())
                              .options(selectinload(SampleCheck.procedures))).all()
    rates = checks.overall_rates(c.id for c in rows if c.status != "draft")
    if wants_export():
        return export_response(export_lists.sample_checks(rows, rates))
    return render("iso/checks.html", rows=rows, rates=rates, dossier_counts=checks.dossier_counts(c.id for c in rows))


@bm.route("/moi", methods=["GET", "POST"])
@require(*R.MANAGERS)
def check_new():
    form = CheckForm()
    procs = services.search_procedures()
    form.procedures.choices = {p.id: f"{p.code} – {p.name}" for p in procs}
    if request.method == "GET":
        form.sample_size.data = 5
    if form.validate_on_submit():
        chosen = [p for p in procs if p.id in set(form.procedures.data)]
        try:
            check = checks.create_check(form.title.data, chosen, form.period_start.data, form.period_end.data,
                                        form.sample_size.data, current_user)
        except InputError as exc:
            db.session.rollback()
            form.form_errors.extend(exc.errors)
        else:
            commit_or_conflict(unique_clash=True)
            flash("Đã tạo đợt bóc mẫu. Hãy nhập danh sách hồ sơ đã giải quyết trong kỳ.", "success")
            return redirect(url_for("iso.bm.check", check_id=check.id), 303)
    status = 422 if request.method == "POST" else 200
    return render("iso/check_form.html", form=form, has_procedures=bool(procs)), status


def _dossier_form(check, formdata=None):
    # formdata=None: after a successful add the form comes back empty, not with the posted values.
    form = DossierForm(formdata=formdata)
    form.procedure.choices = {p.code: f"{p.code} – {p.name}" for p in check.procedures}
    return form


def _check_page(check, dossier_form=None, status=200, block=None):
    res = checks.results(check)
    return render("iso/check.html", block, status=status, check=check, res=res,
                  dossier_form=dossier_form or _dossier_form(check), file_form=FileForm(),
                  draw_form=DrawForm(), empty_form=EmptyForm(), can_manage=services.can_manage(current_user),
                  can_record=services.can_record(current_user), findings=checks.findings_for(check),
                  holidays_known=bool(services.holiday_set(check.period_start, check.period_end + dt.timedelta(days=60))))


def _load_check(check_id: int) -> SampleCheck:
    check = db.session.scalars(checks.with_everything(select(SampleCheck).where(SampleCheck.id == check_id)))
    return check.unique().one_or_none() or abort(404)


@bm.get("/<int:check_id>")
@require(*READ_CHECKS)
def check(check_id: int):
    check = _load_check(check_id)
    if wants_export():
        return export_response(export_lists.check_results(check, checks.results(check)), f"Kết quả {check.title}")
    return _check_page(check)


@bm.get("/<int:check_id>/lich-su")
@require(*READ_CHECKS)
def check_history(check_id: int):
    """The sample check's history panel (loaded when opened), for whoever may open the check."""
    check = db.session.get(SampleCheck, check_id) or abort(404)
    return history_page(check, history_for(check), url_for("iso.bm.check", check_id=check.id))


@bm.post("/<int:check_id>/ho-so")
@require(*R.MANAGERS)
def dossier_add(check_id: int):
    check = _load_check(check_id)
    form = _dossier_form(check, request.form)
    if form.validate_on_submit():
        try:
            dossier = checks.add_dossier(check, {
                "code": form.code.data, "procedure": form.procedure.data, "received": form.received.data,
                "due": form.due.data, "returned": form.returned.data, "handler": form.handler.data})
        except InputError as exc:
            db.session.rollback()
            form.form_errors.extend(exc.errors)
        else:
            commit_or_conflict(unique_clash=True)
            if is_htmx():
                return _check_page(check, block="dossier_list")
            flash(f"Đã thêm hồ sơ {dossier.code}.", "success")
            return redirect(url_for("iso.bm.check", check_id=check.id), 303)
    return _check_page(check, form, 422, block="dossier_list")


@bm.post("/<int:check_id>/ho-so/<int:dossier_id>/xoa")
@require(*R.MANAGERS)
def dossier_delete(check_id: int, dossier_id: int):
    check = _load_check(check_id)
    dossier = db.get_or_404(Dossier, dossier_id)
    deny_unless(dossier.check_id == check.id)
    try:
        checks.remove_dossier(check, dossier)
    except InputError as exc:
        db.session.rollback()
        abort(409, exc.errors[0])
    commit_or_conflict(unique_clash=True)
    if is_htmx():
        return _check_page(check, block="dossier_list")
    flash(f"Đã xóa hồ sơ {dossier.code} khỏi danh sách.", "success")
    return redirect(url_for("iso.bm.check", check_id=check.id), 303)


@bm.post("/<int:check_id>/nhap")
@require(*R.MANAGERS)
def dossier_import(check_id: int):
    check = _load_check(check_id)
    form = FileForm()
    if not form.validate_on_submit():
        errors = [e for field in form.errors.values() for e in field]
    else:
        try:
            count, errors = checks.import_dossiers(check, form.file.data)
        except InputError as exc:
            count, errors = 0, exc.errors
        if not errors:
            commit_or_conflict(unique_clash=True)
            flash(f"Đã nhập {count} hồ sơ vào danh sách.", "success")
            return redirect(url_for("iso.bm.check", check_id=check.id), 303)
        db.session.rollback()
    _flash_errors(errors)
    flash("Chưa nhập hồ sơ nào: hãy sửa các lỗi trên trong tệp rồi nhập lại.", "error")
    return redirect(url_for("iso.bm.check", check_id=check.id), 303)


@bm.get("/<int:check_id>/danh-sach.xlsx")
@require(*READ_CHECKS)
def dossier_export(check_id: int):
    check = _load_check(check_id)
    return xlsx_response(checks.dossier_template(check), f"Danh sách hồ sơ bóc mẫu {check.id}.xlsx")


@bm.post("/<int:check_id>/rut-mau")
@require(*R.MANAGERS)
def draw(check_id: int):
    check = _load_check(check_id)
    form = DrawForm()
    if not form.validate_on_submit():
        _flash_errors([e for field in form.errors.values() for e in field])
        return redirect(url_for("iso.bm.check", check_id=check.id), 303)
    try:
        sample = checks.draw(check, form.seed.data)
    except InputError as exc:
        db.session.rollback()
        _flash_errors(exc.errors)
    else:
        commit_or_conflict(unique_clash=True)
        flash(f"Đã rút {len(sample)} hồ sơ, mã lượt rút mẫu {check.seed}.", "success")
    return redirect(url_for("iso.bm.check", check_id=check.id), 303)


def _load_dossier(check_id: int, dossier_id: int):
    check = _load_check(check_id)
    dossier = db.get_or_404(Dossier, dossier_id)
    if dossier.check_id != check.id:
        abort(404)
    return check, dossier


def _row_context(check, dossier, step, form=None):
    return {"check": check, "dossier": dossier, "step": step, "sc": dossier.result_for(step.id),
            "form": form, "can_record": services.can_record(current_user) and check.status == "drawn",
            "results": RESULTS}


@bm.get("/<int:check_id>/ho-so/<int:dossier_id>")
@require(*READ_CHECKS)
def dossier(check_id: int, dossier_id: int):
    check, dossier = _load_dossier(check_id, dossier_id)
    result = checks.dossier_result(dossier, services.holiday_set(), check.completed_on or today())
    rows = [_row_context(check, dossier, step) for step in dossier.proc_version.steps]
    return render("iso/dossier.html", check=check, dossier=dossier, result=result, rows=rows)


@bm.post("/<int:check_id>/ho-so/<int:dossier_id>/buoc/<int:step_id>")
@require(*services.RECORD_CHECKS)
def step_record(check_id: int, dossier_id: int, step_id: int):
    check, dossier = _load_dossier(check_id, dossier_id)
    step = db.get_or_404(ProcedureStep, step_id)
    form = StepForm()
    status = 200
    if form.validate_on_submit():
        try:
            checks.record_step(dossier, step.id, form.result.data, form.note.data, current_user)
        except InputError as exc:
            db.session.rollback()
            form.note.errors = list(form.note.errors) + exc.errors
            status = 422
        else:
            commit_or_conflict(unique_clash=True)
            form = None
    else:
        status = 422
    if is_htmx():
        return render("iso/_step_row.html", status=status, **_row_context(check, dossier, step, form))
    if status == 200:
        flash(f"Đã ghi kết quả bước {step.position}.", "success")
    else:
        _flash_errors([e for field in form.errors.values() for e in field])
    return redirect(url_for("iso.bm.dossier", check_id=check.id, dossier_id=dossier.id), 303)


@bm.post("/<int:check_id>/hoan-thanh")
@require(*services.RECORD_CHECKS)
def complete(check_id: int):
    check = _load_check(check_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        created = checks.complete(check, current_user)
    except InputError as exc:
        db.session.rollback()
        _flash_errors(exc.errors)
    else:
        commit_or_conflict(unique_clash=True)
        flash(f"Đã hoàn thành đợt bóc mẫu; ghi nhận {len(created)} tồn tại, hạn chế.", "success")
    return redirect(url_for("iso.bm.check", check_id=check.id), 303)


@bm.get("/<int:check_id>/ket-qua.pdf")
@require(*READ_CHECKS)
def result_pdf(check_id: int):
    return _result(check_id, "pdf")


@bm.get("/<int:check_id>/ket-qua.docx")
@require(*READ_CHECKS)
def result_docx(check_id: int):
    return _result(check_id, "docx")


def _result(check_id: int, fmt: str):
    """The check's record in PDF or Word: one Document (portal.iso.record), the same readers."""
    document = record.build(_load_check(check_id))
    db.session.commit()  # read only: ends the transaction before the slow rendering
    return send_document(document, fmt)


for _child in (qt, nn, bm):
    bp.register_blueprint(_child)
