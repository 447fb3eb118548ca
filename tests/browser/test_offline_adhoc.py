"""An ad-hoc inspection logged with no network: the page comes from the service worker, the
entry (with its photo) waits in IndexedDB as "chưa đồng bộ", and reaches the server exactly once
when the network is back."""
import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.adhoc.models import AdhocEntry
from portal.evidence.demo_files import demo_photo
from portal.extensions import db
from tests.browser.conftest import login

SUBJECT = "Kiểm tra giờ giấc làm việc tại Bộ phận Một cửa (ghi khi mất mạng)"


def _entries():
    db.session.remove()
    return db.session.scalars(select(AdhocEntry).where(AdhocEntry.subject == SUBJECT)).all()


def test_entry_written_offline_is_kept_then_synced_once(browser, live_server, app, tmp_path):
    db.session.commit()
    photo = tmp_path / "anh-hien-truong.png"
    photo.write_bytes(demo_photo())
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        login(page, live_server, "vhxh.nhung")
        page.goto(f"{live_server}/kiem-tra-dot-xuat/moi")
        page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now the service worker controls the page and has kept it
        page.wait_for_function("navigator.serviceWorker.controller !== null")

        context.set_offline(True)
        page.get_by_label(re.compile(r"^Ngày kiểm tra")).fill("05/11/2026")
        page.get_by_label("Loại kiểm tra đột xuất").select_option(index=1)
        page.get_by_label("Nội dung, chủ đề kiểm tra").fill(SUBJECT)
        page.get_by_label("Cán bộ, công chức được kiểm tra").select_option(index=1)
        page.get_by_label("Người, tổ chức phản ánh, kiến nghị").fill("Ông Nguyễn Văn A")
        page.get_by_label("Nội dung đã kiểm tra").fill("Kiểm tra việc chấp hành giờ làm việc.")
        page.get_by_label("Ảnh chụp tại nơi kiểm tra").set_input_files(str(photo))
        page.get_by_role("button", name="Lưu", exact=True).click()
        item = page.locator("#offline-outbox .outbox-item", has_text=SUBJECT)
        expect(item).to_contain_text("chưa đồng bộ")
        expect(item).to_contain_text("1 ảnh")
        assert _entries() == []

        page.reload()  # still offline: the form from the service worker, the entry from IndexedDB
        expect(page.get_by_role("heading", name="Ghi cuộc kiểm tra đột xuất")).to_be_visible()
        expect(page.locator("#offline-outbox .outbox-item", has_text=SUBJECT)).to_contain_text("chưa đồng bộ")

        context.set_offline(False)
        expect(page.locator("#outbox-status")).to_contain_text("Đã đồng bộ 1 mục ghi")
        expect(page.locator("#offline-outbox .outbox-item")).to_have_count(0)
        page.reload()
        expect(page.locator("#offline-outbox .outbox-item")).to_have_count(0)
    finally:
        context.close()
    entries = _entries()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.client_id and entry.inspected_on.isoformat() == "2026-11-05"
    assert [f.original_name for f in entry.files] == ["anh-hien-truong.png"]
    assert db.session.scalar(select(func.count()).select_from(AdhocEntry).where(AdhocEntry.client_id == entry.client_id)) == 1
