""""Previous report" / "next report" on the review page, walking the review queue as filtered
when the inspector left it (the filter travels in the report link's query string)."""
from __future__ import annotations

from dataclasses import dataclass, field

from portal.web.params import db_int

# The queue's filter parameters (rounds.queue reads the same names).
FILTER_ARGS = ("linh_vuc", "don_vi", "nguoi", "trang_thai", "danh_gia", "tre")


def queue_args(args) -> dict:
    """The filter part of a query string, to carry from the queue to a report and back."""
    return {k: args.get(k) for k in FILTER_ARGS if args.get(k)}


def filters_from(args) -> dict:
    return {"area_id": args.get("linh_vuc", type=db_int), "unit_id": args.get("don_vi", type=db_int),
            "person_id": args.get("nguoi", type=db_int), "state": args.get("trang_thai") or None,
            "rating": args.get("danh_gia") or None, "late": args.get("tre") == "1"}


@dataclass
class Walk:
    args: dict = field(default_factory=dict)
    previous_id: int | None = None
    next_id: int | None = None
    position: int | None = None  # 1-based, None when this report is not in the filtered queue
    total: int = 0


def walk(report, args) -> Walk:
    """Where `report` stands in the queue filtered by `args`. A report outside the filter (say
    rated just now under "to review") still leads on to the first one after it in catalogue order."""
    from sqlalchemy import select

    from portal.catalogue.models import Area, Criterion
    from portal.extensions import db

    from .models import Report
    from .progress import round_reports_query

    stmt = round_reports_query(report.round_id, **filters_from(args))
    ids = list(db.session.scalars(stmt.with_only_columns(Report.id, maintain_column_froms=True)))
    out = Walk(args=queue_args(args), total=len(ids))
    if report.id in ids:
        i = ids.index(report.id)
        out.position = i + 1
        out.previous_id = ids[i - 1] if i > 0 else None
        out.next_id = ids[i + 1] if i + 1 < len(ids) else None
        return out
    # Not in the filter any more: neighbours by catalogue order among the whole round.
    order = list(db.session.scalars(
        select(Report.id).join(Report.criterion).join(Criterion.area)
        .where(Report.round_id == report.round_id).order_by(Area.position, Criterion.position, Report.id)))
    rank = {rid: n for n, rid in enumerate(order)}
    mine = rank.get(report.id, -1)
    before = [rid for rid in ids if rank.get(rid, -1) < mine]
    after = [rid for rid in ids if rank.get(rid, -1) > mine]
    out.previous_id = before[-1] if before else None
    out.next_id = after[0] if after else None
    return out
