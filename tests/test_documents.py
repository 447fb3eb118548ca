"""The documents as a ward secretary reads them: each PDF's text (pdftotext, page by page) and each
.docx's XML, checked against issue 11's rules — signer per document type, DỰ THẢO only on an
unfinished round, no unsent drafts or "Ông/bà", the approved paper with its number and directive,
each recommendation once, totals in the text equal to the tables, the signature never alone."""
import io
import re
import subprocess
import zipfile

import pytest
from docx import Document as read_docx
from sqlalchemy import select

from portal.accounts.models import Unit
from portal.extensions import db
from portal.findings.models import Finding
from portal.reports.models import SignOff
from portal.rounds.models import Round
from tests.support import login_as


def pages(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "d.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    return [" ".join(p.split()) for p in text.split("\f") if p.strip()]


def docx_text(data: bytes) -> str:
    """Every w:t of the document body and headers (the XML Word reads)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [n for n in z.namelist() if re.match(r"word/(document|header\d*)\.xml", n)]
        xml = " ".join(z.read(n).decode() for n in parts)
    return " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def rounds():
    closed = db.session.scalar(select(Round).where(Round.state == "closed").order_by(Round.id))
    review = db.session.scalar(select(Round).where(Round.state == "review").order_by(Round.id))
    return closed, review


def vp():
    return db.session.scalar(select(Unit).where(Unit.short_name == "VP"))


def urls(rnd):
    base = f"/bao-cao-ket-qua/dot/{rnd.id}"
    return [f"{base}/bao-cao", f"{base}/bien-ban/{vp().id}", f"{base}/phieu-danh-gia/{rnd.leader_id}"]


FORBIDDEN = ["Ông/bà", "ông/bà", "(Chưa chọn)", "Chưa chọn", "hạt giống", "kiểm tra kiểm tra", "thời hiệu",
             "Ủy ban nhân dân Phường", "UBND Phường"]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_draft_mark_on_every_page_of_an_unfinished_round_only(app, tmp_path, fmt):
    closed, review = rounds()
    client = login_as(app, "vhxh.ha")
    for url in urls(review):
        data = client.get(f"{url}.{fmt}").data
        if fmt == "pdf":
            ps = pages(data, tmp_path)
            assert len(ps) >= 1 and all("DỰ THẢO" in p for p in ps), url
        else:
            assert "DỰ THẢO" in docx_text(data), url
    for url in urls(closed):
        data = client.get(f"{url}.{fmt}").data
        text = " ".join(pages(data, tmp_path)) if fmt == "pdf" else docx_text(data)
        assert "DỰ THẢO" not in text, url


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_no_software_words_no_drafts_no_guessed_salutations(app, tmp_path, fmt):
    client = login_as(app, "vhxh.ha")
    for rnd in rounds():
        for url in urls(rnd):
            data = client.get(f"{url}.{fmt}").data
            text = " ".join(pages(data, tmp_path)) if fmt == "pdf" else docx_text(data)
            for word in FORBIDDEN:
                assert word not in text, (url, word)
            assert re.search(r"\d\.\d\d%", text) is None, url  # Vietnamese decimal comma
            assert "./." in text, url


def test_team_report_is_signed_by_the_team_leader_and_sent_to_the_chairman(app, tmp_path):
    closed, _ = rounds()
    text = " ".join(pages(login_as(app, "chutich").get(f"/bao-cao-ket-qua/dot/{closed.id}/bao-cao.pdf?so=7").data,
                          tmp_path))
    assert "ĐOÀN KIỂM TRA CCHC" in text and "Số: 07/BC-ĐKT" in text
    closing = text.split("Nơi nhận:")[-1]
    assert "TRƯỞNG ĐOÀN" in closing and closed.leader.full_name in closing
    assert "TM. ỦY BAN NHÂN DÂN" not in text and "KT. CHỦ TỊCH" not in text
    assert "- Chủ tịch UBND phường (báo cáo);" in closing and "- Lưu: VT, VHXH." in closing
    assert "Căn cứ Kế hoạch số 165/KH-UBND ngày 10/06/2026" in text
    assert "Căn cứ Quyết định số 212/QĐ-UBND ngày 15/06/2026" in text
    assert "phường Thành Sen" in text


def test_minutes_date_lies_within_the_round_and_the_unit_signs_with_its_own_person(app, tmp_path):
    closed, review = rounds()
    for rnd in (closed, review):
        text = " ".join(pages(login_as(app, "vhxh.ha").get(f"/bao-cao-ket-qua/dot/{rnd.id}/bien-ban/{vp().id}.pdf").data,
                              tmp_path))
        m = re.search(r"Hôm nay, vào hồi [^,]+, ngày (\d\d) tháng (\d\d?) năm (\d{4})", text)
        assert m, text[:800]
        from datetime import date

        held = date(int(m[3]), int(m[2]), int(m[1]))
        assert rnd.start_on <= held <= rnd.end_on
        team = {u.full_name for u in [rnd.leader, *rnd.members]}
        unit_side = text.split("2. Đơn vị được kiểm tra")[1].split("II. NỘI DUNG")[0]
        assert not any(name in unit_side for name in team)
        signer = text.split("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA")[-1]
        assert not any(name in signer.split("TRƯỞNG ĐOÀN")[0] + signer.split(rnd.leader.full_name)[0]
                       for name in team - {rnd.leader.full_name})
        assert "Biên bản kết thúc vào hồi" in text and "được lập thành 02 bản" in text


def test_totals_in_the_text_equal_the_tables(app, tmp_path):
    for rnd in rounds():
        text = " ".join(pages(login_as(app, "vhxh.ha").get(f"/bao-cao-ket-qua/dot/{rnd.id}/bao-cao.pdf").data, tmp_path))
        sent, total = map(int, re.search(r"Có (\d+)/(\d+) nội dung kiểm tra được báo cáo", text).groups())
        rated, dat, mot, chua = map(int, re.search(
            r"Đoàn kiểm tra đã thẩm định (\d+) nội dung: (\d+) đạt, (\d+) đạt một phần, (\d+) chưa đạt", text).groups())
        assert rated == dat + mot + chua
        # both tables end with a "Tổng cộng" row: total, sent, late, đạt, một phần, chưa đạt, tồn tại
        rows = re.findall(r"Tổng cộng (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", text)
        assert len(rows) == 2, rows
        findings = len(db.session.scalars(select(Finding).where(Finding.source == "round",
                                                                Finding.round_id == rnd.id)).all())
        for row in rows:
            t, s, _late, d, mp, cd, f = map(int, row)
            assert (t, s, d, mp, cd) == (total, sent, dat, mot, chua)
            assert f == findings
        if findings:
            assert f"Đoàn kiểm tra ghi nhận {findings:02d} tồn tại, hạn chế" in text


def test_each_recommendation_is_printed_once(app, tmp_path):
    closed, _ = rounds()
    same = "Bổ sung văn bản, hồ sơ chứng minh kết quả thực hiện"
    n = db.session.query(Finding).filter(Finding.round_id == closed.id, Finding.recommendation.like(f"{same}%")).count()
    assert n >= 2  # the demo repeats it on several findings
    text = " ".join(pages(login_as(app, "vhxh.ha").get(f"/bao-cao-ket-qua/dot/{closed.id}/bao-cao.pdf").data, tmp_path))
    part = text.split("VI. KIẾN NGHỊ, ĐỀ XUẤT")[1]
    assert part.count(same) == 1
    assert "khắc phục các tồn tại, hạn chế nêu tại" in text  # there are findings, so the sentence stands


@pytest.mark.parametrize("kind", ["bao-cao", "bien-ban"])
def test_the_last_page_holds_body_text_above_the_signature(app, tmp_path, kind):
    for rnd in rounds():
        url = f"/bao-cao-ket-qua/dot/{rnd.id}/{kind}" + (f"/{vp().id}" if kind == "bien-ban" else "") + ".pdf"
        last = pages(login_as(app, "vhxh.ha").get(url).data, tmp_path)[-1]
        signature = "Nơi nhận:" if kind == "bao-cao" else "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA"
        before = last.split(signature)[0]
        assert "./." in before and len(before.split()) > 12, last[:300]


def test_approved_document_carries_number_directive_and_stays_unchanged(app, tmp_path):
    closed, _ = rounds()
    leader = login_as(app, "chutich")
    response = leader.post(f"/bao-cao-ket-qua/dot/{closed.id}/phe-duyet",
                           data={"chi_dao": "Giao Phòng Văn hóa - Xã hội theo dõi khắc phục trước 31/8.", "so": "9"})
    assert response.status_code == 303
    row = db.session.scalar(select(SignOff).where(SignOff.round_id == closed.id))
    assert row.number == "9"
    pdf = leader.get(f"/bao-cao-ket-qua/phe-duyet/{row.id}.pdf").data
    text = " ".join(pages(pdf, tmp_path))
    assert "Số: 09/BC-ĐKT" in text
    assert "Ý kiến chỉ đạo của Chủ tịch UBND phường: Giao Phòng Văn hóa - Xã hội theo dõi khắc phục trước 31/8." in text
    assert "Phan Văn Hùng" in text and "DỰ THẢO" not in text
    word = leader.get(f"/bao-cao-ket-qua/phe-duyet/{row.id}.docx")
    assert word.status_code == 200 and "09/BC-ĐKT" in docx_text(word.data)
    assert "Giao Phòng Văn hóa - Xã hội theo dõi khắc phục trước 31/8." in docx_text(word.data)
    # stored unchanged: later edits to the round's data do not reach the approved paper
    f = db.session.scalar(select(Finding).where(Finding.round_id == closed.id))
    f.recommendation = "Kiến nghị sửa sau phê duyệt"
    db.session.commit()
    assert leader.get(f"/bao-cao-ket-qua/phe-duyet/{row.id}.pdf").data == pdf
    fresh = leader.get(f"/bao-cao-ket-qua/dot/{closed.id}/bao-cao.pdf").data
    assert "Kiến nghị sửa sau phê duyệt" in " ".join(pages(fresh, tmp_path))


def test_docx_has_the_nd30_form(app):
    closed, _ = rounds()
    data = login_as(app, "vhxh.ha").get(f"/bao-cao-ket-qua/dot/{closed.id}/bao-cao.docx?so=3").data
    doc = read_docx(io.BytesIO(data))
    section = doc.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert doc.styles["Normal"].font.name == "Times New Roman"
    text = docx_text(data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: 03/BC-ĐKT" in text
    assert "- Lưu: VT, VHXH." in text and "./." in text
    # the table header rows repeat on each page
    assert "w:tblHeader" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    # the last paragraph of the body keeps with the signature block
    body = [p for p in doc.paragraphs if p.text.strip()]
    assert body[-1].text.endswith("./.") and body[-1].paragraph_format.keep_with_next


def test_document_settings_change_the_signer(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    page = client.get("/cai-dat/van-ban")
    assert page.status_code == 200 and "Thể thức văn bản" in page.get_data(as_text=True)
    form = {}
    from portal.settings import documents as D

    for kind in D.TYPES:
        for name in D.FIELDS:
            form[f"{kind}__{name}"] = D.DEFAULTS[kind][name]
    form["team_report__sign_lines"] = "KT. TRƯỞNG ĐOÀN\nPHÓ TRƯỞNG ĐOÀN"
    form["team_report__signer_name"] = "Đặng Quốc Việt"
    from portal.settings.models import get_settings

    form["version"] = get_settings().version
    assert client.post("/cai-dat/van-ban", data=form).status_code == 302
    closed, _ = rounds()
    text = " ".join(pages(client.get(f"/bao-cao-ket-qua/dot/{closed.id}/bao-cao.pdf").data, tmp_path))
    closing = text.split("Nơi nhận:")[-1]
    assert "KT. TRƯỞNG ĐOÀN" in closing and "PHÓ TRƯỞNG ĐOÀN" in closing and "Đặng Quốc Việt" in closing


@pytest.mark.parametrize("username", ["vp.thu", "kt.lan", "chutich"])
def test_only_managers_change_document_settings(app, username):
    client = login_as(app, username)
    assert client.get("/cai-dat/van-ban").status_code == 403
    assert client.post("/cai-dat/van-ban", data={}).status_code == 403


def test_closed_round_minutes_are_read_only(app):
    closed, _ = rounds()
    response = login_as(app, "vhxh.nhung").post(f"/bao-cao-ket-qua/dot/{closed.id}/bien-ban/{vp().id}",
                                               data={"ngay": closed.start_on.isoformat(), "gio_bat_dau": "08:00"})
    assert response.status_code == 409


def test_staff_cannot_enter_minutes(app):
    _, review = rounds()
    response = login_as(app, "vp.thu").post(f"/bao-cao-ket-qua/dot/{review.id}/bien-ban/{vp().id}",
                                            data={"ngay": review.start_on.isoformat()})
    assert response.status_code == 403


def test_unit_self_report_is_issued_by_the_unit_and_signed_by_its_head(app, tmp_path):
    closed, _ = rounds()
    text = " ".join(pages(login_as(app, "vhxh.ha").get(
        f"/bao-cao-ket-qua/dot/{closed.id}/tu-kiem-tra/{vp().id}.pdf").data, tmp_path))
    assert text.startswith("UBND PHƯỜNG THÀNH SEN") and "VĂN PHÒNG HĐND VÀ UBND Độc lập" in text and "/BC-VP" in text
    closing = text.split("Nơi nhận:")[-1]
    assert "CHÁNH VĂN PHÒNG" in closing and "Đặng Quốc Việt" in closing
    assert "- Đoàn kiểm tra CCHC phường (qua Phòng Văn hóa - Xã hội);" in closing
    assert "TM. ỦY BAN NHÂN DÂN" not in text and "Sở Nội vụ" not in text
    for part in ("I. ĐÁNH GIÁ CHUNG", "Kết quả đạt được", "Tồn tại, hạn chế", "Phương hướng, nhiệm vụ"):
        assert part in text


def test_self_report_prints_only_what_was_sent(app, tmp_path):
    _, review = rounds()
    from portal.rounds.models import Report

    drafts = db.session.scalars(select(Report).where(Report.round_id == review.id, Report.unit_id == vp().id,
                                                     Report.state == "draft")).all()
    assert drafts
    text = " ".join(pages(login_as(app, "vhxh.ha").get(
        f"/bao-cao-ket-qua/dot/{review.id}/tu-kiem-tra/{vp().id}.pdf").data, tmp_path))
    results = " ".join(part.split("Tồn tại, hạn chế")[0] for part in text.split("Kết quả đạt được")[1:])
    for r in drafts:
        assert f"- {r.criterion.code} (" not in results, r.criterion.code
    assert "Chưa chọn" not in text and "DỰ THẢO" in text


def test_conclusion_notice_lists_what_to_remedy_by_when(app, tmp_path):
    closed, _ = rounds()
    text = " ".join(pages(login_as(app, "vhxh.ha").get(
        f"/bao-cao-ket-qua/dot/{closed.id}/ket-luan/{vp().id}.pdf?so=4").data, tmp_path))
    assert "THÔNG BÁO" in text and "Số: 04/TB-UBND" in text and text.startswith("ỦY BAN NHÂN DÂN")
    for part in ("1. Ưu điểm", "2. Tồn tại, hạn chế", "3. Yêu cầu khắc phục", "hoàn thành trước ngày",
                 "TM. ỦY BAN NHÂN DÂN", "- Văn phòng HĐND và UBND (thực hiện);"):
        assert part in text, part


def test_year_report_combines_the_year(app, tmp_path):
    data = login_as(app, "chutich").get("/bao-cao-ket-qua/nam/2026/bao-cao.pdf?so=12").data
    text = " ".join(pages(data, tmp_path))
    for part in ("Số: 12/BC-UBND", "Kết quả kiểm tra công tác cải cách hành chính năm 2026", "1. Kiểm tra định kỳ",
                 "2. Kiểm tra đột xuất", "3. Kiểm tra việc tuân thủ quy trình ISO", "4. Điển hình",
                 "5. Kết quả khắc phục tồn tại, hạn chế", "- Sở Nội vụ (báo cáo);", "TM. ỦY BAN NHÂN DÂN",
                 "Đợt 1", "Đợt 2", "DỰ THẢO"):
        assert part in text, part
    assert login_as(app, "vp.thu").get("/bao-cao-ket-qua/nam/2026/bao-cao.pdf").status_code == 403
    word = login_as(app, "chutich").get("/bao-cao-ket-qua/nam/2026/bao-cao.docx")
    assert word.status_code == 200 and "Sở Nội vụ (báo cáo);" in docx_text(word.data)


def test_round_archive_holds_every_document_and_a_manifest(app, tmp_path):
    closed, _ = rounds()
    app.config["JOBS_INLINE"] = True
    client = login_as(app, "vhxh.ha")
    response = client.post(f"/bao-cao-ket-qua/dot/{closed.id}/ho-so.zip")
    assert response.status_code == 303
    from portal.jobs.models import Job

    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.status == "done", job.error
    assert job.result_file.content_type == "application/zip"
    from portal.evidence.services import stored_path

    z = zipfile.ZipFile(io.BytesIO(stored_path(job.result_file).read_bytes()))
    names = z.namelist()
    assert any(n.startswith("01 Báo cáo kết quả kiểm tra") and n.endswith(".pdf") for n in names)
    assert any(n.startswith("02 Biên bản kiểm tra/") and n.endswith(".docx") for n in names)
    assert any(n.startswith("04 Thông báo kết luận/") for n in names)
    assert "Bảng kê hồ sơ.txt" in names and "manifest.json" in names
    import json

    manifest = json.loads(z.read("manifest.json"))
    listed = {m["tep"] for m in manifest["tep"]}
    assert listed == set(names) - {"Bảng kê hồ sơ.txt", "manifest.json"}
    import hashlib

    for m in manifest["tep"]:
        assert hashlib.sha256(z.read(m["tep"])).hexdigest() == m["sha256"]


def test_staff_cannot_build_the_archive(app):
    closed, _ = rounds()
    assert login_as(app, "vp.thu").post(f"/bao-cao-ket-qua/dot/{closed.id}/ho-so.zip").status_code == 403


def test_year_records_are_entered_and_cited(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    assert client.get("/bao-cao-ket-qua/ho-so-nam/2026").status_code == 200
    from portal.reports.models import YearRecords

    row = db.session.scalar(select(YearRecords).where(YearRecords.year == 2026))
    response = client.post("/bao-cao-ket-qua/ho-so-nam/2026", data={
        "version": row.version, "plan_number": "170/KH-UBND", "plan_date": "2026-06-12",
        "decision_number": "7/QĐ-UBND", "decision_date": "2026-06-18"})
    assert response.status_code == 303
    closed, _ = rounds()
    text = " ".join(pages(client.get(f"/bao-cao-ket-qua/dot/{closed.id}/bao-cao.pdf").data, tmp_path))
    assert "Kế hoạch số 170/KH-UBND ngày 12/06/2026" in text and "Quyết định số 7/QĐ-UBND ngày 18/06/2026" in text
    stale = client.post("/bao-cao-ket-qua/ho-so-nam/2026", data={"version": row.version - 5, "plan_number": "1"})
    assert stale.status_code == 409
    assert login_as(app, "vp.thu").get("/bao-cao-ket-qua/ho-so-nam/2026").status_code == 403


def test_team_marks_a_good_practice_and_the_report_prints_it(app, tmp_path):
    _, review = rounds()
    from portal.rounds.models import Report

    report = db.session.scalar(select(Report).where(Report.round_id == review.id, Report.state == "submitted")
                               .order_by(Report.id))
    client = login_as(app, "vhxh.nhung")
    # the picker offers every sent report by its code as the round judged it and its author
    picker = client.get(f"/bao-cao-ket-qua/dot/{review.id}").get_data(as_text=True)
    sent = db.session.scalars(select(Report).where(Report.round_id == review.id,
                                                   Report.state.in_(("submitted", "clarify")))).all()
    assert picker.count('<option value="') >= len(sent)
    assert f'<option value="{report.id}">{report.item.code} — {report.author.full_name}</option>' in picker
    response = client.post(f"/bao-cao-ket-qua/dot/{review.id}/dien-hinh",
                           data={"bao_cao": report.id, "ghi_chu": "Cách làm số hóa hồ sơ nên nhân rộng"})
    assert response.status_code == 303
    text = " ".join(pages(client.get(f"/bao-cao-ket-qua/dot/{review.id}/bao-cao.pdf").data, tmp_path))
    assert f"{report.criterion.code} (" in text and "Cách làm số hóa hồ sơ nên nhân rộng" in text
    assert login_as(app, "vp.thu").post(f"/bao-cao-ket-qua/dot/{review.id}/dien-hinh",
                                        data={"bao_cao": report.id, "ghi_chu": "x"}).status_code == 403
    closed, _ = rounds()
    assert client.post(f"/bao-cao-ket-qua/dot/{closed.id}/dien-hinh",
                       data={"bao_cao": report.id, "ghi_chu": "x"}).status_code == 409


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_catalogue_edits_after_opening_never_change_a_rounds_documents(app, tmp_path, fmt):
    """Issue 10: a round prints the criteria as it froze them when it opened."""
    from portal.catalogue.models import Criterion
    from portal.rounds.models import Report

    closed, _ = rounds()
    used = select(Report.criterion_id).where(Report.round_id == closed.id)
    for crit in db.session.scalars(select(Criterion).where(Criterion.id.in_(used))):
        crit.text = f"XYZMOI {crit.text}"
    db.session.commit()
    client = login_as(app, "vhxh.ha")
    for url in urls(closed):
        response = client.get(f"{url}.{fmt}")
        assert response.status_code == 200, url
        text = " ".join(pages(response.data, tmp_path)) if fmt == "pdf" else docx_text(response.data)
        assert "XYZMOI" not in text, url
    drill = client.get(f"/bang-dieu-khien/chi-tiet?loai=bao-cao&dot={closed.id}")
    assert drill.status_code == 200
    assert "XYZMOI" not in drill.get_data(as_text=True)
