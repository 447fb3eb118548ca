"""Sổ theo dõi kiểm tra đột xuất: list, record, minutes (files, and the ND30 minutes in PDF and Word), Excel."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts import roles as R
from portal.accounts.models import Unit
from portal.audit.panel import history_page
from portal.audit.queries import history_for
from portal.audit.recorder import log_event
from portal.evidence.models import StoredFile
from portal.exports.xlsx import Sheet, build_workbook, xlsx_response
from portal.extensions import db
from portal.pdf.send import send_document
from portal.settings.models import get_settings
from portal.text import nfc
from portal.timeutil import today
from portal.web.access import deny_unless, require
from portal.web.concurrency import check_version, commit_or_conflict
from portal.web.forms import apply_errors
from portal.web.htmx import render
from portal.web.nav import nav
from portal.web.pagination import paginate
from portal.web.params import db_int

from . import minutes
from . import services as S
from .forms import EntryForm, MinutesForm
from .models import SUBJECT_KINDS, AdhocEntry

bp = Blueprint("adhoc", __name__, url_prefix="/kiem-tra-dot-xuat")

nav("Kiểm tra đột xuất", "adhoc.index", roles=(R.LEADER, R.INSPECTOR, *R.MANAGERS), order=62)


def _filters():
    args = request.args
    kind = args.get("loai", "")
    return {"q": nfc(args.get("q", "")).strip()[:200], "kind": kind if kind in SUBJECT_KINDS else "",
            "unit_id": args.get("don_vi", type=db_int), "year": args.get("nam", type=db_int)}


def _load(entry_id: int) -> AdhocEntry:
    entry = db.session.get(AdhocEntry, entry_id) or abort(404)
    deny_unless(S.can_view(current_user, entry))
    return entry


@bp.get("/")
@require(R.LEADER, R.INSPECTOR, *R.MANAGERS)
def index():
    f = _filters()
    # the rows show the inspected unit and person and the number of files: loaded with the page
    stmt = S.entries_query(current_user, **f).options(
        joinedload(AdhocEntry.unit), joinedload(AdhocEntry.person), selectinload(AdhocEntry.files))
    page = paginate(stmt, per_page=20)
    units = db.session.scalars(select(Unit).where(Unit.active).order_by(Unit.position)).all()
    return render("adhoc/index.html", "results", page=page, f=f, kinds=SUBJECT_KINDS, units=units,
                  can_manage=S.can_manage(current_user))


@bp.get("/xuat-excel")
@require(R.LEADER, R.INSPECTOR, *R.MANAGERS)
def export():
    entries = db.session.scalars(S.entries_query(current_user, **_filters())).all()
    rows = S.export_rows(entries)
    ward = get_settings()
    heading = ["SỔ THEO DÕI KIỂM TRA ĐỘT XUẤT", f"{ward.ward_name} — xuất ngày {today():%d/%m/%Y}"]
    data = build_workbook([Sheet("Kiểm tra đột xuất", S.EXPORT_HEADERS, rows, heading=heading,
                                 widths=[5, 12, 13, 22, 30, 20, 20, 28, 20, 25, 40, 40, 35, 30, 10])])
    return xlsx_response(data, f"So-kiem-tra-dot-xuat-{today():%Y%m%d}.xlsx")


def _form_page(form, entry, status=200):
    year = entry.year if entry else today().year
    return render("adhoc/form.html", form=form, entry=entry, status=status,
                  suggestions=S.subject_suggestions(year) or S.subject_suggestions())


@bp.route("/moi", methods=["GET", "POST"])
@require(*R.MANAGERS)
def new():
    form = EntryForm()
    if request.method == "GET":
        form.inspected_on.data = today().isoformat()
        form.lead_id.data = current_user.id
    if form.validate_on_submit():
        from portal.evidence.services import UploadRejected, save_upload

        try:
            entry = S.create_entry(created_by=current_user, **form.values())
            for photo in request.files.getlist("photos"):  # photos taken on the spot
                if photo and photo.filename:
                    entry.files.append(save_upload(photo, current_user))
        except S.AdhocError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        except UploadRejected as exc:
            db.session.rollback()
            apply_errors(form, {"photos": exc.message})
        else:
            db.session.commit()
            flash("Đã ghi vào sổ theo dõi kiểm tra đột xuất.", "success")
            return redirect(url_for("adhoc.detail", entry_id=entry.id), code=303)
    return _form_page(form, None, 422 if form.errors else 200)


@bp.route("/<int:entry_id>/sua", methods=["GET", "POST"])
@require(*R.MANAGERS)
def edit(entry_id: int):
    entry = db.session.get(AdhocEntry, entry_id) or abort(404)
    form = EntryForm(obj=entry if request.method == "GET" else None)
    if request.method == "GET":
        form.inspected_on.data = entry.inspected_on.isoformat()
        form.member_ids.data = [str(m.id) for m in entry.members]
        form.version.data = entry.version
    if form.validate_on_submit():
        check_version(entry, form.version.data)
        try:
            S.update_entry(entry, **form.values())
        except S.AdhocError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
            entry = db.session.get(AdhocEntry, entry_id)
        else:
            commit_or_conflict()
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for("adhoc.detail", entry_id=entry.id), code=303)
    return _form_page(form, entry, 422 if form.errors else 200)


@bp.get("/<int:entry_id>")
def detail(entry_id: int, minutes_form=None, status=200):
    entry = _load(entry_id)
    return render("adhoc/detail.html", entry=entry, status=status,
                  findings=S.findings_of(entry), can_manage=S.can_manage(current_user),
                  minutes_form=minutes_form or MinutesForm(formdata=None))


@bp.get("/<int:entry_id>/lich-su")
def history(entry_id: int):
    """The entry's history panel (loaded when opened), for whoever may open the entry."""
    entry = _load(entry_id)
    return history_page(entry, history_for(entry), url_for("adhoc.detail", entry_id=entry.id))


@bp.post("/<int:entry_id>/bien-ban")
@require(*R.MANAGERS)
def attach(entry_id: int):
    entry = db.session.get(AdhocEntry, entry_id) or abort(404)
    form = MinutesForm()
    files = [f for f in (form.files.data or []) if f and f.filename]
    if form.validate_on_submit() and not files:
        form.files.errors = ["Vui lòng chọn ít nhất một tệp."]
    elif form.validate_on_submit():
        from portal.evidence.services import UploadRejected, save_upload

        try:
            stored = [save_upload(f, current_user) for f in files]
        except UploadRejected as exc:
            db.session.rollback()
            form.files.errors = [exc.message]
        else:
            entry.files.extend(stored)
            log_event(db.session, entry, "attach", {"files": [s.original_name for s in stored]})
            db.session.commit()
            flash(f"Đã đính kèm {len(stored)} tệp.", "success")
            return redirect(url_for("adhoc.detail", entry_id=entry.id), code=303)
    return detail(entry_id, minutes_form=form, status=422)


@bp.get("/<int:entry_id>/tep/<int:file_id>")
def file(entry_id: int, file_id: int):
    entry = _load(entry_id)
    stored = db.session.get(StoredFile, file_id)
    if stored is None or stored not in entry.files:
        abort(404)
    from portal.evidence.services import send_stored_file

    return send_stored_file(stored, inline=request.args.get("xem") == "1")


@bp.get("/<int:entry_id>/bien-ban.pdf")
def minutes_pdf(entry_id: int):
    return _minutes(entry_id, "pdf")


@bp.get("/<int:entry_id>/bien-ban.docx")
def minutes_docx(entry_id: int):
    return _minutes(entry_id, "docx")


def _minutes(entry_id: int, fmt: str):
    """The entry's minutes in PDF or Word: one Document (portal.adhoc.minutes), the entry's readers."""
    document = minutes.build(_load(entry_id))
    db.session.commit()  # release the read transaction before the slow render
    return send_document(document, fmt)


from . import offline  # noqa: E402,F401  (routes of entries sent from a phone's outbox)
