"""Evidence preview beside a report: PDF inline, images in a page that scales them (zoom on
click), Word and Excel converted on the server to text / the first sheet, read-only; the demo
ward ships one file of each kind."""
import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.evidence import preview as P
from portal.evidence.demo_files import FILES, demo_uploads
from portal.evidence.models import StoredFile
from portal.extensions import db
from portal.rounds import services as S
from tests.rounds_factory import make_round, person
from tests.support import login_as


@pytest.fixture
def report_with_files(app):
    rnd = make_round(name="Đợt xem trước", count=1, authors=("vp.thu",))
    report = S.round_reports(rnd.id, person_id=None)[0]
    S.add_files(report, demo_uploads(), person("vp.thu"))
    db.session.commit()
    return report.id, {f.original_name.rsplit(".", 1)[1]: f.id for f in report.files}


def _get(app, username, report_id, file_id, mode="1"):
    return login_as(app, username).get(f"/dot-kiem-tra/bao-cao/{report_id}/tep/{file_id}?xem={mode}")


def test_word_is_shown_as_its_text_and_tables(app, report_with_files):
    report_id, ids = report_with_files
    r = _get(app, "vp.thu", report_id, ids["docx"])
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "<h2>Báo cáo kết quả tuyên truyền CCHC</h2>" in html
    assert "600 lượt người tham dự" in html and "<td>Loa truyền thanh</td>" in html


def test_excel_is_shown_as_its_first_sheet(app, report_with_files):
    report_id, ids = report_with_files
    html = _get(app, "vp.viet", report_id, ids["xlsx"]).get_data(as_text=True)
    assert "“Tổng hợp”" in html and "tệp có 2 trang tính" in html
    assert "<td>Chứng thực bản sao</td>" in html and "<td>412</td>" in html
    assert "Số liệu đến hết ngày" not in html  # the second sheet is not shown


def test_image_is_scaled_in_a_page_and_served_inline(app, report_with_files):
    report_id, ids = report_with_files
    html = _get(app, "vp.thu", report_id, ids["png"]).get_data(as_text=True)
    assert 'class="zoom" aria-pressed="false"' in html and f"/tep/{ids['png']}?xem=goc" in html
    raw = _get(app, "vp.thu", report_id, ids["png"], mode="goc")
    assert raw.mimetype == "image/png" and raw.headers["Content-Disposition"].startswith("inline")


def test_pdf_is_sent_inline(app, report_with_files):
    report_id, ids = report_with_files
    r = _get(app, "vp.thu", report_id, ids["pdf"])
    assert r.mimetype == "application/pdf" and r.headers["Content-Disposition"].startswith("inline")


def test_report_page_offers_every_previewable_file(app, report_with_files):
    report_id, ids = report_with_files
    html = login_as(app, "vp.thu").get(f"/dot-kiem-tra/bao-cao/{report_id}").get_data(as_text=True)
    assert html.count("Xem bên cạnh") == 4
    assert f'src="/dot-kiem-tra/bao-cao/{report_id}/tep/{ids["pdf"]}?xem=1"' in html


def test_preview_keeps_the_report_permissions(app, report_with_files):
    report_id, ids = report_with_files
    assert _get(app, "yt.huong", report_id, ids["docx"]).status_code in (403, 404)


def test_preview_escapes_what_the_file_says(app):
    from docx import Document

    buf = io.BytesIO()
    doc = Document()
    doc.add_paragraph('<script>alert("x")</script>')
    doc.save(buf)
    rnd = make_round(name="Đợt thoát ký tự", count=1, authors=("vp.thu",))
    report = S.round_reports(rnd.id, person_id=None)[0]
    S.add_files(report, [FileStorage(io.BytesIO(buf.getvalue()), filename="x.docx")], person("vp.thu"))
    db.session.commit()
    html = _get(app, "vp.thu", report.id, report.files[0].id).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_a_damaged_file_is_explained_not_a_500(app, report_with_files, monkeypatch):
    report_id, ids = report_with_files

    def broken(_path):
        raise ValueError("bad zip")

    monkeypatch.setattr(P, "xlsx_first_sheet", broken)
    r = _get(app, "vp.thu", report_id, ids["xlsx"])
    assert r.status_code == 200 and "Không đọc được nội dung tệp này" in r.get_data(as_text=True)


def test_demo_ward_ships_one_file_of_each_kind(app):
    names = set(db.session.scalars(select(StoredFile.original_name)))
    assert {name for name, _make in FILES} <= names
