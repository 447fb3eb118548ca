"""Optimistic concurrency: nobody's save silently overwrites another's.

Editable records carry a version number (SQLAlchemy's version_id_col). The form sends back
the version it was read at; a mismatch means someone else saved in between, and the second
writer is told instead of overwriting. StaleDataError covers the race inside the same instant.
"""


class EditConflict(Exception):
    message = ("Nội dung này vừa được người khác cập nhật sau khi bạn mở trang. "
               "Thay đổi của bạn chưa được lưu; hãy tải lại để xem bản mới rồi sửa lại.")


def check_version(obj, submitted) -> None:
    try:
        submitted = int(submitted)
    except (TypeError, ValueError):
        raise EditConflict() from None
    if submitted != obj.version:
        raise EditConflict()


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
