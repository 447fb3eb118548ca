"""A few real evidence files for the demo ward, generated when the demo is loaded (a PDF, a photo,
a Word document and an Excel workbook), so the preview beside a report shows in the demo."""
import io
from pathlib import Path

from werkzeug.datastructures import FileStorage

FONT = Path(__file__).resolve().parents[1] / "static" / "fonts" / "LiberationSerif-Regular.ttf"


def demo_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DemoSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DemoSerif", str(FONT)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("Kế hoạch tuyên truyền CCHC năm 2026")
    lines = ["ỦY BAN NHÂN DÂN PHƯỜNG THÀNH SEN", "", "KẾ HOẠCH",
             "Tuyên truyền cải cách hành chính năm 2026", "",
             "1. Mục đích: nâng cao nhận thức của cán bộ, công chức và người dân về CCHC.",
             "2. Nội dung: phổ biến thủ tục hành chính, dịch vụ công trực tuyến.",
             "3. Hình thức: hội nghị, loa truyền thanh, trang thông tin điện tử phường.",
             "4. Thời gian: quý I đến quý IV năm 2026."]
    y = 780
    for i, line in enumerate(lines):
        c.setFont("DemoSerif", 15 if i in (2, 3) else 12)
        c.drawCentredString(298, y, line) if i < 4 else c.drawString(60, y, line)
        y -= 24
    c.showPage()
    c.save()
    return buf.getvalue()


def demo_photo() -> bytes:
    """A wide "photo" of a notice board (large enough that an unscaled preview would be cut off)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1600, 1000), (226, 232, 240))
    draw = ImageDraw.Draw(img)
    draw.rectangle((120, 120, 1480, 880), fill=(255, 255, 255), outline=(179, 38, 30), width=12)
    font = ImageFont.truetype(str(FONT), 64)
    small = ImageFont.truetype(str(FONT), 40)
    draw.text((800, 260), "BẢNG NIÊM YẾT", font=font, fill=(179, 38, 30), anchor="mm")
    draw.text((800, 360), "Thủ tục hành chính - Bộ phận Một cửa", font=small, fill=(29, 36, 48), anchor="mm")
    for i in range(5):
        draw.rectangle((220, 440 + i * 80, 1380, 490 + i * 80), fill=(238, 240, 243))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def demo_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("Báo cáo kết quả tuyên truyền CCHC", level=1)
    doc.add_paragraph("Năm 2026, UBND phường Thành Sen đã tổ chức 4 hội nghị tuyên truyền "
                      "về cải cách hành chính với hơn 600 lượt người tham dự.")
    doc.add_paragraph("Phát 24 chương trình trên loa truyền thanh; đăng 36 tin bài trên trang thông tin điện tử.")
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Hình thức", "Số lượng", "Ghi chú")):
        cell.text = text
    for row in (("Hội nghị", "4", "Quý I–IV"), ("Tin bài", "36", "Trang TTĐT"), ("Loa truyền thanh", "24", "")):
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def demo_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws.append(["STT", "Thủ tục hành chính", "Hồ sơ tiếp nhận", "Đúng hạn", "Trễ hạn"])
    for i, (name, total, late) in enumerate([("Chứng thực bản sao", 412, 0), ("Đăng ký khai sinh", 158, 1),
                                             ("Đăng ký kết hôn", 64, 0), ("Xác nhận tình trạng hôn nhân", 97, 2)], 1):
        ws.append([i, name, total, total - late, late])
    wb.create_sheet("Ghi chú").append(["Số liệu đến hết ngày 15/10/2026"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FILES = [
    ("Kế hoạch tuyên truyền CCHC 2026.pdf", demo_pdf),
    ("Ảnh bảng niêm yết TTHC.png", demo_photo),
    ("Báo cáo kết quả tuyên truyền.docx", demo_docx),
    ("Tổng hợp hồ sơ TTHC.xlsx", demo_xlsx),
]


def demo_uploads():
    """The demo files as uploads (werkzeug FileStorage), ready for evidence.save_upload."""
    return [FileStorage(stream=io.BytesIO(make()), filename=name) for name, make in FILES]
