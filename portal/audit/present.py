"""Change-log entries in people's words: labels instead of column names, names instead of ids,
dd/mm/yyyy dates and Vietnam times. One function, `present`, used by the log page, every
record's history panel and the Excel export, so all three say the same thing."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from flask import url_for
from sqlalchemy import Boolean, Date, DateTime, Numeric, Time, inspect, select
from werkzeug.routing import BuildError

from portal.extensions import db
from portal.timeutil import fmt_date, fmt_datetime

from . import labels as L
from .names import describe

EMPTY = "(trống)"
GONE = "(đã xóa)"
SKIP = {"id", "version"}  # bookkeeping a person never typed

# Columns holding an id without a foreign key: which table they point to.
EXTRA_REFS = {("finding", "round_id"): "round", ("sample_check", "round_id"): "round",
              ("round", "reports"): "report", ("report", "author_id"): "user",
              ("minutes_record", "team_ids"): "user", ("minutes_record", "unit_ids"): "user"}
FINDING_SOURCE_TABLES = {"round": "report", "iso": "sample_check", "adhoc": "adhoc_entry"}
RANKING_SUBJECT_TABLES = {"person": "user", "unit": "unit"}

# Record pages: table -> (endpoint, its id argument).
PAGES = {
    "round": ("rounds.show", "round_id"),
    "report": ("rounds.report", "report_id"),
    "finding": ("findings.detail", "finding_id"),
    "adhoc_entry": ("adhoc.detail", "entry_id"),
    "user": ("accounts.user_edit", "user_id"),
    "unit": ("accounts.unit_edit", "unit_id"),
    "procedure": ("iso.procedure", "proc_id"),
    "sample_check": ("iso.check", "check_id"),
    "ward_settings": ("settings.edit", None),
}

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Line:
    label: str
    new: str
    old: str | None = None  # set on an update: "old → new"


@dataclass
class EntryView:
    entry: object
    when: str
    who: str
    action: str
    kind: str
    name: str
    url: str | None = None
    lines: list[Line] = field(default_factory=list)

    def text(self) -> str:
        """The details as one plain text (Excel cell)."""
        return "\n".join(f"{ln.label}: {ln.old} → {ln.new}" if ln.old is not None else f"{ln.label}: {ln.new}"
                         for ln in self.lines)


@cache
def models() -> dict[str, type]:
    return {m.class_.__tablename__: m.class_ for m in db.Model.registry.mappers
            if hasattr(m.class_, "__tablename__")}


def _column(table: str, name: str):
    model = models().get(table)
    if model is None:
        return None
    prop = inspect(model).attrs.get(name)
    columns = getattr(prop, "columns", None)
    return columns[0] if columns else None


def _ref_table(table: str, name: str, changes: dict, entry_object=None) -> str | None:
    if (table, name) in EXTRA_REFS:
        return EXTRA_REFS[(table, name)]
    if (table, name) == ("ranking_decision", "subject_id"):
        subject = changes.get("subject")
        subject = subject[-1] if isinstance(subject, list) else subject
        return RANKING_SUBJECT_TABLES.get(subject or getattr(entry_object, "subject", None))
    if (table, name) == ("finding", "source_id"):
        source = changes.get("source")
        if isinstance(source, list):
            source = source[-1]
        if source is None and entry_object is not None:
            source = getattr(entry_object, "source", None)
        return FINDING_SOURCE_TABLES.get(source)
    column = _column(table, name)
    if column is None:
        return None
    for fk in column.foreign_keys:
        return fk.column.table.name
    return None


def _values(v):
    """The old and new of an update, or the one value of a snapshot/event."""
    return v if isinstance(v, list) and len(v) == 2 else [v]


class _Names:
    """Resolves (table, id) pairs to names in one query per table."""

    def __init__(self):
        self.wanted: dict[str, set] = {}
        self.asked: set[tuple[str, str]] = set()  # already looked up (found or not)
        self.usernames: set[str] = set()
        self.found: dict[tuple[str, str], object] = {}
        self.by_username: dict[str, str] = {}

    def want(self, table, ident):
        if ident not in (None, "") and table in models():
            self.wanted.setdefault(table, set()).add(str(ident))

    def load(self):
        """Look up what is wanted and not yet asked for: a second call (the rows the first one's
        records point to) queries only the tables with new ids, never a table again for ids it
        already has."""
        for table, idents in self.wanted.items():
            model = models()[table]
            pk = inspect(model).primary_key
            if len(pk) != 1:
                continue
            keys = set()
            for ident in idents - {i for t, i in self.asked if t == table}:
                self.asked.add((table, ident))
                try:
                    keys.add(int(ident))
                except ValueError:
                    continue
            if not keys:
                continue
            for obj in db.session.scalars(select(model).where(pk[0].in_(keys))):
                self.found[(table, str(getattr(obj, pk[0].key)))] = obj
        usernames = self.usernames - set(self.by_username)
        if usernames:
            from portal.accounts.models import User

            for u in db.session.scalars(select(User).where(User.username.in_(usernames))):
                self.by_username[u.username] = u.full_name

    def obj(self, table, ident):
        return self.found.get((table, str(ident)))

    def name(self, table, ident) -> str:
        obj = self.obj(table, ident)
        return describe(obj) if obj is not None else GONE


def _number(value) -> str:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{d:,.2f}".rstrip("0").rstrip(".") if d != d.to_integral() else f"{d:,.0f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _when(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return fmt_datetime(parsed)


def _format(table, name, value, names: _Names, ref: str | None) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if value == "***":
        return "(đã thay đổi)"
    if isinstance(value, list):
        return ", ".join(_format(table, name, v, names, ref) for v in value) or EMPTY
    if isinstance(value, dict):  # a JSON value (e.g. a cited document): its values, in order
        return " — ".join(_format(table, k, v, names, None) for k, v in value.items() if v not in (None, ""))
    if ref:
        return names.name(ref, value)
    choice = L.choice_label(table, name, value)
    if choice is not None:
        return str(choice)
    column = _column(table, name)
    ctype = getattr(column, "type", None)
    if isinstance(value, bool) or isinstance(ctype, Boolean):
        return "Có" if value else "Không"
    if isinstance(ctype, DateTime) or (isinstance(value, str) and _ISO_DATETIME.match(value)):
        return _when(str(value))
    if isinstance(ctype, Date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        try:
            return fmt_date(dt.date.fromisoformat(str(value)[:10]))
        except ValueError:
            return str(value)
    if isinstance(ctype, Time):  # "08:30:00" as recorded: the hour and minute, as on the page
        return str(value)[:5]
    if isinstance(ctype, Numeric) or isinstance(value, float):
        return _number(value)
    return str(value)


def _page_url(table, ident, obj) -> str | None:
    page = PAGES.get(table)
    if page is None or obj is None:
        return None
    endpoint, arg = page
    try:
        return url_for(endpoint, **({arg: ident} if arg else {}))
    except (BuildError, RuntimeError):  # RuntimeError: no request (a CLI or test call)
        return None


def present(entries) -> list[EntryView]:
    entries = list(entries)
    names = _Names()
    for e in entries:
        names.want(e.object_type, e.object_id)
    names.load()  # the records themselves first: a finding's source decides what source_id means
    for e in entries:
        obj = names.obj(e.object_type, e.object_id)
        for key, v in (e.changes or {}).items():
            ref = _ref_table(e.object_type, key, e.changes, obj)
            if ref:
                for one in _values(v):
                    for item in (one if isinstance(one, list) else [one]):
                        names.want(ref, item)
        if e.action == "handover" and (e.changes or {}).get("to"):
            names.usernames.add(str(e.changes["to"]))
    names.load()

    views = []
    for e in entries:
        table = e.object_type
        obj = names.obj(table, e.object_id)
        name = describe(obj) if obj is not None else re.sub(r"\s*#\d+", "", e.summary or "").strip()
        view = EntryView(entry=e, when=fmt_datetime(e.at), who=e.user.full_name if e.user else "Hệ thống",
                         action=L.action_label(e.action), kind=L.model_label(table),
                         name=name or L.model_label(table), url=_page_url(table, e.object_id, obj))
        changes = e.changes or {}
        for key, v in changes.items():
            if key in SKIP:
                continue
            label = L.field_label(table, key)
            ref = _ref_table(table, key, changes, obj)
            if e.action == "handover" and key == "to":
                view.lines.append(Line(label, names.by_username.get(str(v), GONE)))
            elif e.action in ("update", "autosave") or (isinstance(v, list) and len(v) == 2 and isinstance(v[0], list)):
                old, new = _values(v) if len(_values(v)) == 2 else (None, v)
                view.lines.append(Line(label, _format(table, key, new, names, ref),
                                       _format(table, key, old, names, ref)))
            elif e.action in ("create", "delete") and v in (None, "", [], False):
                continue  # a new record's empty fields say nothing
            else:
                view.lines.append(Line(label, _format(table, key, v, names, ref)))
        views.append(view)
    return fold_autosaves(views)


AUTOSAVE_RUN = dt.timedelta(minutes=30)


def fold_autosaves(views: list[EntryView]) -> list[EntryView]:
    """A run of autosaves of one record by one person (each a few seconds of typing, none more
    than AUTOSAVE_RUN after the one before) reads as one line: each field from its value before
    the first save to its value after the last, with the time span and the number of saves. The
    log itself keeps every entry; only the reading is folded."""
    out: list[EntryView] = []
    run: list[EntryView] = []

    def same_run(a: EntryView, b: EntryView) -> bool:
        ea, eb = a.entry, b.entry
        return (eb.action == "autosave" and (ea.user_id, ea.object_type, ea.object_id) ==
                (eb.user_id, eb.object_type, eb.object_id) and abs(ea.at - eb.at) <= AUTOSAVE_RUN)

    def flush():
        if len(run) == 1:
            out.append(run[0])
        elif run:
            out.append(_folded(run))
        run.clear()

    for view in views:
        if run and not same_run(run[-1], view):
            flush()
        if view.entry.action == "autosave":
            run.append(view)
        else:
            out.append(view)
    flush()
    return out


def _folded(run: list[EntryView]) -> EntryView:
    ordered = sorted(run, key=lambda v: v.entry.at)
    first, last = ordered[0], ordered[-1]
    lines: dict[str, Line] = {}
    for view in ordered:
        for line in view.lines:
            if line.label in lines:
                lines[line.label].new = line.new
            else:
                lines[line.label] = Line(line.label, line.new, line.old)
    changed = [ln for ln in lines.values() if ln.old != ln.new]
    end = last.when.split(" ")[-1] if first.when.split(" ")[0] == last.when.split(" ")[0] else last.when
    return EntryView(entry=last.entry, when=f"{first.when} – {end}", who=last.who,
                     action=f"{last.action} ({len(run)} lần)", kind=last.kind, name=last.name,
                     url=last.url, lines=changed)
