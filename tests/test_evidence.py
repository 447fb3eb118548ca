"""Evidence storage: every refusal with its Vietnamese message, real small files accepted,
names kept exactly, blobs outside static/ and in step with the database."""
import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from flask import jsonify, render_template_string, request
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.evidence import services
from portal.evidence.models import StoredFile
from portal.extensions import db
from portal.settings.models import get_settings
from tests.conftest import fresh_app
from tests.support import HTMX

VN_NAME = "Báo cáo tự kiểm tra – Đợt 1.pdf"


# -- small real files made here --------------------------------------------------------------

def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def png_bytes() -> bytes:
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"\x00\xff\x00\x00"  # one red pixel, filter byte 0
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "Tỷ lệ hồ sơ trực tuyến"
    wb.active["B1"] = 0.62
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_bytes(macro: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        if macro:
            zf.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buf.getvalue()


def odt_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def fs(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def app(template_db, tmp_path):
    """This file adds throwaway routes, so it needs an app of its own rather than the shared one."""
    yield from fresh_app(template_db, tmp_path)


@pytest.fixture
def user(app):
    return db.session.scalar(db.select(User).filter_by(username="vp.thu"))


@pytest.fixture
def upload_client(app, client, auth):
    """A throwaway upload/download route, as an area would write one (it checks its own
    object first; here any logged-in user may)."""

    def upload():
        try:
            rows = services.save_uploads(request.files.getlist("files"), None)
        except services.UploadRejected as exc:
            db.session.rollback()
            return jsonify(error=exc.message), 422
        db.session.commit()
        return jsonify(ids=[r.id for r in rows])

    def download(file_id):
        row = db.get_or_404(StoredFile, file_id)
        return services.send_stored_file(row, inline=request.args.get("inline") == "1")

    app.add_url_rule("/_test/upload", "test_upload", upload, methods=["POST"])
    app.add_url_rule("/_test/file/<int:file_id>", "test_file", download)
    auth.login("vp.thu")
    return client


def post_files(client, *files, headers=None):
    data = {"files": [(io.BytesIO(content), name) for content, name in files]}
    return client.post("/_test/upload", data=data, content_type="multipart/form-data",
                       headers=headers or {})


# -- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("data,name,words", [
    (b"MZ\x90\x00" + b"\x00" * 200, "bao-cao.pdf", "chương trình"),  # renamed .exe
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "anh.png", "chương trình"),
    (b"#!/bin/sh\nrm -rf /\n", "ghi-chu.txt", "chương trình"),
    (b"", "trong.pdf", "Tệp rỗng"),
    (pdf_bytes(), "../../etc/passwd.pdf", "đường dẫn"),
    (pdf_bytes(), "thu-muc\\bao-cao.pdf", "đường dẫn"),
    (pdf_bytes(), "bao\x00cao.pdf", "ký tự điều khiển"),
    (pdf_bytes(), "hop-dong\u202efdp.exe", "ký tự điều khiển"),  # right-to-left override spoof
    (b"MZ" + b"\x00" * 100, "setup.exe", "Không cho phép tải lên loại tệp “.exe”"),
    (b"<html><script>alert(1)</script></html>", "trang.html", "Không cho phép tải lên loại tệp “.html”"),
    (b"PK\x03\x04", "nen.zip", "loại tệp “.zip”"),
    (b"just some text, not a zip", "bao-cao.docx", "không đúng với định dạng Word"),
    (pdf_bytes(), "bang.xlsx", "không đúng với định dạng Excel"),
    (docx_bytes(), "bang.xlsx", "không đúng với định dạng Excel"),  # a zip, but not a workbook
    (docx_bytes(macro=True), "macro.docx", "macro"),
    (pdf_bytes(), "anh.jpg", "không đúng với định dạng ảnh JPG"),
    (png_bytes(), "van-ban.pdf", "không đúng với định dạng PDF"),
    (b"not ole", "cu.doc", "không đúng với định dạng Word"),
    (b"ten;so\n\xff\xfe\x00x\n", "bang.csv", "UTF-8"),
    (b"abc\x00def", "ghi-chu.txt", "UTF-8"),
    (odt_bytes(), "bang.ods", "OpenDocument"),  # a text document named as a spreadsheet
    (pdf_bytes(), ".pdf", "không có phần mở rộng"),
    (pdf_bytes(), "khongduoi", "không có phần mở rộng"),
])
def test_refusals_have_clear_messages(app, user, data, name, words):
    before = db.session.scalar(db.select(db.func.count(StoredFile.id)))  # the demo ships a few files
    with pytest.raises(services.UploadRejected) as exc:
        services.save_upload(fs(data, name), user)
    assert words in exc.value.message
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == before
    root = Path(app.config["UPLOAD_FOLDER"])
    assert not [p for p in root.rglob("*") if p.is_file()], "a refused upload left a file behind"


def test_no_file_chosen(app, user):
    with pytest.raises(services.UploadRejected, match="Chưa chọn tệp"):
        services.save_upload(None, user)
    with pytest.raises(services.UploadRejected, match="Chưa chọn tệp"):
        services.save_upload(FileStorage(stream=io.BytesIO(b""), filename=""), user)
    with pytest.raises(services.UploadRejected, match="Chưa chọn tệp"):
        services.save_uploads([FileStorage(stream=io.BytesIO(b""), filename="")], user)


def test_oversized_file_refused_by_ward_setting(app, user):
    get_settings().upload_max_mb = 1
    big = pdf_bytes() + b"0" * (1024 * 1024)
    with pytest.raises(services.UploadRejected) as exc:
        services.save_upload(fs(big, "lon.pdf"), user)
    assert "vượt quá dung lượng cho phép (1 MB mỗi tệp)" in exc.value.message
    # Exactly at the limit is fine.
    ok = pdf_bytes() + b"0" * (1024 * 1024 - len(pdf_bytes()))
    assert services.save_upload(fs(ok, "vua.pdf"), user).size == 1024 * 1024


def test_upload_route_refusal_is_422_with_message(upload_client):
    response = post_files(upload_client, (b"MZ" + b"\x00" * 64, "ke-hoach.pdf"))
    assert response.status_code == 422
    assert "chương trình" in response.get_json()["error"]


def test_request_over_cap_is_413_with_vietnamese_message_for_htmx(app, upload_client):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = post_files(upload_client, (pdf_bytes() + b"0" * 4096, "lon.pdf"), headers=HTMX)
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Tệp quá lớn" in text and "vượt quá 2 KB cho một lần gửi" in text
    assert "Mỗi tệp tối đa" in text and "chia nhỏ tệp" in text
    assert "<html" not in text  # a fragment for the toast, not a page
    page = post_files(upload_client, (pdf_bytes() + b"0" * 4096, "lon.pdf"))
    assert page.status_code == 413 and "<html" in page.get_data(as_text=True)


def test_one_bad_file_among_several_keeps_nothing(app, upload_client):
    before = db.session.scalar(db.select(db.func.count(StoredFile.id)))  # the demo ships a few files
    response = post_files(upload_client, (pdf_bytes(), "tot.pdf"), (b"", "rong.pdf"))
    assert response.status_code == 422 and "Tệp rỗng" in response.get_json()["error"]
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == before
    root = Path(app.config["UPLOAD_FOLDER"])
    assert not [p for p in root.rglob("*") if p.is_file()], "rolled-back upload left its blob"


# -- acceptance ------------------------------------------------------------------------------

@pytest.mark.parametrize("data,name,content_type", [
    (pdf_bytes(), "ke-hoach.pdf", "application/pdf"),
    (png_bytes(), "Ảnh chụp.PNG", "image/png"),
    (xlsx_bytes(), "Bảng số liệu.xlsx", services.ALLOWED["xlsx"].content_type),
    (docx_bytes(), "Báo cáo.docx", services.ALLOWED["docx"].content_type),
    (odt_bytes(), "Văn bản.odt", "application/vnd.oasis.opendocument.text"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504, "cu.doc", "application/msword"),
    ("STT;Nội dung\n1;Hồ sơ\n".encode(), "danh-sach.csv", "text/csv; charset=utf-8"),
    ("\ufeffGhi chú tiếng Việt".encode(), "ghi chú.txt", "text/plain; charset=utf-8"),
])
def test_real_small_files_accepted(app, user, data, name, content_type):
    row = services.save_upload(fs(data, name), user)
    db.session.commit()
    assert row.original_name == name
    assert row.content_type == content_type
    assert row.size == len(data)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.uploaded_by_id == user.id
    path = services.stored_path(row)
    assert path.read_bytes() == data
    # Generated name: 32 hex + canonical lower-case extension, sharded by its first two chars.
    stem, ext = row.stored_name.split(".")
    assert len(stem) == 32 and int(stem, 16) >= 0 and ext == name.rpartition(".")[2].lower()
    assert path.parent.name == row.stored_name[:2]
    assert path.is_relative_to(Path(app.config["UPLOAD_FOLDER"]).resolve())
    static = Path(app.static_folder).resolve()
    assert not path.is_relative_to(static)


def test_names_are_kept_nfc(app, user):
    decomposed = "Ba\u0301o ca\u0301o.pdf"  # macOS sends NFD
    row = services.save_upload(fs(pdf_bytes(), decomposed), user)
    assert row.original_name == "Báo cáo.pdf"


def test_very_long_name_is_shortened_keeping_extension(app, user):
    row = services.save_upload(fs(pdf_bytes(), "Đ" * 400 + ".pdf"), user)
    assert len(row.original_name) <= 255 and row.original_name.endswith(".pdf")


# -- serving -----------------------------------------------------------------------------------

def _filename_star(header: str) -> str:
    part = header.split("filename*=", 1)[1]
    assert part.startswith("UTF-8''")
    return unquote(part[len("UTF-8''"):], encoding="utf-8")


def test_vietnamese_name_comes_back_unchanged(upload_client):
    response = post_files(upload_client, (pdf_bytes(), VN_NAME))
    assert response.status_code == 200, response.get_data(as_text=True)
    file_id = response.get_json()["ids"][0]
    download = upload_client.get(f"/_test/file/{file_id}")
    assert download.status_code == 200
    assert download.data == pdf_bytes()
    header = download.headers["Content-Disposition"]
    assert header.startswith("attachment;")
    assert _filename_star(header) == VN_NAME
    assert 'filename="Bao cao tu kiem tra _ Dot 1.pdf"' in header  # readable ASCII fallback
    header.encode("latin-1")  # a header must be pure ASCII/latin-1
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert download.headers["Cache-Control"] == "no-store"  # issue 16: no copy of evidence kept after logout


def test_inline_only_for_pdf_and_images(upload_client):
    ids = post_files(upload_client, (pdf_bytes(), "a.pdf"), (png_bytes(), "b.png"),
                     (docx_bytes(), "c.docx"), (b"<b>hi</b>", "d.txt")).get_json()["ids"]
    pdf, png, docx, txt = (upload_client.get(f"/_test/file/{i}?inline=1") for i in ids)
    for response in (pdf, png):
        assert response.headers["Content-Disposition"].startswith("inline;")
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert "sandbox" not in csp  # Chromium's PDF viewer refuses to run in a sandbox
    assert png.headers["Content-Type"] == "image/png"
    for response in (docx, txt):
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "sandbox" in response.headers["Content-Security-Policy"]
    assert txt.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_missing_blob_is_404_with_message_not_500(app, upload_client):
    file_id = post_files(upload_client, (pdf_bytes(), VN_NAME)).get_json()["ids"][0]
    services.stored_path(db.session.get(StoredFile, file_id)).unlink()
    response = upload_client.get(f"/_test/file/{file_id}")
    assert response.status_code == 404
    assert "Không tìm thấy tệp “Báo cáo tự kiểm tra – Đợt 1.pdf” trên máy chủ" in response.get_data(as_text=True)
    htmx = upload_client.get(f"/_test/file/{file_id}", headers=HTMX)
    assert htmx.status_code == 404 and "<html" not in htmx.get_data(as_text=True)


def test_download_is_never_cached_nor_revalidated(upload_client):
    # Evidence is never stored by the browser (no-store), so it carries no validators either:
    # a 304 would hand back a copy the browser must not have kept.
    file_id = post_files(upload_client, (pdf_bytes(), "a.pdf")).get_json()["ids"][0]
    first = upload_client.get(f"/_test/file/{file_id}")
    assert first.headers["Cache-Control"] == "no-store"
    assert "ETag" not in first.headers and "Last-Modified" not in first.headers
    again = upload_client.get(f"/_test/file/{file_id}", headers={"If-None-Match": '"anything"'})
    assert again.status_code == 200 and again.data == pdf_bytes()


# -- deleting ----------------------------------------------------------------------------------

def test_delete_removes_blob_only_after_commit(app, user):
    row = services.save_upload(fs(pdf_bytes(), "a.pdf"), user)
    db.session.commit()
    path = services.stored_path(row)
    services.delete_stored_file(row)
    assert path.exists(), "blob removed before the deletion was committed"
    db.session.rollback()
    assert path.exists() and db.session.get(StoredFile, row.id) is not None
    services.delete_stored_file(db.session.get(StoredFile, row.id))
    db.session.commit()
    assert not path.exists()


def test_rolled_back_upload_leaves_no_blob(app, user):
    row = services.save_upload(fs(pdf_bytes(), "a.pdf"), user)
    path = services.stored_path(row)
    assert path.exists()
    db.session.rollback()
    assert not path.exists()


def test_savepoint_does_not_drop_outer_uploads(app, user):
    row = services.save_upload(fs(pdf_bytes(), "a.pdf"), user)
    with db.session.begin_nested():
        pass
    db.session.commit()
    assert services.stored_path(row).exists()


# -- the widget ------------------------------------------------------------------------------

def test_upload_widget_shows_rules(app):
    get_settings().upload_max_mb = 15
    with app.test_request_context():
        html = render_template_string(
            '{% with upload_name="tai_lieu", upload_error="Tệp rỗng" %}'
            '{% include "evidence/_upload_field.html" %}{% endwith %}')
    assert 'name="tai_lieu"' in html and "multiple" in html
    assert 'accept=".pdf,.doc,.docx' in html and ".exe" not in html
    assert "Tối đa 15 MB mỗi tệp" in html and "PDF, Word, Excel" in html
    assert f'data-max-bytes="{15 * 1024 * 1024}"' in html
    assert '<progress data-upload-progress hidden max="100"' in html
    assert 'class="error"' in html and "Tệp rỗng" in html


def test_rules_capped_by_request_limit(app):
    get_settings().upload_max_mb = 500
    assert services.upload_rules()["max_mb"] == 60


@pytest.mark.parametrize("size,text", [(0, "0 byte"), (900, "900 byte"), (2048, "2 KB"),
                                       (1536, "1,5 KB"), (60 * 1024 * 1024, "60 MB")])
def test_human_size(size, text):
    assert services.human_size(size) == text
