"""The ward's year-end report on its CCHC inspection work (the "tổng hợp báo cáo" of seed 003
§I.2 and §IV.2): both rounds, the ad-hoc log, ISO sample checks, remedies and their follow-up,
good practices; issued by the UBND, signed TM. UBND, sent upward (Sở Nội vụ)."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.pdf.model import Heading, Para, Table
from portal.pdf.vn import dmy, pct, two
from portal.rounds.models import Round

from . import common as C
from .models import GoodPractice
from .team_report import _unique, _with_who, causes, facts, rating_sentence


def build(year: int, code_number: str = ""):
    from portal.adhoc.models import AdhocEntry
    from portal.findings.models import Finding
    from portal.iso.checks import compliance_by_period

    rounds = db.session.scalars(select(Round).where(Round.year == year, Round.state != "draft")
                                .order_by(Round.start_on)).all()
    doc = C.document("year", doc_type="ward_report", type_code="BC", title="Báo cáo",
                     subtitle=f"Kết quả kiểm tra công tác cải cách hành chính năm {year}",
                     file_stem=f"Báo cáo kết quả kiểm tra CCHC năm {year}", code_number=code_number,
                     draft=any(C.is_draft(r) for r in rounds) or not rounds)
    ward = C.ward_running_name()
    b = doc.blocks
    b.append(Para(f"Thực hiện {C.plan_citation(year)}, Ủy ban nhân dân {ward} báo cáo kết quả kiểm tra công tác "
                  f"cải cách hành chính năm {year} như sau:"))
    b.append(Heading("I. ĐÁNH GIÁ CHUNG"))
    if rounds:
        b.append(Para(f"Năm {year}, Đoàn kiểm tra cải cách hành chính của phường ({C.decision_citation(year)}) đã thực "
                      f"hiện {two(len(rounds))} đợt kiểm tra định kỳ: "
                      + "; ".join(f"{r.name} từ ngày {dmy(r.start_on)} đến ngày {dmy(r.end_on)}" for r in rounds) + "."))
    else:
        b.append(Para(f"Năm {year} chưa có đợt kiểm tra định kỳ nào được tiến hành."))
    b.append(Heading("II. KẾT QUẢ KIỂM TRA"))
    b.append(Heading("1. Kiểm tra định kỳ", 2))
    all_facts = [(r, facts(r)) for r in rounds]
    for r, f in all_facts:
        a = f.all_
        b.append(Para(f"- {r.name}: {two(a.sent)}/{two(a.total)} nội dung được báo cáo ({pct(a.sent, a.total)}); "
                      f"{rating_sentence(a)[:-1].replace('Đoàn kiểm tra đã thẩm định', 'đã thẩm định')}; "
                      f"{two(len(f.findings))} tồn tại, hạn chế được chỉ ra;"))
    if all_facts:
        areas = []
        for _, f in all_facts:
            for area in f.by_area:
                if area not in areas:
                    areas.append(area)
        rows = []
        for area in areas:
            row = [area.code, area.name]
            for _, f in all_facts:
                t = f.by_area.get(area)
                row.append(f"{t.dat}/{t.total}" if t else "")
            rows.append(row)
        heads = ["Mã", "Lĩnh vực"] + [f"Đạt/tổng ({r.name.split(' - ')[0]})" for r, _ in all_facts]
        share = max(1, len(all_facts))
        b.append(Table(heads, rows, widths=["10%", "50%"] + [f"{40 // share}%"] * len(all_facts),
                       aligns=["center", "left"] + ["center"] * len(all_facts), font_pt=11))
    b.append(Heading("2. Kiểm tra đột xuất", 2))
    adhoc = db.session.scalars(select(AdhocEntry).where(AdhocEntry.year == year).order_by(AdhocEntry.inspected_on)).all()
    if adhoc:
        violations = sum(1 for e in adhoc if e.violations.strip())
        b.append(Para(f"Trong năm đã thực hiện {two(len(adhoc))} cuộc kiểm tra đột xuất; {two(violations)} cuộc phát hiện "
                      f"vi phạm và đã được xử lý theo quy định."))
        b.append(Table(["Ngày", "Nội dung", "Đối tượng", "Kết quả, xử lý"],
                       [[dmy(e.inspected_on), e.subject, e.unit.name if e.unit else e.inspected_other,
                         "; ".join(x for x in (e.result, e.handling) if x)] for e in adhoc],
                       widths=["14%", "36%", "20%", "30%"], aligns=["center", "left", "left", "left"], font_pt=10))
    else:
        b.append(Para("Trong năm không có cuộc kiểm tra đột xuất."))
    b.append(Heading("3. Kiểm tra việc tuân thủ quy trình ISO (bóc mẫu hồ sơ)", 2))
    checks = compliance_by_period(year)
    if checks:
        for c in checks:
            b.append(Para(f"- {c['title']}: {two(c['sampled'])} hồ sơ được rút mẫu; tỷ lệ bước đúng quy trình "
                          f"{pct(c['ok'], c['ok'] + c['bad'])};"))
    else:
        b.append(Para("Trong năm chưa có lượt kiểm tra bóc mẫu hồ sơ nào hoàn thành."))
    b.append(Heading("4. Điển hình", 2))
    marks = db.session.scalars(select(GoodPractice).join(Round, Round.id == GoodPractice.round_id)
                               .where(Round.year == year).order_by(GoodPractice.id)).all()
    b += [Para(f"- {g.report.item.code} ({g.report.author.full_name if g.report.author else ''}): "
               f"{g.note.rstrip('.;')};") for g in marks] or [Para("Chưa ghi nhận điển hình.")]
    b.append(Heading("5. Kết quả khắc phục tồn tại, hạn chế", 2))
    findings = db.session.scalars(select(Finding).where(Finding.year == year).order_by(Finding.id)).all()
    if findings:
        closed = sum(1 for x in findings if x.closed_at)
        remedies = [r for x in findings for r in x.remedies]
        b.append(Para(f"Trong năm đã chỉ ra {two(len(findings))} tồn tại, hạn chế (kiểm tra định kỳ, đột xuất và bóc mẫu "
                      f"hồ sơ); {two(closed)} tồn tại đã khắc phục xong ({pct(closed, len(findings))}); "
                      f"{two(len(findings) - closed)} tồn tại đang khắc phục với {two(len(remedies))} biện pháp."))
    else:
        b.append(Para("Trong năm không có tồn tại, hạn chế nào được chỉ ra."))
    b.append(Heading("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"))
    if findings:
        b += causes(findings)
    else:
        b.append(Para("Không có tồn tại, hạn chế."))
    b.append(Heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ"))
    b.append(Para("Tiếp tục duy trì công tác kiểm tra cải cách hành chính định kỳ và đột xuất; theo dõi, đôn đốc khắc "
                  "phục dứt điểm các tồn tại, hạn chế đã chỉ ra; nhân rộng các điển hình."))
    b.append(Heading("V. KIẾN NGHỊ, ĐỀ XUẤT"))
    props = _unique((r.proposals, r.author.full_name if r.author else "") for _, f in all_facts
                    for r in f.reports if C.decided(r) and r.proposals)
    b += [Para(f"- {_with_who(t, w)};") for t, w in props] or [Para("Không có kiến nghị, đề xuất.")]
    return doc
