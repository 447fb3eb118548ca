from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.exc import IntegrityError

from portal.accounts import roles as R
from portal.extensions import db
from portal.text import nfc
from portal.scoring.rules import RULES
from portal.web.access import require
from portal.web.concurrency import commit_or_conflict
from portal.web.forms import EmptyForm
from portal.web.htmx import render
from portal.web.nav import nav
from portal.web.params import db_int
from portal.web.pagination import paginate

from portal.exports.xlsx import xlsx_response
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export

from . import editing, excelformat, fileformat, services
from .models import Area, AreaGroup, Catalogue, Criterion

bp = Blueprint("catalogue", __name__, url_prefix="/bo-noi-dung")

nav("Bộ nội dung kiểm tra", "catalogue.index", order=10)


class ImportForm(FlaskForm):
    file = FileField("Tệp bộ nội dung (.yaml hoặc .xlsx)", validators=[FileRequired("Vui lòng chọn tệp để nhập.")])


def _catalogue_from_args(among: list[Catalogue] | None = None) -> Catalogue | None:
    if request.args.get("nam") or request.args.get("bo") or request.args.get("chon"):
        return services.catalogue_from_args(request.args) or abort(404, "Chưa có bộ nội dung này.")
    return services.current_catalogue(among=among)


@bp.get("/")
def index():
    years = services.all_catalogues()
    catalogue = _catalogue_from_args(years)
    q = nfc(request.args.get("q", "")).strip()[:200]
    area_id = request.args.get("linh_vuc", type=db_int)
    if catalogue and wants_export():
        services.load_areas(catalogue)
        return export_response(export_lists.catalogue(catalogue, services.search_criteria(catalogue, q, area_id)))
    # a page from the database: at 10× the demo ward a year holds 690 criteria
    page = paginate(services.criteria_select(catalogue, q, area_id), per_page=PER_PAGE) if catalogue else None
    if catalogue:
        services.load_areas(catalogue)
    manager = bool(catalogue) and current_user.has_role(*R.MANAGERS)
    lock = editing.lock_state(catalogue) if manager else None
    refusal = services.deletion_refusal(catalogue) if manager else None
    # The reading page carries one "Sửa" link a row; the ↑↓ buttons come in the sorting mode
    # (?sap_xep=1), so a 100-row page stays light. A year a closed round used is read-only.
    editor = manager and lock != "closed"
    return render("catalogue/index.html", "results", catalogue=catalogue, years=years, q=q,
                  area_id=area_id, page=page, editor=editor, lock=lock,
                  sorting=editor and request.args.get("sap_xep") == "1",
                  import_form=ImportForm(),
                  can_delete=manager and refusal is None,
                  delete_refusal=refusal, delete_form=EmptyForm())


PER_PAGE = 100


def _back_to(criterion: Criterion, **args):
    """The catalogue page showing this criterion, scrolled to its row."""
    page = services.page_of(criterion, PER_PAGE)
    return redirect(url_for("catalogue.index", **criterion.area.catalogue.url_args, **args,
                            **({"page": page} if page > 1 else {}), _anchor=f"c-{criterion.id}"), code=303)


@bp.post("/<int:year>/xoa")
@require(*R.MANAGERS)
def delete(year: int):
    """Delete a year imported by mistake; a year a round (or anything else) uses stays."""
    catalogue = _by_year_kind(year)
    if not EmptyForm().validate_on_submit():
        abort(400)
    label, back = catalogue.label, url_for("catalogue.index", **catalogue.url_args)
    try:
        services.delete_catalogue(catalogue)
        db.session.commit()
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back, code=303)
    except IntegrityError:
        db.session.rollback()
        flash(f"Không thể xóa bộ nội dung “{label}”: đã có bản ghi gắn với nó.", "error")
        return redirect(back, code=303)
    flash(f"Đã xóa bộ nội dung “{label}”.", "success")
    return redirect(url_for("catalogue.index"), code=303)


def _by_year_kind(year: int) -> Catalogue:
    kind = request.args.get("bo") or "inspection"
    return services.catalogue_for_year(year, kind) or abort(404)


@bp.get("/<int:year>.yaml")
def export(year: int):
    catalogue = _by_year_kind(year)
    return Response(fileformat.dump(catalogue), mimetype="application/x-yaml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="bo-noi-dung-{year}.yaml"'})


@bp.get("/<int:year>.xlsx")
def export_xlsx(year: int):
    catalogue = _by_year_kind(year)
    return xlsx_response(excelformat.build_xlsx(catalogue), f"Bộ nội dung {year}.xlsx")


@bp.get("/mau.xlsx")
@require(*R.MANAGERS)
def template_xlsx():
    return xlsx_response(excelformat.build_xlsx(None), "Mẫu bộ nội dung.xlsx")


@bp.post("/nhap")
@require(*R.MANAGERS)
def import_file():
    form = ImportForm()
    errors: list[str] = []
    if not form.validate_on_submit():
        errors = [e for field in form.errors.values() for e in field]
    else:
        # Read one byte past the cap so an oversized upload is refused without reading it all.
        spec, errors = fileformat.parse(form.file.data.stream.read(excelformat.MAX_BYTES + 1))
        if spec is not None:
            try:
                catalogue, errors, stats = services.import_catalogue(spec)
            except IntegrityError:  # a use the checks above did not foresee: refused, never a 500
                db.session.rollback()
                catalogue, errors = None, [f"Không nhập được bộ nội dung năm {spec.year}: tệp bỏ đi hoặc thay đổi "
                                           "nội dung đang được dùng (phân công, báo cáo, tồn tại)."]
            if catalogue is not None:
                db.session.commit()
                flash(f"Đã nhập {catalogue.kind_label.lower() if spec.kind != 'inspection' else 'bộ nội dung'} năm {spec.year}: {spec.criteria_count()} nội dung "
                      f"({stats['created']} mới, {stats['updated']} cập nhật, {stats['removed']} bỏ đi).",
                      "success")
                return redirect(url_for("catalogue.index", **catalogue.url_args))
            db.session.rollback()
    for message in errors[:50]:
        flash(message, "error")
    if len(errors) > 50:
        flash(f"… và {len(errors) - 50} lỗi khác.", "error")
    flash("Chưa nhập gì: hãy sửa các lỗi trên rồi nhập lại.", "error")
    return redirect(url_for("catalogue.index"))


# -- editing in the portal ---------------------------------------------------------------------
FIELDS = ("code", "text", "unit", "target", "max_points", "rule", "thresholds", "partial")


def _values(criterion: Criterion | None) -> dict:
    if criterion is None:
        return {k: "" for k in FIELDS}

    def n(x):
        return "" if x is None else f"{x.normalize():f}"
    return {"code": criterion.code, "text": criterion.text, "unit": criterion.indicator_unit,
            "target": n(criterion.indicator_target), "max_points": n(criterion.max_points),
            "rule": criterion.scoring_rule, "thresholds": criterion.thresholds, "partial": n(criterion.partial_ratio)}


def _edit_page(catalogue, area, criterion, values, errors=(), status=200, group_id=None):
    return render("catalogue/edit.html", catalogue=catalogue, area=area, criterion=criterion, values=values,
                  errors=list(errors), rules=RULES, lock=editing.lock_state(catalogue), group_id=group_id,
                  status=status)


def _form_values() -> dict:
    return {k: nfc(request.form.get(k, ""))[:5000] for k in FIELDS}


@bp.route("/noi-dung/<int:criterion_id>/sua", methods=["GET", "POST"])
@require(*R.MANAGERS)
def edit_criterion(criterion_id: int):
    criterion = db.session.get(Criterion, criterion_id) or abort(404)
    catalogue = criterion.area.catalogue
    if request.method == "GET":
        return _edit_page(catalogue, criterion.area, criterion, _values(criterion))
    values = _form_values()
    try:
        editing.save_criterion(criterion, values, area=criterion.area, version=request.form.get("version"),
                               group=criterion.group, parent=criterion.parent)
    except editing.EditRefused as exc:
        db.session.rollback()
        return _edit_page(catalogue, criterion.area, criterion, values, exc.messages, 422)
    commit_or_conflict(unique_clash=True)
    flash(f"Đã lưu nội dung {criterion.code}.", "success")
    return _back_to(criterion)


@bp.route("/linh-vuc/<int:area_id>/them", methods=["GET", "POST"])
@require(*R.MANAGERS)
def add_criterion(area_id: int):
    area = db.session.get(Area, area_id) or abort(404)
    catalogue = area.catalogue
    group_id = request.values.get("nhom", type=db_int)
    group = next((g for g in area.groups if g.id == group_id), None)
    if request.method == "GET":
        return _edit_page(catalogue, area, None, _values(None), group_id=group.id if group else None)
    values = _form_values()
    try:
        criterion = editing.save_criterion(None, values, area=area, group=group, version=request.form.get("version"))
    except editing.EditRefused as exc:
        db.session.rollback()
        return _edit_page(catalogue, area, None, values, exc.messages, 422, group_id=group.id if group else None)
    commit_or_conflict(unique_clash=True)
    flash(f"Đã thêm nội dung {criterion.code}.", "success")
    return _back_to(criterion)


@bp.post("/noi-dung/<int:criterion_id>/di-chuyen")
@require(*R.MANAGERS)
def move_criterion(criterion_id: int):
    criterion = db.session.get(Criterion, criterion_id) or abort(404)
    try:
        editing.move_criterion(criterion, "up" if request.form.get("huong") == "len" else "down",
                               request.form.get("version"))
    except editing.EditRefused as exc:
        db.session.rollback()
        flash(exc.messages[0], "error")
        return _back_to(criterion, sap_xep=1)
    commit_or_conflict()
    return _back_to(criterion, sap_xep=1)


@bp.post("/linh-vuc/<int:area_id>/nhom")
@require(*R.MANAGERS)
def add_group(area_id: int):
    area = db.session.get(Area, area_id) or abort(404)
    catalogue = area.catalogue
    try:
        group = editing.add_group(area, request.form.get("code", "")[:100], request.form.get("name", "")[:1000],
                                  request.form.get("version"))
    except editing.EditRefused as exc:
        db.session.rollback()
        for message in exc.messages:
            flash(message, "error")
        return redirect(url_for("catalogue.index", **catalogue.url_args), code=303)
    commit_or_conflict()
    flash(f"Đã thêm nhóm {group.label}.", "success")
    return redirect(url_for("catalogue.index", **catalogue.url_args), code=303)


@bp.post("/<string:kind>/<int:item_id>/doi-ten")
@require(*R.MANAGERS)
def rename(kind: str, item_id: int):
    model = {"linh-vuc": Area, "nhom": AreaGroup}.get(kind) or abort(404)
    item = db.session.get(model, item_id) or abort(404)
    catalogue = item.catalogue if isinstance(item, Area) else item.area.catalogue
    try:
        editing.rename(item, request.form.get("name", "")[:1000], request.form.get("version"))
    except editing.EditRefused as exc:
        db.session.rollback()
        flash(exc.messages[0], "error")
        return redirect(url_for("catalogue.index", **catalogue.url_args), code=303)
    commit_or_conflict()
    flash("Đã đổi tên.", "success")
    return redirect(url_for("catalogue.index", **catalogue.url_args), code=303)
