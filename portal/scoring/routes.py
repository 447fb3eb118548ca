"""Scoring pages: a round's self-scoring table (with its Excel and PDF) and the year-end
ranking of people and units."""
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from portal.accounts import roles as R
from portal.evidence.services import content_disposition
from portal.exports.xlsx import xlsx_response
from portal.extensions import db
from portal.rounds import services as RS
from portal.rounds.models import Round
from portal.timeutil import today
from portal.web.access import require
from portal.web.concurrency import check_version, commit_or_conflict
from portal.web.htmx import render
from portal.web.nav import nav
from portal.web.params import db_int

from . import documents, exports
from . import ranking_service as RK
from .indicators import indicator_table
from .models import LEVELS
from .totals import round_table

bp = Blueprint("scoring", __name__, url_prefix="/cham-diem")


def _round(round_id: int) -> Round:
    rnd = db.session.get(Round, round_id) or abort(404)
    if not RS.can_read_round(current_user, rnd):
        abort(403)
    return rnd


@bp.get("/dot/<int:round_id>")
def round_page(round_id: int):
    rnd = _round(round_id)
    table = round_table(rnd)
    return render("scoring/round.html", rnd=rnd, table=table, fmt=exports.fmt)


@bp.get("/dot/<int:round_id>/bang-diem.xlsx")
def round_xlsx(round_id: int):
    rnd = _round(round_id)
    table = round_table(rnd)
    data = exports.xlsx(table, documents.headings(rnd))
    return xlsx_response(data, f"Bảng tự chấm điểm - {rnd.name}.xlsx")


@bp.get("/dot/<int:round_id>/bang-diem.pdf")
def round_pdf(round_id: int):
    rnd = _round(round_id)
    document = documents.score_table_document(rnd, round_table(rnd))
    db.session.rollback()  # read, release, then render (the slow part holds no transaction)
    return Response(documents.render(document), mimetype="application/pdf",
                    headers={"Content-Disposition": content_disposition(f"Bảng tự chấm điểm - {rnd.name}.pdf",
                                                                        inline=True)})


# -- year-end ranking ---------------------------------------------------------------------------
READERS = (R.LEADER, R.INSPECTOR, *R.MANAGERS)
DECIDERS = (R.INSPECTOR, *R.MANAGERS)  # the team (inspectors, the secretariat that leads it)
nav("Xếp loại cuối năm", "scoring.ranking_index", roles=READERS, order=64)
nav("Chỉ tiêu qua các đợt", "scoring.indicators", roles=READERS, order=63)


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.get("/xep-loai/")
@require(*READERS)
def ranking_index():
    return redirect(url_for("scoring.ranking_page", year=today().year))


@bp.get("/xep-loai/<int:year>")
@require(*READERS)
def ranking_page(year: int, status: int = 200):
    result = RK.ranking(_year(year))
    return render("scoring/ranking.html", result=result, levels=LEVELS, fmt=exports.fmt,
                  can_setup=current_user.has_role(*R.MANAGERS), can_decide=current_user.has_role(*DECIDERS),
                  status=status)


@bp.post("/xep-loai/<int:year>/cach-tinh")
@require(*R.MANAGERS)
def ranking_setup(year: int):
    setup = RK.setup_for(_year(year))
    if setup.id is not None:
        check_version(setup, request.form.get("version"))
    try:
        RK.save_setup(year, request.form, RK.year_rounds(year), current_user)
    except RK.RankingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return ranking_page(year, status=422)
    commit_or_conflict()
    flash("Đã lưu trọng số và ngưỡng xếp loại.", "success")
    return redirect(url_for("scoring.ranking_page", year=year), code=303)


@bp.post("/xep-loai/<int:year>/quyet-dinh")
@require(*DECIDERS)
def ranking_decide(year: int):
    subject = request.form.get("subject", "")
    try:
        subject_id = db_int(request.form.get("subject_id"))
    except ValueError:
        abort(404)
    result = RK.ranking(_year(year))
    rows = {r.subject_id: r for r in (result.persons if subject == "person" else result.units)}
    row = rows.get(subject_id) if subject in ("person", "unit") else None
    if row is None or row.score is None:
        abort(404)
    try:
        RK.decide(year, subject, subject_id, request.form.get("level", ""), request.form.get("reason", ""),
                  row.proposed, current_user, version=request.form.get("version") or None)
    except RK.RankingError as exc:
        db.session.rollback()
        flash(f"{result.names.get((subject, subject_id), '')}: {exc}", "error")
        return ranking_page(year, status=422)
    commit_or_conflict(unique_clash=True)
    flash(f"Đã ghi mức xếp loại của {result.names.get((subject, subject_id), '')}.", "success")
    return redirect(url_for("scoring.ranking_page", year=year, _anchor=f"{subject}-{subject_id}"), code=303)


@bp.get("/xep-loai/<int:year>/bang-xep-loai.xlsx")
@require(*READERS)
def ranking_xlsx(year: int):
    result = RK.ranking(_year(year))
    return xlsx_response(exports.ranking_xlsx(result), f"Xếp loại CCHC năm {year}.xlsx")


@bp.get("/xep-loai/<int:year>/bang-xep-loai.pdf")
@require(*READERS)
def ranking_pdf(year: int):
    result = RK.ranking(_year(year))
    document = documents.ranking_document(result)
    db.session.rollback()
    return Response(documents.render(document), mimetype="application/pdf",
                    headers={"Content-Disposition": content_disposition(f"Xếp loại CCHC năm {year}.pdf", inline=True)})


@bp.get("/chi-tieu")
@require(*READERS)
def indicators():
    """Chỉ tiêu: values reported per round against the target, this year and the two before."""
    try:
        year = db_int(request.args.get("nam") or today().year)
    except ValueError:
        abort(404)
    year = _year(year)
    rounds, lines = indicator_table(year - 2, year)
    return render("scoring/indicators.html", rounds=rounds, lines=lines, year=year, fmt=exports.fmt)
