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


# --------------------------------------------------------------------------------------------
# Year-end ranking
# --------------------------------------------------------------------------------------------
def ranking_headers(result, subject: str) -> list[str]:
    who = ["Họ và tên", "Đơn vị"] if subject == "person" else ["Phòng, cơ quan, đơn vị"]
    return (["Hạng", *who, "Số nội dung chủ trì", "Số nội dung phối hợp"]
            + [f"Điểm {r.name} (trọng số {fmt(result.weights[r.id])})" for r in result.rounds]
            + ["Điểm cả năm", "Mức đề xuất", "Mức được xác nhận", "Lý do điều chỉnh"])


def ranking_rows(result, subject: str) -> list[list[str]]:
    from .models import LEVELS

    rows = []
    for row in (result.persons if subject == "person" else result.units):
        d = result.decisions.get((subject, row.subject_id))
        who = [result.names.get((subject, row.subject_id), "")]
        if subject == "person":
            who.append(result.unit_of.get(row.subject_id, ""))
        rows.append([str(row.rank) if row.rank else "—", *who, str(row.leads), str(row.coordinates)]
                    + [fmt(row.round_scores.get(r.id)) for r in result.rounds]
                    + [fmt(row.score), row.proposed_label, LEVELS.get(d.level, "") if d else "",
                       (d.reason if d else "")])
    return rows


def ranking_xlsx(result) -> bytes:
    heading = [f"BẢNG TỔNG HỢP KẾT QUẢ CẢI CÁCH HÀNH CHÍNH NĂM {result.year}",
               "Làm căn cứ đánh giá, xếp loại cuối năm và xét thi đua, khen thưởng"]
    return build_workbook([
        Sheet("Cá nhân", ranking_headers(result, "person"), ranking_rows(result, "person"), heading=heading),
        Sheet("Đơn vị", ranking_headers(result, "unit"), ranking_rows(result, "unit"), heading=heading)])


def ranking_blocks(result) -> list:
    from portal.pdf.model import Heading

    s = result.setup
    out = [Para(f"Điểm mỗi đợt là trung bình kết quả các nội dung được giao (chủ trì hệ số 1, phối hợp hệ số "
                f"{fmt(s.coordinator_weight)}); điểm cả năm là trung bình có trọng số của các đợt. Mức đề xuất: từ "
                f"{fmt(s.excellent_from)} điểm hoàn thành xuất sắc, từ {fmt(s.good_from)} hoàn thành tốt, từ "
                f"{fmt(s.done_from)} hoàn thành nhiệm vụ, dưới đó không hoàn thành nhiệm vụ.")]
    for n, (subject, title) in enumerate((("person", "Cán bộ, công chức, viên chức"),
                                          ("unit", "Phòng, cơ quan, đơn vị")), start=1):
        out.append(Heading(f"{ROMAN[n - 1]}. {title.upper()}"))
        headers = ranking_headers(result, subject)
        out.append(Table(headers, ranking_rows(result, subject), font_pt=8,
                         aligns=["center"] + ["left"] * (2 if subject == "person" else 1)
                         + ["center"] * (len(headers) - (3 if subject == "person" else 2) - 2) + ["left", "left"]))
    return out
