"""The round's later decisions notify too: "Không gửi báo cáo", a named late submission, a
withdrawn report, bulk decisions from the queue. For each: who receives it, where it links, and
that repeating the action sends nothing new."""
from datetime import date

from portal.extensions import db
from portal.rounds import services as S
from portal.timeutil import now_utc
from tests.rounds_factory import make_round, person
from tests.support import HTMX, login_as
from tests.test_notification_events import inbox, receivers, total

PAST = date(2026, 1, 5)  # the deadline, long past by the tests' today


def _sent(rep, text="Đã làm."):
    rep.status, rep.done_text, rep.state, rep.submitted_at = "done", text, "submitted", now_utc()


def test_not_submitted_tells_the_author_once(app):
    rnd = make_round(deadline=PAST, start=date(2026, 1, 10))
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    viet = login_as(app, "vp.viet")
    assert viet.post(f"/dot-kiem-tra/bao-cao/{rep.id}/khong-gui", data={"reason": "Quá hạn."}).status_code == 303
    assert receivers(f"report:{rep.id}:not_submitted") == {"vp.thu"}  # not the team, not who decided
    note = inbox("vp.thu")[-1]
    assert note.title == f"Báo cáo nội dung {rep.criterion.code} được ghi nhận “Không gửi báo cáo” (Chưa đạt)"
    assert note.url == f"/dot-kiem-tra/bao-cao/{rep.id}" and "Quá hạn." in note.body
    before = total()
    assert viet.post(f"/dot-kiem-tra/bao-cao/{rep.id}/khong-gui", data={}).status_code == 303  # refused repeat
    assert total() == before


def test_late_permit_tells_the_author_once(app):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10))
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    manager = login_as(app, "vhxh.nhung")
    assert manager.post(f"/dot-kiem-tra/bao-cao/{rep.id}/cho-gui-muon").status_code == 303
    assert receivers(f"report:{rep.id}:late_allowed") == {"vp.thu"}
    note = inbox("vp.thu")[-1]
    assert note.title == f"Bạn được phép gửi muộn báo cáo nội dung {rep.criterion.code}"
    assert note.url == f"/dot-kiem-tra/bao-cao/{rep.id}" and "trễ hạn" in note.body
    before = total()
    assert manager.post(f"/dot-kiem-tra/bao-cao/{rep.id}/cho-gui-muon").status_code == 303  # already allowed
    assert total() == before


def test_withdrawal_tells_the_team_and_the_secretariat_once_per_version(app):
    rnd = make_round(deadline=date(2099, 1, 1), start=date(2099, 1, 5), end=date(2099, 1, 9))
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    S.save_report(rep, {"status": "done", "done_text": "Đã làm."}, submit=True, user=person("vp.thu"))
    db.session.commit()
    thu = login_as(app, "vp.thu")
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/rut-lai").status_code == 303
    people = receivers(f"report:{rep.id}:withdrawn")
    assert people == {"vp.viet", "kt.duc", "vhxh.nhung", "vhxh.ha"}  # the team and the secretariat
    note = inbox("kt.duc")[-1]
    assert note.title == f"Phạm Thị Thu đã rút lại báo cáo nội dung {rep.criterion.code} để sửa"
    assert note.url == f"/dot-kiem-tra/bao-cao/{rep.id}"
    before = total()
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/rut-lai").status_code == 403  # not sent any more
    assert total() == before
    # sent again and withdrawn again: a new version, a new message
    db.session.expire_all()
    S.save_report(rep, {"status": "done", "done_text": "Đã làm, bổ sung."}, submit=True, user=person("vp.thu"))
    db.session.commit()
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/rut-lai").status_code == 303
    assert len([n for n in inbox("kt.duc") if ":withdrawn:" in n.key]) == 2


def test_bulk_decisions_tell_each_author_once_about_their_own_reports(app):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10), count=6,
                     authors=("vp.thu", "vp.thu", "vp.khoa", "vp.thu", "vp.khoa", "vp.khoa"))
    reports = S.round_reports(rnd.id)
    sent = reports[:3]  # vp.thu, vp.thu, vp.khoa
    for rep in sent:
        _sent(rep)
    db.session.commit()
    viet = login_as(app, "vp.viet")

    def bulk(ids, decision):
        r = viet.post(f"/dot-kiem-tra/{rnd.id}/tham-dinh/hang-loat", headers=HTMX,
                      data={"report_ids": ids, "decision": decision, "comment": "Theo kết luận của đoàn."})
        assert r.status_code == 200 and r.headers.get("HX-Redirect"), r.get_data(as_text=True)

    bulk([r.id for r in sent], "dat")
    thu = [n for n in inbox("vp.thu") if n.title.endswith("được đánh giá: Đạt")]
    khoa = [n for n in inbox("vp.khoa") if n.title.endswith("được đánh giá: Đạt")]
    assert len(thu) == 1 and thu[0].title == "2 báo cáo của bạn được đánh giá: Đạt"
    assert thu[0].url == f"/dot-kiem-tra/{rnd.id}/cua-toi" and "Theo kết luận của đoàn." in thu[0].body
    # one report: the same message as a rating given on the report's page
    assert len(khoa) == 1 and khoa[0].key == f"report:{sent[2].id}:rated:dat"
    assert khoa[0].url == f"/dot-kiem-tra/bao-cao/{sent[2].id}"
    assert "vp.viet" not in {n.user.username for n in inbox("vp.viet") if ":rated:" in n.key or "decided:" in n.key}
    before = total()
    bulk([r.id for r in sent], "dat")  # the same rating again: nobody is told twice
    assert total() == before

    unsent = reports[3:]  # vp.thu, vp.khoa, vp.khoa
    bulk([r.id for r in unsent], "khong_gui")
    [khoa] = [n for n in inbox("vp.khoa") if "Không gửi báo cáo" in n.title]
    assert khoa.title == "2 báo cáo của bạn được ghi nhận “Không gửi báo cáo” (Chưa đạt)"
    assert unsent[1].criterion.code in khoa.body and unsent[2].criterion.code in khoa.body
    [thu] = [n for n in inbox("vp.thu") if "Không gửi báo cáo" in n.title]
    assert thu.url == f"/dot-kiem-tra/bao-cao/{unsent[0].id}"
    assert receivers("decided:") == {"vp.thu", "vp.khoa"}
