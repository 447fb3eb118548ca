"""The round's documents: summary report, unit minutes, evaluation sheets (PDF), the leader's
sign-off and the Excel exports. Plain staff may open only their own evaluation sheet."""
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.evidence.services import content_disposition, send_stored_file
from portal.exports.xlsx import xlsx_response
from portal.extensions import db
from portal.jobs import services as jobs
from portal.jobs.models import Job
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


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": content_disposition(name, inline=True)})


@bp.get("/")
@require(R.LEADER, *R.MANAGERS, R.INSPECTOR)
def index():
    rounds = db.session.scalars(select(Round).where(Round.state != "draft")
                                .order_by(Round.year.desc(), Round.start_on.desc())).all()
    return render("reports/index.html", rounds=rounds)


@bp.get("/dot/<int:round_id>")
def round_page(round_id):
    rnd = _readable_round(round_id)
    units = db.session.scalars(select(Unit).join(Report, Report.unit_id == Unit.id)
                               .where(Report.round_id == rnd.id).distinct().order_by(Unit.position)).all()
    people = db.session.scalars(select(User).join(Report, Report.author_id == User.id)
                                .where(Report.round_id == rnd.id).distinct().order_by(User.full_name)).all()
    my_jobs = db.session.scalars(select(Job).where(Job.user_id == current_user.id)
                                 .order_by(Job.id.desc()).limit(5)).all()
    return render("reports/round.html", rnd=rnd, units=units, people=people, sign_offs=S.sign_offs(rnd.id),
                  can_sign=S.can_sign_off(current_user), big=S.needs_job(rnd.id), count=S.report_count(rnd.id),
                  my_jobs=[j for j in my_jobs if j.params.get("round_id") == rnd.id], form=EmptyForm(),
                  exports=EXPORTS)


@bp.route("/dot/<int:round_id>/bao-cao.pdf", methods=["GET", "POST"])
def summary_pdf(round_id):
    rnd = _readable_round(round_id)
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    number = request.values.get("so", "")
    if S.needs_job(rnd.id) or request.values.get("nen") == "1":
        if request.method == "GET":
            flash("Đợt kiểm tra có nhiều nội dung: báo cáo được tạo ở chế độ nền, vui lòng bấm “Tạo báo cáo”.", "info")
            return redirect(url_for("reports.round_page", round_id=rnd.id), code=303)
        job = jobs.submit("round_summary", {"round_id": rnd.id, "number": number,
                                            "title": f"Báo cáo kết quả kiểm tra — {rnd.name}"}, current_user)
        return hx_redirect(url_for("jobs.show", job_id=job.id))
    context = documents.summary_context(rnd.id, number)
    db.session.commit()  # never hold a transaction open while rendering
    return _pdf(documents.render("summary", context), S.summary_file_name(context["round"]["name"]))


@bp.route("/dot/<int:round_id>/bien-ban/<int:unit_id>.pdf", methods=["GET", "POST"])
def minutes_pdf(round_id, unit_id):
    rnd = _readable_round(round_id)
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    unit = db.session.get(Unit, unit_id) or abort(404, "Không tìm thấy đơn vị.")
    opinion = request.values.get("y_kien", "")
    if len(opinion) > 5000:
        return error_response(422, "Ý kiến của đơn vị quá dài (tối đa 5.000 ký tự).")
    context = documents.minutes_context(rnd.id, unit.id, opinion, request.values.get("so", ""))
    db.session.commit()
    return _pdf(documents.render("minutes", context), f"Biên bản kiểm tra CCHC - {unit.name}.pdf")


@bp.get("/dot/<int:round_id>/phieu-danh-gia/<int:person_id>.pdf")
def evaluation_pdf(round_id, person_id):
    rnd = _round(round_id)
    deny_unless(S.can_read_sheet(current_user, rnd, person_id))
    person = db.session.get(User, person_id) or abort(404, "Không tìm thấy người được đánh giá.")
    context = documents.evaluation_context(rnd.id, person.id)
    db.session.commit()
    return _pdf(documents.render("evaluation", context), f"Phiếu đánh giá CCHC - {person.full_name}.pdf")


@bp.post("/dot/<int:round_id>/phe-duyet")
@require(R.LEADER)
def sign_off(round_id):
    rnd = _readable_round(round_id)
    back = url_for("reports.round_page", round_id=rnd.id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    directive = request.form.get("chi_dao", "")
    pdf = None
    if directive.strip() and not S.needs_job(rnd.id) and RS.sign_off_refusal(rnd) is None:
        context = documents.summary_context(rnd.id, request.form.get("so", ""))
        db.session.commit()
        pdf = documents.render("summary", context)
    try:
        row = S.sign_off(rnd, current_user, directive, pdf)
    except S.RuleError as exc:
        db.session.rollback()
        if is_htmx():
            return error_response(422, exc.message)
        flash(exc.message, "error")
        return redirect(back, code=303)
    sign_off_id = row.id
    db.session.commit()
    if pdf is None:  # a big round: the approved report is rendered in the background and attached
        jobs.submit("sign_off_pdf", {"round_id": rnd.id, "number": request.form.get("so", ""),
                                     "sign_off_id": sign_off_id,
                                     "title": f"Báo cáo đã phê duyệt — {rnd.name}"}, current_user)
        flash("Đã phê duyệt báo cáo và ghi ý kiến chỉ đạo; tệp báo cáo đang được tạo, sẽ có trong ít phút.",
              "success")
    else:
        flash("Đã phê duyệt báo cáo và ghi ý kiến chỉ đạo.", "success")
    return hx_redirect(back)


@bp.get("/phe-duyet/<int:sign_off_id>.pdf")
def sign_off_pdf(sign_off_id):
    row = db.session.get(SignOff, sign_off_id) or abort(404, "Không tìm thấy phê duyệt.")
    deny_unless(S.can_read_round(current_user, row.round))
    if row.pdf_file is None:
        abort(404, "Phê duyệt này không kèm tệp báo cáo.")
    return send_stored_file(row.pdf_file, inline=True)


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
