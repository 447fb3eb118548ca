"""The self-scoring table in the province's usual layout, as Excel and as a PDF document:
STT | Lĩnh vực / tiêu chí / tiêu chí thành phần | Điểm tối đa | Điểm tự chấm | Điểm thẩm định |
Tài liệu kiểm chứng | Giải trình. Both are built from one list of rows so they hold the same
numbers."""
from __future__ import annotations

from decimal import Decimal

from portal.exports.xlsx import Sheet, build_workbook
from portal.pdf.model import Para, Table

from .totals import ScoreTable

HEADERS = ["STT", "Lĩnh vực / tiêu chí / tiêu chí thành phần", "Điểm tối đa", "Điểm tự chấm",
           "Điểm thẩm định", "Tài liệu kiểm chứng", "Giải trình"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def fmt(value: Decimal | None) -> str:
    """"12,5" (Vietnamese decimal comma); empty for None."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def lines(table: ScoreTable) -> tuple[list[list[str]], set[int]]:
    """The printed rows (as text) and the indexes of area rows (printed as headings)."""
    out, headings = [], set()
    area_no = crit_no = 0
    for row in table.rows:
        if row.kind == "area":
            area_no, crit_no = area_no + 1, 0
            t = table.areas.get(row.code)
            headings.add(len(out))
            out.append([ROMAN[area_no - 1] if area_no <= len(ROMAN) else str(area_no), f"{row.code}. {row.text}",
                        fmt(t.max_points) if t and t.max_points else "", fmt(t.self_score) if t and t.max_points else "",
                        fmt(t.appraised) if t and t.max_points else "", "", ""])
        elif row.kind == "group":
            out.append(["", row.text, "", "", "", "", ""])
        else:
            crit_no += 1
            text = ("   " * row.depth) + f"{row.code}. {row.text}"
            if row.indicator:
                text += f" (kết quả: {row.indicator})"
            na = row.not_applicable
            explain = "; ".join(filter(None, [row.justification,
                                              f"Đoàn thẩm định: {row.reason}" if row.reason else ""]))
            out.append([str(crit_no), text, fmt(row.max_points),
                        "Không phát sinh" if na else fmt(row.self_score),
                        "Không phát sinh" if na else fmt(row.appraised_effective if row.max_points is not None else None),
                        row.evidence, explain])
    o = table.overall
    headings.add(len(out))
    out.append(["", "TỔNG ĐIỂM", fmt(o.max_points), fmt(o.self_score), fmt(o.appraised), "", ""])
    if o.not_applicable:
        out.append(["", f"Điểm tối đa sau khi loại {o.not_applicable} nội dung không phát sinh",
                    fmt(o.applicable_max), "", "", "", ""])
    headings.add(len(out))
    out.append(["", "TỔNG ĐIỂM QUY ĐỔI THANG ĐIỂM 100", "100", fmt(o.self_100), fmt(o.appraised_100), "", ""])
    return out, headings


def xlsx(table: ScoreTable, heading: list[str]) -> bytes:
    rows, _ = lines(table)
    return build_workbook([Sheet("Bảng tự chấm điểm", HEADERS, rows, widths=[6, 70, 10, 10, 11, 35, 40],
                                 heading=heading)])


def blocks(table: ScoreTable) -> list:
    rows, headings = lines(table)
    o = table.overall
    out = [Table(HEADERS, rows, widths=["6%", "38%", "8%", "8%", "9%", "15%", "16%"],
                 aligns=["center", "left", "center", "center", "center", "left", "left"],
                 group_rows=headings, font_pt=9)]
    out.append(Para(f"Tổng điểm tự chấm {fmt(o.self_score)}/{fmt(o.applicable_max)} điểm, quy đổi "
                    f"{fmt(o.self_100)}/100; tổng điểm thẩm định {fmt(o.appraised)}/{fmt(o.applicable_max)} "
                    f"điểm, quy đổi {fmt(o.appraised_100)}/100"
                    + (f" ({o.not_applicable} nội dung không phát sinh không tính điểm)." if o.not_applicable else ".")))
    return out
