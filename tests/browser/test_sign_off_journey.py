"""The chairman signs off a closed round's report in the browser, then opens the approved PDF and
the Word file: both carry the number and the directive he wrote."""
import io
import subprocess

from docx import Document as read_docx
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.rounds.models import Round
from tests.browser.conftest import login


def test_chairman_signs_off_and_opens_the_approved_pdf_and_docx(page, live_server, app, tmp_path):
    rnd = db.session.scalar(select(Round).where(Round.state == "closed").order_by(Round.id))
    round_id = rnd.id
    db.session.commit()  # release this thread's transaction for the live server

    login(page, live_server, "chutich")
    page.goto(f"{live_server}/bao-cao-ket-qua/dot/{round_id}")
    page.get_by_label("Số báo cáo:").fill("9")
    page.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng Văn hóa - Xã hội đôn đốc khắc phục trước ngày 31/8/2026.")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Phê duyệt báo cáo").click()
    expect(page.get_by_text("Đã phê duyệt báo cáo và ghi ý kiến chỉ đạo.")).to_be_visible()
    expect(page.locator("#sign-offs")).to_contain_text("Số 9")

    pdf_link = page.get_by_role("link", name="Báo cáo đã phê duyệt (PDF)", exact=True)
    expect(pdf_link).to_be_visible()
    pdf = page.request.get(live_server + pdf_link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "approved.pdf"
    path.write_bytes(pdf.body())
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
                    .stdout.split())
    assert "Số: 09/BC-ĐKT" in text
    assert "Ý kiến chỉ đạo của Chủ tịch UBND phường: Giao Phòng Văn hóa - Xã hội đôn đốc khắc phục" in text

    with page.expect_download() as info:
        page.get_by_role("link", name="Báo cáo đã phê duyệt (Word)", exact=True).click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    doc = read_docx(io.BytesIO(open(download.path(), "rb").read()))
    words = "\n".join(p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs)
    words += "\n".join(p.text for p in doc.paragraphs)
    assert "Số: 09/BC-ĐKT" in words and "Giao Phòng Văn hóa - Xã hội đôn đốc khắc phục" in words
