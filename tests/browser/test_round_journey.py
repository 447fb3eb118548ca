"""The heart of the year in a real browser: a person reports on a criterion with a file, and an
inspector of the round rates it."""
from playwright.sync_api import expect

from portal.rounds import services as S
from tests.browser.conftest import login, wait_for_preview
from tests.rounds_factory import PDF, make_round


def test_person_submits_report_with_file_and_inspector_rates_it(page, live_server, app, tmp_path):
    rnd = make_round(name="Đợt kiểm tra trên trình duyệt", count=2, authors=("vp.thu",))
    report = S.round_reports(rnd.id, person_id=None)[0]
    report_id, round_id, code = report.id, rnd.id, report.criterion.code
    # End this thread's transaction: on SQLite every transaction holds the write lock
    # (BEGIN IMMEDIATE), and the live server's requests must not wait for the test.
    from portal.extensions import db

    db.session.commit()
    evidence = tmp_path / "Kế hoạch tuyên truyền CCHC.pdf"
    evidence.write_bytes(PDF)

    # The person in charge fills in the report, attaches evidence, and submits.
    login(page, live_server, "vp.thu")
    page.goto(f"{live_server}/dot-kiem-tra/bao-cao/{report_id}")
    page.get_by_label("Tải lên tệp minh chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_text("Kế hoạch tuyên truyền CCHC.pdf").first).to_be_visible()
    page.get_by_label("Tình trạng thực hiện").select_option(label="Đã hoàn thành")
    page.get_by_label("Kết quả đã thực hiện").fill("Đã ban hành kế hoạch tuyên truyền CCHC năm 2026 và tổ chức 4 hội nghị.")
    page.once("dialog", lambda dialog: dialog.accept())  # "Gửi báo cáo cho đoàn kiểm tra?"
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#report-state")).to_have_text("Đã gửi")
    page.get_by_role("button", name="Đăng xuất").click()

    # An inspector of the round opens it from the review queue and rates it.
    login(page, live_server, "vp.viet")
    page.goto(f"{live_server}/dot-kiem-tra/{round_id}/tham-dinh")
    page.get_by_role("link", name=code, exact=True).click()
    wait_for_preview(page)  # the PDF beside the report has loaded and given the focus back
    # the report itself (its version history below repeats the text)
    expect(page.locator("#report-section").get_by_text("Đã ban hành kế hoạch tuyên truyền CCHC năm 2026")).to_be_visible()
    expect(page.locator("#file-list").get_by_role("link", name="Kế hoạch tuyên truyền CCHC.pdf")).to_be_visible()
    page.get_by_label("Kết quả đánh giá").select_option(label="Đạt")
    page.get_by_label("Nhận xét của đoàn").fill("Hồ sơ đầy đủ.")
    with page.expect_navigation():  # a plain form post; wait for its page, even on a busy machine
        page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.locator("#rating-badge")).to_have_text("Đạt")
