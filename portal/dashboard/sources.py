"""One function per data source of the dashboard. Sources built by other areas (ISO sample checks,
ad-hoc inspections) are imported only when present: each function answers None when its area is
absent or has nothing for the year, and the dashboard then leaves its panel out.

Adapters to check when those areas merge (names may differ):
- ISO: `portal.iso.services.compliance_by_period(year)` -> rows with a label and a rate (0–100 or
  0–1), optionally checked/conforming counts;
- ad-hoc: `portal.adhoc.models.AdhocInspection` with `subject` and a date (`inspected_on`, `date`
  or `created_at`) or `year` column.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from portal.extensions import db


def _get(row, *names, default=None):
    for name in names:
        if isinstance(row, dict) and name in row:
            return row[name]
        if hasattr(row, name):
            return getattr(row, name)
    return default


def iso_compliance(year: int) -> list[dict] | None:
    """[{label, rate (percent), checked, conforming}] per period or procedure, or None."""
    try:
        from portal.iso import services as iso_services
    except ImportError:
        return None
    fn = getattr(iso_services, "compliance_by_period", None)
    if fn is None:
        return None
    rows = []
    for row in fn(year) or []:
        rate = _get(row, "rate", "compliance_rate", "percent")
        if rate is None:
            continue
        rate = float(rate)
        if rate <= 1:
            rate *= 100
        rows.append({"label": str(_get(row, "label", "period", "name", default="")),
                     "rate": round(rate, 1), "checked": _get(row, "checked", "total", "sampled"),
                     "conforming": _get(row, "conforming", "passed", "ok")})
    return rows or None


def adhoc_by_subject(year: int) -> list[dict] | None:
    """[{subject, count}] of ad-hoc inspections in the year, most frequent first, or None."""
    try:
        from portal.adhoc.models import AdhocInspection
    except ImportError:
        return None
    subject = getattr(AdhocInspection, "subject", None)
    if subject is None:
        return None
    stmt = select(subject, func.count()).select_from(AdhocInspection)
    if hasattr(AdhocInspection, "year"):
        stmt = stmt.where(AdhocInspection.year == year)
    else:
        for name in ("inspected_on", "date", "held_on", "created_at"):
            column = getattr(AdhocInspection, name, None)
            if column is not None:
                start = date(year, 1, 1) if name != "created_at" else datetime(year, 1, 1)
                end = date(year + 1, 1, 1) if name != "created_at" else datetime(year + 1, 1, 1)
                stmt = stmt.where(column >= start, column < end)
                break
    rows = db.session.execute(stmt.group_by(subject).order_by(func.count().desc())).all()
    out = [{"subject": str(s or "Khác"), "count": int(n)} for s, n in rows]
    return out or None


def adhoc_rows(year: int) -> list | None:
    """The ad-hoc log rows of the year (for the Excel export), or None when the area is absent."""
    try:
        from portal.adhoc.models import AdhocInspection
    except ImportError:
        return None
    return db.session.scalars(select(AdhocInspection).order_by(AdhocInspection.id)).all()
