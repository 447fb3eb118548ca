"""Optimistic concurrency: nobody's save silently overwrites another's.

Editable records carry a version number (SQLAlchemy's version_id_col). The form sends back
the version it was read at; a mismatch means someone else saved in between, and the second
writer is told instead of overwriting. StaleDataError covers the race inside the same instant.
"""


class EditConflict(Exception):
    message = ("Nội dung này vừa được người khác cập nhật sau khi bạn mở trang. "
               "Thay đổi của bạn chưa được lưu; hãy tải lại để xem bản mới rồi sửa lại.")

    def __init__(self, message: str | None = None):
        super().__init__(message)
        if message:
            self.message = message


def check_version(obj, submitted, labels: dict | None = None) -> None:
    """Refuse a save made from a stale form. With `labels` (column or event name -> label), the
    409 message says who saved, when, and which fields they changed, read from the change log."""
    try:
        submitted = int(submitted)
    except (TypeError, ValueError):
        raise EditConflict() from None
    if submitted != obj.version:
        raise EditConflict(_what_changed(obj, submitted, labels) if labels is not None else None)


def _what_changed(obj, since: int, labels: dict) -> str | None:
    """From the change log: the saves that took the record past version `since`."""
    from sqlalchemy import select

    from portal.audit.models import ChangeLog
    from portal.audit.recorder import _object_id
    from portal.extensions import db
    from portal.timeutil import fmt_datetime

    rows = db.session.scalars(select(ChangeLog).where(
        ChangeLog.object_type == type(obj).__tablename__, ChangeLog.object_id == _object_id(obj))
        .order_by(ChangeLog.id))
    started, fields, last = False, [], None
    for row in rows:
        changes = row.changes if isinstance(row.changes, dict) else {}
        version = changes.get("version")
        if (not started and isinstance(version, list) and len(version) == 2
                and isinstance(version[1], int) and version[1] > since):
            started = True
        if not started:
            continue
        names = [k for k in changes if k != "version"] if row.action == "update" else [row.action]
        for name in names:
            label = labels.get(name)
            if label and label not in fields:
                fields.append(label)
        last = row
    if last is None:
        return None
    who = last.user.full_name if last.user is not None else "Người khác"
    changed = f" Đã thay đổi: {', '.join(fields)}." if fields else ""
    return (f"{who} đã lưu nội dung này lúc {fmt_datetime(last.at)}, sau khi bạn mở trang.{changed} "
            "Thay đổi của bạn chưa được lưu; hãy tải lại trang để xem bản mới rồi sửa lại.")


def labels_of(form, **extra) -> dict:
    """Field labels of a WTForm by field name, for check_version's message."""
    labels = {name: str(field.label.text) for name, field in form._fields.items()
              if name not in ("csrf_token", "version")}
    labels.update(extra)
    return labels


def touch(obj) -> list[int] | None:
    """Move the version of a record none of whose columns changed (a user whose roles alone
    changed), so a concurrent stale save of it still fails. Returns [old, new] when it moved it;
    a record with changed columns gets its new version from the ORM UPDATE at flush instead."""
    from sqlalchemy import update

    from portal.extensions import db

    if db.session.is_modified(obj, include_collections=False):
        return None
    table = type(obj).__table__
    old = obj.version
    result = db.session.execute(update(table).where(table.c.id == obj.id, table.c.version == old)
                                .values(version=table.c.version + 1))
    if result.rowcount != 1:
        raise EditConflict()
    db.session.expire(obj, ["version"])
    return [old, old + 1]


def commit_or_conflict(unique_clash: bool = False) -> None:
    """Commit the request's changes; a save that lost a race is an EditConflict (nothing saved,
    409 with the app-wide message) rather than a 500. A stale version (StaleDataError) always
    is; with unique_clash, so is a unique row inserted by someone else meanwhile."""
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    from portal.extensions import db

    lost_race = (StaleDataError, IntegrityError) if unique_clash else (StaleDataError,)
    try:
        db.session.commit()
    except lost_race:
        db.session.rollback()
        raise EditConflict() from None
