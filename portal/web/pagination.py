from flask import request

from portal.extensions import db
from portal.web.params import db_int

PER_PAGE = 50


def paginate(stmt, per_page: int = PER_PAGE):
    """A page of a select; a bad ?page= falls back to page 1 instead of an error."""
    try:
        page = max(1, db_int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
