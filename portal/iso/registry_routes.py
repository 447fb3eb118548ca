"""The procedure registry's pages (/iso/quy-trinh): the list, a procedure and its versions,
adding and editing procedures, issuing a new version, the registry workbook out and in."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import Unit
from portal.audit.queries import history_for
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export
from portal.exports.xlsx import xlsx_response
from portal.extensions import db
from portal.text import nfc
from portal.timeutil import today
from portal.web.access import require
from portal.web.concurrency import check_version, commit_or_conflict
from portal.web.htmx import render
from portal.web.params import db_int

from . import registry_xlsx, services
from .forms import FileForm, NewProcedureForm, ProcedureHeadForm, VersionFields
from .models import KINDS, Procedure
from .services import InputError

qt = Blueprint("qt", __name__, url_prefix="/quy-trinh")  # a child of the "iso" blueprint (routes.py)


def _unit_choices(blank="— Chưa xác định —"):
    units = db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.position)).all()
    return {0: blank, **{u.id: u.name for u in units}}


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
        parsed = _parsed_version(form)
        if parsed is not None:
            proc = _saved(form, lambda: _create_procedure(form, *parsed))
            if proc is not None:
                flash(f"Đã thêm quy trình {proc.code}.", "success")
                return redirect(url_for("iso.qt.procedure", proc_id=proc.id), 303)
    status = 422 if request.method == "POST" else 200
    return render("iso/procedure_form.html", form=form, proc=None, hints=_hints()), status


def _create_procedure(form, steps, forms):
    proc = services.save_procedure(None, form.code.data, form.name.data, form.kind.data, form.unit_id.data or None)
    services.add_version(proc, form.number.data, form.effective_date.data, steps, forms, form.note.data)
    return proc


def _parsed_version(form):
    """The steps and forms typed into a version's fields, or None when either has errors (shown
    under its field)."""
    steps, errors = services.parse_steps(form.steps.data)
    forms, form_errors = services.parse_forms(form.forms.data or "")
    form.steps.errors += errors
    form.forms.errors += form_errors
    return None if errors or form_errors else (steps, forms)


def _saved(form, save):
    """Run save(): committed, its result; on InputError rolled back, the errors shown on the form
    and None."""
    try:
        result = save()
    except InputError as exc:
        db.session.rollback()
        form.form_errors.extend(exc.errors)
        return None
    commit_or_conflict(unique_clash=True)
    return result


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
        if _saved(form, lambda: services.save_procedure(proc, form.code.data, form.name.data, form.kind.data,
                                                        form.unit_id.data or None)) is not None:
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
        parsed = _parsed_version(form)
        if parsed is not None:
            steps, forms = parsed
            version = _saved(form, lambda: services.add_version(proc, form.number.data, form.effective_date.data,
                                                                steps, forms, form.note.data))
            if version is not None:
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
