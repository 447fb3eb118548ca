"""Sample checks through HTTP: the list, the draw, step checks (htmx), completion and findings,
Excel import of the dossier list, the result sheet PDF."""
import io
import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from portal.exports.xlsx import Sheet, build_workbook
from portal.extensions import db
from portal.findings.models import Finding
from portal.iso import checks
from portal.iso.models import Dossier, Procedure, SampleCheck, StepCheck

from tests.support import HTMX, login_as

HEAD = ["Mã hồ sơ", "Mã quy trình", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Người xử lý"]


def xlsx(rows, headers=HEAD):
    return io.BytesIO(build_workbook([Sheet("Hồ sơ", headers, rows)]))


def proc(code):
    return db.session.scalar(select(Procedure).where(Procedure.code == code))


def new_check(client, codes=("QT-TP-01",), size=3):
    ids = [proc(c).id for c in codes]
    r = client.post("/iso/boc-mau/moi", data={"title": "Bóc mẫu thử", "procedures": ids, "period_start": "2026-01-01",
                                             "period_end": "30/06/2026", "sample_size": size})
    assert r.status_code == 303, r.get_data(as_text=True)
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def test_whole_sample_check_over_http(app):
    manager, inspector = login_as(app, "vhxh.ha"), login_as(app, "vp.viet")
    check_id = new_check(manager, ("QT-TP-01",), size=2)
    # Four chứng thực dossiers; one returned late (due 04/02, returned 05/02), one across 30/4–1/5.
    rows = [["CT-1", "QT-TP-01", "03/02/2026", "04/02/2026", "05/02/2026", "Trần Đình Khoa"],
            ["CT-2", "", date(2026, 4, 29), date(2026, 5, 4), date(2026, 5, 4), "Người ngoài danh bạ"],
            ["CT-3", "QT-TP-01", "10/03/2026", "11/03/2026", "11/03/2026", "vp.khoa"],
            ["CT-4", "QT-TP-01", "24/03/2026", "25/03/2026", None, ""]]
    r = manager.post(f"/iso/boc-mau/{check_id}/nhap", data={"file": (xlsx(rows), "hs.xlsx")})
    assert r.status_code == 303
    check = db.session.get(SampleCheck, check_id)
    assert [d.code for d in check.dossiers] == ["CT-1", "CT-2", "CT-3", "CT-4"]
    assert check.dossiers[0].handler.username == "vp.khoa" and check.dossiers[1].handler_id is None

    # Draw with a seed chosen so that the late CT-1 and CT-2 are in the sample.
    seed = next(s for s in range(1000) if set(checks.rules.draw_sample(["CT-1", "CT-2", "CT-3", "CT-4"], 2, s)) == {"CT-1", "CT-2"})
    r = manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": seed})
    assert r.status_code == 303
    page = manager.get(f"/iso/boc-mau/{check_id}").get_data(as_text=True)
    assert f">{seed}<" in page and "Rút lại với cùng mã cho cùng danh sách hồ sơ mẫu" in page
    db.session.expire_all()
    check = db.session.get(SampleCheck, check_id)
    assert {d.code for d in check.sampled} == {"CT-1", "CT-2"}

    # Completing too early is refused with the count of steps left.
    r = inspector.post(f"/iso/boc-mau/{check_id}/hoan-thanh", follow_redirects=True)
    assert "Còn 8 bước chưa ghi kết quả" in r.get_data(as_text=True)

    verdicts = {("CT-1", 3): ("khong_dung", "Sổ chứng thực thiếu ngày chứng thực."),
                ("CT-2", 4): ("khong_ap_dung", "Miễn phí")}
    for d in check.sampled:
        for step in d.proc_version.steps:
            result, note = verdicts.get((d.code, step.position), ("dung", ""))
            r = inspector.post(f"/iso/boc-mau/{check_id}/ho-so/{d.id}/buoc/{step.id}",
                               data={"result": result, "note": note}, headers=HTMX)
            assert r.status_code == 200
    r = inspector.post(f"/iso/boc-mau/{check_id}/hoan-thanh")
    assert r.status_code == 303

    db.session.expire_all()
    res = checks.results(db.session.get(SampleCheck, check_id))
    by_code = {r.dossier.code: r for r in res.dossiers}
    assert by_code["CT-1"].rate == pytest.approx(3 / 4)  # one wrong of four
    assert by_code["CT-2"].rate == 1.0  # 3 đúng, 1 không áp dụng
    assert res.overall.ok == 6 and res.overall.bad == 1 and res.overall.rate == pytest.approx(6 / 7)
    assert by_code["CT-1"].timing.late_days == 1 and not by_code["CT-2"].timing.late
    assert [(p.code, t.rate) for p, t in res.by_procedure] == [("QT-TP-01", pytest.approx(6 / 7))]
    assert res.by_unit[0][0].short_name == "VP"

    found = db.session.scalars(select(Finding).where(Finding.source == "iso", Finding.source_id == check_id)
                               .order_by(Finding.id)).all()
    assert len(found) == 2
    step_finding, late_finding = found
    assert "CT-1" in step_finding.description and "bước 3" in step_finding.description
    assert "thiếu ngày chứng thực" in step_finding.description
    assert "trễ hạn 1 ngày làm việc" in late_finding.description
    for f in found:
        assert f.year == 2026 and f.person.username == "vp.khoa" and f.unit.short_name == "VP"
        assert f.found_on and f.recommendation and f.cause == "chu_quan"

    # Completing again creates nothing more.
    r = inspector.post(f"/iso/boc-mau/{check_id}/hoan-thanh", follow_redirects=True)
    assert "Chỉ hoàn thành được" in r.get_data(as_text=True)
    check = db.session.get(SampleCheck, check_id)
    with pytest.raises(checks.InputError):
        checks.complete(check, None)
    assert db.session.scalar(select(db.func.count(Finding.id)).where(Finding.source_id == check_id,
                                                                     Finding.source == "iso")) == 2

    rows = checks.compliance_by_period(2026)
    mine = next(r for r in rows if r["check_id"] == check_id)
    assert mine["rate"] == pytest.approx(6 / 7) and mine["late"] == 1 and mine["sampled"] == 2
    year = rows[-1]
    assert year["check_id"] is None and year["ok"] == sum(r["ok"] for r in rows[:-1])
    assert checks.compliance_by_period(2019) == []


def test_import_reports_every_bad_row_and_saves_nothing(app):
    manager = login_as(app, "vhxh.nhung")
    check_id = new_check(manager, ("QT-TP-01", "QT-VHXH-01"))
    rows = [["A-1", "QT-TP-01", "03/02/2026", "04/02/2026", "", "Trần Đình Khoa"],  # good
            ["A-2", "QT-TP-01", "31/02/2026", "04/02/2026", "", ""],  # bad date
            ["A-1", "QT-TP-01", "05/02/2026", "06/02/2026", "", ""],  # duplicate code
            ["A-3", "QT-XX-09", "05/02/2026", "06/02/2026", "", ""],  # unknown procedure
            ["A-4", "", "05/02/2026", "06/02/2026", "", ""],  # ambiguous: two procedures
            ["A-5", "QT-TP-01", "05/02/2026", "01/02/2026", "02/02/2026", ""],  # due and return before receipt
            ["A-6", "QT-TP-01", "05/12/2026", "07/12/2026", "", ""],  # outside the period
            ["", "QT-TP-01", "", "", "", ""]]  # no code, no dates
    r = manager.post(f"/iso/boc-mau/{check_id}/nhap", data={"file": (xlsx(rows), "hs.xlsx")}, follow_redirects=True)
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Dòng 3: ngày tiếp nhận “31/02/2026” không hợp lệ" in text
    assert "Dòng 4: mã hồ sơ A-1 bị trùng" in text
    assert "Dòng 5: mã quy trình “QT-XX-09” không thuộc đợt bóc mẫu này" in text
    assert "Dòng 6: mã quy trình “” không thuộc" in text
    assert "Dòng 7: ngày hẹn trả trước ngày tiếp nhận; ngày trả kết quả trước ngày tiếp nhận" in text
    assert "Dòng 8: ngày tiếp nhận 05/12/2026 ngoài kỳ kiểm tra" in text
    assert "Dòng 9: thiếu mã hồ sơ; " in text and "thiếu ngày hẹn trả" in text
    assert "Dòng 2" not in text
    assert "Chưa nhập hồ sơ nào" in text
    assert db.session.scalar(select(db.func.count(Dossier.id)).where(Dossier.check_id == check_id)) == 0


@pytest.mark.parametrize("headers, message", [
    (HEAD[:2] + HEAD[3:], "Thiếu cột: Ngày tiếp nhận."),
    (["Mã", "Ngày"], "Thiếu cột: Mã hồ sơ, Mã quy trình"),
])
def test_import_missing_columns(app, headers, message):
    manager = login_as(app, "vhxh.nhung")
    check_id = new_check(manager)
    body = xlsx([["X-1"] + ["03/02/2026"] * (len(headers) - 1)], headers)
    text = manager.post(f"/iso/boc-mau/{check_id}/nhap", data={"file": (body, "a.xlsx")},
                        follow_redirects=True).get_data(as_text=True)
    assert message in text
    assert not db.session.get(SampleCheck, check_id).dossiers


def test_import_rejects_non_excel_and_missing_file(app):
    manager = login_as(app, "vhxh.nhung")
    check_id = new_check(manager)
    text = manager.post(f"/iso/boc-mau/{check_id}/nhap", data={"file": (io.BytesIO(b"hello"), "a.xlsx")},
                        follow_redirects=True).get_data(as_text=True)
    assert "Tệp không phải Excel (.xlsx) hợp lệ." in text
    text = manager.post(f"/iso/boc-mau/{check_id}/nhap", data={}, follow_redirects=True).get_data(as_text=True)
    assert "Vui lòng chọn tệp Excel để nhập." in text


def test_add_dossier_htmx_fragment_and_errors(app):
    manager = login_as(app, "vhxh.nhung")
    check_id = new_check(manager, ("QT-TP-01",), size=2)
    good = {"code": "M-1", "procedure": "QT-TP-01", "received": "2026-03-02", "due": "2026-03-03",
            "returned": "", "handler": "Trần Đình Khoa"}
    r = manager.post(f"/iso/boc-mau/{check_id}/ho-so", data=good, headers=HTMX)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="dossier-list"' in html and "M-1" in html
    assert "<html" not in html and "Nhập danh sách hồ sơ từ Excel" not in html  # just the fragment
    assert 'value="M-1"' not in html  # the form comes back empty for the next dossier
    r = manager.post(f"/iso/boc-mau/{check_id}/ho-so", data={**good, "received": "hôm qua", "due": ""}, headers=HTMX)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Ngày không hợp lệ (dd/mm/yyyy)." in html and "Vui lòng nhập ngày." in html
    r = manager.post(f"/iso/boc-mau/{check_id}/ho-so", data=good, headers=HTMX)
    assert r.status_code == 422 and "Mã hồ sơ M-1 bị trùng." in r.get_data(as_text=True)
    # Delete it again (htmx), then a sample bigger than the list is refused clearly.
    d = db.session.scalar(select(Dossier).where(Dossier.check_id == check_id))
    r = manager.post(f"/iso/boc-mau/{check_id}/ho-so/{d.id}/xoa", headers=HTMX)
    assert r.status_code == 200 and "Chưa có hồ sơ nào" in r.get_data(as_text=True)
    r = manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": "5"}, follow_redirects=True)
    assert "Cỡ mẫu (2) lớn hơn số hồ sơ trong danh sách (0)" in r.get_data(as_text=True)
    assert db.session.get(SampleCheck, check_id).status == "draft"


def test_same_seed_redraw_gives_same_sample_until_checked(app):
    manager = login_as(app, "vhxh.nhung")
    check_id = new_check(manager, ("QT-TP-01",), size=3)
    check = db.session.get(SampleCheck, check_id)
    for i in range(1, 11):
        checks.add_dossier(check, {"code": f"S-{i:02d}", "received": "02/03/2026", "due": "03/03/2026"})
    db.session.commit()
    manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": "777"})
    db.session.expire_all()
    first = [d.code for d in db.session.get(SampleCheck, check_id).sampled]
    manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": "778"})
    db.session.expire_all()
    assert [d.code for d in db.session.get(SampleCheck, check_id).sampled] != first
    manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": "777"})
    db.session.expire_all()
    check = db.session.get(SampleCheck, check_id)
    assert [d.code for d in check.sampled] == first == checks.rules.draw_sample([f"S-{i:02d}" for i in range(1, 11)], 3, 777)
    # Without a seed the system picks one and records it.
    manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": ""})
    db.session.expire_all()
    assert db.session.get(SampleCheck, check_id).seed not in (None, 777)
    # After a step is checked, the sample is frozen.
    check = db.session.get(SampleCheck, check_id)
    d = check.sampled[0]
    checks.record_step(d, d.proc_version.steps[0].id, "dung", "", None)
    db.session.commit()
    r = manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": "777"}, follow_redirects=True)
    assert "không rút lại mẫu được" in r.get_data(as_text=True)
    r = manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": "-4"}, follow_redirects=True)
    assert "Mã lượt rút mẫu là số nguyên không âm (tối đa 2147483647)." in r.get_data(as_text=True)


def _drawn_check():
    check = db.session.scalar(select(SampleCheck))
    check.status = "drawn"  # reopen the demo check for recording
    db.session.commit()
    return check


def test_step_record_swaps_only_the_row(app):
    inspector = login_as(app, "kt.duc")
    check = _drawn_check()
    d = check.sampled[0]
    step = d.proc_version.steps[0]
    url = f"/iso/boc-mau/{check.id}/ho-so/{d.id}/buoc/{step.id}"
    r = inspector.post(url, data={"result": "khong_dung", "note": "Thiếu phiếu kiểm soát"}, headers=HTMX)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert html.strip().startswith(f'<tr id="step-{step.id}"') and html.count("<tr") == 1
    assert "Đã lưu: Không đúng — Hoàng Minh Đức" in html
    sc = db.session.scalar(select(StepCheck).where(StepCheck.dossier_id == d.id, StepCheck.step_id == step.id))
    assert (sc.result, sc.note) == ("khong_dung", "Thiếu phiếu kiểm soát")
    # "Không đúng" without a note, and a made-up result: 422 with the row and a message; nothing changes.
    r = inspector.post(url, data={"result": "khong_dung", "note": "  "}, headers=HTMX)
    assert r.status_code == 422 and "vui lòng ghi rõ sai ở đâu" in r.get_data(as_text=True)
    r = inspector.post(url, data={"result": "tot", "note": ""}, headers=HTMX)
    assert r.status_code == 422 and "<tr" in r.get_data(as_text=True) and "Lựa chọn không hợp lệ." in r.get_data(as_text=True)
    r = inspector.post(url, data={"note": "x"}, headers=HTMX)
    assert r.status_code == 422 and "Chọn kết quả." in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StepCheck, sc.id).note == "Thiếu phiếu kiểm soát"
    # A step of another procedure is refused; an unknown step is a 404.
    other = next(x for x in check.sampled if x.procedure_id != d.procedure_id)
    r = inspector.post(f"/iso/boc-mau/{check.id}/ho-so/{d.id}/buoc/{other.proc_version.steps[0].id}",
                       data={"result": "dung"}, headers=HTMX)
    assert r.status_code == 422 and "không thuộc quy trình" in r.get_data(as_text=True)
    assert inspector.post(f"/iso/boc-mau/{check.id}/ho-so/{d.id}/buoc/99999", data={"result": "dung"}).status_code == 404
    # A plain (non-htmx) post redirects back to the dossier page.
    r = inspector.post(url, data={"result": "dung", "note": ""})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/ho-so/{d.id}")


def test_step_record_refused_on_completed_and_unsampled(app):
    inspector = login_as(app, "vp.viet")
    check = db.session.scalar(select(SampleCheck))
    d = check.sampled[0]
    r = inspector.post(f"/iso/boc-mau/{check.id}/ho-so/{d.id}/buoc/{d.proc_version.steps[0].id}",
                       data={"result": "dung"}, headers=HTMX)
    assert r.status_code == 422 and "chưa hoàn thành" in r.get_data(as_text=True)
    page = inspector.get(f"/iso/boc-mau/{check.id}/ho-so/{d.id}").get_data(as_text=True)
    assert 'type="radio"' not in page  # read-only once completed
    check = _drawn_check()
    outside = next(x for x in check.dossiers if not x.sample_order)
    r = inspector.post(f"/iso/boc-mau/{check.id}/ho-so/{outside.id}/buoc/{outside.proc_version.steps[0].id}",
                       data={"result": "dung"}, headers=HTMX)
    assert r.status_code == 422 and "không nằm trong mẫu" in r.get_data(as_text=True)
    # A dossier id from under another check's URL is a 404.
    assert inspector.get(f"/iso/boc-mau/999/ho-so/{d.id}").status_code == 404


def test_new_check_bad_input(app):
    manager = login_as(app, "vhxh.nhung")
    r = manager.post("/iso/boc-mau/moi", data={"title": "", "period_start": "2026-06-30", "period_end": "2026-01-01",
                                              "sample_size": "0"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    for message in ("Vui lòng nhập tên đợt bóc mẫu.", "Chọn ít nhất một quy trình.", "Cỡ mẫu từ 1 đến 1000 hồ sơ."):
        assert message in html
    r = manager.post("/iso/boc-mau/moi", data={"title": "X", "procedures": [proc("QT-TP-01").id],
                                              "period_start": "2026-06-30", "period_end": "2026-01-01",
                                              "sample_size": "3"})
    assert r.status_code == 422 and "Ngày kết thúc kỳ kiểm tra phải sau ngày bắt đầu." in r.get_data(as_text=True)
    r = manager.post("/iso/boc-mau/moi", data={"title": "X", "procedures": ["abc"], "sample_size": "x"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Lựa chọn không hợp lệ." in html and "Vui lòng nhập một số nguyên." in html
    r = manager.post("/iso/boc-mau/moi", data={"title": "X", "procedures": ["99999"], "sample_size": "3",
                                              "period_start": "2026-01-01", "period_end": "2026-02-01"})
    assert r.status_code == 422 and "Lựa chọn không hợp lệ." in r.get_data(as_text=True)


def test_demo_check_and_result_pdf(app, tmp_path):
    leader = login_as(app, "chutich")
    check = db.session.scalar(select(SampleCheck))
    assert check.status == "completed" and len(check.dossiers) == 20 and len(check.sampled) == 5
    found = checks.findings_for(check)
    assert len(found) >= 2 and any("trễ hạn" in f.description for f in found)
    page = leader.get(f"/iso/boc-mau/{check.id}").get_data(as_text=True)
    assert "Tồn tại, hạn chế đã ghi nhận" in page and "Hoàn thành đợt bóc mẫu" not in page
    r = leader.get(f"/iso/boc-mau/{check.id}/ket-qua.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    path = tmp_path / "kq.pdf"
    path.write_bytes(r.data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "PHƯỜNG THÀNH SEN",
                     "KẾT QUẢ KIỂM TRA, BÓC MẪU HỒ SƠ", "I. THÔNG TIN CHUNG", "II. KẾT QUẢ KIỂM TRA",
                     "III. TỒN TẠI, HẠN CHẾ", "IV. KIẾN NGHỊ", "mã lượt rút mẫu 2032", "LH-2026-003",
                     "NGƯỜI KIỂM TRA", "Đặng Quốc Việt", "ngày 06 tháng 7 năm 2026", "ĐOÀN KIỂM TRA CCHC"):
        assert expected in text, expected
    # plain words on the record (issue 11): no software words, no number on an internal record
    assert "hạt giống" not in text and "KQ-ĐKT" not in text and "Số:" not in text


def test_dossier_list_download_is_importable(app):
    manager = login_as(app, "vhxh.nhung")
    demo = db.session.scalar(select(SampleCheck))
    r = manager.get(f"/iso/boc-mau/{demo.id}/danh-sach.xlsx")
    assert r.status_code == 200 and r.data.startswith(b"PK")
    check_id = new_check(manager, ("QT-TP-01", "QT-VHXH-01"), size=5)
    r = manager.post(f"/iso/boc-mau/{check_id}/nhap", data={"file": (io.BytesIO(r.data), "ds.xlsx")}, follow_redirects=True)
    assert "Đã nhập 20 hồ sơ" in r.get_data(as_text=True)
    assert len(db.session.get(SampleCheck, check_id).dossiers) == 20


def test_odd_input_never_500(app, tmp_path):
    manager = login_as(app, "vhxh.nhung")
    check_id = new_check(manager)
    # A draft check (no seed, no completion date) still prints a result sheet with blanks to fill.
    r = manager.get(f"/iso/boc-mau/{check_id}/ket-qua.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    path = tmp_path / "draft.pdf"
    path.write_bytes(r.data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Chưa rút mẫu." in text and "Chưa có hồ sơ được rút mẫu." in text and "chưa hoàn thành" in text
    r = manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": str(2**40)}, follow_redirects=True)
    assert r.status_code == 200 and "tối đa 2147483647" in r.get_data(as_text=True)
    r = manager.post(f"/iso/boc-mau/{check_id}/rut-mau", data={"seed": "abc"}, follow_redirects=True)
    assert r.status_code == 200 and "Vui lòng nhập một số nguyên." in r.get_data(as_text=True)
    assert manager.get("/iso/boc-mau/99999").status_code == 404
    assert manager.get("/iso/boc-mau/99999/ket-qua.pdf").status_code == 404
    assert manager.post(f"/iso/boc-mau/{check_id}/ho-so/99999/xoa").status_code == 404
    # Deleting a dossier through another check's URL is refused.
    demo = db.session.scalar(select(SampleCheck).where(SampleCheck.id != check_id))
    assert manager.post(f"/iso/boc-mau/{check_id}/ho-so/{demo.dossiers[0].id}/xoa").status_code == 403
    # Deleting from a drawn/completed check's list is a clear 409.
    r = manager.post(f"/iso/boc-mau/{demo.id}/ho-so/{demo.dossiers[0].id}/xoa", headers=HTMX)
    assert r.status_code == 409 and "Đã rút mẫu" in r.get_data(as_text=True)
    r = manager.post(f"/iso/boc-mau/{demo.id}/ho-so", data={"code": "Z", "received": "2026-03-02", "due": "2026-03-03",
                                                           "procedure": "QT-TP-01"}, headers=HTMX)
    assert r.status_code == 422 and "không thêm hồ sơ" in r.get_data(as_text=True)


def test_stale_check_is_a_conflict_not_a_500(app, monkeypatch):
    """Two people finishing the same check at once: the second commit finds the row moved on."""
    from sqlalchemy.orm.exc import StaleDataError

    inspector = login_as(app, "vp.viet")
    check = _drawn_check()

    def stale():
        raise StaleDataError("sample_check row changed")

    monkeypatch.setattr(db.session, "commit", stale)
    r = inspector.post(f"/iso/boc-mau/{check.id}/hoan-thanh")
    assert r.status_code == 409 and "vừa được người khác cập nhật" in r.get_data(as_text=True)


def test_home_panel_and_list_rate(app):
    leader = login_as(app, "chutich")
    assert "Bóc mẫu hồ sơ đang thực hiện" not in leader.get("/").get_data(as_text=True)  # all completed
    assert "91,3%" in leader.get("/iso/boc-mau/").get_data(as_text=True)
    manager = login_as(app, "vhxh.nhung")
    new_check(manager)
    home = leader.get("/").get_data(as_text=True)
    assert "Bóc mẫu hồ sơ đang thực hiện" in home and "chưa rút mẫu" in home
    assert "Bóc mẫu hồ sơ đang thực hiện" not in login_as(app, "tt.tam").get("/").get_data(as_text=True)


def test_iso_screens_speak_of_the_draw_code_not_a_seed(app):
    """Civil servants read "mã lượt rút mẫu", as the printed record says, not the jargon "hạt giống"."""
    from sqlalchemy import select

    from portal.iso.models import SampleCheck
    from tests.support import login_as

    client = login_as(app, "vhxh.ha")
    check = db.session.scalars(select(SampleCheck)).first()
    page = client.get(f"/iso/boc-mau/{check.id}").get_data(as_text=True)
    assert "Mã lượt rút mẫu" in page and "hạt giống" not in page.lower()
