"""Entries written on a phone without a network, sent when it comes back (static/js/offline.js).

Exactly once: the phone gives each entry a random client id; a second send of the same id (the
answer to the first was lost) returns the stored entry instead of creating another. The session
and the CSRF token are checked as for any form: the phone first asks for a fresh token (which
also tells it whether the person is still logged in), then posts. Every answer is JSON, so the
phone can show a refusal next to the entry it concerns and keep the entry until it is fixed.
"""
import re

from flask import jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts import roles as R
from portal.evidence.services import UploadRejected, save_upload
from portal.extensions import db
from portal.web.access import require

from . import services as S
from .forms import EntryForm
from .models import AdhocEntry
from .routes import bp

CLIENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _stored(entry: AdhocEntry, status: int, duplicate: bool = False):
    return jsonify(id=entry.id, url=url_for("adhoc.detail", entry_id=entry.id), duplicate=duplicate,
                   message="Đã đồng bộ vào sổ theo dõi kiểm tra đột xuất."), status


def _refused(status: int, message: str, errors: dict | None = None):
    return jsonify(message=message, errors=errors or {}), status


def _existing(client_id: str):
    entry = db.session.scalar(select(AdhocEntry).where(AdhocEntry.client_id == client_id))
    if entry is None:
        return None
    if entry.created_by_id != current_user.id:
        return _refused(409, "Mã đồng bộ của mục này đã được dùng cho một mục khác.")
    return _stored(entry, 200, duplicate=True)


@bp.get("/dong-bo")
@require(*R.MANAGERS)
def sync_token():
    """A fresh CSRF token for the phone's outbox (answers only a logged-in manager)."""
    return jsonify(csrf_token=generate_csrf(), user=current_user.username)


@bp.post("/dong-bo")
@require(*R.MANAGERS)
def sync():
    client_id = (request.form.get("client_id") or "").strip().lower()
    if not CLIENT_ID.match(client_id):
        return _refused(400, "Thiếu hoặc sai mã đồng bộ của mục ghi ngoại tuyến.")
    done = _existing(client_id)
    if done is not None:
        return done
    form = EntryForm()
    if not form.validate():
        return _refused(422, "Mục ghi chưa hợp lệ, vui lòng mở lại và sửa.",
                        {k: " ".join(v) for k, v in form.errors.items()})
    try:
        entry = S.create_entry(created_by=current_user, **form.values())
        entry.client_id = client_id
        for upload in request.files.getlist("photos"):
            if upload and upload.filename:
                entry.files.append(save_upload(upload, current_user))
        db.session.flush()
    except S.AdhocError as exc:
        db.session.rollback()
        return _refused(422, "Mục ghi chưa hợp lệ, vui lòng mở lại và sửa.", exc.errors)
    except UploadRejected as exc:
        db.session.rollback()
        return _refused(422, exc.message, {"photos": exc.message})
    try:
        db.session.commit()
    except IntegrityError:  # the same entry arrived twice at once: the other request stored it
        db.session.rollback()
        return _existing(client_id) or _refused(409, "Không lưu được mục ghi, vui lòng thử lại.")
    return _stored(entry, 201)
