"""A whole round through the HTTP interface, then a closed round refusing every write."""
from datetime import date
from urllib.parse import unquote

from freezegun import freeze_time
from sqlalchemy import func, select

from portal.audit.models import ChangeLog
from portal.extensions import db
from portal.findings.models import Finding
from portal.rounds import services as S
from portal.rounds.models import ClarificationMessage, Evaluation, Report, ReportDocument, Review, Round

from tests.rounds_factory import PDF, PNG, person, upload
from tests.support import HTMX, login_as


def _report_body(**extra):
    return {"status": "done", "done_text": "Đã ban hành kế hoạch số 12/KH-UBND.", "indicator_value": "",
            "difficulties": "", "proposals": "Đề nghị tập huấn thêm.", "self_score": "", **extra}


def _snapshot(round_id):
    """Everything a write could change in a round, to prove nothing did."""
    reports = db.session.scalars(select(Report).where(Report.round_id == round_id).order_by(Report.id)).all()
    ids = [r.id for r in reports]
    return {
        "round": db.session.execute(select(Round.state, Round.version, Round.name).where(Round.id == round_id)).one(),
        "reports": [(r.id, r.version, r.state, r.status, r.done_text, tuple(f.id for f in r.files)) for r in reports],
        "reviews": db.session.execute(select(Review.id, Review.version, Review.rating)
                                      .where(Review.report_id.in_(ids)).order_by(Review.id)).all(),
        "messages": db.session.scalar(select(func.count(ClarificationMessage.id)).where(ClarificationMessage.report_id.in_(ids))),
        "documents": db.session.scalar(select(func.count(ReportDocument.id)).where(ReportDocument.report_id.in_(ids))),
        "findings": db.session.scalar(select(func.count(Finding.id)).where(Finding.round_id == round_id)),
        "evaluations": db.session.scalar(select(func.count(Evaluation.id)).where(Evaluation.round_id == round_id)),
        "log": db.session.scalar(select(func.count(ChangeLog.id))),
    }


def test_whole_round_through_http(app):
    # This round's people in charge are set below; the demo ward's assignments would give every
    # other criterion an author too, and the round could not close without reviewing them all.
    from portal.assignments.models import Assignment

    for assignment in db.session.scalars(select(Assignment)):
        db.session.delete(assignment)
    db.session.commit()
    manager = login_as(app, "vhxh.nhung")
    viet = login_as(app, "vp.viet")
    admin_id = None

    # 1. The secretariat creates the round; the deadline defaults to 5 days before the start.
    r = manager.post("/dot-kiem-tra/moi", data={"confirm_warnings": "1", 
        "name": "Đợt 3 - Kiểm tra chuyên đề", "kind": "khac", "start_on": "2026-09-10", "end_on": "2026-09-15",
        "report_deadline": "", "leader_id": person("vhxh.nhung").id,
        "member_ids": [person("vp.viet").id, person("kt.duc").id], "previous_id": 0})
    assert r.status_code == 303, r.text
    rnd = db.session.scalar(select(Round).where(Round.name == "Đợt 3 - Kiểm tra chuyên đề"))
    assert rnd.state == "draft" and rnd.report_deadline == date(2026, 9, 5)
    assert {m.username for m in rnd.members} == {"vp.viet", "kt.duc"}

    # Authors are set directly (assignments live on another branch); the rest stay unassigned.
    criteria = S.round_criteria(rnd)[:4]
    S.open_round(rnd, assignees={criteria[0].id: person("vp.thu"), criteria[1].id: person("vp.thu"),
                                 criteria[2].id: person("vp.khoa"), criteria[3].id: person("vp.khoa")},
                 criteria=criteria)
    db.session.commit()
    assert manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "open"}).status_code == 303
    db.session.expire_all()
    assert rnd.state == "open"
    reports = {r.criterion_id: r for r in S.round_reports(rnd.id)}
    assert len(reports) == len(S.round_criteria(rnd))  # every criterion has a row
    page = manager.get(f"/dot-kiem-tra/{rnd.id}")
    assert "Chưa phân công" in page.text and 'id="unassigned"' in page.text
    mine = [reports[c.id] for c in criteria]

    # 2. Two people report with files; one on time, one late.
    # (Logins happen inside the frozen time: a session signed "in the future" is refused.)
    with freeze_time("2026-09-03 02:00:00"):
        thu = login_as(app, "vp.thu")
        for rep in mine[:2]:
            r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep", data={"files": [upload("Kế hoạch tuyên truyền.pdf", PDF)]},
                         content_type="multipart/form-data")
            assert r.status_code == 303
            r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data=_report_body(version=1, action="submit"))
            assert r.status_code == 303
    with freeze_time("2026-09-07 02:00:00"):
        khoa = login_as(app, "vp.khoa")
        for rep in mine[2:]:
            r = khoa.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep", data={"files": [upload("Ảnh hội nghị.png", PNG)]},
                          content_type="multipart/form-data")
            assert r.status_code == 303
            r = khoa.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data=_report_body(version=1, action="submit"))
            assert r.status_code == 303
            assert "trễ hạn" in khoa.get(r.headers["Location"]).text
    db.session.expire_all()
    assert [r.late for r in mine] == [False, False, True, True]
    assert all(r.state == "submitted" and len(r.files) == 1 for r in mine)

    assert manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "review"}).status_code == 303

    # 3. The team asks for clarification; the author answers in the thread.
    r = viet.post(f"/dot-kiem-tra/bao-cao/{mine[0].id}/giai-trinh", data={"body": "Bổ sung số liệu quý III."})
    assert r.status_code == 303
    db.session.expire_all()
    assert mine[0].state == "clarify"
    thu = login_as(app, "vp.thu")
    page = thu.get(f"/dot-kiem-tra/bao-cao/{mine[0].id}")
    assert "Bổ sung số liệu quý III." in page.text and 'id="answer-form"' in page.text
    # While clarification is pending the report can't be rated, and closing is refused.
    r = viet.post(f"/dot-kiem-tra/bao-cao/{mine[0].id}/danh-gia", data={"rating": "dat", "comment": ""}, headers=HTMX)
    assert r.status_code == 422
    r = thu.post(f"/dot-kiem-tra/bao-cao/{mine[0].id}/tra-loi", data={"body": "Đã bổ sung: 12 hội nghị."})
    assert r.status_code == 303
    db.session.expire_all()
    assert mine[0].state == "submitted" and [m.kind for m in mine[0].messages] == ["request", "answer"]

    r = manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "closed"})
    assert r.status_code == 303
    flashes = manager.get(f"/dot-kiem-tra/{rnd.id}").text
    assert "Chưa thể kết thúc đợt" in flashes and mine[0].criterion.code in flashes
    db.session.expire_all()
    assert rnd.state == "review"

    # 4. The team rates everything and records a finding.
    for i, rep in enumerate(mine):
        r = viet.post(f"/dot-kiem-tra/bao-cao/{rep.id}/danh-gia",
                      data={"rating": ["dat", "dat", "mot_phan", "chua_dat"][i], "comment": "Đã xem hồ sơ."})
        assert r.status_code == 303
    r = viet.post(f"/dot-kiem-tra/bao-cao/{mine[3].id}/ton-tai",
                  data={"description": "Chưa có văn bản triển khai.", "cause": "chu_quan",
                        "recommendation": "Ban hành kế hoạch trong tháng 10.",
                        "remedy_action": "Ban hành kế hoạch triển khai.", "remedy_deadline": "31/12/2099"})
    assert r.status_code == 303
    finding = db.session.scalar(select(Finding).where(Finding.round_id == rnd.id))
    assert finding.source == "round" and finding.source_id == mine[3].id
    assert finding.person_id == person("vp.khoa").id and finding.criterion_id == mine[3].criterion_id
    r = viet.post(f"/dot-kiem-tra/{rnd.id}/nhan-xet", data={"area_id": criteria[0].area_id, "text": "Thực hiện tốt."})
    assert r.status_code == 303

    # Reports nobody answers for block closing too: after the deadline the team records "Không
    # gửi báo cáo" for them in one bulk action.
    unassigned = [r.id for r in S.round_reports(rnd.id, state="unassigned")]
    assert len(unassigned) == len(reports) - 4
    r = viet.post(f"/dot-kiem-tra/{rnd.id}/tham-dinh/hang-loat", headers=HTMX,
                  data={"report_ids": unassigned, "decision": "khong_gui", "comment": "Chưa có người phụ trách."})
    assert r.status_code == 200 and r.headers.get("HX-Redirect"), r.text

    # 5. The secretariat closes the round.
    r = manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "closed"})
    assert r.status_code == 303
    db.session.expire_all()
    assert rnd.state == "closed" and rnd.closed_at is not None

    # 6. Every write to the closed round is refused with a clear message, and nothing changes.
    before = _snapshot(rnd.id)
    rid, fid = mine[0].id, mine[0].files[0].id
    attempts = [
        (thu, f"/dot-kiem-tra/bao-cao/{rid}", _report_body(version=mine[0].version, action="save")),
        (thu, f"/dot-kiem-tra/bao-cao/{rid}/tep", {"files": [upload("Thêm.pdf", PDF)]}),
        (thu, f"/dot-kiem-tra/bao-cao/{rid}/tep/{fid}/go", {}),
        (thu, f"/dot-kiem-tra/bao-cao/{rid}/tep/dung-lai", {"file_id": fid}),
        (thu, f"/dot-kiem-tra/bao-cao/{rid}/van-ban", {"number": "1/KH", "summary": "x"}),
        (thu, f"/dot-kiem-tra/bao-cao/{rid}/van-ban/1/xoa", {}),
        (thu, f"/dot-kiem-tra/bao-cao/{rid}/tra-loi", {"body": "Trả lời muộn"}),
        (viet, f"/dot-kiem-tra/bao-cao/{rid}/danh-gia", {"rating": "chua_dat", "comment": "Sửa"}),
        (viet, f"/dot-kiem-tra/bao-cao/{rid}/giai-trinh", {"body": "Hỏi thêm"}),
        (viet, f"/dot-kiem-tra/bao-cao/{rid}/ton-tai", {"description": "Thêm", "cause": "chu_quan"}),
        (viet, f"/dot-kiem-tra/{rnd.id}/nhan-xet", {"area_id": criteria[0].area_id, "text": "Sửa"}),
        (manager, f"/dot-kiem-tra/{rnd.id}/sua", {"name": "Đổi tên", "kind": "khac", "start_on": "2026-09-10",
                                                  "end_on": "2026-09-15", "leader_id": 0, "previous_id": 0}),
        (manager, f"/dot-kiem-tra/{rnd.id}/trang-thai", {"target": "review", "reason": "Muốn sửa"}),
    ]
    for client, url, data in attempts:
        r = client.post(url, data=data, content_type="multipart/form-data")
        assert r.status_code == 409, (url, r.status_code)
        assert "kết thúc" in r.text, url
    assert _snapshot(rnd.id) == before
    # Reading still works, and the page says the round is read-only.
    page = thu.get(f"/dot-kiem-tra/bao-cao/{rid}")
    assert page.status_code == 200 and "chỉ được xem" in page.text and 'id="report-form"' not in page.text
    assert admin_id is None


def test_admin_reopens_closed_round_with_reason(app):
    from tests.rounds_factory import make_round

    rnd = make_round(state="closed")
    admin = login_as(app, "admin")
    r = admin.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "review", "reason": " "}, headers=HTMX)
    assert r.status_code == 409 and "lý do" in r.text
    r = admin.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "review", "reason": "Bổ sung minh chứng"})
    assert r.status_code == 303
    db.session.expire_all()
    assert rnd.state == "review" and rnd.reopen_reason == "Bổ sung minh chứng"
    events = db.session.scalars(select(ChangeLog).where(ChangeLog.object_type == "round",
                                                        ChangeLog.action == "reopen")).all()
    assert events and events[-1].changes["reason"] == "Bổ sung minh chứng"


def test_file_served_only_to_allowed_users_with_vietnamese_name(app):
    from tests.rounds_factory import make_round

    rnd = make_round()
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    thu = login_as(app, "vp.thu")
    name = "Báo cáo kết quả Quý 3 (bản ký).pdf"
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep", data={"files": [upload(name, PDF)]},
                 content_type="multipart/form-data", headers=HTMX)
    # the evidence section alone comes back (issue 10: a reload would lose the text being typed)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "HX-Redirect" not in r.headers
    assert html.lstrip().startswith('<section class="card" id="evidence">') and "<html" not in html
    assert "Quý 3 (bản ký).pdf" in html and "Đã tải lên 1 tệp minh chứng." in html
    db.session.expire_all()
    stored = rep.files[0]
    assert stored.original_name == name and stored.stored_name != name
    url = f"/dot-kiem-tra/bao-cao/{rep.id}/tep/{stored.id}"
    got = thu.get(url)
    assert got.status_code == 200 and got.data == PDF
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and unquote(disposition.split("filename*=UTF-8''")[1]) == name
    assert thu.get(url + "?xem=1").headers["Content-Disposition"].startswith("inline")
    page = login_as(app, "vp.viet").get(f"/dot-kiem-tra/bao-cao/{rep.id}")
    assert f'src="{url}?xem=1"' in page.text  # previewed beside the report for the team
    for username, status in [("vp.khoa", 403), ("tt.tam", 403), ("vp.viet", 200), ("chutich", 200)]:
        assert login_as(app, username).get(url).status_code == status, username
    # A file id that exists but belongs to no report of this one is not served through it.
    other = S.my_reports(person("vp.khoa"), rnd.id)[0]
    assert login_as(app, "vp.khoa").get(f"/dot-kiem-tra/bao-cao/{other.id}/tep/{stored.id}").status_code == 404


def test_bad_uploads_are_refused_with_clear_messages(app):
    from portal.settings.models import get_settings
    from tests.rounds_factory import make_round

    rnd = make_round()
    get_settings().upload_max_mb = 1
    db.session.commit()
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    thu = login_as(app, "vp.thu")
    cases = [
        ("chuongtrinh.pdf", b"MZ\x90\x00" + b"\0" * 100, "là chương trình hoặc tập lệnh"),
        ("rong.pdf", b"", "rỗng"),
        ("lon.pdf", PDF + b"\0" * (1024 * 1024), "vượt quá"),
        ("../../etc/passwd.pdf", PDF, "có dạng đường dẫn"),
        ("setup.exe", b"MZ\x90\x00", "Không cho phép tải lên loại tệp “.exe”"),
    ]
    for name, data, message in cases:
        r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep", data={"files": [upload(name, data)]},
                     content_type="multipart/form-data", headers=HTMX)
        assert r.status_code == 422 and message in r.text, name
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep", data={}, content_type="multipart/form-data", headers=HTMX)
    assert r.status_code == 422 and "chọn ít nhất một tệp" in r.text
    db.session.expire_all()
    assert rep.files == []
