"""The round's documents: summary report, unit minutes, evaluation sheets (PDF), the leader's
sign-off and the Excel exports. Plain staff may open only their own evaluation sheet."""
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.evidence.services import send_stored_file
from portal.exports.xlsx import xlsx_response
from portal.extensions import db
from portal.jobs import services as jobs
from portal.jobs.models import Job
from portal.pdf.send import send_document
from portal.rounds import overview
from portal.rounds import services as RS
from portal.rounds.models import Report, Round
from portal.web.access import deny_unless, require
from portal.web.errors import error_response
from portal.web.forms import EmptyForm
from portal.web.htmx import hx_redirect, is_htmx, render
from portal.web.nav import nav

from . import documents, exports
from . import services as S
from .models import SignOff

bp = Blueprint("reports", __name__, url_prefix="/bao-cao-ket-qua")
nav("Báo cáo kết quả", "reports.index", roles=(R.LEADER, *R.MANAGERS, R.INSPECTOR), order=40)


def _round(round_id: int) -> Round:
    rnd = db.session.get(Round, round_id) or abort(404, "Không tìm thấy đợt kiểm tra.")
    return rnd


def _readable_round(round_id: int) -> Round:
    rnd = _round(round_id)
    deny_unless(S.can_read_round(current_user, rnd))
    return rnd


@bp.get("/")
@require(R.LEADER, *R.MANAGERS, R.INSPECTOR)
def index():
    rounds = db.session.scalars(select(Round).where(Round.state != "draft")
                                .order_by(Round.year.desc(), Round.start_on.desc())).all()
    return render("reports/index.html", rounds=rounds, can_manage=current_user.has_role(*R.MANAGERS))


@bp.get("/dot/<int:round_id>")
def round_page(round_id):
    rnd = _readable_round(round_id)
    units = db.session.scalars(select(Unit).join(Report, Report.unit_id == Unit.id)
                               .where(Report.round_id == rnd.id).distinct().order_by(Unit.position)).all()
    people = db.session.scalars(select(User).join(Report, Report.author_id == User.id)
                                .where(Report.round_id == rnd.id).distinct().order_by(User.full_name)).all()
    my_jobs = db.session.scalars(select(Job).where(Job.user_id == current_user.id)
                                 .order_by(Job.id.desc()).limit(5)).all()
    from portal.rounds.rules import is_manager

    from .models import GoodPractice

    from sqlalchemy.orm import joinedload

    # each row shows its report's criterion code and author: joined, not one query per row
    marks = db.session.scalars(select(GoodPractice).where(GoodPractice.round_id == rnd.id)
                               .options(joinedload(GoodPractice.report).joinedload(Report.criterion),
                                        joinedload(GoodPractice.report).joinedload(Report.frozen),
                                        joinedload(GoodPractice.report).joinedload(Report.author))
                               .order_by(GoodPractice.id)).all()
    # the good-practice picker lists every sent report: light rows (id, code, author), not objects
    sent = overview.sent_choices(rnd.id) if rnd.state != "closed" else []
    can_mark = rnd.state != "closed" and (current_user.id in rnd.team_ids or is_manager(current_user))
    return render("reports/round.html", rnd=rnd, units=units, people=people, sign_offs=S.sign_offs(rnd.id),
                  marks=marks, sent=sent, can_mark=can_mark,
                  can_sign=S.can_sign_off(current_user), big=S.needs_job(rnd.id), count=S.report_count(rnd.id),
                  my_jobs=[j for j in my_jobs if j.params.get("round_id") == rnd.id], form=EmptyForm(),
                  exports=EXPORTS)


def _send(document, fmt: str) -> Response:
    """A built document as PDF (inline) or .docx (attachment): one description, two renderings."""
    return send_document(document, fmt)


def _fmt(fmt: str) -> str:
    if fmt not in ("pdf", "docx"):
        abort(404, "Không có định dạng này.")
    return fmt


@bp.route("/dot/<int:round_id>/bao-cao.<fmt>", methods=["GET", "POST"])
def summary_pdf(round_id, fmt="pdf"):
    rnd = _readable_round(round_id)
    _fmt(fmt)
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    number = request.values.get("so", "")
    if fmt == "pdf" and (S.needs_job(rnd.id) or request.values.get("nen") == "1"):
        if request.method == "GET":
            flash("Đợt kiểm tra có nhiều nội dung: báo cáo được tạo ở chế độ nền, vui lòng bấm “Tạo báo cáo”.", "info")
            return redirect(url_for("reports.round_page", round_id=rnd.id), code=303)
        job = jobs.submit("round_summary", {"round_id": rnd.id, "number": number,
                                            "title": f"Báo cáo kết quả kiểm tra — {rnd.name}"}, current_user)
        return hx_redirect(url_for("jobs.show", job_id=job.id))
    document = documents.summary_context(rnd.id, number)
    db.session.commit()  # never hold a transaction open while rendering
    return _send(document, fmt)


@bp.route("/dot/<int:round_id>/bien-ban/<int:unit_id>.<fmt>", methods=["GET"])
def minutes_pdf(round_id, unit_id, fmt="pdf"):
    return _unit_document(round_id, unit_id, fmt, documents.minutes_context)


def _unit_document(round_id, unit_id, fmt, build, *args):
    """One unit's document of a round: `build(round_id, unit_id, *args)` gives its context."""
    rnd = _readable_round(round_id)
    _fmt(fmt)
    unit = db.session.get(Unit, unit_id) or abort(404, "Không tìm thấy đơn vị.")
    document = build(rnd.id, unit.id, *args)
    db.session.commit()  # never hold a transaction open while rendering
    return _send(document, fmt)


@bp.get("/dot/<int:round_id>/phieu-danh-gia/<int:person_id>.<fmt>")
def evaluation_pdf(round_id, person_id, fmt="pdf"):
    rnd = _round(round_id)
    _fmt(fmt)
    deny_unless(S.can_read_sheet(current_user, rnd, person_id))
    person = db.session.get(User, person_id) or abort(404, "Không tìm thấy người được đánh giá.")
    document = documents.evaluation_context(rnd.id, person.id)
    db.session.commit()
    return _send(document, fmt)


@bp.post("/dot/<int:round_id>/phe-duyet")
@require(R.LEADER)
def sign_off(round_id):
    rnd = _readable_round(round_id)
    back = url_for("reports.round_page", round_id=rnd.id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    directive = request.form.get("chi_dao", "")
    number = request.form.get("so", "")
    try:
        row = S.sign_off(rnd, current_user, directive, number)
    except S.RuleError as exc:
        db.session.rollback()
        if is_htmx():
            return error_response(422, exc.message)
        flash(exc.message, "error")
        return redirect(back, code=303)
    sign_off_id = row.id
    if S.needs_job(rnd.id):
        db.session.commit()
        # A big round: the approved report is rendered in the background and attached.
        jobs.submit("sign_off_pdf", {"round_id": rnd.id, "number": number, "sign_off_id": sign_off_id,
                                     "title": f"Báo cáo đã phê duyệt — {rnd.name}"}, current_user)
        flash("Đã phê duyệt báo cáo và ghi ý kiến chỉ đạo; tệp báo cáo đang được tạo, sẽ có trong ít phút.",
              "success")
    else:
        document = S.approved_document(row)
        S.attach_files(row, documents.render("pdf", document), documents.render_word(document), current_user)
        db.session.commit()
        flash("Đã phê duyệt báo cáo và ghi ý kiến chỉ đạo.", "success")
    return hx_redirect(back)


@bp.get("/phe-duyet/<int:sign_off_id>.<fmt>")
def sign_off_pdf(sign_off_id, fmt="pdf"):
    _fmt(fmt)
    row = db.session.get(SignOff, sign_off_id) or abort(404, "Không tìm thấy phê duyệt.")
    deny_unless(S.can_read_round(current_user, row.round))
    stored = row.pdf_file if fmt == "pdf" else row.docx_file
    if stored is None:
        abort(404, "Phê duyệt này không kèm tệp báo cáo.")
    return send_stored_file(stored, inline=fmt == "pdf")


EXPORTS = {"ma-tran": "Ma trận nội dung", "tham-dinh": "Kết quả thẩm định",
           "ton-tai": "Tồn tại và biện pháp khắc phục", "dot-xuat": "Sổ kiểm tra đột xuất"}


@bp.get("/dot/<int:round_id>/xuat/<name>.xlsx")
def export(round_id, name):
    rnd = _readable_round(round_id)
    if name not in EXPORTS:
        abort(404, "Không có bảng xuất này.")
    if name == "ma-tran":
        data = exports.matrix(rnd)
    elif name == "tham-dinh":
        data = exports.reviews(rnd)
    elif name == "ton-tai":
        data = exports.findings(rnd.year)
    else:
        data = exports.adhoc(rnd.year)
    title = f"{EXPORTS[name]} - {rnd.name}" if name in ("ma-tran", "tham-dinh") else f"{EXPORTS[name]} năm {rnd.year}"
    db.session.commit()
    return xlsx_response(data, title)


def _id(value) -> int | None:
    """A submitted id, or None for blank or garbage (never a 500)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _parse_time(text: str):
    from datetime import time

    text = (text or "").strip()
    if not text:
        return None
    try:
        hh, mm = (text.replace("g", ":").replace("h", ":").split(":") + ["0"])[:2]
        return time(int(hh[:3]), int((mm or "0")[:3]))
    except (ValueError, OverflowError):
        raise ValueError from None


@bp.route("/dot/<int:round_id>/bien-ban/<int:unit_id>", methods=["GET", "POST"])
def minutes_edit(round_id, unit_id):
    """The minutes as they happened: day, times, attendees on each side, the unit's signer and
    opinion. The team and the secretariat enter them; a closed round's minutes are read-only."""
    from portal.rounds.rules import is_manager
    from portal.timeutil import parse_date
    from . import minutes as M

    rnd = _readable_round(round_id)
    unit = db.session.get(Unit, unit_id) or abort(404, "Không tìm thấy đơn vị.")
    can_edit = current_user.id in rnd.team_ids or is_manager(current_user)
    record = M.get_record(rnd, unit)
    errors = {}
    if request.method == "POST":
        deny_unless(can_edit)
        if not EmptyForm().validate_on_submit():
            abort(400)
        if rnd.state == "closed":
            return error_response(409, "Đợt kiểm tra đã kết thúc: biên bản chỉ được xem, không được thay đổi.")
        if record.id is not None and request.form.get("version") != str(record.version):
            return error_response(409, "Biên bản vừa được người khác cập nhật sau khi bạn mở trang. "
                                       "Thay đổi của bạn chưa được lưu; hãy tải lại để xem bản mới.")
        data = {"number": request.form.get("so", ""), "place": request.form.get("dia_diem", ""),
                "opinion": request.form.get("y_kien", ""),
                "team_ids": [i for i in map(_id, request.form.getlist("doan")) if i],
                "unit_ids": [i for i in map(_id, request.form.getlist("don_vi")) if i],
                "unit_signer_id": _id(request.form.get("nguoi_ky"))}
        if len(data["opinion"]) > 5000:
            errors["y_kien"] = "Ý kiến của đơn vị quá dài (tối đa 5.000 ký tự)."
        if len(data["place"]) > 300:
            errors["dia_diem"] = "Địa điểm quá dài (tối đa 300 ký tự)."
        try:
            data["held_on"] = parse_date(request.form.get("ngay", ""))
        except (ValueError, TypeError, OverflowError):
            data["held_on"] = None
        for key, name in (("start_time", "gio_bat_dau"), ("end_time", "gio_ket_thuc")):
            try:
                data[key] = _parse_time(request.form.get(name, ""))
            except ValueError:
                errors[name] = "Giờ không hợp lệ (nhập dạng 08:30)."
        try:
            data["copies"] = int((request.form.get("so_ban", "2") or "2")[:3])
        except ValueError:
            errors["so_ban"] = "Số bản phải là số."
        if not errors:
            try:
                record = M.save(rnd, unit, data, current_user)
            except M.MinutesError as exc:
                names = {"held_on": "ngay", "start_time": "gio_bat_dau", "end_time": "gio_ket_thuc",
                         "unit_signer_id": "nguoi_ky", "copies": "so_ban"}
                errors = {names.get(k, k): v for k, v in exc.errors.items()}
        if not errors:
            db.session.commit()
            flash("Đã lưu biên bản kiểm tra.", "success")
            return redirect(url_for("reports.minutes_edit", round_id=rnd.id, unit_id=unit.id), code=303)
        db.session.rollback()
        record = M.get_record(rnd, unit)
    from portal.reports import common as C

    team = C.team(rnd)
    team_ids = {u.id for u, _ in team}
    members = [m for m in unit.members if m.active]
    status = 422 if errors else 200
    return render("reports/minutes_form.html", rnd=rnd, unit=unit, record=record, team=team,
                  members=members, team_ids=team_ids, errors=errors, warnings=M.warnings(rnd, record),
                  can_edit=can_edit and rnd.state != "closed", form=EmptyForm(), values=request.form), status


TEAM_ROLES = ("Trưởng đoàn", "Phó Trưởng đoàn", "Thành viên", "Thư ký")


@bp.route("/ho-so-nam/<int:year>", methods=["GET", "POST"])
@require(*R.MANAGERS)
def year_records(year):
    """The year's inspection plan and the decision forming the team (số, ngày, người ký; members
    and their roles): every document of the year cites them."""
    from portal.text import clean

    from .forms import YearRecordsForm
    from .models import TeamRole, YearRecords

    if not 2000 <= year <= 2100:
        abort(404, "Năm không hợp lệ.")
    row = db.session.scalar(select(YearRecords).where(YearRecords.year == year))
    form = YearRecordsForm(obj=row)
    team_rounds = db.session.scalars(select(Round).where(Round.year == year)).all()
    people = sorted({u for r in team_rounds for u in ([r.leader] if r.leader else []) + list(r.members)},
                    key=lambda u: u.full_name)
    roles = {r.user_id: r.role for r in row.roles} if row else {}
    if request.method == "GET" and row is not None:
        form.version.data = row.version
    if form.validate_on_submit():
        if row is not None and form.version.data != str(row.version):
            return error_response(409, "Hồ sơ vừa được người khác cập nhật; hãy tải lại trang rồi sửa lại.")
        if row is None:
            row = YearRecords(year=year)
            db.session.add(row)
        for name in ("plan_number", "plan_signer", "plan_signer_title", "decision_number", "decision_signer",
                     "decision_signer_title"):
            setattr(row, name, clean(form[name].data or ""))
        row.plan_date, row.decision_date = form.plan_date.data, form.decision_date.data
        row.roles = [TeamRole(user_id=u.id, role=request.form.get(f"vai_tro_{u.id}"), position=i)
                     for i, u in enumerate(people) if request.form.get(f"vai_tro_{u.id}") in TEAM_ROLES]
        db.session.commit()
        flash(f"Đã lưu Kế hoạch và Quyết định thành lập Đoàn kiểm tra năm {year}.", "success")
        return redirect(url_for("reports.year_records", year=year), code=303)
    return render("reports/year_records.html", form=form, year=year, people=people, roles=roles,
                  team_roles=TEAM_ROLES), (422 if form.errors else 200)


@bp.get("/dot/<int:round_id>/tu-kiem-tra/<int:unit_id>.<fmt>")
def self_report(round_id, unit_id, fmt="pdf"):
    """A unit's self-inspection report (the unit issues it, its head signs)."""
    from . import unit_documents

    return _unit_document(round_id, unit_id, fmt, unit_documents.self_report)


@bp.get("/dot/<int:round_id>/ket-luan/<int:unit_id>.<fmt>")
def conclusion(round_id, unit_id, fmt="pdf"):
    """Thông báo kết luận kiểm tra to one unit."""
    from . import unit_documents

    return _unit_document(round_id, unit_id, fmt, unit_documents.conclusion, request.args.get("so", ""))


@bp.get("/nam/<int:year>/bao-cao.<fmt>")
@require(R.LEADER, *R.MANAGERS, R.INSPECTOR)
def year_report(year, fmt="pdf"):
    """The ward's year-end report (both rounds, ad-hoc log, ISO, remedies, good practices)."""
    from . import year_report as Y

    _fmt(fmt)
    if not 2000 <= year <= 2100:
        abort(404, "Năm không hợp lệ.")
    document = Y.build(year, request.args.get("so", ""))
    db.session.commit()
    return _send(document, fmt)


@bp.post("/dot/<int:round_id>/ho-so.zip")
def archive(round_id):
    """The round's archive is built in the background (dozens of documents): start the job and
    show its progress page, which offers the .zip when done."""
    rnd = _readable_round(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    job = jobs.submit("round_archive", {"round_id": rnd.id, "title": f"Hồ sơ kiểm tra — {rnd.name}"}, current_user)
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.post("/dot/<int:round_id>/dien-hinh")
def good_practice(round_id):
    """The team marks a sent report as a good practice (điển hình) with a note, or removes the mark."""
    from portal.rounds.rules import is_manager
    from portal.text import clean

    from .models import GoodPractice

    rnd = _readable_round(round_id)
    deny_unless(current_user.id in rnd.team_ids or is_manager(current_user))
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = url_for("reports.round_page", round_id=rnd.id) + "#good-practices"
    if rnd.state == "closed":
        return error_response(409, "Đợt kiểm tra đã kết thúc: không thay đổi điển hình được nữa.")
    remove = _id(request.form.get("xoa"))
    if remove:
        row = db.session.get(GoodPractice, remove)
        if row is None or row.round_id != rnd.id:
            abort(404, "Không tìm thấy điển hình.")
        db.session.delete(row)
        db.session.commit()
        flash("Đã bỏ đánh dấu điển hình.", "success")
        return redirect(back, code=303)
    report = db.session.get(Report, _id(request.form.get("bao_cao")) or 0)
    note = clean(request.form.get("ghi_chu", ""))
    if report is None or report.round_id != rnd.id or report.state not in ("submitted", "clarify"):
        flash("Vui lòng chọn một báo cáo đã gửi của đợt.", "error")
        return redirect(back, code=303)
    if not note or len(note) > 1000:
        flash("Vui lòng ghi nhận xét về điển hình (tối đa 1.000 ký tự).", "error")
        return redirect(back, code=303)
    row = db.session.scalar(select(GoodPractice).where(GoodPractice.report_id == report.id))
    if row is None:
        row = GoodPractice(round_id=rnd.id, report_id=report.id)
        db.session.add(row)
    row.note, row.marked_by_id = note, current_user.id
    db.session.commit()
    flash(f"Đã ghi nhận điển hình: nội dung {report.item.code}.", "success")
    return redirect(back, code=303)
