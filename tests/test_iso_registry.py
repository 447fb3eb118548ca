"""The procedure registry (versions kept, Excel import/export) and the holiday list."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.exports.xlsx import Sheet, build_workbook
from portal.extensions import db
from portal.iso import registry_xlsx, services
from portal.iso.models import Holiday, Procedure, ProcedureVersion

from tests.support import HTMX, login_as

HEAD = list(registry_xlsx.HEADERS.values())


def proc(code):
    return db.session.scalar(select(Procedure).where(Procedure.code == code))


def xlsx(rows, headers=HEAD):
    return io.BytesIO(build_workbook([Sheet("Quy trình", headers, rows)]))


def test_list_search_and_detail_for_staff(app):
    staff = login_as(app, "tt.tam")
    html = staff.get("/iso/quy-trinh/").get_data(as_text=True)
    assert "QT-VHXH-01" in html and "QT-TP-01" in html and "QT-NB-01" in html
    assert "Thêm quy trình" not in html  # staff read only
    r = staff.get("/iso/quy-trinh/?q=le+hoi", headers=HTMX)
    frag = r.get_data(as_text=True)
    assert 'id="results"' in frag and "QT-VHXH-01" in frag and "QT-TP-01" not in frag and "<html" not in frag
    assert "Vary" in r.headers and "HX-Request" in r.headers["Vary"]
    frag = staff.get("/iso/quy-trinh/?loai=noi_bo&don_vi=abc", headers=HTMX).get_data(as_text=True)
    assert "QT-NB-01" in frag and "QT-TP-01" not in frag
    p = proc("QT-VHXH-01")
    html = staff.get(f"/iso/quy-trinh/{p.id}").get_data(as_text=True)
    assert "Thẩm định hồ sơ, kiểm tra thực tế" in html and "BM-01" in html and "Hiện hành" in html
    assert ">15<" in html  # total working days
    assert staff.get(f"/iso/quy-trinh/{p.id}?phien_ban=99999").status_code == 404
    assert staff.get("/iso/quy-trinh/99999").status_code == 404


def test_create_procedure_and_new_version_keeps_the_old(app):
    manager = login_as(app, "vhxh.ha")
    r = manager.post("/iso/quy-trinh/moi", data={
        "code": "qt-kt-02", "name": "Cấp giấy phép xây dựng nhà ở riêng lẻ", "kind": "tthc", "unit_id": "0",
        "number": "01", "effective_date": "01/03/2026",
        "steps": "Tiếp nhận hồ sơ | Trung tâm PVHCC | 1\nThẩm định | Phòng KT | 10\nTrả kết quả | Trung tâm PVHCC | 1",
        "forms": "BM-01 - Đơn đề nghị; BM-02 - Phiếu kiểm soát", "note": ""})
    assert r.status_code == 303
    p = proc("QT-KT-02")
    assert p.unit_id is None and [s.days_limit for s in p.current.steps] == [1, 10, 1]
    assert [f.code for f in p.current.forms] == ["BM-01", "BM-02"]
    first_version_id = p.current.id
    page = manager.get(f"/iso/quy-trinh/{p.id}/phien-ban-moi").get_data(as_text=True)
    assert 'value="02"' in page and "Thẩm định | Phòng KT | 10" in page  # prefilled from the current one
    r = manager.post(f"/iso/quy-trinh/{p.id}/phien-ban-moi", data={
        "number": "02", "effective_date": "2026-09-01", "steps": "Tiếp nhận hồ sơ | Trung tâm PVHCC | 1\nThẩm định | Phòng KT | 7",
        "forms": "", "note": "Rút ngắn thời hạn thẩm định"})
    assert r.status_code == 303
    db.session.expire_all()
    p = proc("QT-KT-02")
    assert [v.number for v in p.versions] == ["02", "01"]
    assert p.current.number == "02" and p.current.total_days == 8
    old = db.session.get(ProcedureVersion, first_version_id)
    assert [s.days_limit for s in old.steps] == [1, 10, 1] and len(old.forms) == 2  # untouched
    assert p.version_on(date(2026, 5, 1)).number == "01"
    html = manager.get(f"/iso/quy-trinh/{p.id}?phien_ban={first_version_id}").get_data(as_text=True)
    assert "Phiên bản cũ" in html and "Thẩm định" in html
    # The same number twice is refused; nothing added.
    r = manager.post(f"/iso/quy-trinh/{p.id}/phien-ban-moi", data={
        "number": "02", "effective_date": "2026-10-01", "steps": "A | B | 1"})
    assert r.status_code == 422 and "Phiên bản 02 của quy trình QT-KT-02 đã có" in r.get_data(as_text=True)


@pytest.mark.parametrize("data, messages", [
    ({"code": "QT TP 01!", "name": "", "kind": "khac", "steps": "", "number": "", "effective_date": "32/13/2026"},
     ["Vui lòng nhập tên quy trình.", "Quy trình cần ít nhất một bước.", "Vui lòng nhập số phiên bản.",
      "Ngày không hợp lệ (dd/mm/yyyy).", "Lựa chọn không hợp lệ."]),
    ({"code": "QT-X", "name": "X", "kind": "tthc", "unit_id": "0", "number": "01", "effective_date": "2026-01-01",
      "steps": "Một bước không có thời hạn\nBước hai | ai đó | ba ngày"},
     ["Dòng 1: cần đúng 3 phần", "Dòng 2: thời hạn “ba ngày” phải là số ngày làm việc"]),
    ({"code": "QT-TP-01", "name": "Trùng", "kind": "tthc", "unit_id": "0", "number": "01",
      "effective_date": "2026-01-01", "steps": "A | B | 1", "forms": "không có mã"},
     ["Biểu mẫu “không có mã”"]),
    ({"code": "QT-TP-01", "name": "Trùng", "kind": "tthc", "unit_id": "0", "number": "01",
      "effective_date": "2026-01-01", "steps": "A | B | 1"},
     ["Mã quy trình QT-TP-01 đã có trong danh mục."]),
])
def test_procedure_bad_input(app, data, messages):
    manager = login_as(app, "vhxh.nhung")
    before = db.session.scalar(select(func.count(Procedure.id)))
    r = manager.post("/iso/quy-trinh/moi", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    for m in messages:
        assert m in html, m
    assert db.session.scalar(select(func.count(Procedure.id))) == before


def test_edit_procedure_head_with_version_check(app):
    manager = login_as(app, "admin")
    p = proc("QT-NB-01")
    vp_id = p.unit_id
    r = manager.post(f"/iso/quy-trinh/{p.id}/sua", data={"code": "QT-NB-01", "name": "Xử lý văn bản đến",
                                                          "kind": "noi_bo", "unit_id": vp_id, "version": p.version})
    assert r.status_code == 303
    db.session.expire_all()
    assert proc("QT-NB-01").name == "Xử lý văn bản đến"
    # A stale form (someone saved in between) is refused with 409 and saves nothing.
    r = manager.post(f"/iso/quy-trinh/{p.id}/sua", data={"code": "QT-NB-01", "name": "Cũ", "kind": "noi_bo",
                                                          "unit_id": vp_id, "version": "1"})
    assert r.status_code == 409 and "vừa được người khác cập nhật" in r.get_data(as_text=True)
    db.session.expire_all()
    assert proc("QT-NB-01").name == "Xử lý văn bản đến"
    history = manager.get(f"/iso/quy-trinh/{p.id}").get_data(as_text=True).split("Lịch sử thay đổi")[1]
    # change history shown, in the form's words (issue 17)
    assert "Sửa" in history and '<span class="field-name">Tên quy trình</span>' in history


def test_export_then_import_round_trip_adds_nothing(app):
    manager = login_as(app, "vhxh.nhung")
    r = manager.get("/iso/quy-trinh/danh-muc.xlsx")
    assert r.status_code == 200 and r.data.startswith(b"PK")
    ws = load_workbook(io.BytesIO(r.data)).active
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    assert values[2] == HEAD
    assert sum(1 for row in values[3:] if row[0] == "QT-VHXH-01") == 5
    r = manager.post("/iso/quy-trinh/nhap", data={"file": (io.BytesIO(r.data), "dm.xlsx")}, follow_redirects=True)
    assert "0 quy trình mới, 0 phiên bản mới, 3 phiên bản đã có (bỏ qua)" in r.get_data(as_text=True)


def test_import_new_procedure_and_version(app):
    manager = login_as(app, "vhxh.nhung")
    rows = [["QT-VHXH-02", "Thông báo tổ chức lễ hội", "Thủ tục hành chính", "VHXH", "01", "01/02/2026", 1,
             "Tiếp nhận", "TTPVHCC", 1, "BM-01 - Văn bản thông báo"],
            ["QT-VHXH-02", "Thông báo tổ chức lễ hội", "Thủ tục hành chính", "VHXH", "01", "01/02/2026", 2,
             "Xem xét, trả lời", "Phòng VHXH", 3, ""],
            ["QT-TP-01", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Thủ tục hành chính",
             "Văn phòng HĐND và UBND", 2, date(2026, 10, 1), 1, "Tiếp nhận và chứng thực ngay", "TTPVHCC", 0, ""]]
    r = manager.post("/iso/quy-trinh/nhap", data={"file": (xlsx(rows), "a.xlsx")}, follow_redirects=True)
    assert "1 quy trình mới, 2 phiên bản mới" in r.get_data(as_text=True)
    p = proc("QT-VHXH-02")
    assert p.unit.short_name == "VHXH" and p.current.total_days == 4 and p.current.forms[0].code == "BM-01"
    assert [v.number for v in proc("QT-TP-01").versions] == ["02", "01"]


def test_import_reports_every_bad_row_and_saves_nothing(app):
    manager = login_as(app, "vhxh.nhung")
    good = ["QT-MOI-01", "Mới", "Nội bộ", "", "01", "01/02/2026", 1, "Bước", "Ai", 1, ""]
    rows = [good,
            ["QT-MOI-01", "Mới", "Nội bộ", "", "01", "01/02/2026", 1, "Bước lặp", "Ai", 1, ""],  # step 1 twice
            ["", "Không mã", "Loại lạ", "Phòng không có", "01", "31/02/2026", "một", "", "", -1, ""],
            ["QT-MOI-01", "Tên khác", "Nội bộ", "", "01", "01/02/2026", 2, "Bước", "Ai", 1, ""],
            ["QT-TP-01", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Thủ tục hành chính", "VP", "01",
             "15/07/2025", 1, "Đổi nội dung bước", "Ai", 0, ""]]
    before = db.session.scalar(select(func.count(ProcedureVersion.id)))
    r = manager.post("/iso/quy-trinh/nhap", data={"file": (xlsx(rows), "a.xlsx")})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Chưa nhập gì" in html
    assert "Dòng 3: bước 1 của quy trình QT-MOI-01 phiên bản 01 bị lặp." in html
    for part in ("Dòng 4: mã quy trình trống", "loại “Loại lạ” không hợp lệ", "không có đơn vị “Phòng không có”",
                 "ngày hiệu lực “31/02/2026” không hợp lệ", "số thứ tự bước phải là số nguyên",
                 "thiếu nội dung bước", "thời hạn “-1”", "Dòng 5: tên, loại, đơn vị hoặc ngày hiệu lực khác với dòng 2"):
        assert part in html, part
    # The version conflict is only found once the rows are valid; it is reported too, and nothing saved.
    r = manager.post("/iso/quy-trinh/nhap", data={"file": (xlsx([good, rows[-1]]), "a.xlsx")})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "QT-TP-01 phiên bản 01 (dòng 3) đã có với nội dung khác" in html
    assert proc("QT-MOI-01") is None
    assert db.session.scalar(select(func.count(ProcedureVersion.id))) == before
    r = manager.post("/iso/quy-trinh/nhap", data={"file": (xlsx([good], HEAD[:-2]), "a.xlsx")})
    assert r.status_code == 422 and "Thiếu cột: Thời hạn (ngày làm việc), Biểu mẫu." in r.get_data(as_text=True)
    r = manager.post("/iso/quy-trinh/nhap", data={})
    assert r.status_code == 422 and "Vui lòng chọn tệp Excel để nhập." in r.get_data(as_text=True)


def test_import_page_documents_the_layout(app):
    html = login_as(app, "vhxh.nhung").get("/iso/quy-trinh/nhap").get_data(as_text=True)
    for header in HEAD:
        assert header in html
    assert "mỗi dòng một bước" in html


def test_holidays_per_year_with_htmx(app):
    manager = login_as(app, "vhxh.nhung")
    html = manager.get("/iso/ngay-nghi?nam=2026").get_data(as_text=True)
    assert "Tết Nguyên đán Bính Ngọ" in html and "27/04/2026" in html and "Nghỉ bù Giỗ Tổ Hùng Vương" in html
    assert len(services.holidays_of(2026)) == 12
    assert "Chưa nhập ngày nghỉ nào cho năm 2027" in manager.get("/iso/ngay-nghi?nam=2027").get_data(as_text=True)
    r = manager.post("/iso/ngay-nghi?nam=2027", data={"date": "01/01/2027", "name": "Tết Dương lịch"}, headers=HTMX)
    frag = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="holiday-list"' in frag and "01/01/2027" in frag and "<html" not in frag
    r = manager.post("/iso/ngay-nghi", data={"date": "2027-01-01", "name": "Lặp"}, headers=HTMX)
    assert r.status_code == 422 and "Ngày 01/01/2027 đã có trong danh sách ngày nghỉ." in r.get_data(as_text=True)
    r = manager.post("/iso/ngay-nghi", data={"date": "hôm nay", "name": ""}, headers=HTMX)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Ngày không hợp lệ" in html and "Vui lòng nhập tên ngày nghỉ." in html
    h = db.session.scalar(select(Holiday).where(Holiday.date == date(2027, 1, 1)))
    r = manager.post(f"/iso/ngay-nghi/{h.id}/xoa", headers=HTMX)
    assert r.status_code == 200 and "01/01/2027" not in r.get_data(as_text=True)
    assert services.holidays_of(2027) == []
    assert manager.post("/iso/ngay-nghi/99999/xoa").status_code == 404
    assert manager.get("/iso/ngay-nghi?nam=abc").status_code == 200
    assert manager.get("/iso/ngay-nghi?nam=99999").status_code == 200
    # The working-day functions see the table.
    assert date(2026, 2, 17) in services.holiday_set()
