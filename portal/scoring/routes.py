"""Scoring pages: a round's self-scoring table (with its Excel and PDF) and the year-end
ranking of people and units."""
from flask import Blueprint, Response, abort

from portal.evidence.services import content_disposition
from portal.exports.xlsx import xlsx_response
from portal.extensions import db
from portal.rounds import services as RS
from portal.rounds.models import Round
from portal.web.htmx import render

from . import documents, exports
from .totals import round_table

bp = Blueprint("scoring", __name__, url_prefix="/cham-diem")


def _round(round_id: int) -> Round:
    from flask_login import current_user

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
