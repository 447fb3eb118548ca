"""Catalogue import hardening (issue 12, issue 16 "Import limits"): aliases refused, Vietnamese
messages with lines, all problems at once, length limits, Excel import/export."""
import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from portal.catalogue import excelformat, fileformat, services
from portal.catalogue.models import Criterion
from portal.extensions import db
from tests.support import login_as

DATA = Path(__file__).resolve().parent.parent / "portal" / "catalogue" / "data" / "thanh_sen_2026.yaml"
HEAD = 'year: 2026\ntitle: "T"\nareas:\n  - code: "1.1"\n    name: "A"\n    criteria:\n'

ALIAS_BOMB = """year: 2026
title: "T"
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
areas:
  - code: "1.1"
    name: "A"
    criteria:
      - code: "1.1.1"
        text: "x"
        max_points: *i
"""


def _bounded(fn, *args):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = fn(*args)
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, elapsed, peak


def _count():
    return db.session.scalar(select(func.count(Criterion.id)))


def test_alias_bomb_is_refused_within_2s_and_100mb(app):
    (spec, errors), elapsed, peak = _bounded(fileformat.parse, ALIAS_BOMB.encode())
    assert spec is None and elapsed < 2 and peak < 100 * 1024 * 1024
    assert errors == ["Dòng 4: tệp dùng tham chiếu YAML (“*…”); hãy viết đầy đủ giá trị, không dùng “&” và “*”."]


def test_alias_bomb_over_the_web_short_message_nothing_changed(app):
    client = login_as(app, "vhxh.ha")
    started = time.perf_counter()
    response = client.post("/bo-noi-dung/nhap", data={"file": (io.BytesIO(ALIAS_BOMB.encode()), "b.yaml")},
                           follow_redirects=True)
    assert time.perf_counter() - started < 2
    html = response.get_data(as_text=True)
    assert "tham chiếu YAML" in html and "Chưa nhập gì" in html and "lol" not in html
    assert _count() == 69


def test_colon_in_text_is_explained_in_vietnamese_with_the_line(app):
    raw = HEAD + '      - code: "1.1.1"\n        text: Kết quả: tỷ lệ hồ sơ trực tuyến\n'
    spec, errors = fileformat.parse(raw.encode())
    assert spec is None
    assert errors[0].startswith("Dòng 8: Tệp không đúng cú pháp YAML: có dấu “: ” giữa một văn bản")
    assert "ngoặc kép" in errors[0] and "mapping" not in errors[0]


def test_every_problem_is_reported_at_once(app):
    raw = (HEAD + '      - code: "1.1.1"\n        text: "Một"\n        max_points: "nhiều"\n'
           '      - code: "1.1.1"\n        text: "Hai"\n      - text: "Không mã"\n'
           '      - code: 1.10\n        text: "Mã số"\n')
    spec, errors = fileformat.parse(raw.encode())
    assert spec is None
    assert errors == [
        "Dòng 7: Điểm tối đa của nội dung 1.1.1 phải là một số (đang là “nhiều”).",
        "Dòng 10: Mã nội dung “1.1.1” bị trùng (đã có ở dòng 7).",
        "Dòng 12: Nội dung kiểm tra thiếu “code”.",
        "Dòng 13: Nội dung kiểm tra: “code” “1.1” phải đặt trong dấu ngoặc kép (nếu không, 1.10 sẽ bị đọc thành số 1.1).",
    ]


def test_duplicate_keys_are_reported(app):
    raw = HEAD + '      - code: "1.1.1"\n        text: "Một"\n        text: "Hai"\n'
    assert fileformat.parse(raw.encode())[1] == ["Dòng 9: khóa “text” xuất hiện hai lần."]


@pytest.mark.parametrize("field,line,expected", [
    ('text: "' + "á" * 2001 + '"', 7, "dài 2001 ký tự, tối đa 2000"),
    ('text: "x"\n        max_points: 123456', 7, "quá lớn"),
    ('text: "x"\n        max_points: 1.234', 7, "tối đa 2 chữ số thập phân"),
    ('text: "x"\n        indicator: {unit: "' + "%" * 31 + '", target: 5}', 7, "tối đa 30"),
])
def test_lengths_and_numbers_checked_before_the_database(app, field, line, expected):
    raw = HEAD + f'      - code: "1.1.1"\n        {field}\n'
    spec, errors = fileformat.parse(raw.encode())
    assert spec is None and errors and errors[0].startswith(f"Dòng {line}:") and expected in errors[0]
    assert len(errors[0]) < 200  # a short excerpt, never the whole value


def test_long_code_over_the_web_is_a_message_not_a_500(app):
    client = login_as(app, "vhxh.ha")
    raw = HEAD + f'      - code: "1.1.{"9" * 40}"\n        text: "x"\n'
    response = client.post("/bo-noi-dung/nhap", data={"file": (io.BytesIO(raw.encode()), "x.yaml")},
                           follow_redirects=True)
    assert response.status_code == 200 and "tối đa 30" in response.get_data(as_text=True)


def test_old_excel_file_is_recognised(app):
    raw = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    assert "Excel đời cũ (.xls)" in fileformat.parse(raw)[1][0]


def test_oversized_yaml_refused_before_parsing(app):
    spec, errors = fileformat.parse(b"year: 2026\n" + b"# x\n" * 300_000)
    assert spec is None and errors == ["Tệp quá lớn (tối đa 1000 KB)."]


# --- Excel ---------------------------------------------------------------------------------

def test_excel_round_trip_gives_the_same_catalogue(app):
    cat = services.catalogue_for_year(2026)
    before = fileformat.dump(cat)
    raw = excelformat.build_xlsx(cat)
    spec, errors = fileformat.parse(raw)  # the YAML import recognises the workbook
    assert errors == [] and spec.criteria_count() == 69
    assert spec == fileformat.parse(before.encode())[0]
    imported, errors, stats = services.import_catalogue(spec)
    assert errors == [] and stats == {"created": 0, "updated": 0, "removed": 0}
    db.session.commit()
    assert fileformat.dump(services.catalogue_for_year(2026)) == before


def test_excel_round_trip_keeps_indicators_and_points(app):
    text = (HEAD.replace("2026", "2027") + '      - code: "1.1.10"\n        text: "Tỷ lệ hồ sơ trực tuyến"\n'
            '        indicator: {unit: "%", target: 97.5}\n        max_points: 1.25\n'
            '    groups:\n      - code: "1.1.a"\n        name: "Nhóm a"\n        criteria:\n'
            '          - code: "1.1.a.1"\n            text: "Con"\n')
    spec = fileformat.parse(text.encode())[0]
    services.import_catalogue(spec)
    db.session.commit()
    raw = excelformat.build_xlsx(services.catalogue_for_year(2027))
    again = fileformat.parse(raw)[0]
    assert again == spec
    c = again.areas[0].criteria[0]
    assert (c.code, c.indicator_unit, str(c.indicator_target), str(c.max_points)) == ("1.1.10", "%", "97.5", "1.25")


def _workbook(rows, meta=(("Năm", 2026), ("Tiêu đề", "Bộ thử"))):
    wb = Workbook()
    ws = wb.active
    for label, value in meta:
        ws.append([label, value])
    ws.append([])
    ws.append(["Loại", "Mã", "Tên / nội dung", "Đơn vị tính", "Chỉ tiêu", "Điểm tối đa"])
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_bad_excel_gives_row_numbered_messages_and_changes_nothing(app):
    raw = _workbook([
        ("Lĩnh vực", "1.1", "Chỉ đạo"),          # row 5
        ("Nội dung", "1.1.1", "Một", "%", "sáu mươi"),
        ("Nội dung", "1.1.1", "Trùng"),
        ("Nội dung", "2.1.1", "Lạc lĩnh vực"),
        ("Mục", "x", "Loại lạ"),
        ("Nội dung", "1.1.2", None, None, None, -1),
    ])
    spec, errors = fileformat.parse(raw)
    assert spec is None
    assert errors == [
        "Dòng 9: cột “Loại” là “Mục”; chỉ dùng Lĩnh vực, Nhóm, Nội dung hoặc Đột xuất.",
        "Dòng 6: Chỉ tiêu của nội dung 1.1.1 phải là một số (đang là “sáu mươi”).",
        "Dòng 7: Mã nội dung “1.1.1” bị trùng (đã có ở dòng 6).",
        "Dòng 8: Mã nội dung “2.1.1” không thuộc lĩnh vực “1.1” (mã phải bắt đầu bằng “1.1.”): lĩnh vực không xác định.",
        "Dòng 10: Nội dung 1.1.2 thiếu cột “Tên / nội dung”.",
        "Dòng 10: Điểm tối đa của nội dung 1.1.2 không được âm.",
    ]
    before = fileformat.dump(services.catalogue_for_year(2026))
    client = login_as(app, "vhxh.ha")
    html = client.post("/bo-noi-dung/nhap", data={"file": (io.BytesIO(raw), "bo.xlsx")},
                       follow_redirects=True).get_data(as_text=True)
    assert "Dòng 7: Mã nội dung “1.1.1” bị trùng" in html and "Chưa nhập gì" in html
    db.session.expire_all()
    assert fileformat.dump(services.catalogue_for_year(2026)) == before and _count() == 69


def test_web_excel_import_of_a_new_year(app):
    raw = _workbook([("Lĩnh vực", "1.1", "Chỉ đạo"), ("Nội dung", "1.1.1", "Một", "%", 95, 2),
                     ("Đột xuất", None, "Kỷ luật")], meta=(("Năm", 2027), ("Tiêu đề", "Bộ 2027")))
    client = login_as(app, "vhxh.ha")
    html = client.post("/bo-noi-dung/nhap", data={"file": (io.BytesIO(raw), "2027.xlsx")},
                       follow_redirects=True).get_data(as_text=True)
    assert "Đã nhập bộ nội dung năm 2027: 1 nội dung" in html
    cat = services.catalogue_for_year(2027)
    crit = cat.areas[0].criteria[0]
    assert (crit.indicator_unit, crit.indicator_target, crit.max_points) == ("%", 95, 2)
    assert [s.name for s in cat.adhoc_subjects] == ["Kỷ luật"]


def _million_rows_xlsx() -> bytes:
    """A valid .xlsx whose sheet has 1,000,000 rows, written straight as XML (openpyxl would
    take minutes)."""
    src = io.BytesIO()
    wb = Workbook()
    wb.active.append(["x"])
    wb.save(src)
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(item, zin.read(item.filename))
                continue
            with zout.open("xl/worksheets/sheet1.xml", "w") as f:
                f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                        b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                row = b'<row><c t="inlineStr"><is><t>N\xe1\xbb\x99i dung</t></is></c></row>'
                for _ in range(100):
                    f.write(row * 10_000)
                f.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_million_row_excel_refused_within_2s_and_100mb(app):
    raw = _million_rows_xlsx()
    assert len(raw) < excelformat.MAX_BYTES
    (spec, errors), elapsed, peak = _bounded(fileformat.parse, raw)
    assert spec is None and elapsed < 2 and peak < 100 * 1024 * 1024
    assert any("hơn 5000 dòng" in e for e in errors), errors


def test_template_download_for_managers_only(app):
    response = login_as(app, "vhxh.ha").get("/bo-noi-dung/mau.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in ws[6]] == ["Loại", "Mã", "Tên / nội dung", "Đơn vị tính", "Chỉ tiêu", "Điểm tối đa", "Thuộc mã",
                                   "Cách chấm", "Ngưỡng (giá trị:điểm)", "Tỷ lệ đạt một phần"]
    spec, errors = fileformat.parse(response.data)  # the template itself imports
    assert errors == [] and spec.year == 2027
    assert login_as(app, "vp.thu").get("/bo-noi-dung/mau.xlsx").status_code == 403


def test_excel_export_for_everyone_logged_in(app):
    response = login_as(app, "vp.thu").get("/bo-noi-dung/2026.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert login_as(app, "vp.thu").get("/bo-noi-dung/1999.xlsx").status_code == 404


def test_cli_exports_and_imports_excel(app, runner, tmp_path):
    out = tmp_path / "c.xlsx"
    assert runner.invoke(args=["catalogue", "export", "2026", str(out)]).exit_code == 0
    result = runner.invoke(args=["catalogue", "import", str(out)])
    assert result.exit_code == 0 and "69 nội dung" in result.output
