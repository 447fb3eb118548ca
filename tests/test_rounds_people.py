"""Who works on a round's reports: coordinators comment (the lead submits), a unit-only
assignment reaches the unit's head, deactivating an account from its edit form asks where its
open work goes, and a new round carries the team of the previous round of its kind."""
import re
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


# -- a unit-only assignment ---------------------------------------------------------------------
def _unit(short_name):
    from portal.accounts.models import Unit

    return db.session.scalar(select(Unit).where(Unit.short_name == short_name))


def _unit_only(criterion_id, short_name):
    assignment = db.session.scalar(select(Assignment).where(Assignment.criterion_id == criterion_id))
    if assignment is None:
        assignment = Assignment(criterion_id=criterion_id)
        db.session.add(assignment)
    assignment.lead_person_id, assignment.lead_unit_id = None, _unit(short_name).id
    return assignment


def test_head_titles():
    from portal.accounts.models import is_head_title

    for title in ("Trưởng phòng Kinh tế", "Chánh Văn phòng HĐND và UBND", "Giám đốc Trung tâm", "Trưởng Trạm Y tế",
                  "TRƯỞNG PHÒNG", "Chỉ huy trưởng Ban Chỉ huy quân sự"):
        assert is_head_title(title), title
    for title in ("Phó Trưởng phòng", "Phó Giám đốc Trung tâm", "Phó Chánh Văn phòng", "Công chức", "", None):
        assert not is_head_title(title), title


def test_unit_only_assignment_gives_the_report_to_the_units_head_when_the_round_opens(app):
    """A criterion given to an office is answered by its head; an office with no head leaves the
    report without a person, listed as blocking with the screen that names one."""
    from portal.catalogue.models import Catalogue

    catalogue = db.session.scalar(select(Catalogue))
    rnd = S.create_round(catalogue, name="Đợt có phân công theo đơn vị", kind="khac", start_on=date(2099, 1, 5),
                         end_on=date(2099, 1, 9), report_deadline=date(2099, 1, 1), leader=person("vhxh.nhung"),
                         members=[person("vp.viet")])
    first, second = S.round_criteria(rnd)[:2]
    _unit_only(first.id, "KTHTĐT")  # head: Trưởng phòng kt.duc
    _unit_only(second.id, "CA")  # Công an phường: nobody in the portal
    db.session.commit()
    manager = login_as(app, "vhxh.ha")
    assert manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "open"}).status_code == 303
    db.session.expire_all()
    by_criterion = {r.criterion_id: r for r in S.round_reports(rnd.id)}
    assert by_criterion[first.id].author.username == "kt.duc" and by_criterion[first.id].unit.short_name == "KTHTĐT"
    orphan = by_criterion[second.id]
    assert orphan.author_id is None and orphan.unit.short_name == "CA"
    page = manager.get(f"/dot-kiem-tra/{rnd.id}").get_data(as_text=True)
    section = page[page.index('id="close-blockers"'):]
    section = section[:section.index("</section>")]
    assert "Chưa có người phụ trách" in section and f'href="/dot-kiem-tra/bao-cao/{orphan.id}"' in section
    assert f'href="/dot-kiem-tra/{rnd.id}/tham-dinh?trang_thai=unassigned"' in section
    # the link leads to the list of reports nobody answers for, where the secretariat names someone
    queue = manager.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh?trang_thai=unassigned").get_data(as_text=True)
    assert 'id="bulk-reassign"' in queue and f'id="pick-{orphan.id}"' in queue
    assert orphan in [b.report for b in S.close_blockers(db.session.get(Round, rnd.id))]
    r = manager.post(f"/dot-kiem-tra/{rnd.id}/tham-dinh/giao", headers=HTMX,
                     data={"report_ids": [orphan.id], "person_id": person("kt.lan").id})
    assert r.status_code == 200
    db.session.expire_all()
    assert db.session.get(Report, orphan.id).author.username == "kt.lan"
    assert not [b for b in S.close_blockers(db.session.get(Round, rnd.id)) if b.report.id == orphan.id
                and b.reason == "Chưa có người phụ trách"]


def test_applying_assignments_gives_a_unit_only_criterion_to_the_head(app):
    rnd = _open_round(count=2, authors=("vp.thu",))
    rep = S.round_reports(rnd.id)[1]
    rep.author_id = None
    _unit_only(rep.criterion_id, "TYT")  # head: Trưởng Trạm Y tế yt.huong
    db.session.commit()
    manager = login_as(app, "vhxh.ha")
    page = manager.get(f"/dot-kiem-tra/{rnd.id}").get_data(as_text=True)
    assert 'id="assignment-changes"' in page and "Chưa phân công → Nguyễn Thị Hường" in page
    assert manager.post(f"/dot-kiem-tra/{rnd.id}/cap-nhat-phan-cong").status_code == 303
    db.session.expire_all()
    assert db.session.get(Report, rep.id).author.username == "yt.huong"


def test_a_unit_without_a_head_is_left_unassigned_and_the_team_can_still_close(app):
    rnd = make_round(state="review", deadline=date(2026, 1, 5), start=date(2026, 1, 10), count=1,
                     authors=("vp.thu",))
    rep = S.round_reports(rnd.id)[0]
    rep.author_id = None
    _unit_only(rep.criterion_id, "CA")
    db.session.commit()
    assert S.apply_assignments(db.session.get(Round, rnd.id)) == 0  # nobody to name
    manager = login_as(app, "vhxh.nhung")
    r = manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "closed"}, headers=HTMX)
    assert r.status_code == 422 and rep.criterion.code in r.get_data(as_text=True)
    # after the deadline the team records "Không gửi báo cáo" for it, and the round closes
    assert login_as(app, "vp.viet").post(f"/dot-kiem-tra/bao-cao/{rep.id}/khong-gui", data={}).status_code == 303
    assert manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "closed"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Round, rnd.id).state == "closed"


# -- unticking "Đang hoạt động" on the user form -----------------------------------------------------
def _user_form_data(user, **overrides):
    data = {"username": user.username, "full_name": user.full_name, "email": user.email, "phone": user.phone,
            "unit_id": str(user.unit_id or 0), "position_title": user.position_title, "salutation": user.salutation,
            "roles": sorted(user.roles), "active": "y", "password": "", "version": user.version}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_unticking_active_on_the_user_form_asks_who_receives_the_open_work(app):
    rnd = _open_round(authors=("tt.tam",))
    tam = person("tt.tam")
    admin = login_as(app, "admin")
    url = f"/quan-tri/nguoi-dung/{tam.id}"
    data = _user_form_data(tam, active=None, phone="0912 000 111")  # unticked, and a new phone number
    r = admin.post(url, data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="open-work"' in html and 'name="nhan_ban_giao"' in html
    assert S.round_reports(rnd.id)[0].item.code in html  # the work is listed, as the lock button lists it
    db.session.expire_all()
    assert person("tt.tam").active and person("tt.tam").phone != "0912 000 111"  # nothing saved yet
    # a receiver that cannot take it (the same person) is asked again
    r = admin.post(url, data={**data, "nhan_ban_giao": tam.id})
    assert r.status_code == 422 and 'id="nhan_ban_giao-error"' in r.get_data(as_text=True)
    r = admin.post(url, data={**data, "nhan_ban_giao": person("tt.mai").id})
    assert r.status_code == 302
    db.session.expire_all()
    tam = person("tt.tam")
    assert not tam.active and tam.phone == "0912 000 111"
    assert all(r.author.username == "tt.mai" for r in S.round_reports(rnd.id))
    assert S.open_work(tam).empty
    assert not db.session.scalar(select(Assignment.id).where(Assignment.lead_person_id == tam.id).limit(1))


def test_unticking_active_without_open_work_just_saves(app):
    huong = person("yt.huong")
    assert S.open_work(huong).empty
    r = login_as(app, "admin").post(f"/quan-tri/nguoi-dung/{huong.id}", data=_user_form_data(huong, active=None))
    assert r.status_code == 302
    db.session.expire_all()
    assert not person("yt.huong").active


# -- a new round carries the team of the previous round of its kind ----------------------------------
def _chosen(html, name) -> set[int]:
    """Values shown as chosen in the form, whether checkboxes or a select."""
    out = {int(re.search(r'value="(\d+)"', tag).group(1)) for tag in re.findall(r"<input[^>]*>", html)
           if f'name="{name}"' in tag and "checked" in tag}
    select_ = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    for tag in re.findall(r"<option[^>]*>", select_.group(1) if select_ else ""):
        if "selected" in tag:
            out.add(int(re.search(r'value="(\d+)"', tag).group(1)))
    return out


@pytest.fixture
def two_teams(app):
    """The demo's two rounds with different teams: Đợt 1 (6 tháng), Đợt 2 (cuối năm, the latest)."""
    first = db.session.scalar(select(Round).where(Round.kind == "6thang"))
    second = db.session.scalar(select(Round).where(Round.kind == "cuoinam"))
    first.leader, first.members = person("vp.viet"), [person("kt.duc")]
    second.leader, second.members = person("vhxh.nhung"), [person("vp.viet"), person("vp.khoa")]
    db.session.commit()
    return first, second


def test_new_round_form_starts_from_the_previous_round_of_the_default_kind(app, two_teams):
    first, second = two_teams
    page = login_as(app, "vhxh.ha").get("/dot-kiem-tra/moi").get_data(as_text=True)
    assert re.search(r'<option[^>]*(selected[^>]*value="cuoinam"|value="cuoinam"[^>]*selected)', page)
    assert _chosen(page, "leader_id") == {person("vhxh.nhung").id}
    assert _chosen(page, "member_ids") == {person("vp.viet").id, person("vp.khoa").id}
    assert _chosen(page, "previous_id") == {second.id} and second.name in page
    kind = re.search(r'<select[^>]*name="kind"[^>]*>', page).group(0)
    assert 'hx-get="/dot-kiem-tra/moi"' in kind and 'hx-target="#team-fields"' in kind


def test_changing_the_kind_swaps_in_the_team_of_that_kinds_previous_round(app, two_teams):
    first, second = two_teams
    manager = login_as(app, "vhxh.ha")
    r = manager.get("/dot-kiem-tra/moi?kind=6thang", headers=HTMX)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" not in html and html.lstrip().startswith('<div id="team-fields"')
    assert 'name="name"' not in html  # the team fields only, the rest of the form keeps what was typed
    assert _chosen(html, "leader_id") == {person("vp.viet").id}
    assert _chosen(html, "member_ids") == {person("kt.duc").id}
    assert _chosen(html, "previous_id") == {first.id} and f"theo đợt “{first.name}”" in html
    # a kind with no round yet: nothing chosen, and the page says so
    html = manager.get("/dot-kiem-tra/moi?kind=khac", headers=HTMX).get_data(as_text=True)
    assert _chosen(html, "leader_id") == {0} and _chosen(html, "member_ids") == set()
    assert _chosen(html, "previous_id") == {0} and "Chưa có đợt “Khác” nào trước đây" in html
    assert login_as(app, "vp.thu").get("/dot-kiem-tra/moi?kind=6thang", headers=HTMX).status_code == 403
