"""The dashboard for the ward's leaders and the secretariat; staff get 403."""
from flask import Blueprint, abort, request
from sqlalchemy import func, select

from portal.accounts import roles as R
from portal.extensions import db
from portal.findings.models import REMEDY_STATUSES
from portal.reports.models import SignOff
from portal.rounds.models import RATINGS, Round
from portal.timeutil import today
from portal.web.access import require
from portal.web.htmx import render
from portal.web.nav import home_panel, nav
from portal.web.params import db_int
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export

from . import charts, sources
from . import figures as F

bp = Blueprint("dashboard", __name__, url_prefix="/bang-dieu-khien")
charts.register(bp)
VIEWERS = (R.LEADER, *R.MANAGERS)
nav("Bảng điều khiển", "dashboard.index", roles=VIEWERS, order=15)

RATING_LABELS = {**RATINGS, "none": "Chưa đánh giá"}


def _home_context(user) -> dict:
    """The leader's glance on the home page: the current round and the year's open findings."""
    signed = (select(func.count(SignOff.id)).where(SignOff.round_id == Round.id)
              .correlate(Round).scalar_subquery())
    row = F.current_round(None, signed)  # the round and its sign-off count in one query
    if row is None:
        return {}
    rnd = row[0]
    totals = F.round_totals([rnd.id])[rnd.id]
    return {"rnd": rnd, "totals": totals, "findings": F.findings_for_year(rnd.year, today()),
            "signed": row[1] or 0}


home_panel("dashboard/_home_panel.html", roles=(R.LEADER,), order=5, context=_home_context)


@bp.get("/")
@require(*VIEWERS)
def index():
    rounds = F.rounds_for_choice()
    asked = request.args.get("dot", type=db_int)
    if asked:
        rnd = next((r for r in rounds if r.id == asked), None) or F.current_round(asked)
    else:  # the round under way (open or under review, latest first), else the latest one
        rnd = min(rounds, key=lambda r: (r.state not in ("open", "review"), -r.start_on.toordinal()), default=None)
    if request.args.get("dot") and rnd is None:
        abort(404, "Không tìm thấy đợt kiểm tra.")
    day = today()
    ctx = {"rnd": rnd, "rounds": rounds, "day": day, "rating_labels": RATING_LABELS,
           "measures": F.MEASURES}
    if rnd is not None:
        year = rnd.year
        # A handful of aggregate queries, shared by the panels (the count does not grow with data).
        year_rounds = F.year_round_ids(year)
        ids = {rid for rid, _ in year_rounds} | {rnd.id} | ({rnd.previous_id} if rnd.previous_id else set())
        totals, rates = F.round_figures(ids)
        findings = F.findings_for_years((year - 1, year), day)
        progress = F.progress_by(rnd.id)
        ctx.update(
            by_area=progress["area"], by_unit=progress["unit"], by_person=progress["person"], ratings=rates[rnd.id],
            findings=findings[year], round_periods=F.compare_rounds(rnd, totals, rates),
            year_periods=F.compare_years(year, day, rounds=year_rounds, totals=totals, rates=rates,
                                         findings=findings),
            iso=sources.iso_compliance(year), adhoc=sources.adhoc_by_subject(year), year=year)
        ctx["total"] = F.Counts()
        for c in ctx["by_area"]:
            ctx["total"].add(c)
        if wants_export():
            return export_response(export_lists.dashboard(rnd, ctx["by_area"], ctx["by_unit"], ctx["by_person"],
                                                          F.MEASURES), f"Bảng điều khiển {rnd.name}")
    return render("dashboard/index.html", **ctx)


@bp.get("/chi-tiet")
@require(*VIEWERS)
def drill():
    """The list behind a bar: reports of a round, or findings/remedies of a year."""
    args = request.args
    kind = args.get("loai", "")
    day = today()
    ctx = {"kind": kind, "rating_labels": RATING_LABELS, "remedy_statuses": REMEDY_STATUSES}
    if kind in ("bao-cao",):
        rnd = F.current_round(args.get("dot", type=db_int))
        if rnd is None:
            abort(404, "Không tìm thấy đợt kiểm tra.")
        dimension = args.get("theo") or None
        measure = args.get("chi_so") or None
        rating = args.get("danh_gia") or None
        if dimension not in (None, *F.DIMENSIONS) or measure not in (None, *F.MEASURES) \
                or rating not in (None, *RATING_LABELS):
            abort(404, "Không có danh sách chi tiết này: tham số không hợp lệ.")
        key = args.get("ma", type=db_int) if args.get("ma") not in (None, "", "none") else None
        reports = F.reports_behind(rnd.id, dimension=dimension, key=key, measure=measure, rating=rating)
        title = " · ".join(filter(None, [
            F.MEASURES.get(measure or "total"), RATING_LABELS.get(rating) if rating else None,
            args.get("nhan", "")[:200]]))
        ctx.update(rnd=rnd, reports=reports, title=title)
    elif kind in ("ton-tai", "bien-phap"):
        year = args.get("nam", type=db_int) or day.year
        which = args.get("loc", "open")
        if kind == "ton-tai":
            if which not in F.FINDING_FILTERS:
                abort(404, "Không có danh sách chi tiết này: tham số không hợp lệ.")
            ctx.update(findings=F.findings_behind(year, which, day, args.get("linh_vuc") or None),
                       title=f"{F.FINDING_FILTERS[which]} — năm {year}")
        else:
            if which not in F.REMEDY_FILTERS:
                abort(404, "Không có danh sách chi tiết này: tham số không hợp lệ.")
            ctx.update(remedies=F.remedies_behind(year, which, day), title=f"{F.REMEDY_FILTERS[which]} — năm {year}")
        ctx.update(year=year, day=day)
    else:
        abort(404, "Không có danh sách chi tiết này: tham số không hợp lệ.")
    if wants_export():
        return export_response(export_lists.drill(ctx["title"], reports=ctx.get("reports"), findings=ctx.get("findings"),
                                                  remedies=ctx.get("remedies"), remedy_statuses=REMEDY_STATUSES))
    return render("dashboard/drill.html", "list", **ctx)
