"""Round documents: the three PDFs (headings, Quốc hiệu, embedded fonts), the leader's sign-off,
the Excel exports, and who may open what (parametrized over every route)."""
import io
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.accounts.models import Unit
from portal.extensions import db
from portal.reports import documents
from portal.reports.models import SignOff
from tests.reports_seed import seeded_round
from tests.rounds_factory import person
from tests.support import HTMX, login_as

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def pdf_fonts(data: bytes, tmp_path) -> list[tuple[str, str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... emb sub uni object ID: "emb" is the 5th field from the end
        rows.append((parts[0], parts[-5]))
    return rows


def _assert_document(data, tmp_path, *headings):
    assert data.startswith(b"%PDF")
    text = " ".join(pdf_text(data, tmp_path).split())
    assert QUOC_HIEU in text and TIEU_NGU in text
    for heading in headings:
        assert heading in text, heading
    fonts = pdf_fonts(data, tmp_path)
    assert fonts and all(emb == "yes" for _name, emb in fonts), fonts
    return text


def test_round_summary_pdf(app, tmp_path):
    rnd = seeded_round()
    response = login_as(app, "chutich").get(f"/bao-cao-ket-qua/dot/{rnd.id}/bao-cao.pdf?so=15")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _assert_document(response.data, tmp_path, "BÁO CÁO", "Kết quả kiểm tra công tác cải cách hành chính",
                            "đợt thử số liệu", "I. ĐÁNH GIÁ CHUNG", "1. Đặc điểm tình hình", "2. Thuận lợi, khó khăn",
                            "II. KẾT QUẢ KIỂM TRA TRÊN CÁC LĨNH VỰC", "Kết quả đạt được", "Những tồn tại, hạn chế",
                            "Nguyên nhân của tồn tại, hạn chế",
                            "III. ĐÁNH GIÁ THEO ĐƠN VỊ VÀ CÁ NHÂN PHỤ TRÁCH", "V. PHƯƠNG HƯỚNG, NHIỆM VỤ",
                            "VI. KIẾN NGHỊ, ĐỀ XUẤT", "Số: 15/BC-ĐKT", "Nơi nhận:", "TRƯỞNG ĐOÀN",
                            "ĐOÀN KIỂM TRA CCHC", "Lê Thị Hồng Nhung", "Tồn tại số 3", "Kiến nghị khắc phục 2",
                            "- Lưu: VT, VHXH.", "DỰ THẢO")
    # figures from the same lists as the tables: 8 criteria, 5 sent (2 late), 3 rated
    assert "Có 05/08 nội dung kiểm tra được báo cáo (62,50%), trong đó 02 nội dung gửi sau hạn" in text
    assert "03 nội dung không được báo cáo" in text
    assert "Đoàn kiểm tra đã thẩm định 03 nội dung: 01 đạt, 01 đạt một phần, 01 chưa đạt" in text
    # the team's report is signed by the team leader, not by the ward's signer
    assert "PHÓ CHỦ TỊCH" not in text and "TM. ỦY BAN NHÂN DÂN" not in text


def test_summary_number_may_be_blank(app, tmp_path):
    rnd = seeded_round()
    data = login_as(app, "vhxh.ha").get(f"/bao-cao-ket-qua/dot/{rnd.id}/bao-cao.pdf").data
    text = _assert_document(data, tmp_path, "BÁO CÁO")
    number_line = text.split("Số:")[1][:30]
    assert "/BC-ĐKT" in number_line and not any(ch.isdigit() for ch in number_line.split("/BC")[0])


def test_minutes_pdf_for_one_unit(app, tmp_path):
    rnd = seeded_round()
    unit = person("vp.thu").unit
    client = login_as(app, "vhxh.nhung")
    response = client.post(f"/bao-cao-ket-qua/dot/{rnd.id}/bien-ban/{unit.id}",
                           data={"so": "3", "ngay": "2026-09-11", "gio_bat_dau": "08:30", "gio_ket_thuc": "11:00",
                                 "dia_diem": "trụ sở UBND phường", "doan": [person("vhxh.nhung").id],
                                 "don_vi": [person("vp.thu").id], "nguoi_ky": person("vp.thu").id, "so_ban": "2",
                                 "y_kien": "Đơn vị thống nhất với kết quả kiểm tra và cam kết khắc phục."})
    assert response.status_code == 303, response.get_data(as_text=True)
    response = client.get(f"/bao-cao-ket-qua/dot/{rnd.id}/bien-ban/{unit.id}.pdf")
    assert response.status_code == 200
    text = _assert_document(response.data, tmp_path, "BIÊN BẢN KIỂM TRA", "Công tác cải cách hành chính",
                            "I. THÀNH PHẦN", "1. Đoàn kiểm tra", "2. Đơn vị được kiểm tra",
                            "II. NỘI DUNG VÀ KẾT QUẢ KIỂM TRA", "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
                            "IV. KIẾN NGHỊ CỦA ĐOÀN KIỂM TRA", "V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA",
                            "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", "TRƯỞNG ĐOÀN", "cam kết khắc phục",
                            "Lê Thị Hồng Nhung", "Số: 03/BB-ĐKT", "Căn cứ Kế hoạch số",
                            "Hôm nay, vào hồi 08 giờ 30 phút, ngày 11 tháng 9 năm 2026",
                            "Biên bản kết thúc vào hồi 11 giờ cùng ngày, được lập thành 02 bản")
    assert unit.name in text and "Ông/bà" not in text and "Chưa chọn" not in text
    # the unit is represented by its own person, never by a team member
    assert "Phạm Thị Thu" in text.split("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA")[-1]
    assert "Đặng Quốc Việt" not in text.split("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA")[-1]


def test_minutes_default_to_the_units_day_and_the_units_head(app, tmp_path):
    rnd = seeded_round()
    unit = db.session.scalar(select(Unit).where(Unit.short_name == "KTHTĐT"))
    from portal.reports import minutes

    record = minutes.get_record(rnd, unit)
    assert rnd.start_on <= record.held_on <= rnd.end_on
    # Hoàng Minh Đức heads the unit but sits on the team: he is not put forward to sign for it
    assert record.unit_signer_id != person("kt.duc").id


def test_minutes_refuse_a_day_outside_the_round_and_a_team_member_signing(app):
    rnd = seeded_round()
    unit = person("vp.thu").unit
    response = login_as(app, "vhxh.nhung").post(
        f"/bao-cao-ket-qua/dot/{rnd.id}/bien-ban/{unit.id}",
        data={"ngay": "2026-11-26", "gio_bat_dau": "08:00", "nguoi_ky": person("vp.viet").id})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ngày kiểm tra phải trong thời gian của đợt" in page
    assert "Thành viên Đoàn kiểm tra không thể ký thay mặt đơn vị" in page


def test_minutes_list_the_evidence(app, tmp_path):
    from datetime import date

    from portal.rounds.models import ReportDocument
    from tests.rounds_factory import reports_of

    rnd = seeded_round()
    report = reports_of(rnd)[0]
    report.documents.append(ReportDocument(number="45/KH-UBND", issued_on=date(2026, 1, 10), summary="Kế hoạch CCHC"))
    db.session.commit()
    data = login_as(app, "vhxh.nhung").get(f"/bao-cao-ket-qua/dot/{rnd.id}/bien-ban/{report.unit_id}.pdf").data
    text = _assert_document(data, tmp_path, "BIÊN BẢN KIỂM TRA")
    assert "45/KH-UBND" in text


def test_evaluation_sheet_pdf(app, tmp_path):
    rnd = seeded_round()
    thu = person("vp.thu")
    response = login_as(app, "vp.thu").get(f"/bao-cao-ket-qua/dot/{rnd.id}/phieu-danh-gia/{thu.id}.pdf")
    assert response.status_code == 200
    text = _assert_document(response.data, tmp_path, "PHIẾU ĐÁNH GIÁ",
                            "Kết quả thực hiện nhiệm vụ cải cách hành chính năm 2026",
                            "I. KẾT QUẢ THỰC HIỆN CÁC NỘI DUNG ĐƯỢC PHÂN CÔNG CHỦ TRÌ", "II. TỔNG HỢP",
                            "III. NHẬN XÉT, ĐÁNH GIÁ CỦA ĐOÀN KIỂM TRA", "Phạm Thị Thu", "NGƯỜI ĐƯỢC ĐÁNH GIÁ")
    assert "Tổng số nội dung chủ trì: 4; đã gửi báo cáo: 3 (đúng hạn 2, trễ hạn 1)" in text
    assert "đạt 1; đạt một phần 1; chưa đạt 0" in text


def test_long_tables_repeat_their_header(app):
    from portal.pdf.model import Table

    rnd = seeded_round()
    document = documents.summary_context(rnd.id)
    document.blocks.append(Table(["STT", "Nội dung"], [[i, "x"] for i in range(300)]))
    from flask import render_template

    with app.test_request_context():
        from portal.pdf.vn import long_date

        html = render_template("pdf/document.html", doc=document, long_date=long_date)
    assert html.count('repeat="1"') >= 4 + 2  # 300 rows in tables of at most 80, each repeating its header


# -- sign-off -----------------------------------------------------------------------------------
def test_leader_signs_off_and_the_secretariat_sees_it(app, tmp_path):
    rnd = seeded_round(state="closed")
    leader = login_as(app, "chutich")
    response = leader.post(f"/bao-cao-ket-qua/dot/{rnd.id}/phe-duyet",
                           data={"chi_dao": "Giao Phòng Văn hóa - Xã hội đôn đốc khắc phục trước 30/11."})
    assert response.status_code == 303
    row = db.session.scalar(select(SignOff).where(SignOff.round_id == rnd.id))
    assert row.leader.username == "chutich" and row.pdf_file is not None and row.docx_file is not None
    page = login_as(app, "vhxh.ha").get(f"/bao-cao-ket-qua/dot/{rnd.id}").get_data(as_text=True)
    assert "đôn đốc khắc phục trước 30/11" in page and "Phan Văn Hùng" in page
    assert 'id="sign-off-form"' not in page  # the secretariat sees it, cannot sign
    pdf = login_as(app, "vhxh.ha").get(f"/bao-cao-ket-qua/phe-duyet/{row.id}.pdf")
    assert pdf.status_code == 200
    _assert_document(pdf.data, tmp_path, "BÁO CÁO")


def test_sign_off_needs_a_directive(app):
    rnd = seeded_round()
    response = login_as(app, "chutich").post(f"/bao-cao-ket-qua/dot/{rnd.id}/phe-duyet", data={"chi_dao": "  "},
                                             headers=HTMX)
    assert response.status_code == 422
    assert "ý kiến chỉ đạo" in response.get_data(as_text=True)
    assert db.session.scalar(select(SignOff)) is None


@pytest.mark.parametrize("username", ["vhxh.nhung", "vhxh.ha", "vp.viet", "kt.duc", "vp.thu", "admin"])
def test_only_the_leader_signs_off(app, username):
    rnd = seeded_round()
    response = login_as(app, username).post(f"/bao-cao-ket-qua/dot/{rnd.id}/phe-duyet", data={"chi_dao": "Đồng ý."})
    assert response.status_code == 403
    assert db.session.scalar(select(SignOff)) is None


# -- exports ------------------------------------------------------------------------------------
def _rows(data):
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    return [r for r in ws.iter_rows(values_only=True)]


def test_exports(app):
    rnd = seeded_round()
    client = login_as(app, "vhxh.ha")
    matrix = client.get(f"/bao-cao-ket-qua/dot/{rnd.id}/xuat/ma-tran.xlsx")
    assert matrix.status_code == 200 and "filename*=UTF-8''" in matrix.headers["Content-Disposition"]
    rows = _rows(matrix.data)
    header = rows.index(next(r for r in rows if r and r[0] == "Lĩnh vực"))
    assert len([r for r in rows[header + 1:] if r[1]]) == 8
    assert sum(1 for r in rows if r and r[6] == "Chưa phân công") == 1
    reviews = _rows(client.get(f"/bao-cao-ket-qua/dot/{rnd.id}/xuat/tham-dinh.xlsx").data)
    assert sum(1 for r in reviews if r and r[3] in ("Đạt", "Đạt một phần", "Chưa đạt")) == 3
    wb = load_workbook(io.BytesIO(client.get(f"/bao-cao-ket-qua/dot/{rnd.id}/xuat/ton-tai.xlsx").data))
    findings = [r for r in wb.worksheets[0].iter_rows(values_only=True) if r and isinstance(r[0], int)]
    remedies = [r for r in wb.worksheets[1].iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert len(findings) == 6 and len(remedies) == 7
    from portal.adhoc.models import AdhocEntry

    adhoc = _rows(client.get(f"/bao-cao-ket-qua/dot/{rnd.id}/xuat/dot-xuat.xlsx").data)
    codes = [r[0] for r in adhoc if r and isinstance(r[0], int)]
    assert codes and len(codes) == db.session.scalar(db.select(db.func.count(AdhocEntry.id)).where(
        AdhocEntry.year == rnd.year))
    assert client.get(f"/bao-cao-ket-qua/dot/{rnd.id}/xuat/khac.xlsx").status_code == 404


# -- access over every route --------------------------------------------------------------------
def _urls(rnd_id, unit_id, other_id):
    base = f"/bao-cao-ket-qua/dot/{rnd_id}"
    return [("get", "/bao-cao-ket-qua/"), ("get", base), ("get", f"{base}/bao-cao.pdf"),
            ("post", f"{base}/bao-cao.pdf"), ("get", f"{base}/bao-cao.docx"), ("get", f"{base}/bien-ban/{unit_id}.pdf"),
            ("get", f"{base}/bien-ban/{unit_id}.docx"), ("get", f"{base}/bien-ban/{unit_id}"),
            ("post", f"{base}/bien-ban/{unit_id}"), ("get", f"{base}/phieu-danh-gia/{other_id}.pdf"),
            ("get", f"{base}/phieu-danh-gia/{other_id}.docx"),
            ("get", f"{base}/xuat/ma-tran.xlsx"), ("get", f"{base}/xuat/tham-dinh.xlsx"),
            ("get", f"{base}/xuat/ton-tai.xlsx"), ("post", f"{base}/phe-duyet")]


@pytest.mark.parametrize("username", ["vp.thu", "kt.lan", "tt.mai", "yt.huong"])
def test_staff_cannot_open_round_documents_or_others_sheets(app, username):
    rnd = seeded_round()
    unit = db.session.scalar(select(Unit).where(Unit.short_name == "VP"))
    other = person("vp.khoa") if username != "vp.khoa" else person("vp.thu")
    client = login_as(app, username)
    for method, url in _urls(rnd.id, unit.id, other.id):
        response = getattr(client, method)(url, data={"chi_dao": "x"} if method == "post" else None)
        assert response.status_code == 403, (username, method, url, response.status_code)


@pytest.mark.parametrize("username", ["chutich", "vhxh.ha", "admin", "vp.viet", "kt.duc"])
def test_leaders_secretariat_and_team_open_round_documents(app, username):
    rnd = seeded_round()
    unit = db.session.scalar(select(Unit).where(Unit.short_name == "VP"))
    client = login_as(app, username)
    for method, url in _urls(rnd.id, unit.id, person("vp.khoa").id):
        if url.endswith("phe-duyet") or method == "post":
            continue
        assert client.get(url).status_code == 200, (username, url)


def test_staff_opens_their_own_evaluation_sheet(app):
    rnd = seeded_round()
    khoa = person("vp.khoa")
    assert login_as(app, "vp.khoa").get(f"/bao-cao-ket-qua/dot/{rnd.id}/phieu-danh-gia/{khoa.id}.pdf").status_code == 200


@pytest.mark.parametrize("url", ["/bao-cao-ket-qua/dot/999", "/bao-cao-ket-qua/dot/999/bao-cao.pdf",
                                 "/bao-cao-ket-qua/phe-duyet/999.pdf"])
def test_unknown_objects_are_404(app, url):
    assert login_as(app, "chutich").get(url).status_code == 404


def test_unknown_unit_and_person_are_404(app):
    rnd = seeded_round()
    client = login_as(app, "chutich")
    assert client.get(f"/bao-cao-ket-qua/dot/{rnd.id}/bien-ban/999.pdf").status_code == 404
    assert client.get(f"/bao-cao-ket-qua/dot/{rnd.id}/phieu-danh-gia/999.pdf").status_code == 404


def test_too_long_unit_opinion_is_refused_plainly(app):
    rnd = seeded_round()
    unit = person("vp.thu").unit
    response = login_as(app, "vhxh.nhung").post(f"/bao-cao-ket-qua/dot/{rnd.id}/bien-ban/{unit.id}",
                                                data={"y_kien": "x" * 6000, "ngay": "2026-09-11",
                                                      "gio_bat_dau": "08:00"})
    assert response.status_code == 422 and "quá dài" in response.get_data(as_text=True)
