"""In a real browser: the author submits, the inspector's bell count rises without a reload, the
inspector opens the notification and lands on the report, then walks the filtered queue with
"next report"."""
import re

from playwright.sync_api import expect

from portal.extensions import db
from portal.notifications import services as N
from portal.rounds import services as S
from tests.browser.conftest import login
from tests.rounds_factory import make_round, person

REPORT = {"status": "done", "done_text": "Đã ban hành kế hoạch.", "indicator_value": "", "difficulties": "",
          "proposals": "", "self_score": ""}


def test_bell_rises_notification_opens_report_next_walks_queue(browser, live_server, app):
    app.config["NOTIF_POLL_SECONDS"] = 1  # the bell polls every 30s in production
    rnd = make_round(name="Đợt kiểm tra thông báo", count=6, authors=("vp.khoa", "vp.thu"))
    khoa_reports = S.my_reports(person("vp.khoa"), rnd.id)
    for report in khoa_reports[1:]:  # already waiting for review
        S.save_report(report, REPORT, submit=True)
    N.mark_all_read(person("vp.viet"))
    db.session.commit()
    target, round_id = khoa_reports[0], rnd.id
    target_id = target.id

    inspector_ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    author_ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    try:
        inspector, author = inspector_ctx.new_page(), author_ctx.new_page()
        for p in (inspector, author):
            p.set_default_timeout(20_000)
        login(inspector, live_server, "vp.viet")
        inspector.goto(f"{live_server}/")
        bell = inspector.locator("#notif-bell")
        expect(bell).to_contain_text("Thông báo")
        expect(bell.locator(".notif-count")).to_have_count(0)
        inspector.evaluate("window.__stayed = true")  # gone if the page reloads

        # The author submits a report.
        login(author, live_server, "vp.khoa")
        author.goto(f"{live_server}/dot-kiem-tra/bao-cao/{target_id}")
        author.get_by_label("Tình trạng thực hiện").select_option(label="Đã hoàn thành")
        author.get_by_label("Kết quả đã thực hiện").fill("Đã tổ chức 4 hội nghị tuyên truyền CCHC.")
        author.once("dialog", lambda dialog: dialog.accept())
        with author.expect_navigation():
            author.get_by_role("button", name="Gửi báo cáo").click()
        expect(author.locator("#report-state")).to_have_text("Đã gửi")

        # The inspector's bell rises on its own.
        expect(bell.locator(".notif-count")).to_have_text("1")
        assert inspector.evaluate("window.__stayed") is True

        # The notification leads to the report.
        bell.click()
        inspector.wait_for_url(re.compile(r"/thong-bao/$"))
        inspector.get_by_role("link", name=re.compile("Vũ Đăng Khoa đã gửi báo cáo|đã gửi báo cáo")).first.click()
        inspector.wait_for_url(re.compile(rf"/dot-kiem-tra/bao-cao/{target_id}$"))
        expect(inspector.locator("#report-section").get_by_text("Đã tổ chức 4 hội nghị tuyên truyền CCHC.")).to_be_visible()
        expect(bell.locator(".notif-count")).to_have_count(0)  # opened: read

        # The filtered queue, walked with "next report".
        db.session.commit()  # a fresh snapshot: the author's submission was made by the server
        waiting = [r.id for r in S.round_reports(round_id, state="to_review")]
        db.session.commit()
        assert len(waiting) == len(khoa_reports)
        inspector.goto(f"{live_server}/dot-kiem-tra/{round_id}/tham-dinh?trang_thai=to_review")
        inspector.locator(f"#queue-row-{waiting[0]} td.code a").click()
        for n, report_id in enumerate(waiting, start=1):
            inspector.wait_for_url(re.compile(rf"/dot-kiem-tra/bao-cao/{report_id}\?trang_thai=to_review$"))
            expect(inspector.locator("#queue-walk")).to_contain_text(f"Báo cáo {n}/{len(waiting)}")
            if n < len(waiting):
                inspector.get_by_role("link", name="Báo cáo tiếp theo »").click()
        expect(inspector.locator("#next-report")).to_have_count(0)
        inspector.get_by_role("link", name="« Báo cáo trước").click()
        inspector.wait_for_url(re.compile(rf"/bao-cao/{waiting[-2]}\?trang_thai=to_review$"))
        expect(inspector.locator("#queue-walk")).to_contain_text(f"Báo cáo {len(waiting) - 1}/{len(waiting)}")
        inspector.screenshot(path="/tmp/n13/walk.png", full_page=False)
    finally:
        inspector_ctx.close()
        author_ctx.close()
