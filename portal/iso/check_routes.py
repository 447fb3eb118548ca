"""The sample checks' pages (/iso/boc-mau): the list, a new check, its dossiers (added, imported,
removed), drawing the sample, recording each step, completing the check, its record in PDF or Word."""
import datetime as dt

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts import roles as R
from portal.audit.panel import history_page
from portal.audit.queries import history_for
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export
from portal.exports.xlsx import xlsx_response
from portal.extensions import db
from portal.pdf.send import send_document
from portal.timeutil import today
from portal.web.access import deny_unless, require
from portal.web.concurrency import commit_or_conflict
from portal.web.forms import EmptyForm
from portal.web.htmx import is_htmx, render

from . import checks, record, services
from .forms import CheckForm, DossierForm, DrawForm, FileForm, StepForm
from .models import RESULTS, Dossier, ProcedureStep, SampleCheck
from .services import READ_CHECKS, InputError

bm = Blueprint("bm", __name__, url_prefix="/boc-mau")  # a child of the "iso" blueprint (routes.py)


def _flash_errors(errors, limit=50):
    for message in errors[:limit]:
        flash(message, "error")
    if len(errors) > limit:
        flash(f"… và {len(errors) - limit} lỗi khác.", "error")


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


def _check_page(check, dossier_form=None, status=200, block=None, remedy_forms=None):
    from .first_remedies import can_give

    holidays = services.holiday_set()  # one query for the rates and for the warning below
    res = checks.results(check, holidays)
    findings = checks.findings_for(check)
    horizon = check.period_end + dt.timedelta(days=60)
    return render("iso/check.html", block, status=status, check=check, res=res,
                  remedy_forms=remedy_forms or {}, can_give=can_give(current_user),
                  dossier_form=dossier_form or _dossier_form(check), file_form=FileForm(),
                  draw_form=DrawForm(), empty_form=EmptyForm(), can_manage=services.can_manage(current_user),
                  can_record=services.can_record(current_user), findings=findings,
                  holidays_known=any(check.period_start <= day <= horizon for day in holidays))


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
        flash(f"Đã hoàn thành đợt bóc mẫu; ghi nhận {len(created)} tồn tại, hạn chế."
              + (" Hãy giao biện pháp khắc phục cho từng tồn tại bên dưới." if created else ""), "success")
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
