# stub: replaced by the evidence branch at merge
"""Minimal stand-in for the evidence storage service so the findings and ad-hoc areas can attach
files on their own branch. Same signatures as the real service; keep no logic here."""
import hashlib
import mimetypes
import uuid
from pathlib import Path

from flask import current_app, send_file

from portal.extensions import db
from portal.text import nfc

from .models import StoredFile


class UploadRejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def save_upload(file_storage, user) -> StoredFile:
    from portal.settings.models import get_settings

    name = nfc(getattr(file_storage, "filename", "") or "").strip()
    if not name:
        raise UploadRejected("Chưa chọn tệp.")
    data = file_storage.read()
    if not data:
        raise UploadRejected(f"Tệp “{name}” rỗng.")
    limit = get_settings().upload_max_mb * 1024 * 1024
    if len(data) > limit:
        raise UploadRejected(f"Tệp “{name}” vượt quá {get_settings().upload_max_mb} MB.")
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = uuid.uuid4().hex + Path(name).suffix.lower()[:10]
    (folder / stored_name).write_bytes(data)
    content_type = (file_storage.mimetype or mimetypes.guess_type(name)[0]
                    or "application/octet-stream")
    row = StoredFile(original_name=name[:255], stored_name=stored_name, content_type=content_type,
                     size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                     uploaded_by_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def send_stored_file(stored_file: StoredFile, inline: bool = False):
    path = Path(current_app.config["UPLOAD_FOLDER"]) / stored_file.stored_name
    return send_file(path, mimetype=stored_file.content_type, as_attachment=not inline,
                     download_name=stored_file.original_name)
