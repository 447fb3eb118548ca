"""The responsibility list as the plan's annex (seed 001): "Phụ lục … (Kèm theo Kế hoạch số …/KH-UBND
ngày … của UBND phường …)", one heading row per area, no letterhead or signature of its own; a
criterion nobody answers for says so instead of printing blank cells."""
from __future__ import annotations

from portal.pdf.model import Document, Table
from portal.pdf.vn import dmy, two

from . import common as C

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def responsibility_annex(criteria, year: int, subtitle: str = "") -> Document:
    rec = C.records(year)
    number = rec.plan_number if rec and rec.plan_number else "     /KH-UBND"
    when = dmy(rec.plan_date) if rec and rec.plan_date else f"     /     /{year}"
    doc = Document(kind="annex", file_stem=f"Phụ lục phân công phụ trách nội dung kiểm tra CCHC năm {year}",
                   title="Phụ lục", subtitle=f"DANH SÁCH PHÂN CÔNG PHỤ TRÁCH NỘI DUNG KIỂM TRA CẢI CÁCH HÀNH CHÍNH "
                   f"NĂM {year}" + (f" ({subtitle})" if subtitle else ""),
                   note=f"(Kèm theo Kế hoạch số {number} ngày {when} của UBND {C.ward_running_name()})",
                   annex=True, end_mark=False, landscape=True)
    rows, groups, area, n, a_index = [], set(), None, 0, 0
    for c in criteria:
        if c.area is not area:
            area = c.area
            groups.add(len(rows))
            rows.append([ROMAN[a_index] if a_index < len(ROMAN) else "", area.name, "", "", "", "", "", ""])
            a_index += 1
        n += 1
        a = c.assignment
        assigned = a is not None and (a.lead_unit or a.lead_person)
        rows.append([two(n), f"{c.code}. {c.text}", a.product if a else "",
                     (a.lead_unit.name if a and a.lead_unit else "") if assigned else "Chưa phân công",
                     a.lead_person.full_name if a and a.lead_person else "",
                     a.coordinators_text if a else "", a.timeframe if a else "", a.note if a else ""])
    doc.blocks.append(Table(["STT", "Nhiệm vụ (nội dung kiểm tra)", "Kết quả/sản phẩm", "Chủ trì (đơn vị)",
                             "Người chủ trì", "Phối hợp", "Thời gian", "Ghi chú"], rows,
                            widths=["5%", "31%", "14%", "12%", "12%", "12%", "8%", "6%"],
                            aligns=["center", "left", "left", "left", "left", "left", "center", "left"],
                            group_rows=groups, font_pt=10))
    return doc
