"""Every list page exports what it shows: the page's own "Xuất Excel" link (its URL and filters)
gives an .xlsx with Vietnamese headers, set widths and a frozen header row, holding the same rows
as the page under a filter, in the same order."""
import html as htmllib
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import db
from tests.support import HTMX, login_as


def _ids():
    from portal.catalogue.models import Area
    from portal.iso.models import SampleCheck
    from portal.rounds.models import Report, Round

    rnd = db.session.scalars(select(Round).where(Round.state != "draft").order_by(Round.start_on)).first()
    area = db.session.scalars(select(Area).order_by(Area.position)).first()
    check = db.session.scalars(select(SampleCheck).where(SampleCheck.status != "draft")).first()
    author = db.session.scalars(select(Report.author_id).where(Report.round_id == rnd.id, Report.author_id.is_not(None))).first()
    return {"r": rnd.id, "a": area.id, "c": check.id, "author": author}


def visible(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|head|select)[^>]*>.*?</\1>", " ", page)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def export_of(client, url, label=None):
    """Follow the page's own export link; return (page text, workbook)."""
    page = client.get(url)
    assert page.status_code == 200, url
    body = page.get_data(as_text=True)
    links = re.findall(r'class="button export-link" href="([^"]+)"', body)
    assert links, f"{url}: no Excel export link"
    response = client.get(htmllib.unescape(links[0]))
    assert response.status_code == 200, links[0]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return body, load_workbook(io.BytesIO(response.data))


def table(ws):
    """Header and data rows below the frozen header row; checks the sheet's form on the way."""
    assert ws.freeze_panes, ws.title
    header_row = int(ws.freeze_panes[1:]) - 1
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header, data = rows[0], [r for r in rows[1:] if any(v not in (None, "") for v in r)]
    assert all(isinstance(h, str) and h and not re.search(r"[a-z]+_[a-z]+", h) for h in header), header
    assert all(ws.column_dimensions[chr(65 + i)].width for i in range(min(len(header), 26)))
    return list(header), data


def in_order(text: str, keys, where):
    at = 0
    for key in keys:
        key = " ".join(str(key).split())
        found = text.find(key, at)
        assert found >= 0, f"{where}: {key!r} not on the page (or out of order)"
        at = found + len(key)


CASES = [
    # (who, page url, sheet index, key column, row pattern on the page)
    ("vhxh.nhung", "/bo-noi-dung/?q=ho+so", 0, "Mã", r'<td class="code">'),
    ("vhxh.nhung", "/bo-noi-dung/?linh_vuc={a}", 0, "Mã", r'<td class="code">'),
    ("vhxh.nhung", "/dot-kiem-tra/", 0, "Đợt kiểm tra", r'<tr id="round-'),
    ("vhxh.nhung", "/dot-kiem-tra/{r}/tham-dinh?linh_vuc={a}", 0, "Mã", r'<tr id="queue-row-'),
    ("vhxh.nhung", "/dot-kiem-tra/{r}/tham-dinh?trang_thai=reviewed&danh_gia=dat", 0, "Mã", r'<tr id="queue-row-'),
    ("vhxh.nhung", "/dot-kiem-tra/{r}", 0, "Lĩnh vực", r'<tr id="area-'),
    ("vhxh.nhung", "/dot-kiem-tra/{r}/cua-toi", 0, "Mã", r'<tr id="report-row-'),
    ("vhxh.nhung", "/dot-kiem-tra/{r}/nhan-xet", 0, "Lĩnh vực", r'id="eval-area-'),
    ("vhxh.nhung", "/dot-kiem-tra/{r}/nhan-xet", 1, "Cán bộ, công chức", r'id="eval-person-'),
    ("vhxh.nhung", "/iso/quy-trinh/?q=chung+thuc", 0, "Mã quy trình", r'<td class="code"><a href="/iso/quy-trinh/\d+"'),
    ("vhxh.nhung", "/iso/quy-trinh/", 0, "Mã quy trình", r'<td class="code"><a href="/iso/quy-trinh/\d+"'),
    ("vhxh.nhung", "/iso/boc-mau/", 0, "Đợt bóc mẫu", r'href="/iso/boc-mau/\d+"'),
    ("vhxh.nhung", "/iso/boc-mau/{c}", 0, "Mã hồ sơ", None),
    ("vhxh.nhung", "/iso/ngay-nghi?nam=2026", 0, "Tên ngày nghỉ", r'action="[^"]*/ngay-nghi/\d+/xoa"'),
    ("admin", "/quan-tri/nguoi-dung?q=thi", 0, "Họ và tên", r'href="/quan-tri/nguoi-dung/\d+"'),
    ("vhxh.nhung", "/quan-tri/don-vi", 0, "Tên đơn vị", r'href="/quan-tri/don-vi/\d+"'),
    ("chutich", "/bang-dieu-khien/?dot={r}", 0, "Lĩnh vực", None),
    ("chutich", "/bang-dieu-khien/?dot={r}", 1, "Đơn vị", None),
    ("chutich", "/bang-dieu-khien/chi-tiet?loai=bao-cao&dot={r}&theo=area&ma={a}", 0, "Mã", r'id="drill-list" data-count="(\d+)"'),
    ("chutich", "/nhat-ky/?loai=holiday", 0, "Đối tượng", None),
]


@pytest.mark.parametrize("who, url, sheet, key, pattern", CASES, ids=[c[1] for c in CASES])
def test_list_page_exports_the_rows_it_shows(app, who, url, sheet, key, pattern):
    ids = _ids()
    if "cua-toi" in url:
        from portal.accounts.models import User

        who = db.session.get(User, ids["author"]).username
    url = url.format(**ids)
    client = login_as(app, who)
    body, wb = export_of(client, url)
    header, rows = table(wb.worksheets[sheet])
    col = header.index(key)
    keys = [r[col] for r in rows]
    assert keys, f"{url}: the export is empty (pick a filter with rows)"
    text = visible(body)
    in_order(text, keys, url)
    if pattern:  # the page's own count of rows: a stated count (a group), or its row markers
        found = re.findall(pattern, body)
        expected = int(found[0]) if re.compile(pattern).groups else len(found)
        assert len(rows) == expected, (url, len(rows), expected)


def test_a_filter_narrows_the_export_as_it_narrows_the_page(app):
    ids = _ids()
    client = login_as(app, "vhxh.nhung")
    _, wb_all = export_of(client, f"/dot-kiem-tra/{ids['r']}/tham-dinh")
    _, wb_area = export_of(client, f"/dot-kiem-tra/{ids['r']}/tham-dinh?linh_vuc={ids['a']}")
    assert 0 < len(table(wb_area.active)[1]) < len(table(wb_all.active)[1])


def test_the_export_link_follows_htmx_filtering(app):
    ids = _ids()
    client = login_as(app, "vhxh.nhung")
    fragment = client.get(f"/dot-kiem-tra/{ids['r']}/tham-dinh?linh_vuc={ids['a']}", headers=HTMX).get_data(as_text=True)
    link = htmllib.unescape(re.search(r'class="button export-link" href="([^"]+)"', fragment).group(1))
    assert f"linh_vuc={ids['a']}" in link and "xuat=xlsx" in link


@pytest.mark.parametrize("who, url", [("vp.thu", "/quan-tri/nguoi-dung?xuat=xlsx"), ("vp.thu", "/quan-tri/don-vi?xuat=xlsx"),
                                      ("vp.thu", "/iso/ngay-nghi?xuat=xlsx"), ("vp.thu", "/nhat-ky/?xuat=xlsx")])
def test_exports_keep_the_pages_permissions(app, who, url):
    assert login_as(app, who).get(url).status_code == 403


@pytest.mark.parametrize("page_url, export_url, count_text", [
    ("/ton-tai/?trang_thai=all&nguon=iso", "/ton-tai/xuat-excel?trang_thai=all&nguon=iso", r"(\d+) tồn tại, hạn chế"),
    ("/ton-tai/?trang_thai=open", "/ton-tai/xuat-excel?trang_thai=open", r"(\d+) tồn tại, hạn chế"),
    ("/kiem-tra-dot-xuat/", "/kiem-tra-dot-xuat/xuat-excel", r"(\d+) cuộc kiểm tra đột xuất"),
])
def test_pages_that_already_exported_still_export_what_they_show(app, page_url, export_url, count_text):
    client = login_as(app, "vhxh.nhung")
    body = client.get(page_url).get_data(as_text=True)
    assert htmllib.unescape(export_url) in htmllib.unescape(body)  # the page links to this very export
    shown = int(re.search(count_text, visible(body)).group(1))
    wb = load_workbook(io.BytesIO(client.get(export_url).data))
    assert shown > 0 and len(table(wb.active)[1]) == shown
