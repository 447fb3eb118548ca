"""Secure storage of uploaded files (evidence, minutes, attachments).

Rules, in the order they are applied to an upload:
- a name is required, and it must be a plain file name: no folders ("/", "\\", ".."), no
  control characters. It is kept NFC for display and download; the file on disk gets a
  generated name (uuid4 hex + canonical extension) so nothing the user typed reaches the disk;
- the extension must be one of ALLOWED; the content must match it (checked by the bytes, not by
  the browser's declared type); executables and scripts are refused whatever their name;
- the size must be above zero and within the ward's per-file limit (WardSettings.upload_max_mb).

Files live under UPLOAD_FOLDER (outside static/), in sub-folders named by the first two
characters of the stored name. A blob written in a transaction that is rolled back is removed,
and a blob whose row is deleted is removed only once that deletion is committed, so the disk and
the database never disagree for long.

Who may read a file is decided by the area that links it (a report, a remedy…): load the
owning object, check access, then call send_stored_file().
"""
from __future__ import annotations

import codecs
import hashlib
import logging
import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import filetype
from flask import abort, current_app, send_file
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.extensions import db

from .models import StoredFile

log = logging.getLogger(__name__)

CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str  # shown to users in hints and messages
    content_type: str  # what we send back, whatever the browser claimed
    inline: bool = False  # may be shown in the page (PDF, images); everything else downloads


ALLOWED: dict[str, FileKind] = {
    "pdf": FileKind("PDF", "application/pdf", inline=True),
    "doc": FileKind("Word", "application/msword"),
    "docx": FileKind("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xls": FileKind("Excel", "application/vnd.ms-excel"),
    "xlsx": FileKind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt": FileKind("PowerPoint", "application/vnd.ms-powerpoint"),
    "pptx": FileKind("PowerPoint",
                     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": FileKind("OpenDocument", "application/vnd.oasis.opendocument.text"),
    "ods": FileKind("OpenDocument", "application/vnd.oasis.opendocument.spreadsheet"),
    "jpg": FileKind("ảnh JPG", "image/jpeg", inline=True),
    "jpeg": FileKind("ảnh JPG", "image/jpeg", inline=True),
    "png": FileKind("ảnh PNG", "image/png", inline=True),
    "gif": FileKind("ảnh GIF", "image/gif", inline=True),
    "webp": FileKind("ảnh WebP", "image/webp", inline=True),
    "txt": FileKind("văn bản TXT", "text/plain; charset=utf-8"),
    "csv": FileKind("CSV", "text/csv; charset=utf-8"),
}

_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_ODF_MIME = {"odt": "application/vnd.oasis.opendocument.text",
             "ods": "application/vnd.oasis.opendocument.spreadsheet"}
_IMAGE_MIME = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
               "webp": "image/webp"}
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
# Programs and scripts: refused under any name (Windows PE, ELF, Mach-O, shebang scripts).
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                     b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")

# CSP for files shown in the page: nothing may run; PDF viewer and images still work.
INLINE_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
              "object-src 'self'; frame-ancestors 'self'")
ATTACHMENT_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


class UploadRejected(Exception):
    """An upload refused for a reason the user can fix; `.message` is shown to them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# -- rules shown to users ----------------------------------------------------------------------

def max_file_mb() -> int:
    """The per-file limit actually in force: the ward setting, capped by the request limit."""
    from portal.settings.models import get_settings

    request_cap = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    limit = int(get_settings().upload_max_mb or 0)
    return min(limit, request_cap) if request_cap else limit


def human_size(size: int) -> str:
    """1536 -> "1,5 KB" (Vietnamese decimal comma)."""
    value, unit = float(size), "byte"
    for unit in ("byte", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    text = f"{value:.0f}" if unit == "byte" or value >= 10 or value == int(value) else f"{value:.1f}"
    return f"{text.replace('.', ',')} {unit}"


def accept_attribute() -> str:
    """For <input type=file accept=…>: a convenience for the picker, not a check."""
    return ",".join(f".{ext}" for ext in ALLOWED)


def allowed_labels() -> str:
    """"PDF, Word, Excel, …" in a stable order, each label once."""
    seen: list[str] = []
    for kind in ALLOWED.values():
        if kind.label not in seen:
            seen.append(kind.label)
    return ", ".join(seen)


def upload_rules() -> dict:
    """What the upload widget shows and checks in the browser."""
    mb = max_file_mb()
    return {"accept": accept_attribute(), "labels": allowed_labels(), "max_mb": mb,
            "max_bytes": mb * 1024 * 1024}


# -- checking names and content ----------------------------------------------------------------

def clean_filename(raw: str | None) -> tuple[str, str]:
    """(NFC display name, lower-case extension) or UploadRejected."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise UploadRejected("Chưa chọn tệp nào để tải lên.")
    if "/" in name or "\\" in name or ".." in name:
        raise UploadRejected(f"Tên tệp “{_shown(name)}” có dạng đường dẫn (chứa “/”, “\\” hoặc “..”). "
                             "Hãy đổi tên tệp cho đơn giản rồi tải lại.")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise UploadRejected("Tên tệp chứa ký tự điều khiển hoặc ký tự ẩn không hợp lệ. "
                             "Hãy đổi tên tệp rồi tải lại.")
    stem, dot, ext = name.rpartition(".")
    ext = ext.lower()
    if not dot or not stem.strip(" ."):
        raise UploadRejected(f"Tệp “{_shown(name)}” không có phần mở rộng (ví dụ .pdf, .docx). "
                             f"Các loại được phép: {allowed_labels()}.")
    if ext not in ALLOWED:
        raise UploadRejected(f"Không cho phép tải lên loại tệp “.{_shown(ext)}”. "
                             f"Các loại được phép: {allowed_labels()}.")
    if len(name) > 255:  # the column's width; keep the extension, shorten the stem
        name = stem[: 255 - len(ext) - 2].rstrip() + "…." + ext
        name = name[:255]
    return name, ext


def _shown(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def check_content(path: Path, ext: str, name: str) -> None:
    """The bytes must be what the extension says; programs are refused under any name."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    mismatch = UploadRejected(
        f"Nội dung tệp “{_shown(name)}” không đúng với định dạng {ALLOWED[ext].label} (.{ext}). "
        "Có thể tệp bị đổi tên hoặc bị hỏng; hãy mở và lưu lại đúng định dạng rồi tải lên.")
    if head.startswith(_EXECUTABLE_MAGIC):
        raise UploadRejected(f"Tệp “{_shown(name)}” là chương trình hoặc tập lệnh (có thể đã bị đổi "
                             "tên), không được phép tải lên.")
    if ext == "pdf":
        if filetype.guess_mime(head) != "application/pdf":
            raise mismatch
    elif ext in _IMAGE_MIME:
        if filetype.guess_mime(head) != _IMAGE_MIME[ext]:
            raise mismatch
    elif ext in ("doc", "xls", "ppt"):
        if not head.startswith(_OLE2):
            raise mismatch
    elif ext in _OOXML_PART or ext in _ODF_MIME:
        _check_zip(path, ext, name, mismatch)
    elif ext in ("txt", "csv"):
        _check_text(path, name)
    else:  # pragma: no cover - ALLOWED and the checks above must list the same extensions
        raise mismatch


def _check_zip(path: Path, ext: str, name: str, mismatch: UploadRejected) -> None:
    # Only the central directory is read (and ODF's tiny "mimetype" entry): no decompression,
    # so a zip bomb costs nothing here.
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if ext in _OOXML_PART:
                if "[Content_Types].xml" not in names or not any(
                        n.startswith(_OOXML_PART[ext]) for n in names):
                    raise mismatch
            else:
                if "mimetype" not in names:
                    raise mismatch
                with zf.open("mimetype") as fh:
                    if fh.read(100).decode("ascii", "replace").strip() != _ODF_MIME[ext]:
                        raise mismatch
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError):
        raise mismatch from None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRejected(f"Tệp “{_shown(name)}” có chứa macro (mã lệnh), không được phép tải lên. "
                             "Hãy lưu lại thành tệp thường (không có macro) rồi tải lên.")


def _check_text(path: Path, name: str) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    bad = UploadRejected(f"Tệp “{_shown(name)}” không phải văn bản thuần mã UTF-8. Hãy lưu lại với "
                         "bảng mã UTF-8 (ví dụ Excel: “CSV UTF-8”) rồi tải lên.")
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if b"\x00" in chunk:
                raise bad
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                raise bad from None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise bad from None


# -- storing ---------------------------------------------------------------------------------------

def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]).resolve()


def stored_path(stored_file: StoredFile) -> Path:
    """Where the blob lives on disk (UPLOAD_FOLDER/ab/abcdef….pdf)."""
    name = stored_file.stored_name
    return upload_root() / name[:2] / name


def save_upload(file_storage, user) -> StoredFile:
    """Check and store one uploaded file (a werkzeug FileStorage); add and flush its row.

    Raises UploadRejected with a Vietnamese message; then nothing is kept. The caller commits.
    """
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadRejected("Chưa chọn tệp nào để tải lên.")
    name, ext = clean_filename(file_storage.filename)
    limit = max_file_mb() * 1024 * 1024
    root = upload_root()
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}.{ext}"
    tmp = tmp_dir / f"{stored_name}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as out:
            while chunk := file_storage.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRejected(
                        f"Tệp “{_shown(name)}” vượt quá dung lượng cho phép ({max_file_mb()} MB mỗi tệp). "
                        "Hãy nén, giảm độ phân giải hoặc chia nhỏ tệp rồi tải lại.")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRejected(f"Tệp rỗng: “{_shown(name)}” không có nội dung (0 byte).")
        check_content(tmp, ext, name)
        final = root / stored_name[:2] / stored_name
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    row = StoredFile(original_name=name, stored_name=stored_name, content_type=ALLOWED[ext].content_type,
                     size=size, sha256=digest.hexdigest(),
                     uploaded_by_id=getattr(user, "id", None))
    db.session.add(row)
    _pending(db.session, "new").append(final)
    db.session.flush()
    return row


def save_uploads(file_storages, user) -> list[StoredFile]:
    """Several files from one input (request.files.getlist(name)); empty slots are skipped.

    All or nothing: the first refusal raises, and the caller's rollback removes what was stored.
    """
    files = [f for f in (file_storages or []) if f is not None and f.filename]
    if not files:
        raise UploadRejected("Chưa chọn tệp nào để tải lên.")
    return [save_upload(f, user) for f in files]


def delete_stored_file(stored_file: StoredFile) -> None:
    """Delete the row; the blob goes when that is committed and no other row names it.

    The caller decides that nothing links the file any more (links live in each area's tables).
    """
    path = stored_path(stored_file)
    db.session.delete(stored_file)
    db.session.flush()
    others = db.session.scalar(select(func.count(StoredFile.id))
                               .where(StoredFile.stored_name == stored_file.stored_name))
    if not others:
        _pending(db.session, "delete").append(path)


# -- keeping disk and database in step -----------------------------------------------------------

def _pending(session: Session, kind: str) -> list[Path]:
    return session.info.setdefault(f"evidence_{kind}", [])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop("evidence_new", None)  # committed: keep
    for path in session.info.pop("evidence_delete", []):
        _unlink(path)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint; the outer transaction decides
    # Still listed after the outer transaction ended: it was rolled back.
    for path in session.info.pop("evidence_new", []):
        _unlink(path)
    session.info.pop("evidence_delete", None)


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # a stray blob is harmless; a failed request is not
        log.warning("could not remove stored file %s", path, exc_info=True)


# -- serving ---------------------------------------------------------------------------------------

def ascii_fallback(name: str) -> str:
    """A plain-ASCII file name for old clients: "Báo cáo Đợt 1.pdf" -> "Bao cao Dot 1.pdf"."""
    out = []
    for ch in unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D")):
        if unicodedata.combining(ch):
            continue
        out.append(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_")
    text = "".join(out).strip() or "tep"
    return text


def content_disposition(name: str, inline: bool = False) -> str:
    """RFC 6266 / 5987: an ASCII fallback plus the exact UTF-8 name."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def can_inline(stored_file: StoredFile) -> bool:
    ext = stored_file.stored_name.rpartition(".")[2]
    kind = ALLOWED.get(ext)
    return bool(kind and kind.inline)


def send_stored_file(stored_file: StoredFile, inline: bool = False):
    """The file as a response, under its original name. Inline only for PDF and images.

    The caller has already checked that the current user may see the object it belongs to.
    """
    path = stored_path(stored_file)
    if not path.is_file():
        log.error("stored file %s (%s) missing on disk", stored_file.id, path)
        abort(404, f"Không tìm thấy tệp “{_shown(stored_file.original_name)}” trên máy chủ (có thể "
                   "đã bị xóa hoặc chưa được khôi phục từ bản sao lưu). Vui lòng báo quản trị hệ thống.")
    inline = inline and can_inline(stored_file)
    ext = stored_file.stored_name.rpartition(".")[2]
    mimetype = ALLOWED[ext].content_type if ext in ALLOWED else "application/octet-stream"
    response = send_file(path, mimetype=mimetype, conditional=True, etag=stored_file.sha256,
                         max_age=0)
    response.headers["Content-Type"] = mimetype  # send_file would append a second charset
    response.headers["Content-Disposition"] = content_disposition(stored_file.original_name, inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = INLINE_CSP if inline else ATTACHMENT_CSP
    response.cache_control.private = True
    response.cache_control.public = False
    return response


__all__ = ["ALLOWED", "UploadRejected", "save_upload", "save_uploads", "send_stored_file",
           "delete_stored_file", "stored_path", "upload_rules", "can_inline", "content_disposition"]
