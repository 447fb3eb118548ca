"""URL table of the responsibility lists. Views load, check, call a service, commit once."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.audit.queries import history_for
from portal.catalogue import services as catalogue_services
from portal.catalogue.models import Catalogue, Criterion
from portal.exports.xlsx import xlsx_response
from portal.extensions import db
from portal.text import nfc
from portal.timeutil import today
from portal.web.access import require
from portal.web.concurrency import EditConflict
from portal.web.htmx import is_htmx, render, trigger
from portal.web.nav import home_panel, nav
from portal.web.pagination import paginate
from portal.web.params import db_int

from . import exchange, lines, services
from .forms import AssignmentForm, BulkForm, ConfirmImportForm, CopyForm, HandoverForm, ImportForm
from .policy import can_edit
from .services import Filters

PER_PAGE = 50
bp = Blueprint("assignments", __name__, url_prefix="/phan-cong")

nav("Việc của tôi", "assignments.mine", roles=(R.STAFF,), order=5)
nav("Phân công phụ trách", "assignments.index", order=20)

CHANGED = "assignments-changed"  # HX-Trigger event: the counter refreshes itself on it


def _home_context(user):
    return {"my": services.my_summary(catalogue_services.current_catalogue(), user)}


home_panel("assignments/_home_panel.html", roles=(R.STAFF,), order=10, context=_home_context)


# --- helpers -----------------------------------------------------------------------------

def _catalogue(among: list[Catalogue] | None = None) -> Catalogue:
    if request.values.get("nam") or request.values.get("bo") or request.values.get("chon"):
        return catalogue_services.catalogue_from_args(request.values) or abort(
            404, f"Chưa có bộ nội dung năm {request.values.get('nam', '')[:10]}.")
    return catalogue_services.current_catalogue(among=among) or abort(
        404, "Chưa có bộ nội dung kiểm tra nào; hãy nhập bộ nội dung của năm trước khi phân công.")


def _filters() -> Filters:
    v = request.values
    return Filters(area_id=v.get("linh_vuc", type=db_int), unit_id=v.get("don_vi", type=db_int),
                   person_id=v.get("nguoi", type=db_int), unassigned=v.get("chua_phan_cong") == "1",
                   q=nfc(v.get("q", "")).strip()[:200])


def _criterion(criterion_id: int) -> Criterion:
    return db.session.get(Criterion, criterion_id) or abort(404)


def _people_units() -> dict[int, int | None]:
    return dict(db.session.execute(select(User.id, User.unit_id)).all())


def _list_context(catalogue, filters, years=None, **extra):
    # a page at a time: a year's list passes a screenful (10× the demo ward: 690 criteria)
    total, unassigned = services.list_counts(catalogue, filters)
    page = paginate(lines.lines_select(catalogue, filters), per_page=PER_PAGE, total=total, make=lines.make)
    criteria = page.items = lines.complete(catalogue, page.items)
    years = catalogue_services.all_catalogues() if years is None else years
    people, units = services.active_people(), services.active_units()
    ctx = dict(catalogue=catalogue, filters=filters, criteria=criteria, page=page, years=years,
               areas=catalogue_services.area_rows(catalogue), people=people, units=units,
               editable=can_edit(current_user), unassigned=unassigned, on_date=today())
    if ctx["editable"]:
        ctx["bulk"] = extra.pop("bulk", None) or BulkForm().fill_choices(
            {str(p.id): p.full_name for p in people}, {str(u.id): u.name for u in units})
    ctx.update(extra)
    return ctx


def _subtitle(filters: Filters) -> str:
    parts = []
    if filters.unit_id and (unit := db.session.get(Unit, filters.unit_id)):
        parts.append(f"Đơn vị: {unit.name}")
    if filters.person_id and (person := db.session.get(User, filters.person_id)):
        parts.append(f"Người phụ trách: {person.full_name}"
                     + (f" ({person.unit.name})" if person.unit else ""))
    return "; ".join(parts)


# --- lists -------------------------------------------------------------------------------

@bp.get("/")
def index():
    years = catalogue_services.all_catalogues()
    return render("assignments/index.html", "table", **_list_context(_catalogue(years), _filters(), years))


@bp.get("/dem")
def counter():
    catalogue = _catalogue()
    return render("assignments/_counter.html", unassigned=services.unassigned_count(catalogue),
                  catalogue=catalogue)


@bp.get("/cua-toi")
def mine():
    """The person's own list, a page at a time (one person may hold a tenth of the year's
    criteria), grouped by area, with an area filter; its Excel and PDF hold the whole list."""
    catalogue = _catalogue()
    summary = services.my_summary(catalogue, current_user)
    loads = {a.area.id: a for a in summary["areas"]}
    area_id = request.args.get("linh_vuc", type=db_int)
    total = (loads[area_id].count if area_id in loads else 0) if area_id else summary["count"]
    page = paginate(lines.lines_select(catalogue, Filters(person_id=current_user.id, area_id=area_id)),
                    per_page=PER_PAGE, total=total, make=lines.make)  # light rows, as the whole list
    page.items = lines.complete(catalogue, page.items)
    return render("assignments/mine.html", "results", catalogue=catalogue, page=page, area_id=area_id,
                  groups=lines.by_area(page.items), count=summary["count"], summary=summary, on_date=today())


@bp.get("/noi-dung/<int:criterion_id>")
def detail(criterion_id: int):
    criterion = _criterion(criterion_id)
    assignment = criterion.assignment
    return render("assignments/detail.html", criterion=criterion, assignment=assignment,
                  history=services.history_of(criterion),
                  changes=history_for(assignment) if assignment else [],
                  editable=can_edit(current_user))


@bp.get("/noi-dung/<int:criterion_id>/hang")
def row(criterion_id: int):
    return _row(_criterion(criterion_id), can_edit(current_user))


def _row(criterion: Criterion, editable: bool):
    line = lines.one(db.session.get(Catalogue, criterion.catalogue_id), criterion.id)
    return render("assignments/_row.html", c=line, editable=editable, on_date=today())


# --- changes (secretariat and admin) -----------------------------------------------------

@bp.route("/noi-dung/<int:criterion_id>/sua", methods=["GET", "POST"])
@require(*R.MANAGERS)
def edit(criterion_id: int):
    criterion = _criterion(criterion_id)
    form = AssignmentForm().fill_choices()
    if request.method == "GET":
        form.load(criterion.assignment)
        return render("assignments/edit.html", "row", criterion=criterion, form=form)
    if not form.validate():
        return render("assignments/edit.html", "row", 422, criterion=criterion, form=form)
    try:
        services.save_assignment(criterion, form.to_data(_people_units()), form.version.data,
                                 reason="Sửa phân công")
        db.session.commit()
    except (EditConflict, StaleDataError):
        db.session.rollback()
        return render("assignments/edit.html", "row", 409, criterion=criterion, form=form,
                      conflict=EditConflict.message)
    if is_htmx():
        response = _row(criterion, True)
        return trigger(response, CHANGED)
    flash(f"Đã lưu phân công nội dung {criterion.code}.", "success")
    return redirect(url_for(".detail", criterion_id=criterion.id), code=303)


@bp.post("/giao")
@require(*R.MANAGERS)
def bulk():
    catalogue = _catalogue()
    form = BulkForm().fill_choices()
    if not form.validate():
        if is_htmx():
            response = render("assignments/index.html", "bulk_errors", 422, bulk=form)
            response.headers["HX-Retarget"] = "#bulk-errors"
            response.headers["HX-Reswap"] = "innerHTML"
            return response
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
        return redirect(url_for(".index", **catalogue.url_args, **_filters().as_args()), code=303)
    ids = {int(i) for i in form.criteria.data if str(i).isdigit()}  # compared in Python only
    criteria = [c for c in services.list_criteria(catalogue) if c.id in ids]
    lead_person = int(form.lead_person.data) if form.lead_person.data else None
    lead_unit = int(form.lead_unit.data) if form.lead_unit.data else _people_units().get(lead_person)
    count = services.assign_many(criteria, lead_unit, lead_person,
                                 coordinator_person_ids=[int(i) for i in form.coordinator_persons.data],
                                 timeframe=form.timeframe.data or "")
    db.session.commit()
    message = f"Đã phân công {count} nội dung kiểm tra."
    if is_htmx():
        response = render("assignments/index.html", "table",
                          **_list_context(catalogue, _filters(), message=message))
        return trigger(response, CHANGED)
    flash(message, "success")
    return redirect(url_for(".index", **catalogue.url_args, **_filters().as_args()), code=303)


@bp.route("/ban-giao", methods=["GET", "POST"])
@require(*R.MANAGERS)
def handover():
    form = HandoverForm().fill_choices()
    if form.validate_on_submit():
        source = db.session.get(User, int(form.from_person.data)) or abort(404)
        target = db.session.get(User, int(form.to_person.data)) or abort(404)
        catalogue = catalogue_services.current_catalogue()
        moved = services.handover(source, target, form.reason.data or "", catalogue=catalogue)
        work = ""
        if form.move_work.data:  # the leaver's open reports and remedies follow the assignments
            from portal.rounds.responsibility import move_open_work

            reports, remedies = move_open_work(source, target, reason=form.reason.data or "Bàn giao")
            work = f"; {reports} báo cáo chưa gửi và {remedies} biện pháp khắc phục đang mở"
        db.session.commit()
        flash(f"Đã bàn giao {moved} phân công từ {source.full_name} sang {target.full_name}"
              f"{f' (bộ nội dung năm {catalogue.year})' if catalogue else ''}{work}.", "success")
        return redirect(url_for(".index", nguoi=target.id), code=303)
    status = 422 if request.method == "POST" else 200
    catalogue = catalogue_services.current_catalogue()
    counts = services.load_by_person(catalogue) if catalogue else {}
    return render("assignments/handover.html", status=status, form=form, counts=counts,
                  people=services.active_people())


@bp.route("/sao-chep", methods=["GET", "POST"])
@require(*R.MANAGERS)
def copy():
    """Preview first ("Xem trước"), then copy: pairs whose texts differ are copied only when
    ticked. A POST without the preview step copies only what matches by code and text."""
    from . import copying

    catalogues = catalogue_services.all_catalogues()
    form = CopyForm()
    choices = {str(c.id): c.label for c in catalogues}
    form.source.choices, form.target.choices = choices, choices
    if request.method == "GET" and len(catalogues) > 1:
        form.source.data, form.target.data = str(catalogues[1].id), str(catalogues[0].id)
    if form.validate_on_submit():
        source = db.session.get(Catalogue, int(form.source.data))
        target = db.session.get(Catalogue, int(form.target.data))
        result = copying.plan_copy(source, target)
        if request.form.get("buoc") == "xem_truoc":
            return render("assignments/copy.html", form=form, result=result, source=source, target=target,
                          catalogues=catalogues, preview=True)
        copying.apply_copy(source, target, result, request.form.getlist("xac_nhan"))
        db.session.commit()
        flash(f"Đã sao chép {result.copied} phân công từ {source.label} sang {target.label}.", "success")
        return render("assignments/copy.html", form=form, result=result, source=source, target=target,
                      catalogues=catalogues, preview=False)
    status = 422 if request.method == "POST" else 200
    return render("assignments/copy.html", status=status, form=form, result=None, catalogues=catalogues)


# --- Excel and PDF -----------------------------------------------------------------------

def _file_stem(catalogue, filters) -> str:
    stem = f"Phân công phụ trách {catalogue.year}"
    if filters.unit_id and (unit := db.session.get(Unit, filters.unit_id)):
        stem += f" - {unit.short_name or unit.name}"
    if filters.person_id and (person := db.session.get(User, filters.person_id)):
        stem += f" - {person.full_name}"
    return stem


@bp.get("/xuat.xlsx")
def export_xlsx():
    catalogue, filters = _catalogue(), _filters()
    criteria = services.list_criteria(catalogue, filters)
    heading = [f"DANH SÁCH PHÂN CÔNG PHỤ TRÁCH NỘI DUNG KIỂM TRA CẢI CÁCH HÀNH CHÍNH NĂM {catalogue.year}"]
    if sub := _subtitle(filters):
        heading.append(sub)
    data = exchange.build_xlsx(criteria, heading)
    return xlsx_response(data, _file_stem(catalogue, filters) + ".xlsx")


@bp.get("/xuat.docx")
def export_docx():
    return export_pdf("docx")


@bp.get("/xuat.pdf")
def export_pdf(fmt="pdf"):
    """The responsibility list as the plan's annex (portal.reports.annex), in PDF or Word."""
    from portal.pdf.send import send_document
    from portal.reports.annex import responsibility_annex

    if fmt not in ("pdf", "docx"):
        abort(404)
    catalogue, filters = _catalogue(), _filters()
    criteria = services.list_criteria(catalogue, filters)
    document = responsibility_annex(criteria, catalogue.year, _subtitle(filters))
    document.file_stem = _file_stem(catalogue, filters)
    db.session.commit()  # never hold a transaction open while rendering
    return send_document(document, fmt)


@bp.route("/nhap", methods=["GET", "POST"])
@require(*R.MANAGERS)
def import_file():
    catalogue = _catalogue()
    form = ImportForm()
    changes, errors, token = None, [], None
    if request.method == "POST":
        if not form.validate_on_submit():
            errors = [e for field in form.errors.values() for e in field]
        else:
            changes, errors = exchange.parse_import(form.file.data, catalogue)
            if not errors:
                token = exchange.sign_changes(catalogue, changes)
    status = 422 if errors else 200
    return render("assignments/import.html", status=status, form=form, catalogue=catalogue,
                  changes=changes, errors=errors, confirm=ConfirmImportForm(token=token) if token else None)


@bp.post("/nhap/xac-nhan")
@require(*R.MANAGERS)
def import_confirm():
    form = ConfirmImportForm()
    loaded = exchange.load_changes(form.token.data) if form.validate_on_submit() else None
    if loaded is None:
        flash("Dữ liệu xác nhận không hợp lệ hoặc đã bị sửa; hãy tải tệp lên lại.", "error")
        return redirect(url_for(".import_file"), code=303)
    catalogue_id, rows = loaded
    catalogue = db.session.get(Catalogue, catalogue_id) or abort(404)
    try:
        count = exchange.apply_changes(catalogue, rows)
        db.session.commit()
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".import_file", **catalogue.url_args), code=303)
    flash(f"Đã nhập {count} phân công từ tệp Excel.", "success")
    return redirect(url_for(".index", **catalogue.url_args), code=303)
