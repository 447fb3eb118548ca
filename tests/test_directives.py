"""Directives become tasks: given at a sign-off, followed like a remedy until confirmed done."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.directives import services as D
from portal.directives.models import DirectiveTask
from portal.extensions import db
from portal.notifications.models import Notification
from portal.reports import services as RS
from tests.findings_support import uid
from tests.rounds_factory import make_round, person
from tests.support import login_as


@pytest.fixture
def sign_off(app):
    rnd = make_round(state="closed", name="Đợt kiểm tra có chỉ đạo")
    row = RS.sign_off(rnd, person("chutich"), "Giao Văn phòng hoàn thiện hồ sơ trước 30/10.", None)
    db.session.commit()
    return row


def keys(username, prefix):
    return [n.key for n in db.session.scalars(select(Notification).where(
        Notification.user_id == uid(username), Notification.key.like(f"{prefix}%")))]


def give(app, sign_off, who="vp.thu", deadline=None, username="chutich"):
    deadline = deadline or (date.today() + timedelta(days=20)).isoformat()
    return login_as(app, username).post(f"/chi-dao/giao/{sign_off.id}", data={
        "action": "Hoàn thiện hồ sơ minh chứng lĩnh vực 1", "assignee_id": uid(who), "deadline": deadline})


def test_a_task_is_given_reported_confirmed(app, sign_off):
    listing = login_as(app, "chutich").get("/chi-dao/").text
    assert "Ý kiến chỉ đạo chưa giao nhiệm vụ" in listing and f"/chi-dao/giao/{sign_off.id}" in listing
    assert give(app, sign_off).status_code == 303
    task = db.session.scalar(select(DirectiveTask))
    assert task.assignee.username == "vp.thu" and task.status == "todo"
    assert keys("vp.thu", f"directive:{task.id}:assigned")
    note = db.session.scalar(select(Notification).where(Notification.key == f"directive:{task.id}:assigned"))
    assert note.url == f"/chi-dao/{task.id}" and note.title.startswith("Bạn được giao nhiệm vụ")
    # the assignee sees it on the home to-do list and reports it done
    thu = login_as(app, "vp.thu")
    assert f"/chi-dao/{task.id}" in thu.get("/viec-can-lam").text
    r = thu.post(f"/chi-dao/{task.id}/bao-cao", data={"status": "done", "text": "Đã hoàn thiện 12 hồ sơ."})
    assert r.status_code == 303
    assert keys("vhxh.nhung", f"directive:{task.id}:done") and keys("chutich", f"directive:{task.id}:done")
    # the leader confirms; confirming again is refused, nothing new is sent
    chutich = login_as(app, "chutich")
    assert chutich.post(f"/chi-dao/{task.id}/xac-nhan").status_code == 303
    db.session.expire_all()
    assert task.status == "confirmed" and keys("vp.thu", f"directive:{task.id}:confirmed")
    before = db.session.scalar(select(db.func.count(Notification.id)))
    chutich.post(f"/chi-dao/{task.id}/xac-nhan")
    assert db.session.scalar(select(db.func.count(Notification.id))) == before
    assert thu.post(f"/chi-dao/{task.id}/bao-cao", data={"status": "doing", "text": "x"}).status_code == 403


def test_reopen_sends_it_back(app, sign_off):
    give(app, sign_off)
    task = db.session.scalar(select(DirectiveTask))
    login_as(app, "vp.thu").post(f"/chi-dao/{task.id}/bao-cao", data={"status": "done", "text": "Xong"})
    assert login_as(app, "vhxh.nhung").post(f"/chi-dao/{task.id}/mo-lai").status_code == 303
    db.session.expire_all()
    assert task.status == "doing" and [k for k in keys("vp.thu", f"directive:{task.id}:reopened")]


@pytest.mark.parametrize("data,field,message", [
    ({"action": ""}, "action", "Vui lòng nêu việc cần làm."),
    ({"assignee_id": ""}, "assignee_id", "Vui lòng chọn người thực hiện"),
    ({"assignee_id": "999999"}, "assignee_id", "Vui lòng chọn người thực hiện"),
    ({"deadline": ""}, "deadline", "Vui lòng nhập thời hạn."),
    ({"deadline": "31/02/2026"}, "deadline", "Thời hạn không hợp lệ"),
    ({"deadline": "2000-01-01"}, "deadline", "Thời hạn không được trước ngày phê duyệt"),
])
def test_bad_input_is_refused_with_messages(app, sign_off, data, field, message):
    base = {"action": "Việc", "assignee_id": uid("vp.thu"), "deadline": (date.today() + timedelta(days=5)).isoformat()}
    r = login_as(app, "chutich").post(f"/chi-dao/giao/{sign_off.id}", data={**base, **data})
    assert r.status_code == 422 and message in r.text
    assert db.session.scalar(select(db.func.count(DirectiveTask.id))) == 0


def test_permissions(app, sign_off):
    assert give(app, sign_off, username="vp.viet").status_code == 403  # inspectors do not give tasks
    assert give(app, sign_off, username="vhxh.nhung").status_code == 303  # the secretariat does
    task = db.session.scalar(select(DirectiveTask))
    assert login_as(app, "kt.lan").get(f"/chi-dao/{task.id}").status_code == 403
    assert login_as(app, "kt.lan").post(f"/chi-dao/{task.id}/bao-cao", data={"status": "done", "text": "x"}).status_code == 403
    assert login_as(app, "vp.thu").post(f"/chi-dao/{task.id}/xac-nhan").status_code == 403
    assert login_as(app, "vp.thu").get(f"/chi-dao/{task.id}").status_code == 200
    mine = login_as(app, "kt.lan").get("/chi-dao/").text
    assert "Hoàn thiện hồ sơ" not in mine  # only one's own tasks
    assert login_as(app, "chutich").get("/chi-dao/999999").status_code == 404
    assert login_as(app, "chutich").get("/chi-dao/giao/999999").status_code == 404


def test_reminders_7_3_1_and_overdue(app, sign_off):
    give(app, sign_off, deadline=(date.today() + timedelta(days=10)).isoformat())
    task = db.session.scalar(select(DirectiveTask))
    by_day = {n: [r.key for r in D.due_reminders(task.deadline - timedelta(days=n))] for n in (7, 5, 3, 1, -2)}
    assert [len(v) for v in by_day.values()] == [1, 0, 1, 1, 1]
    assert by_day[-2][0] == f"directive:{task.id}:overdue:{task.deadline.isoformat()}"
    assert D.due_reminders(task.deadline - timedelta(days=7))[0].user.username == "vp.thu"


def test_chairman_todo_counts_directives(app, sign_off):
    give(app, sign_off)
    html = login_as(app, "chutich").get("/viec-can-lam").text
    assert "Nhiệm vụ theo ý kiến chỉ đạo chưa hoàn thành" in html and 'href="/chi-dao/"' in html


def test_list_filter_fragment(app, sign_off):
    give(app, sign_off)
    client = login_as(app, "chutich")
    r = client.get("/chi-dao/?trang_thai=open", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text and r.text.strip().startswith('<div id="task-results">')
    assert "Hoàn thiện hồ sơ minh chứng lĩnh vực 1" in r.text
    done = client.get("/chi-dao/?trang_thai=confirmed", headers={"HX-Request": "true"}).text
    assert "Hoàn thiện hồ sơ" not in done and "Không có nhiệm vụ nào" in done
    assert client.get("/chi-dao/?trang_thai=<script>").status_code == 200
