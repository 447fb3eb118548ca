"""Excel plumbing: build_workbook / xlsx_response / read_rows."""

import datetime
import io
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runnable as `pytest tests/test_xlsx_plumbing.py`

from portal.exports.xlsx import Sheet, build_workbook, read_rows, xlsx_response  # noqa: E402

HEADERS = ["STT", "Mã hồ sơ", "Người nộp", "Ngày nhận", "Ghi chú"]
ROWS = [
    [1, "H01.00001", "Nguyễn Thị Hường", datetime.date(2025, 7, 5), "Đúng hạn"],
    [2, "H01.00002", "Trần Văn Đức", datetime.date(2025, 2, 3), "=1+1"],
    [3, "H01.00003", "Lê Thị Ánh Tuyết", None, "Hồ sơ bổ sung\nlần 2"],
]


def build():
    return build_workbook([
        Sheet("Hồ sơ TTHC", HEADERS, ROWS,
              heading=["ỦY BAN NHÂN DÂN PHƯỜNG THÀNH SEN", "Danh sách hồ sơ kiểm tra"]),
        Sheet("Tóm tắt", ["Lĩnh vực", "Số hồ sơ"], [["Hộ tịch", 12]], widths=[30, 12]),
    ])


def test_layout_heading_header_freeze_filter_widths():
    wb = load_workbook(io.BytesIO(build()))
    ws = wb["Hồ sơ TTHC"]
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN PHƯỜNG THÀNH SEN" and ws["A1"].font.b
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "Danh sách hồ sơ kiểm tra"
    # heading (2 lines) + blank line -> header on row 4
    assert [c.value for c in ws[4]] == HEADERS
    assert all(c.font.b and c.alignment.wrap_text and c.fill.fgColor.rgb.endswith("D9E1F2")
               for c in ws[4])
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:E7"
    assert ws["D5"].number_format == "dd/mm/yyyy"
    assert ws["D5"].is_date
    assert ws["E6"].data_type == "s" and ws["E6"].value == "=1+1"  # not a formula
    widths = {col: ws.column_dimensions[col].width for col in "ABCDE"}
    assert widths["C"] >= len("Lê Thị Ánh Tuyết") and widths["C"] <= 60
    assert widths["A"] < widths["C"]

    summary = wb["Tóm tắt"]
    assert summary.freeze_panes == "A2"
    assert summary.column_dimensions["A"].width == 30
    assert summary.column_dimensions["B"].width == 12


def test_width_is_capped():
    wb = load_workbook(io.BytesIO(build_workbook([Sheet("X", ["Nội dung"], [["x" * 500]])])))
    assert wb["X"].column_dimensions["A"].width == 60


def test_round_trip():
    rows, errors = read_rows(build(), HEADERS)
    assert errors == []
    assert [r["_row"] for r in rows] == [5, 6, 7]
    for got, expected in zip(rows, ROWS):
        assert [got[h] for h in HEADERS] == expected
    assert isinstance(rows[0]["Ngày nhận"], datetime.date)


def test_mapping_headers_and_loose_matching():
    wb = Workbook()
    ws = wb.active
    ws.append(["Báo cáo tháng 7"])
    ws.append([])
    ws.append(["  MA HO SO ", "Người Nộp*", "Cột thừa"])
    ws.append(["H01.1", "Phạm Quốc Việt", "x"])
    ws.append([None, None, None])
    ws.append(["H01.2", "Hoàng Thị Thủy", "y"])
    buf = io.BytesIO()
    wb.save(buf)
    storage = FileStorage(stream=io.BytesIO(buf.getvalue()), filename="hồ sơ.xlsx")
    rows, errors = read_rows(storage, {"code": "Mã hồ sơ", "applicant": "Người nộp"})
    assert errors == []
    assert rows == [
        {"code": "H01.1", "applicant": "Phạm Quốc Việt", "_row": 4},
        {"code": "H01.2", "applicant": "Hoàng Thị Thủy", "_row": 6},
    ]


def test_missing_column():
    rows, errors = read_rows(build(), [*HEADERS, "Kết quả", "Cán bộ xử lý"])
    assert rows == []
    assert errors == ["Thiếu cột: Kết quả, Cán bộ xử lý."]


@pytest.mark.parametrize("data", [b"", b"STT,Ho ten\n1,A\n", b"PK\x03\x04 not really a zip",
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old xls"])
def test_not_excel(data):
    assert read_rows(data, HEADERS) == ([], ["Tệp không phải Excel (.xlsx) hợp lệ."])


def test_empty_sheet_and_header_only():
    buf = io.BytesIO()
    Workbook().save(buf)
    assert read_rows(buf.getvalue(), HEADERS) == ([], ["Trang tính đầu tiên không có dữ liệu."])
    header_only = build_workbook([Sheet("A", HEADERS, [])])
    assert read_rows(header_only, HEADERS) == ([], ["Không có dòng dữ liệu nào dưới dòng tiêu đề."])


def test_xlsx_response_keeps_vietnamese_filename():
    app = Flask(__name__)
    with app.test_request_context():
        resp = xlsx_response(b"data", "Báo cáo kiểm tra CCHC Phường Đông.xlsx")
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    cd = resp.headers["Content-Disposition"]
    assert cd.startswith("attachment; ")
    assert 'filename="Bao_cao_kiem_tra_CCHC_Phuong_Dong.xlsx"' in cd
    encoded = cd.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Báo cáo kiểm tra CCHC Phường Đông.xlsx"
    cd.encode("latin-1")  # header must be pure ASCII/latin-1
    assert resp.get_data() == b"data"
