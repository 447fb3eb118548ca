"""The dashboard's figures from other areas: ISO sample checks and the ad-hoc inspection log.
Each answers None when the year has nothing, and the dashboard then leaves its panel out."""
from __future__ import annotations

from sqlalchemy import func, select

from portal.adhoc.models import SUBJECT_KINDS, AdhocEntry
from portal.extensions import db
from portal.iso.checks import compliance_rates


def iso_compliance(year: int) -> list[dict] | None:
    """[{label, rate (percent), checked, conforming}] per completed sample check, then the year."""
    rows = []
    for row in compliance_rates(year):
        if row["rate"] is None:
            continue
        rows.append({"label": row["title"], "rate": round(row["rate"] * 100, 1),
                     "checked": row["ok"] + row["bad"], "conforming": row["ok"]})
    return rows or None


def adhoc_by_subject(year: int) -> list[dict] | None:
    """[{subject, count}] of the year's ad-hoc inspections by kind of subject, most frequent first."""
    rows = db.session.execute(
        select(AdhocEntry.subject_kind, func.count()).where(AdhocEntry.year == year)
        .group_by(AdhocEntry.subject_kind).order_by(func.count().desc(), AdhocEntry.subject_kind)).all()
    out = [{"subject": SUBJECT_KINDS.get(kind, kind), "count": int(n)} for kind, n in rows]
    return out or None
