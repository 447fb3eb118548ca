"""PDF plumbing: render_pdf + the ND30 base template, checked with poppler-utils."""

import datetime
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable as `pytest tests/test_pdf_plumbing.py`

from portal.pdf import PdfRenderError, render_pdf  # noqa: E402

NAMES = ["Nguyễn Thị Hường", "Trần Văn Đức", "Lê Thị Ánh Tuyết", "Phạm Quốc Việt", "Hoàng Thị Thủy"]
FIELDS = ["Hộ tịch", "Đất đai", "Chứng thực", "Lao động – Thương binh và Xã hội", "Xây dựng"]


def sample_doc(**overrides):
    doc = {
        "issuer_parent": "UBND TỈNH HÀ TĨNH",
        "issuer_name": "ỦY BAN NHÂN DÂN\nPHƯỜNG THÀNH SEN",
        "number": "05/BC-UBND",
        "place": "Thành Sen",
        "date": datetime.date(2025, 7, 5),
        "title": "Báo cáo",
        "subtitle": "Kết quả kiểm tra công tác cải cách hành chính năm 2025",
        "recipients": ["UBND tỉnh Hà Tĩnh (để b/c);", "Sở Nội vụ;", "Lưu: VT, VP."],
        "sign_lines": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        "signer_name": "Nguyễn Thị Hường",
    }
    doc.update(overrides)
    return doc


def sample_rows(n=250):
    return [
        [i + 1, f"H01.{i + 1:05d}", NAMES[i % 5], FIELDS[i % 5],
         f"{1 + i % 28:02d}/{1 + i % 12:02d}/2025", "Đúng hạn" if i % 7 else "Trễ hạn"]
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def app():
    return Flask(__name__, template_folder=str(ROOT / "portal" / "templates"))


def pdftotext(path, first=None, last=None):
    args = ["pdftotext"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def sample_pdf(app, tmp_path_factory):
    with app.app_context():
        start = time.perf_counter()
        data = render_pdf("pdf/_sample.html", doc=sample_doc(), rows=sample_rows())
        elapsed = time.perf_counter() - start
    print(f"\n250-row sample rendered in {elapsed:.2f} s")
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(data)
    return path


def test_renders_pdf_bytes(sample_pdf):
    assert sample_pdf.read_bytes().startswith(b"%PDF-")


def test_text_keeps_vietnamese(sample_pdf):
    text = pdftotext(sample_pdf)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND TỈNH HÀ TĨNH",
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG THÀNH SEN",
        "Số: 05/BC-UBND",
        "Thành Sen, ngày 05 tháng 7 năm 2025",
        "BÁO CÁO",
        "Phường Thành Sen",
        "Nguyễn Thị Hường",
        "Lê Thị Ánh Tuyết",
        "Nơi nhận:",
        "- Sở Nội vụ;",
        "- Lưu: VT, VP.",
        "KT. CHỦ TỊCH",
        "H01.00250",
    ]:
        assert expected in text, expected
    assert "- Lưu: VT.\n" not in text  # the caller's own "Lưu" line replaces the default


def test_all_fonts_embedded_with_bold_and_italic(sample_pdf):
    out = subprocess.run(["pdffonts", str(sample_pdf)], check=True, capture_output=True,
                         text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    names = {row[0].split("+")[-1] for row in rows}
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
            "LiberationSerif-BoldItalic"} <= names
    for row in rows:
        # columns: name type encoding emb sub uni object ID (type may be 2 words)
        assert row[-5] == "yes", f"font not embedded: {row}"


def test_page_number_only_from_page_two(sample_pdf):
    page1 = pdftotext(sample_pdf, 1).strip()
    page2 = pdftotext(sample_pdf, 2).strip()
    assert page1.startswith("UBND TỈNH HÀ TĨNH")
    assert not page1.splitlines()[0].strip().isdigit()
    assert page2.splitlines()[0].strip() == "2"
    assert pdftotext(sample_pdf, 3).strip().splitlines()[0].strip() == "3"


def test_table_is_chunked_with_header_rows(app):
    with app.app_context():
        from flask import render_template_string
        html = render_template_string(
            '{% import "pdf/_macros.html" as m %}{{ m.table(["A", "B"], rows, ["30%", "70%"]) }}',
            rows=[[i, "<b>x</b>"] for i in range(249)] + [[None, datetime.date(2025, 2, 3)]],
        )
    assert html.count("<table") == 3
    assert html.count('repeat="1"') == 3
    assert html.count("<th") == 6
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert "<td></td><td>03/02/2025</td>" in html


def test_blank_number_and_date_and_february(app, tmp_path):
    with app.app_context():
        blank = render_pdf("pdf/_sample.html", doc=sample_doc(number="/BC-UBND", date=None),
                           rows=sample_rows(3))
        feb = render_pdf("pdf/_sample.html", doc=sample_doc(date=datetime.date(2025, 2, 3)),
                         rows=sample_rows(3))
    (tmp_path / "blank.pdf").write_bytes(blank)
    (tmp_path / "feb.pdf").write_bytes(feb)
    text = " ".join(pdftotext(tmp_path / "blank.pdf").split())
    assert "Số: /BC-UBND" in text
    assert "Thành Sen, ngày tháng năm 20" in text
    assert "ngày 03 tháng 02 năm 2025" in pdftotext(tmp_path / "feb.pdf")


def test_signature_block_override(tmp_path):
    from jinja2 import ChoiceLoader, DictLoader

    child = (
        '{% extends "pdf/_nd30_base.html" %}{% import "pdf/_macros.html" as m %}'
        "{% block content %}<p>Biên bản họp.</p>{% endblock %}"
        '{% block signature %}<table><tr><td width="50%">'
        '{{ m.signature_block(["THƯ KÝ"], "Lê Văn Bình") }}</td><td width="50%">'
        '{{ m.signature_block(["CHỦ TRÌ"], "Nguyễn Thị Hường") }}</td></tr></table>'
        "{% endblock %}"
    )
    app = Flask(__name__, template_folder=str(ROOT / "portal" / "templates"))
    app.jinja_env.loader = ChoiceLoader([DictLoader({"pdf/_minutes.html": child}),
                                         app.jinja_env.loader])
    with app.app_context():
        data = render_pdf("pdf/_minutes.html", doc=sample_doc(title="Biên bản"))
    (tmp_path / "m.pdf").write_bytes(data)
    text = pdftotext(tmp_path / "m.pdf")
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text and "Lê Văn Bình" in text
    assert "Nơi nhận:" not in text


def test_render_errors_raise(app, monkeypatch):
    import portal.pdf as pdf_module

    class Failed:
        err = 1
        log = [("error", 1, "boom", "")]

    monkeypatch.setattr(pdf_module.pisa, "CreatePDF", lambda *a, **k: Failed())
    with app.app_context(), pytest.raises(PdfRenderError, match="boom"):
        render_pdf("pdf/_sample.html", doc=sample_doc(), rows=[])


def test_decomposed_input_is_normalised(app, tmp_path):
    import unicodedata

    name = "Đặng Thị Ngọc Hà"
    with app.app_context():
        data = render_pdf("pdf/_sample.html", rows=[],
                          doc=sample_doc(signer_name=unicodedata.normalize("NFD", name)))
    (tmp_path / "nfd.pdf").write_bytes(data)
    assert name in pdftotext(tmp_path / "nfd.pdf").splitlines()
