from flask import Blueprint, request
from sqlalchemy import select

from portal.accounts import roles as R
from portal.web.access import require
from portal.web.htmx import render
from portal.web.nav import nav
from portal.web.pagination import paginate

from .models import ChangeLog

bp = Blueprint("audit", __name__, url_prefix="/nhat-ky")

nav("Nhật ký thay đổi", "audit.index", roles=(R.ADMIN,), order=40, section="admin")


@bp.get("/")
@require(R.ADMIN)
def index():
    stmt = select(ChangeLog).order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
    kind = request.args.get("loai", "").strip()
    if kind:
        stmt = stmt.where(ChangeLog.object_type == kind)
    return render("audit/index.html", "results", page=paginate(stmt), kind=kind)
