"""The ISO sample-check record and the ad-hoc minutes in Word (.docx) as in PDF: one Document, so the
same words, the same signers and numbers; the same people may open either; bad ids are 404s."""
import io
import subprocess
from collections import Counter
from urllib.parse import quote

import pytest
from docx import Document as read_docx
from sqlalchemy import select

from portal.extensions import db
from portal.iso.models import Procedure, SampleCheck
from portal.pdf.send import DOCX_MIMETYPE

from tests.findings_support import demo_ids
from tests.support import login_as

ISO_USERS = {"admin": 200, "vhxh.ha": 200, "vp.viet": 200, "chutich": 200, "tt.tam": 403}  # READ_CHECKS
# the complaint entry: the managers, the chairman, the team (kt.duc) and the person inspected (tt.tam)
ADHOC_USERS = {"admin": 200, "chutich": 200, "vhxh.ha": 200, "kt.duc": 200, "tt.tam": 200, "tt.mai": 403,
               "yt.huong": 403}


def pdf_text(data: bytes, tmp_path, layout=False) -> list[str]:
    """The PDF's pages as pdftotext reads them: in reading order, or with `layout` a table's row
    on one line."""
    path = tmp_path / "d.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def docx_body(data: bytes) -> str:
    """The text of the .docx as Word shows it: paragraphs and table cells in order (the header and
    signature tables included), read back with python-docx."""
    out = []

    def walk(container):
        for item in container.iter_inner_content():
            if hasattr(item, "rows"):
                for row in item.rows:
                    done = set()
                    for cell in row.cells:
                        if id(cell._tc) not in done:  # a merged cell is listed once per column
                            done.add(id(cell._tc))
                            walk(cell)
            else:
                out.append(item.text)

    walk(read_docx(io.BytesIO(data)))
    return " ".join(" ".join(out).replace("─", " ").split())


def same_words(pdf_pages: list[str], docx: str) -> None:
    """Every word of the PDF is in the .docx as often, and nothing else, but for the page numbers
    and DỰ THẢO marks the PDF prints in its margins (the .docx puts them in page headers)."""
    pdf = Counter(" ".join(pdf_pages).split())
    pdf.subtract({str(n): 1 for n in range(2, len(pdf_pages) + 1)})
    pdf.subtract({"DỰ": pdf["DỰ"], "THẢO": pdf["THẢO"]})
    assert +pdf == Counter(docx.split()), (+pdf - Counter(docx.split()), Counter(docx.split()) - +pdf)


def headers_text(data: bytes) -> str:
    doc = read_docx(io.BytesIO(data))
    section = doc.sections[0]
    return " ".join(p.text for h in (section.header, section.first_page_header) for p in h.paragraphs)


def demo_check() -> SampleCheck:
    return db.session.scalar(select(SampleCheck).order_by(SampleCheck.id))


def assert_word_download(response, stem: str) -> None:
    assert response.status_code == 200 and response.mimetype == DOCX_MIMETYPE
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(f"filename*=UTF-8''{quote(stem + '.docx')}")
    assert response.data.startswith(b"PK")


# -- who may open them: the PDF's matrix, for both formats ------------------------------------------
@pytest.mark.parametrize("username, code", ISO_USERS.items())
def test_iso_record_word_opens_for_the_pdfs_readers_only(app, username, code):
    client = login_as(app, username)
    for fmt in ("pdf", "docx"):
        assert client.get(f"/iso/boc-mau/{demo_check().id}/ket-qua.{fmt}").status_code == code, fmt


@pytest.mark.parametrize("username, code", ADHOC_USERS.items())
def test_adhoc_minutes_word_opens_for_the_pdfs_readers_only(app, username, code):
    client = login_as(app, username)
    for fmt in ("pdf", "docx"):
        assert client.get(f"/kiem-tra-dot-xuat/{demo_ids()['e']}/bien-ban.{fmt}").status_code == code, fmt
    # the discipline entry names neither tt.tam nor tt.mai: only those who read the whole log
    other = login_as(app, username).get(f"/kiem-tra-dot-xuat/{demo_ids()['e2']}/bien-ban.docx").status_code
    assert other == (403 if username in {"tt.tam", "tt.mai", "yt.huong"} else 200)


def test_anonymous_is_sent_to_login(app):
    for url in (f"/iso/boc-mau/{demo_check().id}/ket-qua.docx", f"/kiem-tra-dot-xuat/{demo_ids()['e']}/bien-ban.docx"):
        response = app.test_client().get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize("url", [
    "/iso/boc-mau/99999/ket-qua.docx", "/iso/boc-mau/99999999999999999999/ket-qua.docx",
    "/iso/boc-mau/99999999999999999999/ket-qua.pdf", "/iso/boc-mau/abc/ket-qua.docx", "/iso/boc-mau/{c}/ket-qua.doc",
    "/kiem-tra-dot-xuat/99999/bien-ban.docx", "/kiem-tra-dot-xuat/99999999999999999999/bien-ban.docx",
    "/kiem-tra-dot-xuat/99999999999999999999/bien-ban.pdf", "/kiem-tra-dot-xuat/-1/bien-ban.docx",
    "/kiem-tra-dot-xuat/{e}/bien-ban.odt",
])
def test_bad_ids_and_formats_are_404(app, url):
    response = login_as(app, "admin").get(url.format(c=demo_check().id, e=demo_ids()["e"]))
    assert response.status_code == 404


# -- the ISO record -------------------------------------------------------------------------------------
def test_iso_record_word_says_what_the_pdf_says(app, tmp_path):
    client = login_as(app, "chutich")
    check = demo_check()
    word = client.get(f"/iso/boc-mau/{check.id}/ket-qua.docx")
    assert_word_download(word, "Kết quả bóc mẫu hồ sơ - Bóc mẫu hồ sơ 6 tháng đầu năm 2026 (Đợt 1)")
    pdf = client.get(f"/iso/boc-mau/{check.id}/ket-qua.pdf")
    assert pdf.headers["Content-Disposition"].startswith("inline;")
    pages, text = pdf_text(pdf.data, tmp_path), docx_body(word.data)
    same_words(pages, text)
    for key in ("ĐOÀN KIỂM TRA CCHC", "Thành Sen, ngày 06 tháng 7 năm 2026", "KẾT QUẢ KIỂM TRA, BÓC MẪU HỒ SƠ",
                "Bóc mẫu hồ sơ 6 tháng đầu năm 2026 (Đợt 1)", "số hồ sơ đã giải quyết trong kỳ: 20; số hồ sơ rút mẫu: 5",
                "mã lượt rút mẫu 2032", "Tỷ lệ tuân thủ chung (số bước đúng trên số bước áp dụng): 91,3%",
                "Số hồ sơ mẫu trễ hạn: 1; số hồ sơ trễ hạn trong toàn bộ danh sách: 2",
                "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA NGƯỜI KIỂM TRA Đặng Quốc Việt"):
        assert key in " ".join(pages) and key in text, key  # (the first column's name is blank)
    assert "Số:" not in text and "Nơi nhận" not in text and "DỰ THẢO" not in headers_text(word.data)
    doc = read_docx(io.BytesIO(word.data))
    rows = {" ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows}
    table_lines = " ".join(pdf_text(pdf.data, tmp_path, layout=True))
    for row in ("2 QT-VHXH-01 Đăng ký tổ chức lễ hội 14 1 0 93,3%", "1 Văn phòng HĐND và UBND 7 1 0 87,5%",
                "2 Phòng Văn hóa - Xã hội 14 1 0 93,3%"):
        assert row in rows and row in table_lines, row
    dossiers = next(t for t in doc.tables if t.rows[0].cells[0].text == "TT" and len(t.columns) == 9)
    assert dossiers.rows[0].cells[1].text == "Mã hồ sơ\n(quy trình)"  # a line break, as in the PDF
    assert [c.text for c in dossiers.rows[3].cells][1:] == [
        "LH-2026-003\n(QT-VHXH-01)", "09/02/2026", "09/03/2026", "13/03/2026", "Võ Thị Hà", "5/5", "100,0%",
        "Trễ 4 ngày"]
    body = [p for p in doc.paragraphs if p.text.strip()]
    assert body[-1].text.endswith("./.") and body[-1].paragraph_format.keep_with_next
    signers = doc.tables[-1].rows[0].cells
    assert [c.paragraphs[0].text for c in signers] == ["ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", "NGƯỜI KIỂM TRA"]
    assert [c.paragraphs[-1].text for c in signers] == ["", "Đặng Quốc Việt"]


def test_unfinished_check_prints_a_draft_with_the_date_blank(app, tmp_path):
    manager = login_as(app, "vhxh.nhung")
    proc = db.session.scalar(select(Procedure).where(Procedure.code == "QT-TP-01"))
    r = manager.post("/iso/boc-mau/moi", data={"title": "Bóc mẫu thử", "procedures": [proc.id], "sample_size": "3",
                                              "period_start": "2026-01-01", "period_end": "2026-06-30"})
    check_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    pages = pdf_text(manager.get(f"/iso/boc-mau/{check_id}/ket-qua.pdf").data, tmp_path)
    word = manager.get(f"/iso/boc-mau/{check_id}/ket-qua.docx").data
    text = docx_body(word)
    same_words(pages, text)
    assert all("DỰ THẢO" in page for page in pages) and "DỰ THẢO" in headers_text(word)
    for key in ("Chưa rút mẫu.", "Chưa có hồ sơ được rút mẫu.", "Chưa có kết quả kiểm tra.", "chưa hoàn thành",
                "Thành Sen, ngày tháng năm 20"):
        assert key in " ".join(pages) and key in text, key


def test_check_page_links_both_formats(app):
    page = login_as(app, "chutich").get(f"/iso/boc-mau/{demo_check().id}").get_data(as_text=True)
    assert f'href="/iso/boc-mau/{demo_check().id}/ket-qua.pdf"' in page
    assert f'href="/iso/boc-mau/{demo_check().id}/ket-qua.docx"' in page and "Tải bản Word (.docx)" in page


# -- the ad-hoc minutes -----------------------------------------------------------------------------------
def test_adhoc_minutes_word_says_what_the_pdf_says(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    entry_id = demo_ids()["e"]
    word = client.get(f"/kiem-tra-dot-xuat/{entry_id}/bien-ban.docx")
    assert_word_download(word, "Biên bản kiểm tra đột xuất - Trung tâm Phục vụ hành chính công, Lê Văn Tâm - 14-11-2026")
    pages = pdf_text(client.get(f"/kiem-tra-dot-xuat/{entry_id}/bien-ban.pdf").data, tmp_path)
    text = docx_body(word.data)
    same_words(pages, text)
    for key in ("UBND PHƯỜNG THÀNH SEN ĐOÀN KIỂM TRA CCHC", "Số: /BB-ĐKT", "Thành Sen, ngày 14 tháng 11 năm 2026",
                "BIÊN BẢN KIỂM TRA ĐỘT XUẤT", "Phản ánh, kiến nghị của người dân, tổ chức",
                "Hôm nay, ngày 14 tháng 11 năm 2026, Đoàn kiểm tra công tác cải cách hành chính phường Thành Sen",
                "tại Trung tâm Phục vụ hành chính công (cá nhân được kiểm tra: Lê Văn Tâm)",
                "Lê Thị Hồng Nhung, Trưởng phòng Văn hóa - Xã hội — Trưởng đoàn",
                "Căn cứ: Đơn phản ánh ngày 11/11/2026 (Ông Nguyễn Văn Bình, tổ dân phố 5).",
                "Hồ sơ trễ hạn 6 ngày làm việc", "lập thành 02 bản", "thống nhất ký tên./."):
        assert key in " ".join(pages) and key in text, key
    assert "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA TRƯỞNG ĐOÀN KIỂM TRA Bùi Thị Mai Lê Thị Hồng Nhung" in pages[-1]
    assert "Nơi nhận" not in text
    doc = read_docx(io.BytesIO(word.data))
    signers = doc.tables[-1].rows[0].cells
    assert [c.paragraphs[0].text for c in signers] == ["ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", "TRƯỞNG ĐOÀN KIỂM TRA"]
    assert [c.paragraphs[-1].text for c in signers] == ["Bùi Thị Mai", "Lê Thị Hồng Nhung"]
    body = [p for p in doc.paragraphs if p.text.strip()]
    assert body[-1].text.endswith("thống nhất ký tên./.") and body[-1].paragraph_format.keep_with_next


def test_adhoc_minutes_keep_the_signatures_with_the_last_paragraph(app, tmp_path):
    """The signatures never stand alone on a page (DOCUMENTS.md)."""
    client = login_as(app, "vhxh.ha")
    for entry_id in (demo_ids()["e"], demo_ids()["e2"]):
        last = pdf_text(client.get(f"/kiem-tra-dot-xuat/{entry_id}/bien-ban.pdf").data, tmp_path)[-1]
        before = last.split("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA")[0]
        assert "thống nhất ký tên./." in before, last[:300]


def test_adhoc_pages_link_both_formats(app):
    client = login_as(app, "vhxh.ha")
    entry_id = demo_ids()["e"]
    for url in (f"/kiem-tra-dot-xuat/{entry_id}", "/kiem-tra-dot-xuat/"):
        page = client.get(url).get_data(as_text=True)
        assert f'href="/kiem-tra-dot-xuat/{entry_id}/bien-ban.pdf"' in page, url
        assert f'href="/kiem-tra-dot-xuat/{entry_id}/bien-ban.docx"' in page, url
    assert "Tải bản Word (.docx)" in client.get(f"/kiem-tra-dot-xuat/{entry_id}").get_data(as_text=True)
