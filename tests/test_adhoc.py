"""The ad-hoc inspection log: permissions, bad input, search and filters, Excel, the PDF minutes."""
import io
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook

from portal.adhoc import services as S
from portal.adhoc.models import AdhocEntry
from portal.audit.queries import history_for
from portal.extensions import db

from tests.findings_support import demo_ids, uid
from tests.support import HTMX, login_as

USERS = ["admin", "chutich", "vhxh.ha", "kt.duc", "tt.tam", "tt.mai", "yt.huong"]
MANAGERS = {"admin", "vhxh.ha"}
READ_ALL = MANAGERS | {"chutich", "kt.duc"}


def _entry_data(**over):
    data = {"inspected_on": "2026-11-02", "subject_kind": "complaint", "subject": "Phản ánh thái độ tiếp dân",
            "trigger_ref": "Đơn ngày 01/11/2026", "trigger_by": "Bà Trần Thị Hoa, tổ dân phố 2",
            "unit_id": "", "person_id": str(uid("tt.tam")), "lead_id": str(uid("vhxh.nhung")),
            "member_ids": [str(uid("kt.duc")), str(uid("vp.viet"))],
            "content": "Kiểm tra sổ tiếp nhận và camera bộ phận một cửa.", "result": "Có việc chậm tiếp nhận.",
            "violations": "Thái độ chưa đúng mực", "handling": "Nhắc nhở", "unit_representative": "Bùi Thị Mai"}
    data.update(over)
    return data


ROUTES = [
    ("get", "/kiem-tra-dot-xuat/", None, READ_ALL),
    ("get", "/kiem-tra-dot-xuat/xuat-excel", None, READ_ALL),
    ("get", "/kiem-tra-dot-xuat/{e}", None, READ_ALL | {"tt.tam"}),  # tt.tam is the person inspected
    ("get", "/kiem-tra-dot-xuat/{e2}", None, READ_ALL),
    ("get", "/kiem-tra-dot-xuat/{e}/lich-su", None, READ_ALL | {"tt.tam"}),  # as the entry itself
    ("get", "/kiem-tra-dot-xuat/{e2}/lich-su", None, READ_ALL),
    ("get", "/kiem-tra-dot-xuat/moi", None, MANAGERS),
    ("post", "/kiem-tra-dot-xuat/moi", lambda ids: _entry_data(), MANAGERS),
    ("get", "/kiem-tra-dot-xuat/{e}/sua", None, MANAGERS),
    ("post", "/kiem-tra-dot-xuat/{e}/bien-ban",
     lambda ids: {"files": (BytesIO(b"%PDF-1.4 minutes"), "Biên bản ký.pdf")}, MANAGERS),
]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("method, url, data, allowed", ROUTES, ids=[f"{m} {u}" for m, u, _d, _a in ROUTES])
def test_permissions(app, username, method, url, data, allowed):
    ids = demo_ids()
    client = login_as(app, username)
    target = url.format(**ids)
    if method == "get":
        response, expected = client.get(target), 200
    else:
        response, expected = client.post(target, data=data(ids), content_type="multipart/form-data"), 303
    assert response.status_code == (expected if username in allowed else 403), (target, response.text[:300])


@pytest.mark.parametrize("username, code", [("chutich", 200), ("tt.tam", 200), ("tt.mai", 403)])
def test_pdf_permission(app, username, code):
    ids = demo_ids()
    assert login_as(app, username).get(f"/kiem-tra-dot-xuat/{ids['e']}/bien-ban.pdf").status_code == code


def test_edit_post_and_history(app):
    ids = demo_ids()
    entry = db.session.get(AdhocEntry, ids["e"])
    data = _entry_data(version=entry.version, handling="Kiểm điểm, rút kinh nghiệm")
    assert login_as(app, "chutich").post(f"/kiem-tra-dot-xuat/{entry.id}/sua", data=data).status_code == 403
    r = login_as(app, "vhxh.ha").post(f"/kiem-tra-dot-xuat/{entry.id}/sua", data=data)
    assert r.status_code == 303
    db.session.expire_all()
    entry = db.session.get(AdhocEntry, ids["e"])
    assert entry.handling == "Kiểm điểm, rút kinh nghiệm"
    assert {m.id for m in entry.members} == {uid("kt.duc"), uid("vp.viet")}
    assert any(h.action == "update" and "handling" in h.changes for h in history_for(entry))
    chutich = login_as(app, "chutich")
    page = chutich.get(f"/kiem-tra-dot-xuat/{entry.id}").text
    assert "Lịch sử thay đổi" in page and "Kiểm điểm, rút kinh nghiệm" in page
    history = chutich.get(f"/kiem-tra-dot-xuat/{entry.id}/lich-su", headers=HTMX).text
    assert '<span class="field-name">Hình thức xử lý</span>' in history
    assert "<ins>Kiểm điểm, rút kinh nghiệm</ins>" in history
    # stale version: refused
    r = login_as(app, "vhxh.ha").post(f"/kiem-tra-dot-xuat/{entry.id}/sua", data=data)
    assert r.status_code == 409


def test_attach_minutes_and_download(app):
    ids = demo_ids()
    client = login_as(app, "vhxh.ha")
    r = client.post(f"/kiem-tra-dot-xuat/{ids['e']}/bien-ban", content_type="multipart/form-data",
                    data={"files": [(BytesIO(b"%PDF-1.4 a"), "Biên bản ký.pdf"), (BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * 64), "Ảnh.png")]})
    assert r.status_code == 303
    entry = db.session.get(AdhocEntry, ids["e"])
    assert [f.original_name for f in entry.files] == ["Biên bản ký.pdf", "Ảnh.png"]
    page = client.get(f"/kiem-tra-dot-xuat/{entry.id}").text
    assert "Biên bản ký.pdf" in page
    got = login_as(app, "tt.tam").get(f"/kiem-tra-dot-xuat/{entry.id}/tep/{entry.files[0].id}")
    assert got.status_code == 200 and got.data == b"%PDF-1.4 a"
    assert login_as(app, "tt.mai").get(f"/kiem-tra-dot-xuat/{entry.id}/tep/{entry.files[0].id}").status_code == 403
    assert client.get(f"/kiem-tra-dot-xuat/{ids['e2']}/tep/{entry.files[0].id}").status_code == 404
    r = client.post(f"/kiem-tra-dot-xuat/{entry.id}/bien-ban", content_type="multipart/form-data", data={})
    assert r.status_code == 422 and "Vui lòng chọn ít nhất một tệp." in r.text
    r = client.post(f"/kiem-tra-dot-xuat/{entry.id}/bien-ban", content_type="multipart/form-data",
                    data={"files": (BytesIO(b""), "trống.pdf")})
    assert r.status_code == 422 and "rỗng" in r.text


@pytest.mark.parametrize("over, message", [
    ({"content": "  "}, "Vui lòng nhập nội dung kiểm tra."),
    ({"content": "c" * 10_000}, "tối đa 5.000 ký tự"),
    ({"subject_kind": ""}, "Vui lòng chọn nội dung kiểm tra đột xuất."),
    ({"subject_kind": "complaint", "trigger_by": ""}, "Vui lòng nhập người, tổ chức phản ánh, kiến nghị."),
    ({"lead_id": "99999"}, "Trưởng đoàn không tồn tại hoặc đã bị khóa."),
    ({"lead_id": ""}, "Vui lòng chọn trưởng đoàn kiểm tra."),
    ({"member_ids": ["99999"]}, "Thành viên đoàn không tồn tại"),
    ({"person_id": "", "unit_id": ""}, "Vui lòng chọn đơn vị hoặc cán bộ được kiểm tra"),
    ({"unit_id": "xyz"}, "Đơn vị không tồn tại."),
    ({"inspected_on": "32/13/2026"}, "Ngày kiểm tra không hợp lệ"),
    ({"trigger_ref": "r" * 400}, "tối đa 300 ký tự"),
])
def test_bad_input(app, over, message):
    before = db.session.query(AdhocEntry).count()
    r = login_as(app, "vhxh.ha").post("/kiem-tra-dot-xuat/moi", data=_entry_data(**over))
    assert r.status_code == 422 and message in r.text
    assert db.session.query(AdhocEntry).count() == before


def test_html_is_escaped(app):
    evil = "<script>alert('x')</script>"
    client = login_as(app, "vhxh.ha")
    r = client.post("/kiem-tra-dot-xuat/moi", data=_entry_data(content=evil, violations=evil, subject=evil))
    assert r.status_code == 303
    for page in (r.headers["Location"], "/kiem-tra-dot-xuat/"):
        text = client.get(page).text
        assert "<script>alert" not in text and "&lt;script&gt;" in text


@pytest.mark.parametrize("params, shown, hidden", [
    ({"q": "HO SO DAT DAI"}, "e", "e2"),
    ({"q": "đeo thẻ"}, "e2", "e"),
    ({"q": "deo the"}, "e2", "e"),
    ({"loai": "discipline"}, "e2", "e"),
    ({"loai": "complaint", "nam": "2026"}, "e", "e2"),
])
def test_search_and_filter_fragments(app, params, shown, hidden):
    ids = demo_ids()
    entry = db.session.get(AdhocEntry, ids["e"])
    if "nam" in params:
        params = {**params, "nam": str(entry.year)}
    r = login_as(app, "chutich").get("/kiem-tra-dot-xuat/", query_string=params, headers=HTMX)
    assert r.status_code == 200 and "<html" not in r.text and 'id="results"' in r.text
    assert f'href="/kiem-tra-dot-xuat/{ids[shown]}"' in r.text
    assert f'href="/kiem-tra-dot-xuat/{ids[hidden]}"' not in r.text


def test_filter_by_unit_and_pagination(app):
    ids = demo_ids()
    nhung = db.session.get(AdhocEntry, ids["e"]).created_by
    for n in range(25):
        S.create_entry(created_by=nhung, **{**_entry_data(content=f"Kiểm tra số {n}", unit_id=None,
                                                          person_id=uid("yt.huong"))})
    db.session.commit()
    client = login_as(app, "chutich")
    tyt = db.session.get(AdhocEntry, ids["e"]).unit_id
    r = client.get("/kiem-tra-dot-xuat/", query_string={"don_vi": tyt}, headers=HTMX)
    assert "2 cuộc kiểm tra" in r.text
    assert "Trang 1 / 2" in client.get("/kiem-tra-dot-xuat/").text
    assert "Trang 2 / 2" in client.get("/kiem-tra-dot-xuat/?page=2", headers=HTMX).text


def test_excel_export(app):
    ids = demo_ids()
    r = login_as(app, "chutich").get("/kiem-tra-dot-xuat/xuat-excel?loai=complaint")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(r.data)).active
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if row[0] == "STT")
    data = rows[header_at + 1:]
    assert rows[0][0] == "SỔ THEO DÕI KIỂM TRA ĐỘT XUẤT"
    assert list(rows[header_at][1:4]) == ["Ngày kiểm tra", "Thời gian", "Nội dung kiểm tra đột xuất"]
    assert len(data) == 1 and data[0][3] == "Phản ánh, kiến nghị của người dân, tổ chức"
    assert "Ông Nguyễn Văn Bình" in data[0][6] and data[0][14] == 1  # one finding raised
    assert ids["e"]
    everything = load_workbook(io.BytesIO(login_as(app, "vhxh.ha").get("/kiem-tra-dot-xuat/xuat-excel").data)).active
    assert everything.max_row - (header_at + 1) == 2


def test_minutes_pdf(app, tmp_path):
    ids = demo_ids()
    r = login_as(app, "vhxh.ha").get(f"/kiem-tra-dot-xuat/{ids['e']}/bien-ban.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    path = tmp_path / "bb.pdf"
    path.write_bytes(r.data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for expected in ("BIÊN BẢN KIỂM TRA ĐỘT XUẤT", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "PHƯỜNG THÀNH SEN", "Lê Thị Hồng Nhung", "Hoàng Minh Đức", "Bùi Thị Mai",
                     "Ông Nguyễn Văn Bình", "TRƯỞNG ĐOÀN KIỂM TRA", "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA"):
        assert expected in text, expected
    assert "Nơi nhận" not in text  # minutes sign in two columns, no recipients block
    assert "hành chính phường Thành Sen tiến hành" in text  # ND 30: lower-case "phường" in running text


def test_entry_form_suggests_catalogue_subjects(app):
    page = login_as(app, "vhxh.ha").get("/kiem-tra-dot-xuat/moi").text
    assert '<datalist id="adhoc-subjects">' in page and "kỷ luật, kỷ cương hành chính" in page


def test_unknown_entry_is_404(app):
    client = login_as(app, "admin")
    for url in ("/kiem-tra-dot-xuat/99999", "/kiem-tra-dot-xuat/99999/sua", "/kiem-tra-dot-xuat/99999/bien-ban.pdf"):
        assert client.get(url).status_code == 404
