"""The change log, read-only: the secretariat, the leaders and the admin read all of it.

No route here (or anywhere) changes or deletes an entry: tests/test_audit_display.py walks the
app's url_map to prove it."""
from flask import Blueprint
from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import User
from portal.exports.table import Column, TableSpec, export_if_asked
from portal.extensions import db
from portal.web.access import require
from portal.web.htmx import render
from portal.web.nav import nav
from portal.web.pagination import paginate

from . import labels as L
from .models import ChangeLog
from .present import present
from .queries import LogFilters, log_query

bp = Blueprint("audit", __name__, url_prefix="/nhat-ky")

READERS = (R.ADMIN, R.SECRETARIAT, R.LEADER)
nav("Nhật ký thay đổi", "audit.index", roles=READERS, order=40, section="admin")


def _kinds() -> dict[str, str]:
    """The kinds of record the log holds, by their Vietnamese names."""
    used = db.session.scalars(select(ChangeLog.object_type).distinct()).all()
    return dict(sorted(((t, L.model_label(t)) for t in used), key=lambda kv: kv[1]))


def _spec(f: LogFilters, kinds) -> TableSpec:
    views = present(db.session.scalars(log_query(f)))
    subtitle = []
    if f.kind:
        subtitle.append(f"Loại: {kinds[f.kind]}")
    if f.date_from or f.date_to:
        subtitle.append(f"Từ ngày {f.date_from:%d/%m/%Y} " if f.date_from else "")
        subtitle[-1] += f"đến ngày {f.date_to:%d/%m/%Y}" if f.date_to else ""
    if f.q:
        subtitle.append(f"Có chữ: {f.q}")
    return TableSpec("Nhật ký thay đổi", [
        Column("Thời gian", lambda v: v.entry.at, 17),
        Column("Người thực hiện", lambda v: v.who, 24),
        Column("Thao tác", lambda v: v.action, 16),
        Column("Loại đối tượng", lambda v: v.kind, 22),
        Column("Đối tượng", lambda v: v.name, 40),
        Column("Nội dung thay đổi", lambda v: v.text(), 70),
    ], views, subtitle=[s for s in subtitle if s])


@bp.get("/")
@require(*READERS)
def index():
    kinds = _kinds()
    f = LogFilters.from_request(kinds)
    exported = export_if_asked(lambda: _spec(f, kinds))
    if exported is not None:
        return exported
    page = paginate(log_query(f))
    people = db.session.scalars(select(User).order_by(User.full_name)).all()
    return render("audit/index.html", "results", page=page, views=present(page.items), f=f,
                  kinds=kinds, people=people)


@bp.app_template_global("record_history")
def _record_history(obj):
    """`{{ change_history(record_history(obj)) }}` on any record page: its history and its parts'."""
    from .queries import record_history

    return record_history(obj) if obj is not None else []


@bp.app_template_global("audit_views")
def _audit_views(entries):
    return present(entries or [])
