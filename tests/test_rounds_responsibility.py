"""Who answers for a report: hand-over moves open reports and remedies, the secretariat reassigns
reports, assignments made after opening reach the round, coordinators add evidence."""
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.assignments.models import Assignment, AssignmentCoordinator
from portal.audit.models import ChangeLog
from portal.extensions import db
from portal.findings.models import Remedy
from portal.rounds import services as S
from portal.rounds.models import Report

from tests.rounds_factory import PNG, make_round, person, upload
from tests.support import HTMX, login_as


def _open_round(**kw):
    return make_round(deadline=date(2099, 1, 1), start=date(2099, 1, 5), end=date(2099, 1, 9), **kw)


def test_handover_moves_open_reports_and_remedies_with_history(app):
    rnd = _open_round(authors=("tt.tam", "tt.tam", "vp.khoa", "vp.khoa"))
    tam, mai = person("tt.tam"), person("tt.mai")
    reports = S.my_reports(tam, rnd.id)
    sent = reports[1]
    sent.state, sent.status, sent.done_text = "submitted", "done", "Đã làm."
    db.session.commit()
    open_remedies = db.session.scalar(select(func.count(Remedy.id)).where(
        Remedy.owner_id == tam.id, Remedy.status.in_(("todo", "doing"))))
    work = S.open_work(tam)
    assert work.reports and reports[0] in work.reports and sent not in work.reports
    r = login_as(app, "vhxh.ha").post("/phan-cong/ban-giao", data={
        "from_person": tam.id, "to_person": mai.id, "reason": "Chuyển công tác", "move_work": "y"})
    assert r.status_code == 303
    db.session.expire_all()
    assert db.session.get(Report, reports[0].id).author_id == mai.id
    assert db.session.get(Report, sent.id).author_id == tam.id  # what was sent stays with who sent it
    assert S.open_work(person("tt.tam")).empty
    assert db.session.scalar(select(func.count(Remedy.id)).where(
        Remedy.owner_id == mai.id, Remedy.status.in_(("todo", "doing")))) >= open_remedies
    logs = db.session.scalars(select(ChangeLog).where(ChangeLog.action == "reassign")).all()
    assert len(logs) >= len(work.reports) + len(work.remedies)
    # mai now sees and may write the report
    assert login_as(app, "tt.mai").get(f"/dot-kiem-tra/bao-cao/{reports[0].id}").status_code == 200


def test_handover_without_moving_work_leaves_reports(app):
    rnd = _open_round(authors=("tt.tam",))
    rep = S.my_reports(person("tt.tam"), rnd.id)[0]
    login_as(app, "vhxh.ha").post("/phan-cong/ban-giao", data={
        "from_person": person("tt.tam").id, "to_person": person("tt.mai").id, "reason": ""})
    db.session.expire_all()
    assert db.session.get(Report, rep.id).author.username == "tt.tam"


def test_secretariat_reassigns_several_reports(app):
    rnd = _open_round()
    reports = S.round_reports(rnd.id)
    target = person("tt.mai")
    url = f"/dot-kiem-tra/{rnd.id}/tham-dinh/giao"
    data = {"report_ids": [r.id for r in reports[:3]], "person_id": target.id, "reason": "Phân công lại"}
    assert login_as(app, "vp.viet").post(url, data=data).status_code == 403
    page = login_as(app, "vhxh.ha").get(f"/dot-kiem-tra/{rnd.id}/tham-dinh").get_data(as_text=True)
    assert 'id="bulk-reassign"' in page
    r = login_as(app, "vhxh.ha").post(url, data=data, headers=HTMX)
    assert r.status_code == 200 and r.headers["HX-Redirect"]
    db.session.expire_all()
    assert [db.session.get(Report, r.id).author_id for r in reports[:3]] == [target.id] * 3
    # a sent report keeps its author
    sent = db.session.get(Report, reports[3].id)
    sent.state = "submitted"
    db.session.commit()
    r = login_as(app, "vhxh.ha").post(url, data={"report_ids": [sent.id], "person_id": target.id}, headers=HTMX)
    assert r.status_code == 422 and "đã gửi" in r.get_data(as_text=True)
    r = login_as(app, "vhxh.ha").post(url, data={"report_ids": [reports[0].id], "person_id": "x"}, headers=HTMX)
    assert r.status_code == 422


def test_assignments_made_after_opening_reach_the_round(app):
    rnd = _open_round(count=2, authors=("vp.thu",))
    rep = S.round_reports(rnd.id)[0]
    assignment = db.session.scalar(select(Assignment).where(Assignment.criterion_id == rep.criterion_id))
    if assignment is None:
        assignment = Assignment(criterion_id=rep.criterion_id)
        db.session.add(assignment)
    assignment.lead_person_id = person("vp.khoa").id
    db.session.commit()
    manager = login_as(app, "vhxh.ha")
    page = manager.get(f"/dot-kiem-tra/{rnd.id}").get_data(as_text=True)
    assert 'id="assignment-changes"' in page and f"→ {person('vp.khoa').full_name}" in page
    assert login_as(app, "vp.viet").post(f"/dot-kiem-tra/{rnd.id}/cap-nhat-phan-cong").status_code == 403
    assert manager.post(f"/dot-kiem-tra/{rnd.id}/cap-nhat-phan-cong").status_code == 303
    db.session.expire_all()
    assert db.session.get(Report, rep.id).author.username == "vp.khoa"
    assert 'id="assignment-changes"' not in manager.get(f"/dot-kiem-tra/{rnd.id}").get_data(as_text=True)


def test_coordinator_sees_the_report_and_adds_evidence_but_the_lead_submits(app):
    rnd = _open_round(count=1, authors=("vp.thu",))
    rep = S.round_reports(rnd.id)[0]
    assignment = db.session.scalar(select(Assignment).where(Assignment.criterion_id == rep.criterion_id))
    if assignment is None:
        assignment = Assignment(criterion_id=rep.criterion_id, lead_person_id=person("vp.thu").id)
        db.session.add(assignment)
        db.session.flush()
    db.session.add(AssignmentCoordinator(assignment_id=assignment.id, person_id=person("tt.tam").id))
    db.session.commit()
    tam = login_as(app, "tt.tam")
    page = tam.get(f"/dot-kiem-tra/bao-cao/{rep.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="upload-form"' in html and 'id="report-form"' not in html
    r = tam.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep", data={"files": [upload("so-lieu.png", PNG)]},
                 content_type="multipart/form-data", headers=HTMX)
    assert r.status_code == 200 and "so-lieu.png" in r.get_data(as_text=True)
    body = {"status": "done", "done_text": "x", "action": "submit", "version": rep.version}
    assert tam.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data=body).status_code == 403
    # an outsider still gets nothing
    assert login_as(app, "yt.huong").get(f"/dot-kiem-tra/bao-cao/{rep.id}").status_code == 403


def test_deactivating_an_account_with_open_work_asks_where_it_goes(app):
    rnd = _open_round(authors=("tt.tam",))
    admin = login_as(app, "admin")
    tam = person("tt.tam")
    page = admin.post(f"/quan-tri/nguoi-dung/{tam.id}/khoa")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="open-work"' in html and "Người nhận công việc" in html
    assert S.round_reports(rnd.id)[0].item.code in html
    db.session.expire_all()
    assert person("tt.tam").active
    r = admin.post(f"/quan-tri/nguoi-dung/{tam.id}/khoa", data={"nhan_ban_giao": person("tt.mai").id})
    assert r.status_code == 302
    db.session.expire_all()
    assert not person("tt.tam").active
    assert all(r.author.username == "tt.mai" for r in S.round_reports(rnd.id))
