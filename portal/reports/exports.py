"""Excel exports of a round: the matrix, the review results, findings and remedies, the ad-hoc log."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.exports.xlsx import Sheet, build_workbook
from portal.extensions import db
from portal.findings.models import CAUSES, REMEDY_STATUSES, SOURCES, Finding
from portal.rounds import services as RS
from portal.rounds.models import RATINGS, REPORT_STATUSES


def matrix(rnd) -> bytes:
    """Criteria × status: one line per criterion, then a count of statuses per area."""
    reports = RS.round_reports(rnd.id)
    phases = RS.PHASES
    rows = [[r.item.area.code, r.item.code, r.item.text,
             r.author.full_name if r.author else "Chưa phân công", r.unit.short_name if r.unit else "",
             REPORT_STATUSES.get(r.status, ""), phases[RS.report_phase(r)], "Có" if r.late else "",
             r.submitted_at] for r in reports]
    per_area = []
    for area in rnd.catalogue.areas:
        mine = [r for r in reports if r.item.area_id == area.id]
        if not mine:
            continue
        phase_count = Counter(RS.report_phase(r) for r in mine)
        status_count = Counter(r.status for r in mine)
        per_area.append([area.label, len(mine), *[status_count.get(k, 0) for k in REPORT_STATUSES],
                         *[phase_count.get(k, 0) for k in phases], sum(1 for r in mine if r.late)])
    return build_workbook([
        Sheet("Ma trận", ["Lĩnh vực", "Mã", "Nội dung kiểm tra", "Người phụ trách", "Đơn vị", "Tình trạng thực hiện",
                          "Tiến độ", "Trễ hạn", "Gửi lúc (UTC)"], rows, widths=[8, 9, 60, 22, 10, 18, 16, 8, 17],
              heading=[f"MA TRẬN NỘI DUNG KIỂM TRA — {rnd.name.upper()}"]),
        Sheet("Theo lĩnh vực", ["Lĩnh vực", "Số nội dung", *REPORT_STATUSES.values(), *phases.values(), "Trễ hạn"],
              per_area, heading=[f"TỔNG HỢP THEO LĨNH VỰC — {rnd.name.upper()}"]),
    ])


def reviews(rnd) -> bytes:
    reports = RS.round_reports(rnd.id)
    rows = [[r.item.code, r.item.text, r.author.full_name if r.author else "",
             RATINGS.get(r.review.rating, "") if r.review else "", r.review.comment if r.review else "",
             r.self_score, r.review.appraised_score if r.review else None,
             r.review.reviewer.full_name if r.review and r.review.reviewer else "",
             r.review.reviewed_at if r.review else None] for r in reports]
    return build_workbook([Sheet("Kết quả thẩm định", ["Mã", "Nội dung", "Người phụ trách", "Đánh giá", "Nhận xét",
                                                     "Điểm tự chấm", "Điểm thẩm định", "Người thẩm định",
                                                     "Thẩm định lúc (UTC)"], rows,
                                 widths=[9, 55, 22, 14, 40, 10, 10, 22, 17],
                                 heading=[f"KẾT QUẢ THẨM ĐỊNH — {rnd.name.upper()}"])])


def findings(year: int) -> bytes:
    found = db.session.scalars(
        select(Finding).where(Finding.year == year)
        .options(selectinload(Finding.remedies), joinedload(Finding.area), joinedload(Finding.unit),
                 joinedload(Finding.person)).order_by(Finding.found_on, Finding.id)).unique().all()
    f_rows, r_rows = [], []
    for f in found:
        f_rows.append([f.id, f.found_on, SOURCES.get(f.source, f.source), f.area.code if f.area else "",
                       f.description, CAUSES.get(f.cause, ""), f.cause_detail, f.recommendation,
                       f.unit.short_name if f.unit else "", f.person.full_name if f.person else "",
                       len(f.remedies), f.closed_at])
        for r in f.remedies:
            r_rows.append([f.id, f.description, r.action, r.owner_name, r.deadline,
                           REMEDY_STATUSES.get(r.status, r.status), r.done_on, r.confirmed_at, r.note])
    return build_workbook([
        Sheet("Tồn tại, hạn chế", ["Số", "Ngày phát hiện", "Nguồn", "Lĩnh vực", "Tồn tại, hạn chế", "Nguyên nhân",
                                   "Chi tiết nguyên nhân", "Kiến nghị", "Đơn vị", "Người phụ trách",
                                   "Số biện pháp", "Đóng lúc"], f_rows,
              heading=[f"TỒN TẠI, HẠN CHẾ NĂM {year}"]),
        Sheet("Biện pháp khắc phục", ["Tồn tại số", "Tồn tại, hạn chế", "Biện pháp", "Người, đơn vị thực hiện", "Hạn",
                                      "Tình trạng", "Ngày xong", "Xác nhận lúc", "Ghi chú"], r_rows,
              heading=[f"BIỆN PHÁP KHẮC PHỤC NĂM {year}"]),
    ])


def adhoc(year: int) -> bytes:
    """The year's ad-hoc log, in the same columns as the log's own export."""
    from portal.adhoc import services as adhoc_services
    from portal.adhoc.models import AdhocEntry

    entries = db.session.scalars(select(AdhocEntry).where(AdhocEntry.year == year)
                                 .order_by(AdhocEntry.inspected_on, AdhocEntry.id)).all()
    return build_workbook([Sheet("Kiểm tra đột xuất", adhoc_services.EXPORT_HEADERS,
                                 adhoc_services.export_rows(entries),
                                 heading=[f"SỔ THEO DÕI KIỂM TRA ĐỘT XUẤT NĂM {year}"])])
