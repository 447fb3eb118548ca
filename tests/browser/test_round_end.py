"""Issue 10 in a real browser: nothing typed is lost when a file is uploaded or a document cited,
and a round where one person never reports and another leaves mid-round still closes."""
import re
from datetime import date

from playwright.sync_api import expect

from portal.rounds import services as S
from tests.browser.conftest import login
from tests.rounds_factory import PDF, make_round, person


def test_typed_text_survives_an_upload_and_a_document_reference(page, live_server, app, tmp_path):
    rnd = make_round(name="Đợt giữ nội dung", count=1, authors=("vp.thu",),
                     deadline=date(2099, 1, 1), start=date(2099, 1, 5), end=date(2099, 1, 9))
    report_id = S.round_reports(rnd.id)[0].id
    from portal.extensions import db

    db.session.commit()
    evidence = tmp_path / "Biên bản hội nghị.pdf"
    evidence.write_bytes(PDF)
    login(page, live_server, "vp.thu")
    page.goto(f"{live_server}/dot-kiem-tra/bao-cao/{report_id}")
    typed = "Đã tổ chức 4 hội nghị tuyên truyền, chưa kịp lưu nháp."
    page.get_by_label("Kết quả đã thực hiện").fill(typed)
    page.get_by_label("Khó khăn, vướng mắc").fill("Thiếu kinh phí.")
    page.get_by_label("Tải lên tệp minh chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.locator("#evidence-status")).to_contain_text("Đã tải lên 1 tệp")
    expect(page.locator("#file-list").get_by_role("link", name="Biên bản hội nghị.pdf")).to_be_visible()
    expect(page.get_by_label("Kết quả đã thực hiện")).to_have_value(typed)
    # a document reference: its own section swaps, the text stays
    page.get_by_label("Số, ký hiệu văn bản").fill("15/KH-UBND")
    page.get_by_role("button", name="Thêm văn bản").click()
    expect(page.locator("#documents")).to_contain_text("15/KH-UBND")
    expect(page.get_by_label("Kết quả đã thực hiện")).to_have_value(typed)
    expect(page.get_by_label("Khó khăn, vướng mắc")).to_have_value("Thiếu kinh phí.")


def test_round_with_an_absentee_and_a_leaver_closes(page, live_server, app):
    # vp.thu never reports; tt.tam leaves mid-round and hands over to tt.mai, who reports.
    from portal.assignments.models import Assignment
    from portal.extensions import db

    for assignment in db.session.query(Assignment):  # only this round's people answer for it
        db.session.delete(assignment)
    rnd = make_round(name="Đợt có người vắng", count=4, authors=("vp.thu", "vp.thu", "tt.tam", "tt.tam"),
                     state="open", deadline=date(2026, 1, 5), start=date(2026, 1, 10))
    round_id = rnd.id
    leaver_reports = [r.id for r in S.my_reports(person("tt.tam"), rnd.id)]
    db.session.commit()

    # The secretariat hands the leaver's work over; the open reports go with it (on by default).
    login(page, live_server, "vhxh.nhung")
    page.goto(f"{live_server}/phan-cong/ban-giao")
    page.get_by_label("Người bàn giao").select_option(value=str(person("tt.tam").id))
    page.get_by_label("Người nhận bàn giao").select_option(value=str(person("tt.mai").id))
    expect(page.get_by_label("Chuyển cả báo cáo chưa gửi")).to_be_checked()
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Bàn giao").click()
    expect(page.get_by_text(re.compile(r"\d+ báo cáo chưa gửi và \d+ biện pháp"))).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()

    # The new person in charge reports on both.
    login(page, live_server, "tt.mai")
    for report_id in leaver_reports:
        page.goto(f"{live_server}/dot-kiem-tra/bao-cao/{report_id}")
        page.get_by_label("Tình trạng thực hiện").select_option(label="Đã hoàn thành")
        page.get_by_label("Kết quả đã thực hiện").fill("Đã hoàn thành sau khi nhận bàn giao.")
        page.once("dialog", lambda d: d.accept())
        with page.expect_navigation():
            page.get_by_role("button", name="Gửi báo cáo").click()
        expect(page.locator("#report-state")).to_have_text("Đã gửi")
    page.get_by_role("button", name="Đăng xuất").click()

    # The secretariat moves the round to review; the team decides everything in two bulk actions.
    login(page, live_server, "vhxh.nhung")
    page.goto(f"{live_server}/dot-kiem-tra/{round_id}")
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Chuyển sang thẩm định").click()
    page.get_by_role("button", name="Đăng xuất").click()
    login(page, live_server, "vp.viet")
    page.goto(f"{live_server}/dot-kiem-tra/{round_id}/tham-dinh?trang_thai=draft")
    for box in page.locator("input[name=report_ids]").all():
        box.check()
    page.get_by_label("Kết quả", exact=True).select_option(label="Không gửi báo cáo")
    page.get_by_label("Nhận xét chung").fill("Quá hạn, không báo cáo.")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Ghi nhận cho các báo cáo đã chọn").click()
    expect(page.get_by_text("Đã ghi nhận “Không gửi báo cáo” cho 2 báo cáo.")).to_be_visible()
    page.goto(f"{live_server}/dot-kiem-tra/{round_id}/tham-dinh?trang_thai=to_review")
    for box in page.locator("input[name=report_ids]").all():
        box.check()
    page.get_by_label("Kết quả", exact=True).select_option(label="Đạt")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Ghi nhận cho các báo cáo đã chọn").click()
    expect(page.get_by_text("Đã ghi nhận “Đạt” cho 2 báo cáo.")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()

    login(page, live_server, "vhxh.nhung")
    page.goto(f"{live_server}/dot-kiem-tra/{round_id}")
    expect(page.locator("#ready-to-close")).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Kết thúc đợt kiểm tra").click()
    expect(page.locator("#round-state")).to_have_text("Đã kết thúc")
