"""Reading the change log: one record's history, and the whole log under the page's filters."""
import datetime as dt
from dataclasses import dataclass

from flask import request
from sqlalchemy import String, and_, cast, or_, select

from portal.extensions import db
from portal.text import nfc, phrase_filter
from portal.timeutil import parse_date
from portal.web.params import db_int

from .models import ChangeLog

# A record page shows the history of the rows that belong to it, too (a report's review,
# its documents and clarifications; a round's evaluations and sign-offs).
RELATED = {
    "report": (("review", "report_id"), ("report_document", "report_id"), ("clarification_message", "report_id")),
    "round": (("evaluation", "round_id"), ("sign_off", "round_id")),
    "finding": (("remedy", "finding_id"),),
    "sample_check": (("dossier", "check_id"),),
}


def history_for(obj, limit: int = 100) -> list[ChangeLog]:
    """The change log of one record, newest first."""
    from .recorder import _object_id

    ident = _object_id(obj)
    stmt = (
        select(ChangeLog)
        .where(ChangeLog.object_type == type(obj).__tablename__, ChangeLog.object_id == ident)
        .order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def record_history(obj, limit: int = 200) -> list[ChangeLog]:
    """The history of a record and of the rows that belong to it, newest first."""
    from .present import models
    from .recorder import _object_id

    table = type(obj).__tablename__
    keys = [and_(ChangeLog.object_type == table, ChangeLog.object_id == _object_id(obj))]
    for child_table, fk in RELATED.get(table, ()):
        child = models().get(child_table)
        if child is None:
            continue
        # a subquery, not a query of its own per kind of part: the page's query count stays flat
        ids = select(cast(child.id, String)).where(getattr(child, fk) == obj.id).scalar_subquery()
        keys.append(and_(ChangeLog.object_type == child_table, ChangeLog.object_id.in_(ids)))
    stmt = select(ChangeLog).where(or_(*keys)).order_by(ChangeLog.at.desc(), ChangeLog.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


@dataclass
class LogFilters:
    person_id: int | None = None
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    errors: tuple = ()

    @classmethod
    def from_request(cls, kinds) -> "LogFilters":
        args = request.args
        errors = []

        def date_arg(name, label):
            text = args.get(name, "").strip()
            if not text:
                return None
            try:
                day = parse_date(text[:20])
                if not 1900 <= day.year <= 2999:
                    raise ValueError(text)
                return day
            except ValueError:
                errors.append(f"{label} không hợp lệ (nhập dd/mm/yyyy).")
                return None

        kind = args.get("loai", "").strip()
        f = cls(person_id=args.get("nguoi", type=db_int), kind=kind if kind in kinds else "",
                date_from=date_arg("tu", "Từ ngày"), date_to=date_arg("den", "Đến ngày"),
                q=nfc(args.get("q", "")).strip()[:200])
        if f.date_from and f.date_to and f.date_from > f.date_to:
            errors.append("Từ ngày phải trước hoặc bằng đến ngày.")
        f.errors = tuple(errors)
        return f

    def args(self) -> dict:
        out = {"nguoi": self.person_id, "loai": self.kind, "q": self.q,
               "tu": f"{self.date_from:%d/%m/%Y}" if self.date_from else None,
               "den": f"{self.date_to:%d/%m/%Y}" if self.date_to else None}
        return {k: v for k, v in out.items() if v}


def _utc_midnight(day: dt.date) -> dt.datetime:
    # The log stores naive UTC; a Vietnam day starts at 17:00 UTC the day before.
    return dt.datetime.combine(day, dt.time()) - dt.timedelta(hours=7)


def log_query(f: LogFilters):
    """The whole log, newest first, under the filters (the page and its export share it)."""
    stmt = select(ChangeLog).order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
    if f.person_id:
        stmt = stmt.where(ChangeLog.user_id == f.person_id)
    if f.kind:
        stmt = stmt.where(ChangeLog.object_type == f.kind)
    if f.date_from:
        stmt = stmt.where(ChangeLog.at >= _utc_midnight(f.date_from))
    if f.date_to:
        stmt = stmt.where(ChangeLog.at < _utc_midnight(f.date_to + dt.timedelta(days=1)))
    cond = phrase_filter(ChangeLog.search_text, f.q)
    if cond is not None:
        stmt = stmt.where(cond)
    return stmt
