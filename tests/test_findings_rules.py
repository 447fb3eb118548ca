"""Rules of findings: validation, remedy workflow, closure, overdue, the figure, reminders."""
from datetime import date
from io import BytesIO

import pytest
from freezegun import freeze_time

from portal.extensions import db
from portal.findings import services as S
from portal.findings.models import Finding, Remedy
from portal.findings.reminders import overdue_reminders

from tests.findings_support import demo_ids, uid, user
from tests.support import HTMX, login_as


def _finding(**kw):
    fields = dict(source="round", source_id=11, round_id=7, found_on=date(2026, 7, 10),
                  description="Chưa cập nhật kết quả giải quyết hồ sơ lên Cổng dịch vụ công.",
                  unit_id=user("tt.tam").unit_id, person_id=uid("tt.tam"))
    fields.update(kw)
    return S.record_finding(**fields)


# -- record_finding -------------------------------------------------------------------------

def test_record_finding_defaults_and_search_key(app):
    f = _finding(cause="khach_quan", recommendation="Cập nhật ngay.")
    assert f.id and f.year == 2026 and f.closed_at is None
    assert "cong dich vu cong" in f.search_text and "le van tam" in f.search_text


def test_record_finding_area_follows_criterion(app):
    from portal.catalogue.models import Criterion

    c = db.session.scalars(db.select(Criterion)).first()
    f = _finding(criterion_id=c.id)
    assert f.area_id == c.area_id


def test_record_finding_unit_follows_person(app):
    f = _finding(unit_id=None, person_id=uid("kt.lan"))
    assert f.unit_id == user("kt.lan").unit_id


@pytest.mark.parametrize("fields, key, message", [
    ({"description": "   "}, "description", "Vui lòng nhập nội dung tồn tại, hạn chế."),
    ({"description": "x" * 10_000}, "description", "tối đa 5.000 ký tự"),
    ({"source": "nowhere"}, "source", "Nguồn phát hiện không hợp lệ."),
    ({"source": "higher", "source_ref": ""}, "source_ref", "Vui lòng nhập văn bản, nguồn chỉ ra."),
    ({"person_id": 99999}, "person_id", "không tồn tại"),
    ({"unit_id": 99999}, "unit_id", "Đơn vị không tồn tại."),
    ({"criterion_id": 99999}, "criterion_id", "Nội dung kiểm tra không tồn tại."),
    ({"cause": "troi_mua"}, "cause", "chủ quan hoặc khách quan"),
    ({"found_on": "31/02/2026"}, "found_on", "không hợp lệ"),
])
def test_record_finding_rejects_bad_input(app, fields, key, message):
    with pytest.raises(S.FindingError) as exc:
        _finding(**fields)
    assert message in exc.value.errors[key]


def test_html_is_stored_verbatim(app):
    f = _finding(description="<script>alert(1)</script> hồ sơ")
    assert f.description == "<script>alert(1)</script> hồ sơ"


# -- remedies -------------------------------------------------------------------------------

def test_remedy_deadline_before_finding_is_refused(app):
    f = _finding()
    with pytest.raises(S.FindingError) as exc:
        S.add_remedy(f, action="Khắc phục", owner_id=uid("tt.tam"), deadline=date(2026, 7, 9))
    assert "Thời hạn không được trước ngày phát hiện tồn tại (10/07/2026)." == exc.value.errors["deadline"]


@pytest.mark.parametrize("owner", [99999, -1, None, "abc"])
def test_remedy_unknown_owner_is_refused(app, owner):
    f = _finding()
    with pytest.raises(S.FindingError) as exc:
        S.add_remedy(f, action="Khắc phục", owner_id=owner, deadline=date(2026, 8, 1))
    expected = ("Vui lòng chọn người hoặc đơn vị thực hiện." if owner is None
                else "Người thực hiện không tồn tại hoặc đã bị khóa.")
    assert exc.value.errors["owner_id"] == expected


def test_owner_cannot_report_after_settled_and_escalate_needs_note(app):
    f = _finding()
    r = S.add_remedy(f, action="Khắc phục", owner_id=uid("tt.tam"), deadline=date(2026, 8, 1))
    with pytest.raises(S.FindingError):
        S.escalate(r, user("kt.duc"), "  ")
    S.escalate(r, user("kt.duc"), "Vượt thẩm quyền của phường; kiến nghị Sở Tài nguyên và Môi trường.")
    assert r.is_settled and f.closed_at is not None
    with pytest.raises(S.FindingError):
        S.report_progress(r, user("tt.tam"), text="Đã làm", status="doing")


def test_failed_reinspection_reopens(app):
    f = _finding()
    r = S.add_remedy(f, action="Khắc phục", owner_id=uid("tt.tam"), deadline=date(2026, 8, 1))
    S.report_progress(r, user("tt.tam"), text="Đã xong", status="done")
    assert r.status == "done" and not r.is_settled and f.closed_at is None
    S.record_reinspection(r, user("kt.duc"), inspected_on=date(2026, 8, 2), result="Chưa đạt", passed=False)
    assert r.status == "doing" and r.done_on is None
    with pytest.raises(S.FindingError) as exc:
        S.record_reinspection(r, user("kt.duc"), inspected_on=date(2026, 7, 1), result="x", passed=True)
    assert "inspected_on" in exc.value.errors


def test_adding_a_remedy_reopens_a_closed_finding(app):
    f = _finding()
    r = S.add_remedy(f, action="Khắc phục", owner_id=uid("tt.tam"), deadline=date(2026, 8, 1))
    S.confirm_done(r, user("kt.duc"))
    assert f.closed_at is not None
    S.add_remedy(f, action="Thêm việc", owner_id=uid("tt.tam"), deadline=date(2026, 9, 1))
    assert f.closed_at is None


def test_overdue_rule():
    r = Remedy(deadline=date(2026, 3, 10), status="doing")
    assert r.is_overdue(date(2026, 3, 11)) and not r.is_overdue(date(2026, 3, 10))
    r.status = "done"  # reported done, awaiting confirmation: no longer the owner's delay
    assert not r.is_overdue(date(2026, 4, 1))


# -- the figure (pure) ----------------------------------------------------------------------

def _f(*remedies):
    return Finding(remedies=[Remedy(status=s, confirmed_at=c, deadline=date(2026, 1, 1)) for s, c in remedies])


def test_figure_pure():
    from datetime import datetime

    now = datetime(2026, 1, 1)
    findings = [_f(), _f(("todo", None)), _f(("done", None)), _f(("done", now), ("escalated", now)),
                _f(("done", now), ("done", now))]
    fig = S.figure_for(findings)
    assert (fig.total, fig.remedied, fig.escalated, fig.open) == (5, 1, 1, 3)
    assert fig.percent == 40.0 and fig.target == 100 and not fig.meets_target
    assert S.figure_for([]).percent is None and S.figure_for([]).meets_target
    assert S.outcome(findings[2]) == "open"  # reported done but not confirmed


# -- the acceptance walk: a finding from a review to confirmed closure -----------------------

def _pct(round_id=7):
    return S.findings_figure(round_id=round_id).percent


def test_round_finding_to_confirmed_closure_with_figure(app):
    # Session cookies are signed with a timestamp: log in again inside each frozen moment.
    def clients():
        return [login_as(app, u) for u in ("tt.tam", "tt.mai", "kt.duc", "vhxh.nhung")]

    with freeze_time("2026-07-10 09:00:00"):
        tam, mai, duc, nhung = clients()
        finding = _finding()
        db.session.commit()
        fid = finding.id
        assert S.findings_figure(round_id=7).total == 1 and _pct() == 0.0
        # The secretariat adds two remedies: one due soon, one later.
        for action, owner, deadline in (("Cập nhật kết quả lên Cổng", "tt.tam", "2026-07-20"),
                                        ("Ban hành quy trình theo dõi", "tt.mai", "2026-09-30")):
            r = nhung.post(f"/ton-tai/{fid}/bien-phap",
                           data={"action": action, "owner_id": uid(owner), "deadline": deadline})
            assert r.status_code == 303, r.text
        rem = {r.owner.username: r.id for r in db.session.get(Finding, fid).remedies}
        assert _pct() == 0.0
        # The later one starts work.
        r = mai.post(f"/ton-tai/bien-phap/{rem['tt.mai']}/bao-cao",
                     data={"status": "doing", "text": "Đang soạn dự thảo quy trình."})
        assert r.status_code == 303
    with freeze_time("2026-07-25 09:00:00"):
        tam, mai, duc, nhung = clients()
        # The first remedy is now overdue: flagged in the list, on the owner's home page, to the secretariat.
        db.session.expire_all()
        assert rem["tt.tam"] in [r.id for r in S.overdue_remedies()]
        assert rem["tt.mai"] not in [r.id for r in S.overdue_remedies()]
        page = nhung.get("/ton-tai/?trang_thai=overdue&dot=7")
        assert f'href="/ton-tai/{fid}"' in page.text and "quá hạn" in page.text
        home = tam.get("/")
        assert "Quá hạn" in home.text and "Cập nhật kết quả lên Cổng" in home.text
        # Reminded the day after the deadline (20/07) and then weekly, never every morning.
        def keys(day):
            return {(x.user.username, x.key.split(":")[0]) for x in overdue_reminders(day)}
        for day in (date(2026, 7, 21), date(2026, 7, 28)):
            assert ("tt.tam", "remedy-overdue") in keys(day) and ("vhxh.nhung", "remedy-overdue-digest") in keys(day)
            assert ("tt.mai", "remedy-overdue") not in keys(day)
        assert keys(date(2026, 7, 25)) == set()
        # The owner reports it done, with evidence.
        r = tam.post(f"/ton-tai/bien-phap/{rem['tt.tam']}/bao-cao", content_type="multipart/form-data",
                     data={"status": "done", "text": "Đã cập nhật 12 hồ sơ.",
                           "files": (BytesIO(b"%PDF-1.4 test"), "Danh sách hồ sơ.pdf")})
        assert r.status_code == 303
        db.session.expire_all()
        assert _pct() == 0.0  # reported, not yet confirmed
        assert not S.overdue_remedies()
        # Only the team confirms: the owner may not.
        assert tam.post(f"/ton-tai/bien-phap/{rem['tt.tam']}/xac-nhan", data={"note": ""}).status_code == 403
        r = duc.post(f"/ton-tai/bien-phap/{rem['tt.tam']}/xac-nhan", data={"note": "Đã kiểm tra trên Cổng."})
        assert r.status_code == 303
        db.session.expire_all()
        assert _pct() == 0.0 and db.session.get(Finding, fid).closed_at is None
    with freeze_time("2026-09-28 09:00:00"):
        tam, mai, duc, nhung = clients()
        r = mai.post(f"/ton-tai/bien-phap/{rem['tt.mai']}/bao-cao",
                     data={"status": "done", "text": "Đã ban hành Quyết định số 45/QĐ-UBND."})
        assert r.status_code == 303
        # Re-inspection: not yet good enough, back to the owner.
        r = duc.post(f"/ton-tai/bien-phap/{rem['tt.mai']}/tai-kiem-tra",
                     data={"inspected_on": "2026-09-29", "passed": "0", "result": "Chưa phổ biến tới công chức."})
        assert r.status_code == 303
        db.session.expire_all()
        assert db.session.get(Remedy, rem["tt.mai"]).status == "doing" and _pct() == 0.0
        mai.post(f"/ton-tai/bien-phap/{rem['tt.mai']}/bao-cao",
                 data={"status": "done", "text": "Đã tổ chức phổ biến ngày 29/09."})
        r = duc.post(f"/ton-tai/bien-phap/{rem['tt.mai']}/tai-kiem-tra",
                     data={"inspected_on": "2026-09-30", "passed": "1", "result": "Đạt."})
        assert r.status_code == 303
        db.session.expire_all()
        finding = db.session.get(Finding, fid)
        assert finding.closed_at is not None and S.outcome(finding) == "remedied"
        assert _pct() == 100.0 and S.findings_figure(round_id=7).meets_target
        # The record shows its history and the evidence link works for the team.
        page = nhung.get(f"/ton-tai/{fid}")
        assert "Lịch sử thay đổi" in page.text and "Danh sách hồ sơ.pdf" in page.text
        history = nhung.get(f"/ton-tai/bien-phap/{rem['tt.mai']}/lich-su", headers=HTMX).text
        # done, sent back by the failed re-inspection, done again: each step in the remedy's history
        assert history.count('<span class="field-name">Tình trạng</span>: <del>Đang thực hiện</del> → <ins>Đã khắc phục</ins>') == 2
        assert '<span class="field-name">Tình trạng</span>: <del>Đã khắc phục</del> → <ins>Đang thực hiện</ins>' in history
        upd = finding.remedies[0].updates[-1]
        r = nhung.get(f"/ton-tai/bao-cao/{upd.id}/tep/{upd.files[0].id}")
        assert r.status_code == 200 and r.data.startswith(b"%PDF")
        assert login_as(app, "yt.huong").get(f"/ton-tai/bao-cao/{upd.id}/tep/{upd.files[0].id}").status_code == 403


def test_figure_by_year_and_unit(app):
    ids = demo_ids()
    unit = user("tt.tam").unit_id
    before = S.findings_figure(unit_id=unit)
    f = _finding(found_on=date(2025, 5, 5), unit_id=unit)
    r = S.add_remedy(f, action="x", owner_id=uid("tt.tam"), deadline=date(2025, 6, 1))
    S.escalate(r, user("kt.duc"), "Kiến nghị cấp trên")
    fig25 = S.findings_figure(year=2025)
    assert (fig25.total, fig25.escalated, fig25.percent) == (1, 1, 100.0)
    after = S.findings_figure(unit_id=unit)
    assert after.total == before.total + 1 and after.settled == before.settled + 1
    assert ids["f"] != f.id


def test_reminders_skip_when_nothing_late(app):
    assert overdue_reminders(date(2000, 1, 1)) == []


def test_htmx_index_fragment(app):
    client = login_as(app, "chutich")
    r = client.get("/ton-tai/?nguon=adhoc", headers=HTMX)
    assert r.status_code == 200 and "<html" not in r.text and 'id="results"' in r.text
    assert "Kiểm tra đột xuất" in r.text and "Kết luận số 15/KL-SNV" not in r.text
    assert r.headers["Vary"] == "HX-Request" or "HX-Request" in r.headers["Vary"]


def test_the_figure_counted_by_the_database_equals_the_one_counted_finding_by_finding(app):
    """figure_of (two aggregate passes, what the list page shows) against figure_for (every
    finding loaded with its remedies), over the demo ward with every outcome present: a finding
    with no remedy, one with an unconfirmed done remedy, one escalated, one remedied."""
    findings = db.session.scalars(db.select(Finding)).all()
    f1, f2, f3, f4 = findings[:4]
    for r in f1.remedies:
        db.session.delete(r)
    kinds = (("done", date(2026, 5, 1)), ("escalated", None), ("done", None))
    for f, (status, confirmed) in zip((f2, f3, f4), kinds):
        for r in f.remedies:
            r.status, r.confirmed_at = status, confirmed
    db.session.commit()
    outcomes = {S.outcome(f) for f in db.session.scalars(db.select(Finding))}
    assert outcomes == {"open", "remedied", "escalated"}
    for username in ("vhxh.ha", "chutich", "vp.thu"):
        for scope in ({"state": "all"}, {"state": "open"}, {"state": "all", "source": "round"},
                      {"state": "all", "year": 2026}, {"state": "all", "q": "hồ sơ"}):
            want = S.figure_for(db.session.scalars(S.findings_query(user(username), **scope)))
            assert S.figure_of(S.findings_scope(user(username), **scope)) == want, (username, scope)
