from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select

from portal.accounts import roles as R
from portal.extensions import db
from portal.text import nfc
from portal.web.access import require
from portal.web.htmx import render
from portal.web.nav import nav
from portal.web.params import db_int

from portal.exports.xlsx import xlsx_response

from . import excelformat, fileformat, services
from .models import Catalogue

bp = Blueprint("catalogue", __name__, url_prefix="/bo-noi-dung")

nav("Bộ nội dung kiểm tra", "catalogue.index", order=10)


class ImportForm(FlaskForm):
    file = FileField("Tệp bộ nội dung (.yaml hoặc .xlsx)", validators=[FileRequired("Vui lòng chọn tệp để nhập.")])


def _catalogue_from_args() -> Catalogue | None:
    if request.args.get("nam") or request.args.get("bo") or request.args.get("chon"):
        return services.catalogue_from_args(request.args) or abort(404, "Chưa có bộ nội dung này.")
    return services.current_catalogue()


@bp.get("/")
def index():
    catalogue = _catalogue_from_args()
    years = services.all_catalogues()
    q = nfc(request.args.get("q", "")).strip()[:200]
    area_id = request.args.get("linh_vuc", type=db_int)
    criteria = services.search_criteria(catalogue, q, area_id) if catalogue else []
    return render("catalogue/index.html", "results", catalogue=catalogue, years=years, q=q,
                  area_id=area_id, criteria=criteria, import_form=ImportForm())


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
            catalogue, errors, stats = services.import_catalogue(spec)
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
