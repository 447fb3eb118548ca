"""Demo data: three ward procedures, the 2026 public holidays, one completed sample check.

2026 holidays (Bộ luật Lao động 2019, Điều 112; the dates are data, edited per year on the
"Ngày nghỉ lễ, Tết" page):
- Tết Dương lịch: Thu 01/01/2026.
- Tết Nguyên đán Bính Ngọ: mùng 1 Tết is Tue 17/02/2026. The five Tết days for civil servants
  are taken as Mon 16/02 – Fri 20/02/2026 (29 tháng Chạp – mùng 4), which with the weekends
  14–15/02 and 21–22/02 gives the nine-day break announced for 2026. Weekends need no entry.
  (Check the year's official notice before relying on it: the span is decided each year.)
- Giỗ Tổ Hùng Vương (10/3 âm lịch): Sun 26/04/2026, so the compensating day is Mon 27/04/2026.
- Ngày Chiến thắng 30/04 (Thu) and Quốc tế Lao động 01/05 (Fri).
- Quốc khánh: 02/09 (Wed) and the day before, Tue 01/09/2026.
"""
import datetime as dt

from portal.timeutil import parse_date

from . import checks, services
from .models import Holiday

D = dt.date

HOLIDAYS_2026 = [
    (D(2026, 1, 1), "Tết Dương lịch"),
    *[(D(2026, 2, day), "Tết Nguyên đán Bính Ngọ") for day in range(16, 21)],
    (D(2026, 4, 26), "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    (D(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương (26/4 là Chủ nhật)"),
    (D(2026, 4, 30), "Ngày Chiến thắng (30/4)"),
    (D(2026, 5, 1), "Ngày Quốc tế Lao động (1/5)"),
    (D(2026, 9, 1), "Quốc khánh (ngày liền trước 2/9)"),
    (D(2026, 9, 2), "Quốc khánh (2/9)"),
]

# code, name, kind, unit, effective date, steps (name, responsible, days), forms
PROCEDURES = [
    ("QT-VHXH-01", "Đăng ký tổ chức lễ hội", "tthc", "VHXH", "15/07/2025", [
        ("Tiếp nhận, kiểm tra hồ sơ, chuyển phòng chuyên môn", "Công chức Trung tâm Phục vụ hành chính công", 1),
        ("Thẩm định hồ sơ, kiểm tra thực tế (nếu cần)", "Công chức Văn hóa - Xã hội", 8),
        ("Trình lãnh đạo phòng xem xét", "Trưởng phòng Văn hóa - Xã hội", 2),
        ("Phê duyệt văn bản chấp thuận", "Phó Chủ tịch UBND phường", 3),
        ("Vào sổ, đóng dấu, trả kết quả", "Văn thư; Trung tâm Phục vụ hành chính công", 1),
    ], [("BM-01", "Văn bản đăng ký tổ chức lễ hội"), ("BM-02", "Sổ theo dõi hồ sơ")]),
    ("QT-TP-01", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "tthc", "VP", "15/07/2025", [
        ("Tiếp nhận, đối chiếu bản chính với bản sao", "Công chức Trung tâm Phục vụ hành chính công", 0),
        ("Kiểm tra, ghi lời chứng, ký chứng thực", "Phó Chủ tịch UBND phường", 1),
        ("Vào sổ chứng thực, đóng dấu", "Công chức Tư pháp - Hộ tịch", 0),
        ("Thu phí, trả kết quả", "Công chức Trung tâm Phục vụ hành chính công", 0),
    ], [("BM-01", "Sổ chứng thực bản sao từ bản chính")]),
    ("QT-NB-01", "Xử lý văn bản đến trên Hệ thống quản lý văn bản", "noi_bo", "VP", "01/08/2025", [
        ("Tiếp nhận, vào sổ văn bản đến, trình lãnh đạo", "Văn thư", 1),
        ("Phân công xử lý", "Chánh Văn phòng HĐND và UBND", 1),
        ("Xử lý, dự thảo văn bản trả lời", "Công chức được giao", 5),
        ("Duyệt, ký ban hành", "Lãnh đạo UBND phường", 2),
        ("Phát hành, lưu hồ sơ", "Văn thư", 1),
    ], []),
]

# The check's list: code, received, due, returned, handler. QT-VHXH-01 (15 days) and QT-TP-01.
DOSSIERS = [
    ("LH-2026-001", "05/01/2026", "26/01/2026", "23/01/2026", "Võ Thị Hà"),
    ("LH-2026-002", "12/01/2026", "02/02/2026", "30/01/2026", "Võ Thị Hà"),
    ("LH-2026-003", "09/02/2026", "09/03/2026", "13/03/2026", "Võ Thị Hà"),  # spans Tết, late
    ("LH-2026-004", "02/03/2026", "23/03/2026", "20/03/2026", "Võ Thị Hà"),
    ("LH-2026-005", "16/03/2026", "06/04/2026", "03/04/2026", "Võ Thị Hà"),
    ("LH-2026-006", "06/04/2026", "28/04/2026", "28/04/2026", "Võ Thị Hà"),
    ("LH-2026-007", "04/05/2026", "25/05/2026", "22/05/2026", "Võ Thị Hà"),
    ("LH-2026-008", "18/05/2026", "08/06/2026", "05/06/2026", "Võ Thị Hà"),
    ("CT-2026-0101", "06/01/2026", "07/01/2026", "07/01/2026", "Trần Đình Khoa"),
    ("CT-2026-0102", "13/01/2026", "14/01/2026", "14/01/2026", "Trần Đình Khoa"),
    ("CT-2026-0103", "03/02/2026", "04/02/2026", "05/02/2026", "Trần Đình Khoa"),  # late 1 day
    ("CT-2026-0104", "24/02/2026", "25/02/2026", "25/02/2026", "Trần Đình Khoa"),
    ("CT-2026-0105", "10/03/2026", "11/03/2026", "11/03/2026", "Trần Đình Khoa"),
    ("CT-2026-0106", "24/03/2026", "25/03/2026", "25/03/2026", "Trần Đình Khoa"),
    ("CT-2026-0107", "07/04/2026", "08/04/2026", "08/04/2026", "Trần Đình Khoa"),
    ("CT-2026-0108", "29/04/2026", "04/05/2026", "04/05/2026", "Trần Đình Khoa"),  # across 30/4–1/5
    ("CT-2026-0109", "12/05/2026", "13/05/2026", "13/05/2026", "Trần Đình Khoa"),
    ("CT-2026-0110", "26/05/2026", "27/05/2026", "27/05/2026", "Trần Đình Khoa"),
    ("CT-2026-0111", "09/06/2026", "10/06/2026", "10/06/2026", "Trần Đình Khoa"),
    ("CT-2026-0112", "23/06/2026", "24/06/2026", "24/06/2026", "Trần Đình Khoa"),
]
SEED = 2032  # draws LH-2026-003, returned late after Tết, into the sample
# Which step of which sampled dossier the team found wrong, with its note.
NONCONFORMITIES = {
    ("QT-VHXH-01", 2): "Không có biên bản kiểm tra thực tế địa điểm tổ chức lễ hội trong hồ sơ.",
    ("QT-TP-01", 3): "Sổ chứng thực ghi thiếu số chứng thực và ngày chứng thực.",
}


def seed(context):
    units, people = context["units"], context["people"]
    for day, name in HOLIDAYS_2026:
        services.db.session.add(Holiday(date=day, name=name))
    procs = {}
    for code, name, kind, unit, effective, steps, forms in PROCEDURES:
        proc = services.save_procedure(None, code, name, kind, units[unit].id)
        services.add_version(proc, "01", parse_date(effective),
                             [{"name": s, "responsible": r, "days_limit": n} for s, r, n in steps],
                             [{"code": c, "name": n} for c, n in forms])
        procs[code] = proc

    check = checks.create_check("Bóc mẫu hồ sơ 6 tháng đầu năm 2026 (Đợt 1)",
                                [procs["QT-VHXH-01"], procs["QT-TP-01"]],
                                dt.date(2026, 1, 1), dt.date(2026, 6, 30), 5, people["vhxh.nhung"])
    for code, received, due, returned, handler in DOSSIERS:
        checks.add_dossier(check, {"code": code, "procedure": "QT-VHXH-01" if code.startswith("LH") else "QT-TP-01",
                                   "received": received, "due": due, "returned": returned, "handler": handler})
    inspector = people["vp.viet"]
    flagged = set()
    for d in checks.draw(check, SEED):
        for step in d.proc_version.steps:
            key = (d.procedure.code, step.position)
            if key in NONCONFORMITIES and key not in flagged:
                flagged.add(key)  # one wrong step per procedure is enough for the demo
                checks.record_step(d, step.id, "khong_dung", NONCONFORMITIES[key], inspector)
            else:
                checks.record_step(d, step.id, "dung", "", inspector)
    checks.complete(check, inspector, on=dt.date(2026, 7, 6))
