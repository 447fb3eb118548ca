"""A submitted report is frozen: no POST of its author changes it; withdrawal before the team
starts (recorded); a clarification reopens it as a new version; the inspector sees each version
and what changed; evidence sent is never removed."""
from sqlalchemy import func, select

from portal.audit.models import ChangeLog
from portal.extensions import db
from portal.rounds import services as S
from portal.rounds.models import Report, ReportDocument, ReportVersion, Review
from portal.rounds.versions import word_diff

from tests.rounds_factory import PDF, PNG, make_round, person, upload
from tests.support import HTMX, login_as

BODY = {"status": "done", "done_text": "Đã ban hành kế hoạch số 12/KH-UBND.", "difficulties": "",
        "proposals": "", "indicator_value": "", "self_score": ""}


def _state(rep_id):
    """Everything of a report an author's POST could change."""
    db.session.expire_all()
    r = db.session.get(Report, rep_id)
    return (r.version, r.state, r.status, r.done_text, r.difficulties, r.proposals, r.submitted_at,
            tuple(f.id for f in r.files), tuple((d.id, d.number) for d in r.documents), len(r.messages),
            len(r.versions))


def _sent_with_evidence(app):
    rnd = make_round()
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    thu = login_as(app, "vp.thu")
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep", data={"files": [upload("ke-hoach.pdf", PDF)]},
                    content_type="multipart/form-data").status_code == 303
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/van-ban",
                    data={"number": "12/KH-UBND", "issued_on": "2026-02-01", "summary": "Kế hoạch CCHC"}).status_code == 303
    db.session.expire_all()
    rep = db.session.get(Report, rep.id)
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**BODY, "version": rep.version, "action": "submit"})
    assert r.status_code == 303
    db.session.expire_all()
    return rnd, db.session.get(Report, rep.id), thu


def test_no_post_of_the_author_changes_a_sent_report(app):
    rnd, rep, thu = _sent_with_evidence(app)
    assert rep.state == "submitted" and len(rep.versions) == 1
    file_id, doc_id = rep.files[0].id, rep.documents[0].id
    before = _state(rep.id)
    base = f"/dot-kiem-tra/bao-cao/{rep.id}"
    posts = [
        (base, {**BODY, "done_text": "Sửa sau khi gửi.", "version": rep.version, "action": "save"}),
        (base, {**BODY, "done_text": "Gửi lại bản khác.", "version": rep.version, "action": "submit"}),
        (f"{base}/tep", {"files": [upload("them.png", PNG)]}),
        (f"{base}/tep/dung-lai", {"file_id": file_id}),
        (f"{base}/tep/{file_id}/go", {}),
        (f"{base}/van-ban", {"number": "99/QĐ", "summary": "x"}),
        (f"{base}/van-ban/{doc_id}/xoa", {}),
        (f"{base}/tra-loi", {"body": "Trả lời khi không được hỏi."}),
    ]
    for url, data in posts:
        kwargs = {"content_type": "multipart/form-data"} if url.endswith("/tep") else {}
        r = thu.post(url, data=data, headers=HTMX, **kwargs)
        assert r.status_code in (403, 409, 422), (url, r.status_code)
        assert _state(rep.id) == before, url
    page = thu.get(base).get_data(as_text=True)
    assert 'id="report-form"' not in page and 'id="upload-form"' not in page and 'id="withdraw-form"' in page


def test_withdraw_before_the_team_starts_is_recorded(app):
    rnd, rep, thu = _sent_with_evidence(app)
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/rut-lai").status_code == 303
    db.session.expire_all()
    rep = db.session.get(Report, rep.id)
    assert rep.state == "draft" and rep.submitted_at is None and len(rep.versions) == 1
    assert db.session.scalar(select(func.count(ChangeLog.id)).where(ChangeLog.action == "withdraw")) == 1
    # the evidence that was sent stays, even while the report is a draft again
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep/{rep.files[0].id}/go", headers=HTMX)
    assert r.status_code == 422 and "đã được gửi" in r.get_data(as_text=True)
    assert len(db.session.get(Report, rep.id).files) == 1
    # amended and sent again: a second version
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={**BODY, "done_text": "Bản sửa.", "version": rep.version,
                                                         "action": "submit"})
    assert r.status_code == 303
    assert db.session.scalar(select(func.count(ReportVersion.id)).where(ReportVersion.report_id == rep.id)) == 2


def test_withdraw_refused_once_the_team_started_or_by_others(app):
    rnd, rep, thu = _sent_with_evidence(app)
    assert login_as(app, "vp.viet").post(f"/dot-kiem-tra/bao-cao/{rep.id}/rut-lai").status_code == 403
    assert login_as(app, "vp.khoa").post(f"/dot-kiem-tra/bao-cao/{rep.id}/rut-lai").status_code == 403
    rep.review = Review(rating="dat", reviewer_id=person("vp.viet").id)
    db.session.commit()
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/rut-lai").status_code == 403
    assert db.session.get(Report, rep.id).state == "submitted"


def test_clarification_gives_a_new_version_the_inspector_sees_both_and_the_difference(app):
    rnd, rep, thu = _sent_with_evidence(app)
    old_file = rep.files[0].id
    viet = login_as(app, "vp.viet")
    assert viet.post(f"/dot-kiem-tra/bao-cao/{rep.id}/giai-trinh",
                     data={"body": "Bổ sung số liệu và văn bản."}).status_code == 303
    db.session.expire_all()
    rep = db.session.get(Report, rep.id)
    assert rep.state == "clarify"
    # the author amends: new text, one more file, tries to drop the file already sent
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}", data={
        **BODY, "done_text": "Đã ban hành kế hoạch số 15/KH-UBND và tổ chức tập huấn.", "version": rep.version,
        "action": "save"})
    assert r.status_code == 303
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep", data={"files": [upload("tap-huan.png", PNG)]},
                    content_type="multipart/form-data").status_code == 303
    r = thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tep/{old_file}/go", headers=HTMX)
    assert r.status_code == 422
    assert thu.post(f"/dot-kiem-tra/bao-cao/{rep.id}/tra-loi", data={"body": "Đã bổ sung."}).status_code == 303
    db.session.expire_all()
    rep = db.session.get(Report, rep.id)
    assert rep.state == "submitted" and [v.number for v in rep.versions] == [1, 2]
    assert rep.versions[0].done_text == BODY["done_text"]  # the first version kept as it was sent
    page = viet.get(f"/dot-kiem-tra/bao-cao/{rep.id}").get_data(as_text=True)
    assert 'id="version-1"' in page and 'id="version-2"' in page
    diff = page.split('id="diff-2"')[1].split("</div>")[0]
    assert "<del>12/KH-UBND. </del>" in diff or "<del>12/KH-UBND.</del>" in diff
    assert "<ins>15/KH-UBND" in diff and "tập huấn." in diff
    assert "Tệp bổ sung: <ins>tap-huan.png</ins>" in diff
    # evidence survives: both files still with the report and downloadable by the inspector
    assert {f.original_name for f in rep.files} == {"ke-hoach.pdf", "tap-huan.png"}
    assert viet.get(f"/dot-kiem-tra/bao-cao/{rep.id}/tep/{old_file}").status_code == 200
    assert db.session.scalar(select(func.count(ReportDocument.id)).where(ReportDocument.report_id == rep.id)) == 1


def test_word_diff_marks_only_what_changed():
    assert word_diff("Đã ban hành kế hoạch", "Đã ban hành hai kế hoạch") == [
        ("same", "Đã ban hành "), ("ins", "hai "), ("same", "kế hoạch")]
    assert word_diff("a b", "a c") == [("same", "a "), ("del", "b"), ("ins", "c")]
    assert word_diff("", "") == []
