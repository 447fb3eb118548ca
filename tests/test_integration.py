"""The areas working together, as the year runs: the responsibility list feeds a round, the
round's reminders go out once, and findings from every source meet in one list and one figure."""
from datetime import date

from sqlalchemy import func, select

from portal.assignments.models import Assignment
from portal.extensions import db
from portal.findings import services as findings
from portal.findings.models import Finding
from portal.notifications.models import Notification
from portal.rounds import services as rounds
from portal.rounds.models import Report
from tests.rounds_factory import person
from tests.support import login_as


def _open_round_over_http(app):
    manager = login_as(app, "vhxh.nhung")
    response = manager.post("/dot-kiem-tra/moi", data={"confirm_warnings": "1", 
        "name": "Đợt 3 - Kiểm tra chuyên đề", "kind": "khac", "start_on": "2026-12-10",
        "end_on": "2026-12-15", "report_deadline": "", "leader_id": person("vhxh.nhung").id,
        "member_ids": [person("vp.viet").id], "previous_id": 0})
    assert response.status_code == 303, response.text
    round_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert manager.post(f"/dot-kiem-tra/{round_id}/trang-thai", data={"target": "open"}).status_code == 303
    return round_id


def test_opening_a_round_takes_the_people_in_charge_from_the_responsibility_list(app):
    round_id = _open_round_over_http(app)
    reports = db.session.scalars(select(Report).where(Report.round_id == round_id)).all()
    leads = {a.criterion_id: a.lead_person_id for a in db.session.scalars(select(Assignment))}
    assert len(reports) == 69
    assert {r.criterion_id: r.author_id for r in reports if r.author_id} == {
        c: p for c, p in leads.items() if p}
    unassigned = [r for r in reports if r.author_id is None]
    assert sorted(r.criterion.code for r in unassigned) == ["1.2.11", "1.5.7", "1.7.b.5"]


def test_round_reminders_are_sent_once_by_the_daily_command(app, runner):
    round_id = _open_round_over_http(app)
    deadline = db.session.get(rounds.Round, round_id).report_deadline
    assert deadline == date(2026, 12, 5)  # 5 days before the round, the ward's rule
    first = runner.invoke(args=["reminders", "send", "--date", "28/11/2026"])  # 7 days before
    assert first.exit_code == 0, first.output
    authors = db.session.scalar(select(func.count(func.distinct(Report.author_id))).where(
        Report.round_id == round_id, Report.author_id.is_not(None)))
    sent = db.session.scalars(select(Notification).where(Notification.key.like(f"round{round_id}-d7-%"))).all()
    assert len(sent) == authors > 0
    assert "Còn 7 ngày đến hạn gửi báo cáo" in sent[0].title
    again = runner.invoke(args=["reminders", "send", "--date", "28/11/2026"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.key.like(f"round{round_id}-%"))) == authors


def test_findings_from_every_source_meet_in_one_list_and_figure(app):
    sources = set(db.session.scalars(select(Finding.source).distinct()))
    assert {"round", "iso", "adhoc", "higher"} <= sources, sources
    figure = findings.findings_figure(year=2026)
    assert figure.total == db.session.scalar(select(func.count(Finding.id)).where(Finding.year == 2026))
    html = login_as(app, "chutich").get("/ton-tai/?trang_thai=all").get_data(as_text=True)
    for source in ("Kiểm tra định kỳ", "Bóc mẫu hồ sơ", "Kiểm tra đột xuất", "Cấp trên chỉ ra"):
        assert source in html, source
