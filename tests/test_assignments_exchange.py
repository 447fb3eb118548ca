"""Responsibility lists as Excel (both ways) and as an ND30 PDF."""
import io
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.assignments import exchange, services
from portal.assignments.models import Assignment
from portal.catalogue.models import Criterion
from portal.catalogue.services import current_catalogue
from portal.extensions import db
from tests.support import login_as

HEADERS = list(exchange.HEADERS.values())


def snapshot():
    out = {}
    for c in services.list_criteria(current_catalogue()):
        a = c.assignment
        out[c.code] = None if a is None or not a.is_assigned else (
            a.lead_unit_id, a.lead_person_id, sorted(x.unit_id for x in a.coordinators if x.unit_id),
            sorted(x.person_id for x in a.coordinators if x.person_id), a.product, a.timeframe,
            a.due_date, a.note)
    return out


def upload(client, data: bytes, **extra):
    return client.post("/phan-cong/nhap", data={"file": (io.BytesIO(data), "phan-cong.xlsx"), **extra},
                       content_type="multipart/form-data")


def test_export_layout(app):
    response = login_as(app, "vp.thu").get("/phan-cong/xuat.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''Ph%C3%A2n%20c%C3%B4ng%20ph%E1%BB%A5%20tr%C3%A1ch%202026.xlsx" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).active
    assert ws["A1"].value.startswith("DANH SÁCH PHÂN CÔNG PHỤ TRÁCH NỘI DUNG KIỂM TRA")
    assert [c.value for c in ws[3]] == HEADERS
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["C"].width == 60
    assert ws.max_row == 3 + 69
    row = [c.value for c in ws[4]]
    assert row[:2] == [1, "1.1.1"] and row[4] == "Văn phòng HĐND và UBND" and row[5] == "Phạm Thị Thu"
    assert row[6] == "Phòng Văn hóa - Xã hội; Võ Thị Hà" and row[7] == "Thường xuyên"


def test_export_one_person_and_one_unit(app):
    from portal.accounts.models import Unit, User

    client = login_as(app, "vp.thu")
    lan = db.session.scalar(select(User).where(User.username == "kt.lan"))
    ws = load_workbook(io.BytesIO(client.get(f"/phan-cong/xuat.xlsx?nguoi={lan.id}").data)).active
    assert ws["A2"].value == "Người phụ trách: Nguyễn Thị Lan (Phòng Kinh tế, Hạ tầng và Đô thị)"
    assert [c.value for c in ws[4]] == HEADERS and ws.freeze_panes == "A5"
    codes = [ws.cell(r, 2).value for r in range(5, ws.max_row + 1)]
    assert len(codes) == 12 and all(code.startswith("1.6.") for code in codes)
    unit = db.session.scalar(select(Unit).where(Unit.short_name == "TYT"))
    ws = load_workbook(io.BytesIO(client.get(f"/phan-cong/xuat.xlsx?don_vi={unit.id}").data)).active
    assert ws["A2"].value == "Đơn vị: Trạm Y tế phường" and ws.max_row == 4  # header only


def test_export_then_import_gives_back_the_same_assignments(app):
    client = login_as(app, "vhxh.ha")
    original = snapshot()
    data = client.get("/phan-cong/xuat.xlsx").data
    # wipe every assignment, then bring them back from the file
    for a in db.session.scalars(select(Assignment)):
        db.session.delete(a)
    db.session.commit()
    assert all(v is None for v in snapshot().values())
    preview = upload(client, data)
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200, body
    assert "Xem trước: 66 nội dung sẽ thay đổi" in body
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0  # nothing saved yet
    token = body.split('name="token" type="hidden" value="')[1].split('"')[0]
    done = client.post("/phan-cong/nhap/xac-nhan", data={"token": token})
    assert done.status_code == 303
    db.session.expire_all()
    assert snapshot() == original
    # and importing the same file again changes nothing
    again = upload(client, client.get("/phan-cong/xuat.xlsx").data).get_data(as_text=True)
    assert "Xem trước: 0 nội dung" in again and "Tệp không có thay đổi nào" in again


def _edited_file(client, edits):
    wb = load_workbook(io.BytesIO(client.get("/phan-cong/xuat.xlsx").data))
    ws = wb.active
    for (row, col), value in edits.items():
        ws.cell(row=row, column=col).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_preview_shows_changes_then_confirm_saves(app):
    client = login_as(app, "vhxh.ha")
    data = _edited_file(client, {(4, 6): "kt.lan", (4, 8): "Trước 20/12/2026", (5, 7): "Trạm Y tế phường; Lê Văn Tâm"})
    body = upload(client, data).get_data(as_text=True)
    assert "Xem trước: 2 nội dung sẽ thay đổi" in body
    assert "Phạm Thị Thu" in body and "Nguyễn Thị Lan" in body and "Trước 20/12/2026" in body
    assert db.session.get(Criterion, 1).assignment.lead_person.username == "vp.thu"
    token = body.split('name="token" type="hidden" value="')[1].split('"')[0]
    client.post("/phan-cong/nhap/xac-nhan", data={"token": token})
    db.session.expire_all()
    a = services.list_criteria(current_catalogue())[0].assignment
    assert a.lead_person.username == "kt.lan"
    b = services.list_criteria(current_catalogue())[1].assignment
    assert b.coordinators_text == "Trạm Y tế phường; Lê Văn Tâm"


@pytest.mark.parametrize("edits,message", [
    ({(6, 6): "Nguyễn Văn Không Có"}, "Dòng 6: không tìm thấy người chủ trì “Nguyễn Văn Không Có”."),
    ({(7, 2): "9.9.9"}, "Dòng 7: không có nội dung kiểm tra mã “9.9.9” trong bộ nội dung năm 2026."),
    ({(8, 8): "#REF!"}, "Dòng 8: ô “Thời gian” bị lỗi (#REF!)."),
    ({(9, 7): "Phòng Ma"}, "Dòng 9: không tìm thấy đơn vị hoặc người phối hợp “Phòng Ma”."),
    ({(10, 5): "Sở Không Tồn Tại"}, "Dòng 10: không tìm thấy đơn vị chủ trì “Sở Không Tồn Tại”."),
    ({(11, 2): None}, "Dòng 11: thiếu mã nội dung kiểm tra (cột “Mã”)."),
    ({(12, 2): "1.1.1"}, "Dòng 12: mã “1.1.1” bị trùng (đã có ở dòng 4)."),
    ({(13, 6): True}, "Dòng 13: ô “Người chủ trì” không hợp lệ (giá trị đúng/sai)."),
])
def test_import_errors_are_row_numbered_and_save_nothing(app, edits, message):
    client = login_as(app, "vhxh.ha")
    before = snapshot()
    edits = {**edits, (4, 6): "kt.lan"}  # plus one valid change, which must not be saved either
    response = upload(client, _edited_file(client, edits))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert "chưa lưu gì" in body and 'name="token"' not in body
    db.session.expire_all()
    assert snapshot() == before


def test_import_rejects_non_excel_and_missing_columns(app):
    client = login_as(app, "vhxh.ha")
    bad = upload(client, b"not a spreadsheet")
    assert bad.status_code == 422 and "Tệp không phải Excel (.xlsx) hợp lệ." in bad.get_data(as_text=True)
    from portal.exports.xlsx import Sheet, build_workbook

    wrong = build_workbook([Sheet(title="x", headers=["Mã", "Ghi chú"], rows=[["1.1.1", "a"]])])
    body = upload(client, wrong).get_data(as_text=True)
    assert "Thiếu cột: Kết quả/sản phẩm, Chủ trì (đơn vị), Người chủ trì, Phối hợp, Thời gian." in body
    none = client.post("/phan-cong/nhap", data={}, content_type="multipart/form-data")
    assert none.status_code == 422 and "Vui lòng chọn tệp để nhập." in none.get_data(as_text=True)


def test_tampered_token_is_refused(app):
    client = login_as(app, "vhxh.ha")
    body = upload(client, _edited_file(client, {(4, 6): "kt.lan"})).get_data(as_text=True)
    token = body.split('name="token" type="hidden" value="')[1].split('"')[0]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post("/phan-cong/nhap/xac-nhan", data={"token": forged}, follow_redirects=True)
    assert "Dữ liệu xác nhận không hợp lệ" in response.get_data(as_text=True)
    db.session.expire_all()
    assert services.list_criteria(current_catalogue())[0].assignment.lead_person.username == "vp.thu"


# --- PDF ------------------------------------------------------------------------------------

def _pdf(client, tmp_path, query=""):
    response = client.get(f"/phan-cong/xuat.pdf{query}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "list.pdf"
    path.write_bytes(response.data)
    return path


def _text(path, *args):
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_pdf_text_and_fonts(app, tmp_path):
    path = _pdf(login_as(app, "vp.thu"), tmp_path)
    text = _text(path)
    flat = " ".join(text.split())
    # The list is the plan's annex (seed 001, issue 11): "Phụ lục … (Kèm theo Kế hoạch số …)", with a
    # heading row per area, and no letterhead, number or signature of its own.
    for expected in ["PHỤ LỤC", "Kèm theo Kế hoạch số 165/KH-UBND ngày 10/06/2026 của UBND phường Thành Sen",
                     "DANH SÁCH PHÂN CÔNG PHỤ TRÁCH NỘI DUNG KIỂM TRA CẢI CÁCH HÀNH CHÍNH NĂM 2026",
                     "Nhiệm vụ (nội dung kiểm tra)", "Kết quả/sản phẩm", "Người chủ trì", "Phối hợp",
                     "Phạm Thị Thu", "Trần Đình Khoa", "Nguyễn Thị Lan", "Lê Thị Hồng Nhung", "Bùi Thị Mai",
                     "1.7.b.5"]:
        assert expected in flat, expected
    layout = " ".join(_text(path, "-layout").split())
    assert "I Công tác chỉ đạo, điều hành" in layout and "VII Xây dựng, phát triển chính quyền điện tử" in layout
    for absent in ["Nơi nhận:", "KT. CHỦ TỊCH", "Số:"]:
        assert absent not in flat, absent
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    assert pages >= 3
    assert not _text(path, "-f", "1", "-l", "1").strip().splitlines()[0].strip().isdigit()
    assert _text(path, "-f", "2", "-l", "2").strip().splitlines()[0].strip() == "2"
    assert "STT" in _text(path, "-f", "2", "-l", "2")  # the header repeats
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts
    assert {"LiberationSerif", "LiberationSerif-Bold"} <= {row[0].split("+")[-1] for row in rows}


def test_pdf_for_one_person_has_subtitle(app, tmp_path):
    from portal.accounts.models import User

    khoa = db.session.scalar(select(User).where(User.username == "vp.khoa"))
    flat = " ".join(_text(_pdf(login_as(app, "vp.khoa"), tmp_path, f"?nguoi={khoa.id}")).split())
    assert "Người phụ trách: Trần Đình Khoa (Văn phòng HĐND và UBND)" in flat
    assert "1.2.1" in flat and "1.1.1 " not in flat


def test_pdf_filename_keeps_vietnamese(app):
    response = login_as(app, "vp.thu").get("/phan-cong/xuat.pdf?nguoi=999999")
    disposition = response.headers["Content-Disposition"]
    assert 'filename="Phan cong phu trach 2026.pdf"' in disposition
    assert "filename*=UTF-8''Ph%C3%A2n%20c%C3%B4ng%20ph%E1%BB%A5%20tr%C3%A1ch%202026.pdf" in disposition
