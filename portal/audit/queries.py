from sqlalchemy import select

from portal.extensions import db

from .models import ChangeLog


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
