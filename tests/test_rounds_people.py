"""Who works on a round's reports: coordinators comment (the lead submits), a unit-only
assignment reaches the unit's head, deactivating an account from its edit form asks where its
open work goes, and a new round carries the team of the previous round of its kind."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.assignments.models import Assignment, AssignmentCoordinator
from portal.extensions import db
from portal.notifications.models import Notification
from portal.rounds import services as S
from portal.rounds.models import Report, ReportComment, Round

from tests.rounds_factory import make_round, person
from tests.support import HTMX, login_as


def _open_round(**kw):
    return make_round(deadline=date(2099, 1, 1), start=date(2099, 1, 5), end=date(2099, 1, 9), **kw)


def _coordinated_report(coordinator="tt.tam"):
    """A report of vp.thu whose criterion `coordinator` coordinates (phối hợp)."""
    rnd = _open_round(count=1, authors=("vp.thu",))
    rep = S.round_reports(rnd.id)[0]
    assignment = db.session.scalar(select(Assignment).where(Assignment.criterion_id == rep.criterion_id))
    if assignment is None:
        assignment = Assignment(criterion_id=rep.criterion_id, lead_person_id=person("vp.thu").id)
        db.session.add(assignment)
        db.session.flush()
    db.session.add(AssignmentCoordinator(assignment_id=assignment.id, person_id=person(coordinator).id))
    db.session.commit()
    return rnd, rep


def _comments(rep) -> list[str]:
    return list(db.session.scalars(select(ReportComment.body).where(ReportComment.report_id == rep.id)
                                   .order_by(ReportComment.id)))


# -- coordinators comment ------------------------------------------------------------------------
def test_coordinator_comments_and_the_author_is_told(app):
    rnd, rep = _coordinated_report()
    tam = login_as(app, "tt.tam")
    page = tam.get(f"/dot-kiem-tra/bao-cao/{rep.id}").get_data(as_text=True)
    assert 'id="comment-form"' in page and 'id="report-form"' not in page  # the lead submits
    r = tam.post(f"/dot-kiem-tra/bao-cao/{rep.id}/y-kien", data={"body": "Số liệu quý III: 96%."}, headers=HTMX)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Số liệu quý III: 96%." in html and 'id="comments"' in html
    assert "<html" not in html and 'id="report-section"' not in html  # the section alone
    assert _comments(rep) == ["Số liệu quý III: 96%."]
    note = db.session.scalar(select(Notification).where(Notification.key.like("comment:%"),
                                                        Notification.user_id == person("vp.thu").id))
    assert note.url == f"/dot-kiem-tra/bao-cao/{rep.id}#comments"
    assert note.title == f"Lê Văn Tâm có ý kiến về báo cáo nội dung {rep.criterion.code}"
    # the author answers; the coordinator hears of it
    thu = login_as(app, "vp.thu")
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/y-kien", data={"body": "Đã bổ sung."}).status_code == 303
    assert _comments(rep) == ["Số liệu quý III: 96%.", "Đã bổ sung."]
    def told(body):
        [cid] = db.session.scalars(select(ReportComment.id).where(ReportComment.body == body))
        return {n.user.username for n in db.session.scalars(select(Notification).where(
            Notification.key == f"comment:{cid}"))}

    assert "vp.thu" in told("Số liệu quý III: 96%.") and "tt.tam" not in told("Số liệu quý III: 96%.")
    assert "tt.tam" in told("Đã bổ sung.") and "vp.thu" not in told("Đã bổ sung.")
    # the team reads the comments on the report page
    assert "Đã bổ sung." in login_as(app, "vp.viet").get(f"/dot-kiem-tra/bao-cao/{rep.id}").get_data(as_text=True)


@pytest.mark.parametrize("username", ["yt.huong", "vp.viet", "kt.lan"])
def test_a_stranger_may_not_comment(app, username):
    """Neither an outsider nor the team (it asks through the clarification thread)."""
    rnd, rep = _coordinated_report()
    r = login_as(app, username).post(f"/dot-kiem-tra/bao-cao/{rep.id}/y-kien", data={"body": "Xin chào"})
    assert r.status_code == 403 and _comments(rep) == []


def test_nobody_comments_on_a_closed_round(app):
    rnd, rep = _coordinated_report()
    rnd.state = "closed"
    db.session.commit()
    for username in ("tt.tam", "vp.thu"):
        client = login_as(app, username)
        assert 'id="comment-form"' not in client.get(f"/dot-kiem-tra/bao-cao/{rep.id}").get_data(as_text=True)
        r = client.post(f"/dot-kiem-tra/bao-cao/{rep.id}/y-kien", data={"body": "Muộn rồi"}, headers=HTMX)
        assert r.status_code == 409
    assert _comments(rep) == []


def test_an_empty_comment_is_refused_in_place(app):
    rnd, rep = _coordinated_report()
    r = login_as(app, "tt.tam").post(f"/dot-kiem-tra/bao-cao/{rep.id}/y-kien", data={"body": "  "}, headers=HTMX)
    assert r.status_code == 422 and r.headers["HX-Retarget"] == "#comment-error"
    assert "Vui lòng nhập nội dung" in r.get_data(as_text=True) and _comments(rep) == []
