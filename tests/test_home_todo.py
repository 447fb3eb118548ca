"""The to-do list per role on the home page, and walking the filtered review queue."""
import re
from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.rounds import services as S
from tests.rounds_factory import make_round, person
from tests.support import login_as

REPORT = {"status": "done", "done_text": "Đã ban hành kế hoạch.", "indicator_value": "", "difficulties": "",
          "proposals": "", "self_score": ""}


def todo_html(app, username) -> str:
    client = login_as(app, username)
    assert 'hx-get="/viec-can-lam" hx-trigger="load"' in client.get("/").text  # loads after the page
    response = client.get("/viec-can-lam", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    return response.text


def walk_html(client, url) -> str:
    """The review page, then its walk fragment as htmx loads it."""
    page = client.get(url).text
    loader = re.search(r'hx-get="([^"]*/hang-doi[^"]*)"', page)
    assert loader, "the review page loads its walk"
    return client.get(loader.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"}).text


def submit_all(app, rnd, username):
    client = login_as(app, username)
    for report in S.my_reports(person(username), rnd.id):
        r = client.post(f"/dot-kiem-tra/bao-cao/{report.id}", data={**REPORT, "version": report.version,
                                                                     "action": "submit"})
        assert r.status_code == 303
    db.session.expire_all()


def test_author_sees_reports_to_write_and_clarifications(app):
    rnd = make_round(state="open", deadline=date.today() + timedelta(days=2))
    html = todo_html(app, "vp.khoa")
    mine = len(S.my_reports(person("vp.khoa"), rnd.id))
    assert f"Báo cáo cần viết và gửi — {rnd.name}" in html
    assert f'href="/dot-kiem-tra/{rnd.id}/cua-toi"' in html and f'<span class="badge bad">{mine}</span>' in html
    submit_all(app, rnd, "vp.khoa")
    report = S.my_reports(person("vp.khoa"), rnd.id)[0]
    S.request_clarification(report, person("vp.viet"), "Bổ sung số liệu.")
    db.session.commit()
    html = todo_html(app, "vp.khoa")
    assert "Báo cáo cần viết và gửi" not in html
    assert f"Yêu cầu giải trình cần trả lời — {rnd.name}" in html and f"/dot-kiem-tra/bao-cao/{report.id}" in html


def test_inspector_sees_counts_per_round(app):
    rnd = make_round(state="open")
    assert f"— {rnd.name}" not in todo_html(app, "kt.duc")
    submit_all(app, rnd, "vp.khoa")
    count = len(S.my_reports(person("vp.khoa"), rnd.id))
    html = todo_html(app, "kt.duc")
    assert f"Báo cáo chờ thẩm định — {rnd.name}" in html
    assert f'href="/dot-kiem-tra/{rnd.id}/tham-dinh?trang_thai=to_review"' in html
    assert f'<span class="badge">{count}</span>' in html
    assert f"Báo cáo chờ thẩm định — {rnd.name}" not in todo_html(app, "tt.mai")  # not on the team


def test_chairman_sees_sign_off_waiting_and_overdue_remedies(app):
    from portal.findings.models import Remedy

    rnd = make_round(state="closed")
    remedy = db.session.scalar(select(Remedy).order_by(Remedy.id))
    remedy.status, remedy.deadline = "todo", date.today() - timedelta(days=3)
    db.session.commit()
    html = todo_html(app, "chutich")
    assert f"Báo cáo kết quả chờ phê duyệt — {rnd.name}" in html and f"/bao-cao-ket-qua/dot/{rnd.id}" in html
    assert "Biện pháp khắc phục quá hạn" in html and "/ton-tai/?trang_thai=overdue" in html
    assert "Báo cáo kết quả chờ phê duyệt" not in todo_html(app, "vp.thu")


def test_secretariat_sees_what_blocks_closing(app):
    rnd = make_round(state="review")
    missing = len(S.missing_for_close(rnd))
    html = todo_html(app, "vhxh.nhung")
    assert f"Nội dung chưa xong, chặn việc kết thúc — {rnd.name}" in html
    assert re.search(rf'href="/dot-kiem-tra/{rnd.id}">[^<]*</a>\s*<span class="badge">{missing}</span>', html)


def test_next_and_previous_follow_the_queue_filter(app):
    rnd = make_round(state="open", count=6, authors=("vp.thu", "vp.khoa"))
    submit_all(app, rnd, "vp.khoa")  # only vp.khoa's reports are waiting
    waiting = [r.id for r in S.round_reports(rnd.id, state="to_review")]
    assert len(waiting) >= 3
    viet = login_as(app, "vp.viet")
    queue = viet.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh?trang_thai=to_review").text
    assert f'href="/dot-kiem-tra/bao-cao/{waiting[0]}?trang_thai=to_review"' in queue
    seen, url = [], f"/dot-kiem-tra/bao-cao/{waiting[0]}?trang_thai=to_review"
    while url:
        page = walk_html(viet, url)
        seen.append(int(re.search(r"/bao-cao/(\d+)", url).group(1)))
        assert f"Báo cáo {len(seen)}/{len(waiting)}" in page
        nxt = re.search(r'href="([^"]+)" rel="next" id="next-report"', page)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    assert seen == waiting  # every waiting report once, in queue order; none of vp.thu's drafts
    last = walk_html(viet, f"/dot-kiem-tra/bao-cao/{waiting[-1]}?trang_thai=to_review")
    assert f'href="/dot-kiem-tra/bao-cao/{waiting[-2]}?trang_thai=to_review" rel="prev"' in last
    assert 'id="next-report"' not in last
    assert f'href="/dot-kiem-tra/{rnd.id}/tham-dinh?trang_thai=to_review"' in last  # back to the filter
    # unfiltered, the walk covers the whole round
    everything = [r.id for r in S.round_reports(rnd.id)]
    page = walk_html(viet, f"/dot-kiem-tra/bao-cao/{everything[0]}")
    assert f"Báo cáo 1/{len(everything)}" in page


def test_walk_after_the_report_left_the_filter(app):
    rnd = make_round(state="open", count=6, authors=("vp.khoa",))
    submit_all(app, rnd, "vp.khoa")
    waiting = [r.id for r in S.round_reports(rnd.id, state="to_review")]
    S.save_review(db.session.get(type(S.round_reports(rnd.id)[0]), waiting[1]), person("vp.viet"),
                  rating="dat", comment="")
    db.session.commit()
    page = walk_html(login_as(app, "vp.viet"), f"/dot-kiem-tra/bao-cao/{waiting[1]}?trang_thai=to_review")
    assert "không còn trong danh sách đang lọc" in page
    assert f'href="/dot-kiem-tra/bao-cao/{waiting[2]}?trang_thai=to_review" rel="next"' in page


def test_author_sees_no_walk(app):
    rnd = make_round(state="open", authors=("tt.mai",))
    report = S.my_reports(person("tt.mai"), rnd.id)[0]
    client = login_as(app, "tt.mai")
    page = client.get(f"/dot-kiem-tra/bao-cao/{report.id}").text
    assert 'id="queue-walk"' not in page
    assert client.get(f"/dot-kiem-tra/bao-cao/{report.id}/hang-doi").status_code == 403
