"""The hours of an ad-hoc check: saved through the form (new, edit, a phone's outbox), refused when
they are not a time or the end is not after the start, shown on the entry's page, in the list and
in Excel, and printed in the minutes (PDF and Word alike) as "vào hồi … giờ … phút"; the minutes
cite the year's plan and team decision only when their numbers are recorded."""
import io
import uuid
from datetime import date, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.adhoc.models import AdhocEntry
from portal.adhoc.times import parse_time
from portal.audit.queries import history_for
from portal.extensions import db
from portal.reports.models import YearRecords

from tests.findings_support import demo_ids, uid
from tests.support import HTMX, login_as
from tests.test_document_twins import docx_body, pdf_text, same_words

NEW = "/kiem-tra-dot-xuat/moi"


def _data(**over):
    data = {"inspected_on": "12/03/2026", "start_time": "08:30", "end_time": "10:15", "subject_kind": "discipline",
            "subject": "Kiểm tra việc chấp hành giờ làm việc", "trigger_ref": "", "trigger_by": "",
            "unit_id": "", "person_id": str(uid("tt.tam")), "lead_id": str(uid("vhxh.nhung")),
            "member_ids": [str(uid("kt.duc"))], "content": "Kiểm tra việc có mặt tại bộ phận một cửa.",
            "result": "Có mặt đầy đủ.", "violations": "", "handling": "Không.", "unit_representative": "Bùi Thị Mai"}
    data.update(over)
    return data


def _count():
    return db.session.scalar(select(func.count()).select_from(AdhocEntry))


def _create(client, **over) -> AdhocEntry:
    r = client.post(NEW, data=_data(**over))
    assert r.status_code == 303, r.text[:500]
    return db.session.get(AdhocEntry, int(r.headers["Location"].rstrip("/").split("/")[-1]))


def _minutes(client, entry_id, tmp_path) -> tuple[str, str]:
    """The minutes' text in the PDF and in the Word twin (checked to say the same words)."""
    pdf = client.get(f"/kiem-tra-dot-xuat/{entry_id}/bien-ban.pdf")
    word = client.get(f"/kiem-tra-dot-xuat/{entry_id}/bien-ban.docx")
    assert pdf.status_code == word.status_code == 200
    pages, text = pdf_text(pdf.data, tmp_path), docx_body(word.data)
    same_words(pages, text)
    return " ".join(pages), text


# -- the form ------------------------------------------------------------------------------------------
def test_times_are_saved_and_shown_on_the_entry_the_list_and_the_edit_form(app):
    client = login_as(app, "vhxh.ha")
    form = client.get(NEW).text
    assert 'type="time"' in form and 'name="start_time"' in form and 'name="end_time"' in form
    assert "Giờ bắt đầu" in form and "Giờ kết thúc" in form
    entry = _create(client)
    assert (entry.start_time, entry.end_time) == (time(8, 30), time(10, 15))
    page = client.get(f"/kiem-tra-dot-xuat/{entry.id}").text
    assert "<dt>Thời gian kiểm tra</dt><dd>08:30 – 10:15</dd>" in page
    assert "08:30 – 10:15" in client.get("/kiem-tra-dot-xuat/", query_string={"nam": "2026"}, headers=HTMX).text
    edit = client.get(f"/kiem-tra-dot-xuat/{entry.id}/sua").text
    assert 'value="08:30"' in edit and 'value="10:15"' in edit
    # the person inspected reads the entry too
    assert "08:30 – 10:15" in login_as(app, "tt.tam").get(f"/kiem-tra-dot-xuat/{entry.id}").text


def test_editing_the_times_is_saved_and_logged(app):
    client = login_as(app, "vhxh.ha")
    entry = _create(client)
    r = client.post(f"/kiem-tra-dot-xuat/{entry.id}/sua", data=_data(end_time="11:00", version=entry.version))
    assert r.status_code == 303
    db.session.expire_all()
    entry = db.session.get(AdhocEntry, entry.id)
    assert entry.end_time == time(11, 0) and entry.start_time == time(8, 30)
    assert any(h.action == "update" and "end_time" in h.changes for h in history_for(entry))
    history = client.get(f"/kiem-tra-dot-xuat/{entry.id}/lich-su", headers=HTMX).text
    assert '<span class="field-name">Giờ kết thúc</span>' in history
    assert "10:15" in history and "11:00" in history and "10:15:00" not in history  # hh:mm, as on the page
    # both cleared: the entry keeps no hours
    r = client.post(f"/kiem-tra-dot-xuat/{entry.id}/sua",
                    data=_data(start_time="", end_time="", version=entry.version))
    assert r.status_code == 303
    db.session.expire_all()
    entry = db.session.get(AdhocEntry, entry.id)
    assert entry.start_time is None and entry.end_time is None
    assert "Thời gian kiểm tra" not in client.get(f"/kiem-tra-dot-xuat/{entry.id}").text


def test_times_are_optional(app):
    client = login_as(app, "vhxh.ha")
    entry = _create(client, start_time="", end_time="")
    assert entry.start_time is None and entry.end_time is None
    assert "Thời gian kiểm tra" not in client.get(f"/kiem-tra-dot-xuat/{entry.id}").text
    only_start = _create(client, end_time="")
    assert only_start.start_time == time(8, 30) and only_start.end_time is None
    assert "<dd>từ 08:30</dd>" in client.get(f"/kiem-tra-dot-xuat/{only_start.id}").text
    # the fields may be missing altogether (an older page or phone)
    data = _data()
    del data["start_time"], data["end_time"]
    assert client.post(NEW, data=data).status_code == 303


@pytest.mark.parametrize("typed, expected", [
    ("08:30", time(8, 30)), ("8:30", time(8, 30)), ("08:30:00", time(8, 30)), ("8h30", time(8, 30)),
    ("8g30", time(8, 30)), ("8 giờ 30 phút", time(8, 30)), ("14h", time(14, 0)), (" 23:59 ", time(23, 59)),
    ("00:00", time(0, 0)), ("", None),
])
def test_what_a_time_box_may_send(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize("over, field, message", [
    ({"start_time": "25:00"}, "start_time", "Giờ bắt đầu không hợp lệ (nhập dạng 08:30)."),
    ({"start_time": "8:61"}, "start_time", "Giờ bắt đầu không hợp lệ"),
    ({"start_time": "sáng"}, "start_time", "Giờ bắt đầu không hợp lệ"),
    ({"start_time": "-5"}, "start_time", "Giờ bắt đầu không hợp lệ"),
    ({"start_time": "99999999999999999999999"}, "start_time", "Giờ bắt đầu không hợp lệ"),
    ({"end_time": "Ư" * 10_000}, "end_time", "Giờ kết thúc không hợp lệ (nhập dạng 10:15)."),
    ({"end_time": "10:15:99"}, "end_time", "Giờ kết thúc không hợp lệ"),
    ({"start_time": "10:15", "end_time": "08:30"}, "end_time", "Giờ kết thúc phải sau giờ bắt đầu."),
    ({"start_time": "08:30", "end_time": "08:30"}, "end_time", "Giờ kết thúc phải sau giờ bắt đầu."),
])
def test_bad_times_are_refused_and_nothing_is_saved(app, over, field, message):
    client = login_as(app, "vhxh.ha")
    before = _count()
    r = client.post(NEW, data=_data(**over))
    assert r.status_code == 422 and message in r.text
    assert f'id="{field}-err"' in r.text  # next to its own box
    assert _count() == before
    # the phone's outbox is answered the same, as JSON
    r = client.post("/kiem-tra-dot-xuat/dong-bo", data={**_data(**over), "client_id": str(uuid.uuid4())})
    assert r.status_code == 422 and message in r.json["errors"][field]
    assert _count() == before


def test_end_before_start_is_said_with_the_other_mistakes(app):
    r = login_as(app, "vhxh.ha").post(NEW, data=_data(start_time="10:00", end_time="09:00", content=""))
    assert r.status_code == 422
    assert "Giờ kết thúc phải sau giờ bắt đầu." in r.text and "Vui lòng nhập nội dung kiểm tra." in r.text


def test_a_file_posted_as_a_time_is_refused_not_a_500(app):
    r = login_as(app, "vhxh.ha").post(NEW, content_type="multipart/form-data",
                                      data={**_data(), "start_time": (io.BytesIO(b"08:30"), "gio.txt")})
    assert r.status_code == 422 and "Giờ bắt đầu không hợp lệ" in r.text


def test_edit_refuses_end_before_start_and_keeps_the_entry(app):
    client = login_as(app, "vhxh.ha")
    entry = _create(client)
    r = client.post(f"/kiem-tra-dot-xuat/{entry.id}/sua",
                    data=_data(start_time="11:00", end_time="10:00", version=entry.version))
    assert r.status_code == 422 and "Giờ kết thúc phải sau giờ bắt đầu." in r.text
    db.session.expire_all()
    entry = db.session.get(AdhocEntry, entry.id)
    assert (entry.start_time, entry.end_time) == (time(8, 30), time(10, 15))


def test_the_phones_outbox_carries_the_times(app):
    client = login_as(app, "vhxh.nhung")
    cid = str(uuid.uuid4())
    r = client.post("/kiem-tra-dot-xuat/dong-bo",
                    data={**_data(start_time="07:45", end_time="09:05"), "client_id": cid})
    assert r.status_code == 201
    entry = db.session.get(AdhocEntry, r.json["id"])
    assert (entry.client_id, entry.start_time, entry.end_time) == (cid, time(7, 45), time(9, 5))


def test_excel_has_the_hours(app):
    ids = demo_ids()
    ws = load_workbook(io.BytesIO(login_as(app, "chutich").get("/kiem-tra-dot-xuat/xuat-excel").data)).active
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert rows[header_at][2] == "Thời gian"
    by_kind = {row[3]: row[2] for row in rows[header_at + 1:]}
    assert by_kind["Kỷ luật, kỷ cương hành chính"] == "07:30 – 09:15"  # the demo's discipline check
    assert by_kind["Phản ánh, kiến nghị của người dân, tổ chức"] in (None, "")  # its hours were not noted
    assert ids["e"]


# -- the minutes ---------------------------------------------------------------------------------------
def test_minutes_say_when_the_check_began_and_ended(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    entry = _create(client)
    for text in _minutes(client, entry.id, tmp_path):
        assert ("Hôm nay, vào hồi 08 giờ 30 phút, ngày 12 tháng 3 năm 2026, Đoàn kiểm tra công tác cải cách "
                "hành chính phường Thành Sen tiến hành kiểm tra đột xuất") in text
        closing = "Buổi kiểm tra kết thúc vào hồi 10 giờ 15 phút cùng ngày."
        assert closing in text
        assert text.index(closing) < text.index("Biên bản được lập thành 02 bản")
        assert text.index("I. THÀNH PHẦN") < text.index(closing)
        assert "…" not in text and "....." not in text


def test_minutes_without_hours_say_nothing_of_them(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    entry = _create(client, start_time="", end_time="")
    for text in _minutes(client, entry.id, tmp_path):
        assert "Hôm nay, ngày 12 tháng 3 năm 2026, Đoàn kiểm tra" in text
        assert "vào hồi" not in text and "kết thúc" not in text and "giờ … phút" not in text
        assert "…" not in text and "....." not in text


def test_minutes_with_only_an_end_or_a_whole_hour(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    entry = _create(client, start_time="", end_time="16:00")
    for text in _minutes(client, entry.id, tmp_path):
        assert "Hôm nay, ngày 12 tháng 3 năm 2026," in text
        assert "Buổi kiểm tra kết thúc vào hồi 16 giờ cùng ngày." in text
    entry = _create(client, start_time="14:00", end_time="")
    for text in _minutes(client, entry.id, tmp_path):
        assert "Hôm nay, vào hồi 14 giờ, ngày 12 tháng 3 năm 2026," in text and "kết thúc" not in text


def test_the_demo_minutes_show_the_hours(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    discipline, complaint = demo_ids()["e2"], demo_ids()["e"]
    for text in _minutes(client, discipline, tmp_path):
        assert "Hôm nay, vào hồi 07 giờ 30 phút, ngày" in text
        assert "Buổi kiểm tra kết thúc vào hồi 09 giờ 15 phút cùng ngày." in text
    for text in _minutes(client, complaint, tmp_path):
        assert "vào hồi" not in text


def _records(year=2026) -> YearRecords | None:
    return db.session.scalar(select(YearRecords).where(YearRecords.year == year))


def test_minutes_cite_the_years_plan_and_decision_when_recorded(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    rec = _records()
    assert rec.plan_number and rec.decision_number  # the demo ward recorded both, in June
    entry = _create(client, inspected_on="16/10/2026")
    plan = ("Căn cứ Kế hoạch số 165/KH-UBND ngày 10/06/2026 của UBND phường Thành Sen về kiểm tra cải cách hành "
            "chính năm 2026;")
    decision = ("Căn cứ Quyết định số 212/QĐ-UBND ngày 15/06/2026 của Chủ tịch UBND phường Thành Sen về việc "
                "thành lập Đoàn kiểm tra cải cách hành chính năm 2026;")
    for text in _minutes(client, entry.id, tmp_path):
        assert plan in text and decision in text
        assert text.index(plan) < text.index(decision) < text.index("Hôm nay")
        assert "Căn cứ: " not in text  # no complaint: no grounds line of its own
    complaint = demo_ids()["e"]
    for text in _minutes(client, complaint, tmp_path):
        assert plan in text and "Căn cứ: Đơn phản ánh ngày" in text  # the complaint's line is kept
    # a check before the plan was issued rests on neither paper; on the plan's day, on the plan only
    march = _create(client)
    for text in _minutes(client, march.id, tmp_path):
        assert "Căn cứ Kế hoạch" not in text and "Căn cứ Quyết định" not in text
        assert text.index("BIÊN BẢN KIỂM TRA ĐỘT XUẤT") < text.index("Hôm nay, vào hồi 08 giờ 30 phút, ngày 12 tháng 3")
    june = _create(client, inspected_on="10/06/2026")
    for text in _minutes(client, june.id, tmp_path):
        assert plan in text and "Căn cứ Quyết định" not in text


def test_minutes_cite_only_what_is_recorded_and_never_blanks(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    entry = _create(client, inspected_on="16/10/2026")
    rec = _records()
    rec.decision_number, rec.decision_date = "", None
    rec.plan_number, rec.plan_date = "7", None  # a number without its date
    db.session.commit()
    for text in _minutes(client, entry.id, tmp_path):
        assert ("Căn cứ Kế hoạch số 7/KH-UBND của UBND phường Thành Sen về kiểm tra cải cách hành chính "
                "năm 2026;") in text
        assert "Quyết định" not in text and "/     /" not in text and "/ /2026" not in text
    rec = _records()
    rec.plan_number, rec.plan_date = "", date(2026, 6, 10)  # a date without its number: not recorded
    db.session.commit()
    for text in _minutes(client, entry.id, tmp_path):
        assert "Căn cứ Kế hoạch" not in text and "Căn cứ Quyết định" not in text
        assert text.index("BIÊN BẢN KIỂM TRA ĐỘT XUẤT") < text.index("Hôm nay, vào hồi 08 giờ 30 phút")


def test_a_year_without_records_cites_nothing(app, tmp_path):
    client = login_as(app, "vhxh.ha")
    assert _records(2025) is None
    entry = _create(client, inspected_on="20/12/2025")
    assert entry.year == 2025
    for text in _minutes(client, entry.id, tmp_path):
        assert "Căn cứ" not in text and "Hôm nay, vào hồi 08 giờ 30 phút, ngày 20 tháng 12 năm 2025" in text

