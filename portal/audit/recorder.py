"""Automatic change log: every insert, update and delete of an audited model is recorded in the
same transaction as the change itself, so nothing is changed without a trace and a rolled-back
change leaves none.

A model opts out with ``__audit__ = False``; a column opts out with ``info={"audit": False}``
or is masked with ``info={"audit_mask": True}`` (password hashes).
"""
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context
from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from portal.text import search_key
from portal.timeutil import now_utc

from . import labels
from .models import ChangeLog
from .names import describe

MAX_VALUE = 500


def name_updates(action: str) -> None:
    """Record this request's field changes under `action` instead of "update" (e.g. "autosave":
    the history then folds a run of them into one line, see present.fold_autosaves)."""
    from flask import g

    g.audit_update_action = action


def _update_action() -> str:
    if not has_request_context():
        return "update"
    from flask import g

    return g.get("audit_update_action", "update")


def _actor_id():
    if not has_request_context():
        return None
    from flask_login import current_user

    try:
        return current_user.id if current_user.is_authenticated else None
    except Exception:  # not yet loaded
        return None


def _value(v):
    if v is None or isinstance(v, (bool, int, float)):
        return v
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (list, tuple)):  # a JSON column: kept as a list, so the log can word each item
        return [_value(item) for item in v[:50]]
    if isinstance(v, dict):
        return {str(k): _value(item) for k, item in list(v.items())[:50]}
    text = str(v)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


def _audited(obj) -> bool:
    return getattr(type(obj), "__audit__", True) and hasattr(type(obj), "__table__")


def _columns(obj):
    for attr in inspect(obj).mapper.column_attrs:
        info = attr.columns[0].info
        if info.get("audit", True):
            yield attr.key, info.get("audit_mask", False)


def _object_id(obj) -> str:
    # In after_flush a new row is inserted but not yet "persistent" (no identity key), so read
    # the primary key from the instance itself.
    return "/".join(str(i) for i in inspect(obj).mapper.primary_key_from_instance(obj))


def _search_text(table: str, action: str, summary: str, changes: dict) -> str:
    words = [labels.model_label(table), labels.action_label(action), summary]
    for key, value in changes.items():
        values = [v for v in (value if isinstance(value, list) else [value]) if v not in (None, "", "***", [])]
        if values or value == ["***", "***"]:  # an empty field of a new record says nothing
            words.append(labels.field_label(table, key))
        for v in values:
            words.append(str(v) if isinstance(v, (list, dict)) else str(labels.choice_label(table, key, v) or v))
    return search_key(" ".join(words))[:4000]


def _row(obj, action, changes):
    table = type(obj).__tablename__
    summary = describe(obj)[:300]
    return {
        "at": now_utc(),
        "user_id": _actor_id(),
        "action": action[:60],
        "object_type": table,
        "object_id": _object_id(obj),
        "summary": summary,
        "changes": changes,
        "search_text": _search_text(table, action, summary, changes),
    }


def _diff(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for key, masked in _columns(obj):
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        changes[key] = ["***", "***"] if masked else [_value(old), _value(new)]
    return changes


def _add_version(obj, changes: dict) -> None:
    """Versioned records: which version this save made, so a stale form can be told what changed
    since the version it was opened at (portal.web.concurrency)."""
    mapper = inspect(obj).mapper
    if mapper.version_id_col is None:
        return
    new = inspect(obj).dict.get(mapper.get_property_by_column(mapper.version_id_col).key)
    if isinstance(new, int):
        changes["version"] = [new - 1, new]


def _snapshot(obj) -> dict:
    return {k: ("***" if masked else _value(getattr(obj, k))) for k, masked in _columns(obj)}


def _after_flush(session: Session, _ctx):
    rows = []
    for obj in session.new:
        if _audited(obj):
            rows.append(_row(obj, "create", _snapshot(obj)))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            changes = _diff(obj)
            if changes:
                _add_version(obj, changes)
                rows.append(_row(obj, _update_action(), changes))
    for obj in session.deleted:
        if _audited(obj):
            rows.append(_row(obj, "delete", _snapshot(obj)))
    if rows:
        session.connection().execute(insert(ChangeLog.__table__), rows)


def log_event(session: Session, obj, action: str, details: dict | None = None) -> None:
    """Record a domain event that is more than a field change (e.g. "hand-over", "reopen")."""
    session.add(ChangeLog(**{**_row(obj, action, details or {}), "at": now_utc()}))


class ChangeLogIsReadOnly(RuntimeError):
    pass


def _protect_log(session: Session, _ctx, _instances):
    # The log is written once, by this module, and never changed or deleted through the ORM.
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, ChangeLog) and (obj in session.deleted or session.is_modified(obj)):
            raise ChangeLogIsReadOnly("Nhật ký thay đổi chỉ được ghi thêm, không được sửa hay xóa.")


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    if not event.contains(Session, "before_flush", _protect_log):
        event.listen(Session, "before_flush", _protect_log)
