# stub: replaced by the evidence branch at merge
"""Minimal evidence storage with the evidence branch's contract, so the rounds area can be built
and tested alone: save_upload(file_storage, user) -> StoredFile (raises UploadRejected) and
send_stored_file(stored_file, inline=False) -> Response."""
import hashlib
import uuid
from pathlib import Path

from flask import current_app, send_file

from portal.extensions import db
from portal.settings.models import get_settings
from portal.text import nfc

from .models import StoredFile

# extension -> (content type, accepted leading bytes)
_TYPES = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "png": ("image/png", (b"\x89PNG",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
}


class UploadRejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def save_upload(file_storage, user) -> StoredFile:
    name = nfc(file_storage.filename or "").strip()
    if not name or name.startswith(".") or "/" in name or "\\" in name or ".." in name:
        raise UploadRejected("Tên tệp không hợp lệ.")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _TYPES:
        raise UploadRejected("Loại tệp không được phép. Chỉ nhận PDF, Word, Excel và ảnh (PNG, JPG).")
    data = file_storage.read()
    if not data:
        raise UploadRejected(f"Tệp “{name}” rỗng.")
    limit = get_settings().upload_max_mb * 1024 * 1024
    if len(data) > limit:
        raise UploadRejected(f"Tệp “{name}” vượt quá dung lượng cho phép ({get_settings().upload_max_mb} MB).")
    content_type, magics = _TYPES[ext]
    if not data.startswith(magics):
        raise UploadRejected(f"Nội dung tệp “{name}” không đúng với loại tệp .{ext}.")
    stored_name = f"{uuid.uuid4().hex}.{ext}"
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored_name).write_bytes(data)
    row = StoredFile(original_name=name[:255], stored_name=stored_name, content_type=content_type,
                     size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                     uploaded_by_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def send_stored_file(stored_file: StoredFile, inline: bool = False):
    path = Path(current_app.config["UPLOAD_FOLDER"]) / stored_file.stored_name
    return send_file(path, mimetype=stored_file.content_type, as_attachment=not inline,
                     download_name=stored_file.original_name, max_age=0)
