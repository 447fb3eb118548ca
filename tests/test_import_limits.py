"""Import limits for uploaded spreadsheets (ISO registry, responsibility tables): a small file
with a million rows, a zip bomb or an oversized upload is refused quickly and cheaply."""
import io
import time
import tracemalloc
import zipfile
from xml.sax.saxutils import escape

import pytest

from portal.assignments.exchange import HEADERS as EXCHANGE_HEADERS
from portal.exports.xlsx import MAX_XLSX_ROWS, read_rows
from portal.iso.registry_xlsx import HEADERS as REGISTRY_HEADERS
from tests.support import login_as

PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>'),
}


def million_row_xlsx(headers, rows=1_000_000) -> bytes:
    """An .xlsx written by hand: the header row, then `rows` one-cell rows (26 MB of XML, well
    under 1 MB zipped, like the file that once took 161 s)."""
    def column(i):
        return chr(ord("A") + i)

    head = "".join(f'<c r="{column(i)}1" t="inlineStr"><is><t>{escape(h)}</t></is></c>' for i, h in enumerate(headers))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(f'<row r="1">{head}</row>'.encode())
            row = b"<row><c><v>1</v></c></row>"
            for _ in range(rows // 10000):
                sheet.write(row * 10000)
            sheet.write(row * (rows % 10000))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def registry_bomb():
    return million_row_xlsx(list(REGISTRY_HEADERS.values()) if isinstance(REGISTRY_HEADERS, dict)
                            else list(REGISTRY_HEADERS))


def _measure(fn):
    """(result, seconds, peak bytes): the time without tracemalloc (it slows Python several
    times over), then the memory of a second run under it."""
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, elapsed, peak


def test_a_million_row_registry_is_refused_within_2_s_and_100_mb(app, registry_bomb):
    assert len(registry_bomb) < 1024 * 1024
    manager = login_as(app, "vhxh.ha")
    response, elapsed, peak = _measure(lambda: manager.post(
        "/iso/quy-trinh/nhap", data={"file": (io.BytesIO(registry_bomb), "dm.xlsx")}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "quá nhiều dòng" in html
    assert elapsed < 2 and peak < 100 * 1024 * 1024, (elapsed, peak)


def test_a_million_row_responsibility_table_is_refused_within_2_s_and_100_mb(app):
    data = million_row_xlsx([v for k, v in EXCHANGE_HEADERS.items() if k not in ("stt", "text")])
    manager = login_as(app, "vhxh.ha")
    response, elapsed, peak = _measure(lambda: manager.post(
        "/phan-cong/nhap", data={"file": (io.BytesIO(data), "phan-cong.xlsx")}))
    assert response.status_code == 422 and "quá nhiều dòng" in response.get_data(as_text=True)
    assert elapsed < 2 and peak < 100 * 1024 * 1024, (elapsed, peak)


def test_row_cap_counts_rows_below_the_header(registry_bomb):
    headers = REGISTRY_HEADERS
    small = million_row_xlsx(list(headers.values()) if isinstance(headers, dict) else list(headers), rows=MAX_XLSX_ROWS)
    rows, errors = read_rows(small, headers)
    assert not any("quá nhiều dòng" in e for e in errors) and len(rows) == MAX_XLSX_ROWS
    over = million_row_xlsx(list(headers.values()) if isinstance(headers, dict) else list(headers), rows=MAX_XLSX_ROWS + 1)
    assert read_rows(over, headers)[1] == [f"Tệp có quá nhiều dòng (tối đa {MAX_XLSX_ROWS} dòng dữ liệu). "
                                           "Hãy chia thành nhiều tệp nhỏ hơn."]


def test_oversized_and_bomb_files_are_refused_before_parsing():
    headers = REGISTRY_HEADERS
    big = b"PK" + b"\0" * (6 * 1024 * 1024)
    assert "quá lớn" in read_rows(io.BytesIO(big), headers)[1][0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/sharedStrings.xml", b" " * (80 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    (rows, errors), elapsed, _peak = _measure(lambda: read_rows(data, headers))
    assert errors and "giải nén" in errors[0] and elapsed < 2
