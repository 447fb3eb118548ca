"""Who may do what on every route of the rounds area; concurrent saves; htmx fragments; query
counts; the self-report PDF; the home-page panel."""
import subprocess
from datetime import date

import pytest
from sqlalchemy import event, select

from portal.extensions import db
from portal.rounds import services as S
from portal.rounds.models import Report, Review

from tests.rounds_factory import PDF, make_round, person, upload
from tests.support import HTMX, login_as

# vp.thu is the author; vp.viet and kt.duc are the team; vhxh.nhung leads the team and manages.
OUTSIDERS = ["vp.khoa", "tt.tam", "yt.huong"]


@pytest.fixture
def rnd(app):
    return make_round()


@pytest.fixture
def rep(rnd):
    return S.my_reports(person("vp.thu"), rnd.id)[0]


def _submit(rep):
    rep.status, rep.done_text, rep.state = "done", "Đã làm.", "submitted"
    from portal.timeutil import now_utc

    rep.submitted_at = now_utc()
    db.session.commit()


READS = [
    # (url template, users allowed 200, users refused 403)
    ("/dot-kiem-tra/", ["vp.thu", "tt.tam", "chutich", "vp.viet", "vhxh.ha"], []),
    ("/dot-kiem-tra/{round}/cua-toi", ["vp.thu", "tt.tam", "chutich"], []),
    ("/dot-kiem-tra/{round}", ["vhxh.ha", "chutich", "phochutich", "vp.viet", "kt.duc", "admin"], []),
    ("/dot-kiem-tra/{round}/tham-dinh", ["vhxh.ha", "chutich", "vp.viet", "kt.duc"], OUTSIDERS + ["vp.thu"]),
    ("/dot-kiem-tra/{round}/nhan-xet", ["vhxh.ha", "chutich", "vp.viet"], OUTSIDERS + ["vp.thu"]),
    ("/dot-kiem-tra/{round}/bao-cao-tu-kiem-tra.pdf", ["chutich", "vhxh.ha"], ["vp.thu", "tt.tam"]),
    ("/dot-kiem-tra/bao-cao/{report}", ["vp.thu", "chutich", "phochutich", "vp.viet", "vhxh.ha", "admin"], OUTSIDERS),
    ("/dot-kiem-tra/bao-cao/{report}/lich-su", ["vp.thu", "chutich", "phochutich", "vp.viet", "vhxh.ha", "admin"], OUTSIDERS),
    ("/dot-kiem-tra/moi", ["vhxh.ha", "admin"], ["vp.thu", "chutich", "vp.viet"]),
    ("/dot-kiem-tra/{round}/sua", ["vhxh.nhung", "admin"], ["vp.thu", "chutich", "kt.duc"]),
]


@pytest.mark.parametrize("url,allowed,refused", READS)
def test_read_permissions(app, rnd, rep, url, allowed, refused):
    url = url.format(round=rnd.id, report=rep.id)
    for username in allowed:
        assert login_as(app, username).get(url).status_code == 200, (url, username)
    for username in refused:
        assert login_as(app, username).get(url).status_code == 403, (url, username)


def test_staff_sees_only_own_reports(app, rnd):
    thu = login_as(app, "vp.thu")
    r = thu.get(f"/dot-kiem-tra/{rnd.id}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/dot-kiem-tra/{rnd.id}/cua-toi")
    page = thu.get(f"/dot-kiem-tra/{rnd.id}/cua-toi").text
    own = S.my_reports(person("vp.thu"), rnd.id)
    others = S.my_reports(person("vp.khoa"), rnd.id)
    assert all(f'id="report-row-{r.id}"' in page for r in own)
    assert not any(f'id="report-row-{r.id}"' in page for r in others)


def test_anonymous_is_sent_to_login(client, rnd, rep):
    for url in [f"/dot-kiem-tra/{rnd.id}", f"/dot-kiem-tra/bao-cao/{rep.id}", f"/dot-kiem-tra/bao-cao/{rep.id}/tep/1"]:
        r = client.get(url)
        assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"]
    assert client.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={}).status_code == 302


REPORT_BODY = {"status": "done", "done_text": "Đã làm", "version": 1, "action": "save"}
# (url, data, users who may (303), users refused (403)); `submitted` makes the report reviewable
WRITES = [
    ("/dot-kiem-tra/bao-cao/{report}", REPORT_BODY, False, ["vp.thu"],
     ["vp.khoa", "vp.viet", "chutich", "vhxh.nhung", "admin"]),
    ("/dot-kiem-tra/bao-cao/{report}/van-ban", {"number": "5/KH-UBND", "summary": "Kế hoạch"}, False, ["vp.thu"],
     ["vp.khoa", "vp.viet", "chutich"]),
    ("/dot-kiem-tra/bao-cao/{report}/danh-gia", {"rating": "dat", "comment": "Tốt"}, True, ["kt.duc"],
     ["vp.thu", "vp.khoa", "chutich", "vhxh.ha", "admin"]),
    ("/dot-kiem-tra/bao-cao/{report}/ton-tai", {"description": "Thiếu", "cause": "khach_quan",
                                               "remedy_action": "Bổ sung", "remedy_deadline": "31/12/2099"}, True,
     ["vp.viet", "vhxh.nhung"], ["vp.thu", "chutich", "tt.tam"]),
    ("/dot-kiem-tra/bao-cao/{report}/giai-trinh", {"body": "Làm rõ"}, True, ["kt.duc"], ["vp.thu", "chutich", "vhxh.ha"]),
    ("/dot-kiem-tra/{round}/nhan-xet", {"text": "Nhận xét"}, False, ["vhxh.ha"], ["vp.thu", "chutich"]),
    ("/dot-kiem-tra/{round}/trang-thai", {"target": "review"}, False, ["vhxh.ha"], ["vp.thu", "chutich", "vp.viet"]),
    ("/dot-kiem-tra/{round}/sua", {"name": "Đợt đổi tên", "kind": "khac", "start_on": "2026-09-10",
                                    "end_on": "2026-09-15", "leader_id": 0, "previous_id": 0, "version": 1},
     False, ["vhxh.nhung"], ["vp.thu", "chutich", "kt.duc"]),
    ("/dot-kiem-tra/moi", {"confirm_warnings": "1", "name": "Đợt mới", "kind": "khac", "start_on": "2026-11-10", "end_on": "2026-11-12",
                           "leader_id": 0, "previous_id": 0}, False, ["admin"], ["vp.thu", "chutich", "vp.viet"]),
]


@pytest.mark.parametrize("url,data,submitted,allowed,refused", WRITES)
def test_write_permissions(app, rnd, rep, url, data, submitted, allowed, refused):
    if submitted:
        _submit(rep)
    url = url.format(round=rnd.id, report=rep.id)
    if "version" in data and "/sua" in url:
        data = {**data, "version": rnd.version}
    for username in refused:
        assert login_as(app, username).post(url, data=data).status_code == 403, (url, username)
    for username in allowed:
        db.session.expire_all()
        r = login_as(app, username).post(url, data=data)
        assert r.status_code == 303, (url, username, r.status_code)


def test_author_answers_only_own_clarification(app, rnd, rep):
    _submit(rep)
    S.request_clarification(rep, person("vp.viet"), "Làm rõ số liệu")
    db.session.commit()
    for username in ["vp.khoa", "vp.viet", "chutich"]:
        assert login_as(app, username).post(f"/dot-kiem-tra/bao-cao/{rep.id}/tra-loi", data={"body": "x"}).status_code == 403
    assert login_as(app, "vp.thu").post(f"/dot-kiem-tra/bao-cao/{rep.id}/tra-loi", data={"body": "Đã rõ"}).status_code == 303


def test_author_cannot_review_own_report_even_in_team(app):
    rnd = make_round(authors=("vp.viet",))
    rep = S.my_reports(person("vp.viet"), rnd.id)[0]
    _submit(rep)
    r = login_as(app, "vp.viet").post(f"/dot-kiem-tra/bao-cao/{rep.id}/danh-gia", data={"rating": "dat"})
    assert r.status_code == 403


def test_submitted_report_locked_once_reviewed_and_outside_open(app, rnd, rep):
    _submit(rep)
    thu = login_as(app, "vp.thu")
    # A sent report is frozen (issue 10): to amend it while the round is open and the team has not
    # started, the author withdraws it first (recorded), then saves.
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**REPORT_BODY, "version": rep.version}).status_code == 403
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/rut-lai").status_code == 303
    db.session.expire_all()
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**REPORT_BODY, "version": rep.version}).status_code == 303
    db.session.expire_all()
    _submit(rep)
    rep.review = Review(rating="dat")
    db.session.commit()
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**REPORT_BODY, "version": rep.version}).status_code == 403
    rnd.state = "review"
    db.session.commit()
    other = S.my_reports(person("vp.thu"), rnd.id)[1]
    assert thu.post(f"/dot-kiem-tra/bao-cao/{other.id}", data={**REPORT_BODY, "version": other.version}).status_code == 403


def test_bad_report_input_is_a_clear_422(app, rnd, rep):
    thu = login_as(app, "vp.thu")
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**REPORT_BODY, "indicator_value": "nhiều"})
    assert r.status_code == 422 and "phải là một số" in r.text
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={"status": "", "done_text": "", "version": 1, "action": "submit"})
    assert r.status_code == 422 and "chọn tình trạng" in r.text
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**REPORT_BODY, "status": "bogus"})
    assert r.status_code == 422 and "không hợp lệ" in r.text
    db.session.expire_all()
    assert rep.state == "draft" and rep.done_text == "" and rep.version == 1
    manager = login_as(app, "vhxh.ha")
    r = manager.post("/dot-kiem-tra/moi", data={"name": "", "kind": "khac", "start_on": "2026-11-10",
                                                "end_on": "2026-11-01", "leader_id": 0, "previous_id": 0})
    assert r.status_code == 422 and "Vui lòng nhập tên đợt" in r.text and "phải sau ngày bắt đầu" in r.text
    r = manager.post(f"/dot-kiem-tra/{rnd.id}/trang-thai", data={"target": "nowhere"}, headers=HTMX)
    assert r.status_code == 422 and "Không thể chuyển" in r.text
    assert login_as(app, "vp.thu").get("/dot-kiem-tra/bao-cao/999999").status_code == 404


def test_two_people_saving_the_same_report(app, rnd, rep):
    first, second = login_as(app, "vp.thu"), login_as(app, "vp.thu")
    assert first.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**REPORT_BODY, "done_text": "Bản thứ nhất"}).status_code == 303
    r = second.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**REPORT_BODY, "done_text": "Bản thứ hai"})
    assert r.status_code == 409 and "người khác cập nhật" in r.text
    db.session.expire_all()
    assert rep.done_text == "Bản thứ nhất" and rep.version == 2


def test_two_inspectors_saving_the_same_review(app, rnd, rep):
    _submit(rep)
    viet, duc = login_as(app, "vp.viet"), login_as(app, "kt.duc")
    url = f"/dot-kiem-tra/bao-cao/{rep.id}/danh-gia"
    # Both opened the page before any review existed (no version in the form).
    assert viet.post(url, data={"rating": "dat", "comment": "Đạt yêu cầu"}).status_code == 303
    r = duc.post(url, data={"rating": "chua_dat", "comment": "Chưa đạt"})
    assert r.status_code == 409
    db.session.expire_all()
    assert rep.review.rating == "dat" and rep.review.comment == "Đạt yêu cầu"
    # Then with versions: the stale one loses.
    assert viet.post(url, data={"rating": "mot_phan", "comment": "Sửa", "version": 1}).status_code == 303
    assert duc.post(url, data={"rating": "chua_dat", "comment": "Ghi đè", "version": 1}).status_code == 409
    db.session.expire_all()
    assert rep.review.rating == "mot_phan" and rep.review.version == 2


def test_queue_filters_return_fragment(app):
    rnd = make_round(count=8, authors=("vp.thu", "vp.khoa"))
    reports = S.round_reports(rnd.id)
    reports[0].state, reports[0].late, reports[0].submitted_at = "submitted", True, reports[0].round.created_at
    reports[1].state = "submitted"
    db.session.commit()
    viet = login_as(app, "vp.viet")
    full = viet.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh")
    assert "<html" in full.text and 'id="queue-filters"' in full.text
    frag = viet.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh?tre=1", headers=HTMX)
    assert frag.status_code == 200 and "<html" not in frag.text and frag.text.lstrip().startswith('<div id="results">')
    assert f'id="queue-row-{reports[0].id}"' in frag.text and f'id="queue-row-{reports[1].id}"' not in frag.text
    assert frag.headers["Vary"] == "HX-Request" or "HX-Request" in frag.headers["Vary"]
    frag = viet.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh?nguoi={person('vp.khoa').id}", headers=HTMX)
    assert frag.text.count('id="queue-row-') == 4 and "Trần Đình Khoa" in frag.text
    frag = viet.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh?trang_thai=to_review", headers=HTMX)
    assert frag.text.count('id="queue-row-') == 2
    frag = viet.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh?trang_thai=draft&linh_vuc={reports[0].criterion.area_id}", headers=HTMX)
    assert frag.text.count('id="queue-row-') == 5  # 1.1 has 7 criteria, two of them submitted
    frag = viet.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh?don_vi=abc&danh_gia=dat", headers=HTMX)
    assert frag.status_code == 200 and "Không có báo cáo nào" in frag.text


def test_matrix_drill_down_fragment(app):
    rnd = make_round(count=10, authors=("vp.thu",))
    reports = S.round_reports(rnd.id)
    reports[-1].author_id = None
    db.session.commit()
    manager = login_as(app, "vhxh.ha")
    page = manager.get(f"/dot-kiem-tra/{rnd.id}")
    area_ids = {r.criterion.area_id for r in reports}
    assert all(f'id="area-{a}"' in page.text for a in area_ids) and 'id="drill-rows"' not in page.text
    area = reports[-1].criterion.area_id
    frag = manager.get(f"/dot-kiem-tra/{rnd.id}?linh_vuc={area}", headers=HTMX)
    assert "<html" not in frag.text and frag.text.lstrip().startswith('<div id="drill">')
    rows = [r for r in reports if r.criterion.area_id == area]
    assert frag.text.count("<tr>") - 1 == len(rows)  # header row + one per criterion
    assert "Chưa phân công" in frag.text
    assert f"?linh_vuc={area}" in page.text and 'hx-target="#drill"' in page.text


def _count_queries(client, url):
    statements = []
    client.get(url)  # warm-up: caches (templates, settings) filled alike for both rounds
    db.session.remove()  # a clean identity map, as a real request has

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_query_counts_stay_flat(app):
    small = make_round(count=10, authors=("vp.thu", "vp.khoa", "tt.mai"), name="Đợt nhỏ")
    large = make_round(count=69, authors=("vp.thu", "vp.khoa", "tt.mai", "kt.lan"), name="Đợt lớn")
    for rnd in (small, large):
        for i, r in enumerate(S.round_reports(rnd.id)):
            if i % 2:
                r.state, r.status, r.done_text = "submitted", "done", "x"
                r.review = Review(rating="dat", reviewer_id=person("vp.viet").id)
    db.session.commit()
    assert len(S.round_reports(large.id)) == 69
    viet = login_as(app, "vp.viet")
    small_id, large_id = small.id, large.id
    for path in ["", "/tham-dinh", "/nhan-xet", f"?linh_vuc={S.round_criteria(large)[0].area_id}"]:
        a = _count_queries(viet, f"/dot-kiem-tra/{small_id}{path}")
        b = _count_queries(viet, f"/dot-kiem-tra/{large_id}{path}")
        assert a == b, (path, a, b)


def test_self_report_pdf(app):
    rnd = make_round()
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    rep.status, rep.done_text, rep.difficulties, rep.proposals = "done", "Đã ban hành 3 kế hoạch.", "Thiếu người", "Tăng biên chế"
    rep.state = "submitted"
    db.session.commit()
    r = login_as(app, "chutich").get(f"/dot-kiem-tra/{rnd.id}/bao-cao-tu-kiem-tra.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    try:
        text = subprocess.run(["pdftotext", "-", "-"], input=r.data, capture_output=True, check=True).stdout.decode()
    except FileNotFoundError:
        pytest.skip("pdftotext not installed")
    for part in ["Kết quả đạt được", "Tồn tại, hạn chế", "Phương hướng, nhiệm vụ", "Kiến nghị, đề xuất",
                 "Đã ban hành 3 kế hoạch.", "Thiếu người", "Tăng biên chế"]:
        assert part in text, part
    r = login_as(app, "vhxh.ha").get(f"/dot-kiem-tra/{rnd.id}/bao-cao-tu-kiem-tra.pdf?don_vi={person('vp.thu').unit_id}")
    assert r.status_code == 200


def test_home_panel_shows_due_and_late(app):
    from freezegun import freeze_time

    rnd = make_round(deadline=date(2026, 9, 5))
    with freeze_time("2026-09-03 03:00:00"):
        page = login_as(app, "vp.thu").get("/").text
        assert 'id="round-reminders"' in page and "còn 2 ngày" in page and rnd.name in page
    with freeze_time("2026-09-09 03:00:00"):
        page = login_as(app, "vp.thu").get("/").text
        assert "Quá hạn 4 ngày" in page
        assert rnd.name not in login_as(app, "chutich").get("/").text


def test_reuse_evidence_from_earlier_round(app):
    first = make_round(state="closed")
    rep1 = S.my_reports(person("vp.thu"), first.id)[0]
    from portal.evidence.services import save_upload
    from werkzeug.datastructures import FileStorage
    import io

    stored = save_upload(FileStorage(io.BytesIO(PDF), filename="Biên bản.pdf"), person("vp.thu"))
    rep1.files.append(stored)
    db.session.commit()
    second = make_round(name="Đợt mới")  # not started from the previous: nothing carried over
    rep2 = db.session.scalar(select(Report).where(Report.round_id == second.id, Report.criterion_id == rep1.criterion_id))
    assert rep2.files == []
    thu = login_as(app, "vp.thu")
    page = thu.get(f"/dot-kiem-tra/bao-cao/{rep2.id}").text
    assert 'id="reuse-form"' in page and "Biên bản.pdf" in page
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep2.id}/tep/dung-lai", data={"file_id": stored.id}).status_code == 303
    db.session.expire_all()
    assert [f.id for f in rep2.files] == [stored.id]
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep2.id}/tep/dung-lai", data={"file_id": 99999}, headers=HTMX)
    assert r.status_code == 422 and "Không tìm thấy" in r.text
    assert upload  # shared helper kept in use


def test_scores_shown_when_catalogue_has_points(app):
    from decimal import Decimal

    rnd = make_round()
    manager = login_as(app, "vhxh.ha")
    assert 'id="scores"' not in manager.get(f"/dot-kiem-tra/{rnd.id}").text
    reports = S.round_reports(rnd.id)
    for r in reports:
        r.item.max_points = Decimal(2)  # the round's frozen copy of the criterion
        r.self_score, r.status = Decimal(1), "done"
        r.review = Review(rating="dat", appraised_score=Decimal(2))
    reports[0].status = "na"
    db.session.commit()
    page = manager.get(f"/dot-kiem-tra/{rnd.id}").text
    assert 'id="scores"' in page and "Tổng cộng" in page
    assert "4,00" in page and "8,00" in page  # own 3 of 6 applicable -> 4 of 8; appraised 6 of 6 -> 8


def test_self_score_bounded_by_max_points(app):
    from decimal import Decimal

    rnd = make_round()
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    rep.item.max_points = Decimal(2)  # the round's frozen copy of the criterion
    db.session.commit()
    thu = login_as(app, "vp.thu")
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**REPORT_BODY, "self_score": "3"})
    assert r.status_code == 422 and "ngoài giới hạn" in r.text
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**REPORT_BODY, "self_score": "1,5"}).status_code == 303
    db.session.expire_all()
    assert rep.self_score == Decimal("1.5")


def test_two_people_saving_the_same_evaluation(app, rnd):
    from portal.rounds.models import Evaluation

    area_id = S.round_criteria(rnd)[0].area_id
    viet, duc = login_as(app, "vp.viet"), login_as(app, "kt.duc")
    url = f"/dot-kiem-tra/{rnd.id}/nhan-xet"
    assert viet.post(url, data={"area_id": area_id, "text": "Tốt", "version": ""}).status_code == 303
    assert duc.post(url, data={"area_id": area_id, "text": "Khá", "version": ""}).status_code == 409
    assert duc.post(url, data={"area_id": area_id, "text": "Khá", "version": 1}).status_code == 303
    assert viet.post(url, data={"area_id": area_id, "text": "Ghi đè", "version": 1}).status_code == 409
    row = db.session.scalar(select(Evaluation).where(Evaluation.round_id == rnd.id))
    db.session.refresh(row)
    assert row.text == "Khá" and row.version == 2
    page = viet.get(url).text
    assert f'id="eval-area-{area_id}"' in page and "Khá" in page


def test_simultaneous_first_reviews_hit_unique_key_and_get_409(app, rnd, rep, monkeypatch):
    """Both requests saw no review; the loser's insert breaks the unique key -> 409, not 500."""
    _submit(rep)
    other = Review(report_id=rep.id, rating="dat", comment="Người kia lưu trước")
    original = S.save_review

    def racing(report, *args, **kwargs):
        # The other inspector's insert lands after our read, before our own insert.
        db.session.execute(Review.__table__.insert().values(report_id=report.id, rating="dat",
                                                            comment=other.comment, version=1))
        return original(report, *args, **kwargs)

    monkeypatch.setattr(S, "save_review", racing)
    r = login_as(app, "kt.duc").post(f"/dot-kiem-tra/bao-cao/{rep.id}/danh-gia", data={"rating": "chua_dat"})
    assert r.status_code == 409, r.status_code
    db.session.expire_all()
    assert db.session.scalars(select(Review).where(Review.report_id == rep.id)).all() == []  # rolled back
