"""Every report ends with a decision: "Không gửi báo cáo" after the deadline, a named late
submission during review, bulk decisions from the queue, what blocks closing, and sign-off only
once the round is decided."""
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.audit.models import ChangeLog
from portal.extensions import db
from portal.reports.models import SignOff
from portal.rounds import services as S
from portal.rounds.models import Report, Review, Round

from tests.rounds_factory import make_round, person
from tests.support import HTMX, login_as

# vp.thu and vp.khoa author; vp.viet and kt.duc are the team; vhxh.nhung leads and manages.
PAST = date(2026, 1, 5)  # the deadline: long past by the tests' today


def _submit(rep, text="Đã làm."):
    from portal.timeutil import now_utc

    rep.status, rep.done_text, rep.state, rep.submitted_at = "done", text, "submitted", now_utc()


def _reload(rep):
    db.session.expire_all()
    return db.session.get(Report, rep.id)


def test_not_submitted_is_recorded_after_the_deadline_and_counts_as_not_sent(app):
    rnd = make_round(deadline=PAST, start=date(2026, 1, 10))
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    viet = login_as(app, "vp.viet")
    r = viet.post(f"/dot-kiem-tra/bao-cao/{rep.id}/khong-gui", data={"reason": "Không liên lạc được."})
    assert r.status_code == 303
    rep = _reload(rep)
    assert rep.state == "not_submitted" and rep.submitted_at is None
    assert rep.review.rating == "chua_dat" and rep.review.comment.startswith("Không gửi báo cáo.")
    assert "Không liên lạc được." in rep.review.comment
    (area,) = S.area_progress(S.round_reports(rnd.id))
    assert area.counts["not_submitted"] == 1 and area.submitted == 0
    figures = S.figures(S.round_reports(rnd.id), [], lambda r: "all")["all"]
    assert figures.submitted == 0 and figures.ratings["chua_dat"] == 1
    assert db.session.scalar(select(func.count(ChangeLog.id)).where(ChangeLog.action == "not_submitted")) == 1
    page = viet.get(f"/dot-kiem-tra/bao-cao/{rep.id}").get_data(as_text=True)
    assert "Không gửi báo cáo" in page and 'id="not-submitted-form"' not in page


def test_not_submitted_is_refused_before_the_deadline_and_for_a_sent_report(app):
    rnd = make_round(deadline=date(2099, 1, 1), start=date(2099, 1, 10), end=date(2099, 1, 20))
    rep, sent = S.my_reports(person("vp.thu"), rnd.id)[:2]
    _submit(sent)
    db.session.commit()
    viet = login_as(app, "vp.viet")
    r = viet.post(f"/dot-kiem-tra/bao-cao/{rep.id}/khong-gui", data={}, headers=HTMX)
    assert r.status_code == 422 and "chưa hết hạn" in r.get_data(as_text=True)
    assert 'id="not-submitted-form"' not in viet.get(f"/dot-kiem-tra/bao-cao/{rep.id}").get_data(as_text=True)
    r = viet.post(f"/dot-kiem-tra/bao-cao/{sent.id}/khong-gui", data={}, headers=HTMX)
    assert r.status_code == 422
    assert _reload(rep).state == "draft" and _reload(sent).state == "submitted"


@pytest.mark.parametrize("username", ["vp.thu", "vp.khoa", "tt.tam", "chutich"])
def test_not_submitted_only_by_the_team_or_secretariat(app, username):
    rnd = make_round(deadline=PAST, start=date(2026, 1, 10))
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    r = login_as(app, username).post(f"/dot-kiem-tra/bao-cao/{rep.id}/khong-gui", data={})
    assert r.status_code == 403
    assert _reload(rep).state == "draft"


def test_secretariat_allows_one_named_late_submission_during_review(app):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10))
    rep, other = S.my_reports(person("vp.thu"), rnd.id)[:2]
    thu = login_as(app, "vp.thu")
    body = {"status": "done", "done_text": "Đã hoàn thành muộn.", "action": "submit", "version": rep.version}
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data=body).status_code == 403  # review: closed to authors
    assert login_as(app, "vp.viet").post(f"/dot-kiem-tra/bao-cao/{rep.id}/cho-gui-muon").status_code == 403
    r = login_as(app, "vhxh.nhung").post(f"/dot-kiem-tra/bao-cao/{rep.id}/cho-gui-muon")
    assert r.status_code == 303
    rep = _reload(rep)
    assert rep.late_allowed_by.username == "vhxh.nhung"
    assert "đã cho phép gửi muộn" in thu.get(f"/dot-kiem-tra/bao-cao/{rep.id}").get_data(as_text=True)
    body["version"] = rep.version
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data=body).status_code == 303
    rep = _reload(rep)
    assert rep.state == "submitted" and rep.late
    # only the named report: the other one stays closed to its author
    assert thu.post(f"/dot-kiem-tra/bao-cao/{other.id}", data={**body, "version": other.version}).status_code == 403


def test_allowing_late_reopens_a_not_submitted_decision(app):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10))
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    S.record_not_submitted(rep, person("vp.viet"), "", date(2026, 11, 1))
    db.session.commit()
    assert login_as(app, "vhxh.nhung").post(f"/dot-kiem-tra/bao-cao/{rep.id}/cho-gui-muon").status_code == 303
    rep = _reload(rep)
    assert rep.state == "draft" and rep.review is None and rep.late_allowed_at is not None


def test_bulk_rating_and_bulk_not_submitted_from_the_queue(app):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10), count=6,
                     authors=("vp.thu", "vp.khoa"))
    reports = S.round_reports(rnd.id)
    for rep in reports[:3]:
        _submit(rep)
    db.session.commit()
    viet = login_as(app, "vp.viet")
    page = viet.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh").get_data(as_text=True)
    assert 'id="bulk-form"' in page and f'id="pick-{reports[0].id}"' in page
    r = viet.post(f"/dot-kiem-tra/{rnd.id}/tham-dinh/hang-loat", headers=HTMX,
                  data={"report_ids": [r.id for r in reports[:3]], "decision": "dat", "comment": "Đầy đủ."})
    assert r.status_code == 200 and r.headers["HX-Redirect"]
    r = viet.post(f"/dot-kiem-tra/{rnd.id}/tham-dinh/hang-loat", headers=HTMX,
                  data={"report_ids": [r.id for r in reports[3:]], "decision": "khong_gui", "comment": "Quá hạn."})
    assert r.status_code == 200 and r.headers["HX-Redirect"]
    db.session.expire_all()
    got = {r.id: (r.state, r.review.rating, r.review.comment) for r in S.round_reports(rnd.id)}
    assert [got[r.id][:2] for r in reports[:3]] == [("submitted", "dat")] * 3
    assert [got[r.id][:2] for r in reports[3:]] == [("not_submitted", "chua_dat")] * 3
    assert got[reports[0].id][2] == "Đầy đủ." and "Quá hạn." in got[reports[5].id][2]
    assert S.close_blockers(db.session.get(Round, rnd.id)) == []


def test_bulk_is_all_or_nothing_and_says_why(app):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10))
    reports = S.round_reports(rnd.id)
    _submit(reports[0])
    db.session.commit()
    # a rating for an unsent report is refused: nothing of the lot is saved
    r = login_as(app, "vp.viet").post(f"/dot-kiem-tra/{rnd.id}/tham-dinh/hang-loat", headers=HTMX,
                                      data={"report_ids": [reports[0].id, reports[1].id], "decision": "dat"})
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert "Chưa lưu gì" in text and reports[1].criterion.code in text
    assert db.session.scalar(select(func.count(Review.id)).where(Review.report_id.in_([x.id for x in reports]))) == 0


@pytest.mark.parametrize("data", [
    {"report_ids": [], "decision": "dat"},
    {"report_ids": ["abc", "-1"], "decision": "dat"},
    {"report_ids": ["999999"], "decision": "dat"},
    {"report_ids": ["1"], "decision": "xuat_sac"},
])
def test_bulk_bad_input_is_a_message(app, data):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10))
    r = login_as(app, "vp.viet").post(f"/dot-kiem-tra/{rnd.id}/tham-dinh/hang-loat", data=data, headers=HTMX)
    assert r.status_code == 422


@pytest.mark.parametrize("username", ["vp.thu", "tt.tam", "chutich"])
def test_bulk_only_by_the_team_or_secretariat(app, username):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10))
    rep = S.round_reports(rnd.id)[0]
    r = login_as(app, username).post(f"/dot-kiem-tra/{rnd.id}/tham-dinh/hang-loat",
                                     data={"report_ids": [rep.id], "decision": "khong_gui"})
    assert r.status_code == 403
    assert _reload(rep).state == "draft"
    assert 'id="bulk-form"' not in login_as(app, "chutich").get(f"/dot-kiem-tra/{rnd.id}/tham-dinh").get_data(as_text=True)


def test_round_page_lists_exactly_what_blocks_closing_with_links(app):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10), count=4)
    a, b, c, d = S.round_reports(rnd.id)
    _submit(b)
    _submit(c)
    c.state = "clarify"
    _submit(d)
    d.review = Review(rating="dat")
    db.session.commit()
    manager = login_as(app, "vhxh.nhung")
    page = manager.get(f"/dot-kiem-tra/{rnd.id}").get_data(as_text=True)
    section = page.split('id="close-blockers"')[1].split("</section>")[0]
    for rep, reason in ((a, "Chưa gửi báo cáo"), (b, "Chưa đánh giá"), (c, "Đang chờ giải trình")):
        assert f'href="/dot-kiem-tra/bao-cao/{rep.id}"' in section and reason in section
    assert f'href="/dot-kiem-tra/bao-cao/{d.id}"' not in section
    r = manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "closed"}, headers=HTMX)
    assert r.status_code == 422
    # decide the three: not sent, rated, clarification answered and rated
    S.record_not_submitted(a, person("vp.viet"), "", date(2026, 11, 1))
    S.save_review(b, person("vp.viet"), rating="mot_phan", comment="")
    c.state = "submitted"
    S.save_review(c, person("vp.viet"), rating="dat", comment="")
    db.session.commit()
    page = manager.get(f"/dot-kiem-tra/{rnd.id}").get_data(as_text=True)
    assert 'id="ready-to-close"' in page
    assert manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "closed"}).status_code == 303
    assert db.session.get(Round, rnd.id).state == "closed"


def test_sign_off_is_refused_on_an_open_round_and_an_undecided_review(app):
    leader = login_as(app, "chutich")
    for state in ("open", "review"):
        rnd = make_round(state=state, deadline=PAST, start=date(2026, 1, 10), name=f"Đợt {state}")
        r = leader.post(f"/bao-cao-ket-qua/dot/{rnd.id}/phe-duyet", data={"chi_dao": "Đồng ý."}, headers=HTMX)
        assert r.status_code == 422 and "đã kết thúc" in r.get_data(as_text=True)
        assert db.session.scalar(select(func.count(SignOff.id)).where(SignOff.round_id == rnd.id)) == 0


def test_sign_off_accepted_in_review_once_every_report_is_decided(app):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10), count=2)
    a, b = S.round_reports(rnd.id)
    _submit(a)
    db.session.flush()
    S.save_review(a, person("vp.viet"), rating="dat", comment="")
    S.record_not_submitted(b, person("vp.viet"), "", date(2026, 11, 1))
    db.session.commit()
    r = login_as(app, "chutich").post(f"/bao-cao-ket-qua/dot/{rnd.id}/phe-duyet", data={"chi_dao": "Đồng ý."})
    assert r.status_code == 303
    assert db.session.scalar(select(func.count(SignOff.id)).where(SignOff.round_id == rnd.id)) == 1


def _bulk(client, rnd, ids, decision):
    r = client.post(f"/dot-kiem-tra/{rnd.id}/tham-dinh/hang-loat", headers=HTMX,
                    data={"report_ids": ids, "decision": decision})
    assert r.status_code == 200 and r.headers.get("HX-Redirect"), r.get_data(as_text=True)


def test_demo_round_two_can_be_closed(app):
    """The demo's Đợt 2 is in review with unsent drafts: the team decides them all in the queue
    (ratings for the sent ones, "Không gửi báo cáo" for the rest) and the round closes."""
    rnd = db.session.scalar(select(Round).where(Round.name.like("Đợt 2%")))
    blockers = S.close_blockers(rnd)
    assert any(b.report.state == "draft" for b in blockers)  # as seeded: unsent drafts
    for b in blockers:  # the clarification is answered
        if b.report.state == "clarify":
            b.report.state = "submitted"
    db.session.commit()
    viet_id = person("vp.viet").id
    for username, mine in (("vp.viet", False), ("kt.duc", True)):  # nobody decides their own report
        client = login_as(app, username)
        pending = [b.report for b in S.close_blockers(db.session.get(Round, rnd.id))
                   if (b.report.author_id == viet_id) == mine]
        unsent = [r.id for r in pending if r.state == "draft"]
        sent = [r.id for r in pending if r.state == "submitted"]
        if unsent:
            _bulk(client, rnd, unsent, "khong_gui")
        if sent:
            _bulk(client, rnd, sent, "dat")
        db.session.expire_all()
    assert S.close_blockers(db.session.get(Round, rnd.id)) == []
    r = login_as(app, "vhxh.nhung").post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "closed"})
    assert r.status_code == 303
    db.session.expire_all()
    assert db.session.get(Round, rnd.id).state == "closed"


# -- a new round -----------------------------------------------------------------------------------
def test_new_round_copies_the_previous_rounds_team_and_warns_before_creating(app):
    manager = login_as(app, "vhxh.nhung")
    last = db.session.scalar(select(Round).where(Round.kind == "cuoinam").order_by(Round.start_on.desc()))
    page = manager.get("/dot-kiem-tra/moi?loai=cuoinam").get_data(as_text=True)
    member_ids = {m.id for m in last.members}
    import re

    def chosen(name):  # values shown as chosen, whether rendered as checkboxes or a select
        out = {int(re.search(r'value="(\d+)"', tag).group(1)) for tag in re.findall(r"<input[^>]*>", page)
               if f'name="{name}"' in tag and "checked" in tag}
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
        for tag in re.findall(r"<option[^>]*>", select.group(1) if select else ""):
            if "selected" in tag:
                out.add(int(re.search(r'value="(\d+)"', tag).group(1)))
        return out

    assert chosen("member_ids") == member_ids and chosen("leader_id") == {last.leader_id}
    data = {"name": last.name, "kind": "cuoinam", "start_on": last.start_on.isoformat(),
            "end_on": last.end_on.isoformat(), "report_deadline": "", "leader_id": last.leader_id,
            "member_ids": sorted(member_ids), "previous_id": last.id}
    if "catalogue_id" in page:
        data["catalogue_id"] = last.catalogue_id
    r = manager.post("/dot-kiem-tra/moi", data=data)
    text = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="round-warnings"' in text, text[text.find("<main"):][:3000]
    assert "Đã có đợt kiểm tra tên" in text and "trùng với đợt" in text and "đã qua" in text
    assert db.session.scalar(select(func.count(Round.id)).where(Round.name == last.name)) == 1
    r = manager.post("/dot-kiem-tra/moi", data={**data, "confirm_warnings": "1"})
    assert r.status_code == 303
    new = db.session.scalar(select(Round).where(Round.name == last.name).order_by(Round.id.desc()))
    assert new.id != last.id and {m.id for m in new.members} == member_ids and new.leader_id == last.leader_id


def test_finding_form_carries_its_first_remedy_owner_prefilled(app):
    from portal.findings.models import Finding, Remedy
    from tests.findings_support import chosen_owner

    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10), count=1, authors=("vp.thu",))
    rep = S.round_reports(rnd.id)[0]
    viet = login_as(app, "vp.viet")
    page = viet.get(f"/dot-kiem-tra/bao-cao/{rep.id}").get_data(as_text=True)
    # the owner is a choice (a person or a unit), pre-filled with the report's author
    assert 'class="first-remedy' in page and 'name="remedy_owner_id"' in page
    assert chosen_owner(page) == f'p{person("vp.thu").id}'
    r = viet.post(f"/dot-kiem-tra/bao-cao/{rep.id}/ton-tai", data={
        "description": "Chưa có kế hoạch.", "cause": "chu_quan", "recommendation": "",
        "remedy_action": "Ban hành kế hoạch trước 30/12.", "remedy_deadline": "2026-12-30"})
    assert r.status_code == 303
    finding = db.session.scalar(select(Finding).where(Finding.source_id == rep.id, Finding.source == "round"))
    remedy = db.session.scalar(select(Remedy).where(Remedy.finding_id == finding.id))
    assert remedy.owner_id == person("vp.thu").id and remedy.deadline == date(2026, 12, 30)
    r = viet.post(f"/dot-kiem-tra/bao-cao/{rep.id}/ton-tai", headers=HTMX, data={
        "description": "Khác.", "cause": "chu_quan", "remedy_action": "Làm lại.", "remedy_deadline": "không phải ngày"})
    assert r.status_code == 422
