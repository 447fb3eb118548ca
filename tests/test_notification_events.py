"""Events that notify: for each, who receives it, where it links, and that repeating the action
sends nothing new. Actions go through the HTTP interface where there is one."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notifications import events
from portal.notifications.models import Notification
from portal.rounds import services as S
from tests.findings_support import demo_ids, uid
from tests.rounds_factory import make_round, person
from tests.support import login_as


def inbox(username) -> list[Notification]:
    """A person's notifications from events (the demo's welcome messages left out)."""
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == uid(username), ~Notification.key.like("demo:%")).order_by(Notification.id)))


def receivers(prefix: str) -> set[str]:
    rows = db.session.scalars(select(Notification).where(Notification.key.like(f"{prefix}%")))
    return {n.user.username for n in rows}


def total() -> int:
    return db.session.scalar(select(db.func.count(Notification.id)))


REPORT = {"status": "done", "done_text": "Đã ban hành kế hoạch số 12/KH-UBND.", "indicator_value": "",
          "difficulties": "", "proposals": "", "self_score": ""}


@pytest.fixture
def rnd(app):
    return make_round(state="open")


def _submit(app, report, username="vp.thu", expect=303):
    db.session.refresh(report)
    r = login_as(app, username).post(f"/dot-kiem-tra/bao-cao/{report.id}",
                                     data={**REPORT, "version": report.version, "action": "submit"})
    assert expect is None or r.status_code == expect, r.text
    db.session.expire_all()


def test_round_opened_tells_each_author_how_many_and_the_deadline(app):
    rnd = make_round(state="draft")
    manager = login_as(app, "vhxh.nhung")
    assert manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "open"}).status_code == 303
    db.session.expire_all()
    [note] = [n for n in inbox("vp.thu") if f"round:{rnd.id}:" in n.key]
    mine = len(S.my_reports(person("vp.thu"), rnd.id))
    assert note.title == f"Đợt kiểm tra “Đợt kiểm tra thử nghiệm” đã mở: bạn có {mine} nội dung cần báo cáo"
    assert "05/09/2026" in note.body and note.url == f"/dot-kiem-tra/{rnd.id}/cua-toi"
    assert {"vp.thu", "vp.khoa"} <= receivers(f"round:{rnd.id}:")
    authors = {r.author.username for r in S.round_reports(rnd.id) if r.author}
    assert receivers(f"round:{rnd.id}:") == authors - {"vhxh.nhung"}  # only authors, not who opened it


def test_round_to_review_and_closed_tell_authors_and_team(app, rnd):
    manager = login_as(app, "vhxh.nhung")
    assert manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "review"}).status_code == 303
    db.session.expire_all()
    people = receivers(f"round:{rnd.id}:")
    assert {"vp.thu", "vp.khoa", "vp.viet", "kt.duc"} <= people
    assert "vhxh.nhung" not in people  # who moved it
    note = inbox("vp.viet")[-1]
    assert note.title == "Đợt kiểm tra “Đợt kiểm tra thử nghiệm” chuyển sang giai đoạn thẩm định"
    assert note.url == f"/dot-kiem-tra/{rnd.id}"
    before = total()
    # a refused repeat (already in review) sends nothing
    manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "review"})
    assert total() == before


def test_report_submitted_tells_the_team_once(app, rnd):
    report = S.my_reports(person("vp.thu"), rnd.id)[0]
    _submit(app, report)
    assert receivers(f"report:{report.id}:submitted") == {"vp.viet", "kt.duc", "vhxh.nhung"}
    note = inbox("kt.duc")[-1]
    assert note.url == f"/dot-kiem-tra/bao-cao/{report.id}"
    assert note.title.startswith("Phạm Thị Thu đã gửi báo cáo nội dung ")
    before = total()
    _submit(app, report, expect=None)  # sent again (refused or unchanged): no news
    assert total() == before


def test_clarification_request_and_answer(app, rnd):
    from portal.assignments.models import Assignment, AssignmentCoordinator

    report = S.my_reports(person("vp.thu"), rnd.id)[0]
    assignment = db.session.scalar(select(Assignment).where(Assignment.criterion_id == report.criterion_id))
    assignment.coordinators = [AssignmentCoordinator(person_id=uid("tt.mai"))]
    db.session.commit()
    _submit(app, report)
    viet = login_as(app, "vp.viet")
    assert viet.post(f"/dot-kiem-tra/bao-cao/{report.id}/giai-trinh",
                     data={"body": "Bổ sung số liệu quý III."}).status_code == 303
    asked = receivers("clarify:")
    assert asked == {"vp.thu", "tt.mai"}  # the author and the coordinator, not the asker
    note = inbox("vp.thu")[-1]
    assert note.body == "Bổ sung số liệu quý III." and note.url == f"/dot-kiem-tra/bao-cao/{report.id}"
    thu = login_as(app, "vp.thu")
    assert thu.post(f"/dot-kiem-tra/bao-cao/{report.id}/tra-loi", data={"body": "Đã bổ sung."}).status_code == 303
    answer = inbox("vp.viet")[-1]
    assert answer.title.startswith("Đã có giải trình") and answer.body == "Đã bổ sung."
    assert "kt.duc" not in {n.user.username for n in db.session.scalars(
        select(Notification).where(Notification.key == answer.key))}  # only the one who asked
    # the answer re-submits the report: the team hears of the new submission (a new key)
    db.session.expire_all()
    assert len(receivers(f"report:{report.id}:submitted")) == 3


def test_report_rated_once_per_rating(app, rnd):
    report = S.my_reports(person("vp.thu"), rnd.id)[0]
    _submit(app, report)
    viet = login_as(app, "vp.viet")
    for version in ("", "1"):  # the second save read the review the first one created
        r = viet.post(f"/dot-kiem-tra/bao-cao/{report.id}/danh-gia",
                      data={"rating": "dat", "comment": "Tốt", "version": version})
        assert r.status_code == 303
    rated = [n for n in inbox("vp.thu") if ":rated:" in n.key]
    assert len(rated) == 1 and rated[0].title.endswith("được đánh giá: Đạt")
    assert rated[0].url == f"/dot-kiem-tra/bao-cao/{report.id}"


def test_finding_recorded_tells_author_and_unit_head(app, rnd):
    report = S.my_reports(person("vp.khoa"), rnd.id)[0]
    _submit(app, report, "vp.khoa")
    r = login_as(app, "vp.viet").post(f"/dot-kiem-tra/bao-cao/{report.id}/ton-tai", data={
        "description": "Chưa có văn bản triển khai.", "cause": "chu_quan", "recommendation": "",
        "remedy_action": "Ban hành văn bản triển khai.", "remedy_deadline": "31/12/2099"})
    assert r.status_code == 303
    people = receivers("finding:")
    head = db.session.scalar(select(type(person("vp.khoa"))).where(
        type(person("vp.khoa")).unit_id == person("vp.khoa").unit_id,
        type(person("vp.khoa")).position_title.like("Trưởng%")))
    assert "vp.khoa" in people and "vp.viet" not in people
    if head is not None:
        assert head.username in people
    note = [n for n in inbox("vp.khoa") if n.key.startswith("finding:")][-1]
    assert note.url.startswith("/ton-tai/") and note.body == "Chưa có văn bản triển khai."
    given = [n for n in inbox("vp.khoa") if ":owner:" in n.key]  # the first remedy, pre-filled to him
    assert len(given) == 1 and given[0].body == "Ban hành văn bản triển khai."


def test_remedy_assigned_reported_confirmed(app):
    ids = demo_ids()
    ha = login_as(app, "vhxh.ha")
    r = ha.post(f"/ton-tai/{ids['f']}/bien-phap",
                data={"action": "Rà soát quy trình", "owner_id": uid("tt.tam"), "deadline": "2026-12-01"})
    assert r.status_code == 303
    [given] = [n for n in inbox("tt.tam") if ":owner:" in n.key]
    assert given.title == "Bạn được giao biện pháp khắc phục (hạn 01/12/2026)"
    remedy_id = int(given.key.split(":")[1])
    assert given.url == f"/ton-tai/{ids['f']}#bien-phap-{remedy_id}"
    tam = login_as(app, "tt.tam")
    assert tam.post(f"/ton-tai/bien-phap/{remedy_id}/bao-cao",
                    data={"status": "done", "text": "Đã rà soát xong"}).status_code == 303
    reported = receivers(f"remedy:{remedy_id}:done")
    assert "vhxh.nhung" in reported and "tt.tam" not in reported  # the secretariat confirms
    duc = login_as(app, "kt.duc")
    assert duc.post(f"/ton-tai/bien-phap/{remedy_id}/xac-nhan", data={"note": "Đạt"}).status_code == 303
    settled = [n for n in inbox("tt.tam") if n.key == f"remedy:{remedy_id}:settled"]
    assert len(settled) == 1 and "đã được xác nhận hoàn thành" in settled[0].title
    before = total()
    duc.post(f"/ton-tai/bien-phap/{remedy_id}/xac-nhan", data={"note": "Đạt"})  # refused repeat
    assert total() == before


def test_remedy_reopened_after_failed_reinspection(app):
    ids = demo_ids()
    r = login_as(app, "kt.duc").post(f"/ton-tai/bien-phap/{ids['r_tam']}/tai-kiem-tra", data={
        "inspected_on": date.today().isoformat(), "result": "Chưa khắc phục hết", "passed": ""})
    assert r.status_code == 303, r.text
    [note] = [n for n in inbox("tt.tam") if ":reopened:" in n.key]
    assert "chưa đạt khi tái kiểm tra" in note.title and note.body == "Chưa khắc phục hết"


def test_assignment_given_taken_and_handover(app):
    from portal.assignments import services as A
    from portal.assignments.models import Assignment

    assignment = db.session.scalar(select(Assignment).where(Assignment.lead_person_id.is_not(None))
                                   .order_by(Assignment.id))
    old = assignment.lead_person
    data = A.AssignmentData.of(assignment)
    data.lead_person_id = uid("tt.mai") if old.username != "tt.mai" else uid("tt.tam")
    new = db.session.get(type(old), data.lead_person_id)
    A.save_assignment(assignment.criterion, data)
    db.session.commit()
    given = [n for n in inbox(new.username) if ":given:" in n.key]
    taken = [n for n in inbox(old.username) if ":taken:" in n.key]
    assert len(given) == 1 and given[0].title == f"Bạn được phân công chủ trì nội dung {assignment.criterion.code}"
    assert len(taken) == 1 and given[0].url == f"/phan-cong/noi-dung/{assignment.criterion_id}"
    before = total()
    A.save_assignment(assignment.criterion, A.AssignmentData.of(assignment))  # the same again
    db.session.commit()
    assert total() == before

    moved = A.handover(new, person("vp.khoa"), reason="Chuyển công tác")
    db.session.commit()
    assert moved >= 1
    [gave] = [n for n in inbox(new.username) if n.key.startswith("handover:")]
    assert gave.title == f"Bạn đã bàn giao {moved} nội dung phụ trách cho {person('vp.khoa').full_name}"
    assert receivers("handover:") == {new.username, "vp.khoa"}


def test_sign_off_tells_the_secretariat(app, rnd):
    from portal.reports import services as RS

    rnd.state = "closed"
    db.session.commit()
    row = RS.sign_off(rnd, person("chutich"), "Giao Văn phòng hoàn thiện hồ sơ trước 30/10.", None)
    db.session.commit()
    people = receivers(f"signoff:{row.id}")
    assert "vhxh.nhung" in people and "chutich" not in people
    note = [n for n in inbox("vhxh.nhung") if n.key == f"signoff:{row.id}"][0]
    assert note.url == f"/bao-cao-ket-qua/dot/{rnd.id}" and "hoàn thiện hồ sơ" in note.body


def test_a_failing_handler_never_breaks_the_action(app, rnd, monkeypatch, caplog):
    def broken(report):
        raise RuntimeError("boom")

    monkeypatch.setitem(events.HANDLERS, "report_submitted", broken)
    report = S.my_reports(person("vp.thu"), rnd.id)[0]
    _submit(app, report)
    assert report.state == "submitted"
    assert "event report_submitted failed" in caplog.text


def test_quiet_raises_nothing(app, rnd):
    report = S.my_reports(person("vp.thu"), rnd.id)[0]
    with events.quiet():
        S.save_report(report, REPORT, submit=True)
    db.session.commit()
    assert receivers(f"report:{report.id}:") == set()
