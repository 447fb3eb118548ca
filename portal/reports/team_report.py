"""Báo cáo kết quả kiểm tra công tác CCHC of a round: the team's report to the Chairman, on seed
004's outline (I. Đánh giá chung; II. per area "Kết quả đạt được" and "Tồn tại, hạn chế", then the
causes; III. the per-unit and per-person evaluation; IV. good practices, ad-hoc and ISO checks,
follow-up of earlier findings; V. Phương hướng, nhiệm vụ; VI. Kiến nghị, đề xuất, each once).

Every figure is computed from `RoundFacts`, the same lists the tables are built from."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.catalogue.levels import by_level, level_sentence
from portal.extensions import db
from portal.findings.models import Finding
from portal.pdf.model import Approval, Heading, Para, Table
from portal.pdf.vn import dmy, num, pct, two
from portal.rounds import services as RS
from portal.rounds.models import Evaluation, Round

from . import common as C
from .models import GoodPractice


@dataclass
class Tally:
    total: int = 0
    sent: int = 0
    late: int = 0
    dat: int = 0
    mot_phan: int = 0
    chua_dat: int = 0
    findings: int = 0

    def add(self, report, findings=0):
        self.total += 1
        if C.decided(report):
            self.sent += 1
            self.late += 1 if report.late else 0
        # A rating is the team's decision: on a sent report, or "Không gửi báo cáo" (rated Chưa đạt).
        rating = report.review.rating if report.review else ""
        if (C.decided(report) or report.state == "not_submitted") and rating in ("dat", "mot_phan", "chua_dat"):
            setattr(self, rating, getattr(self, rating) + 1)
        self.findings += findings

    @property
    def rated(self):
        return self.dat + self.mot_phan + self.chua_dat


@dataclass
class RoundFacts:
    rnd: Round
    reports: list
    findings: list
    all_: Tally = field(default_factory=Tally)
    by_area: dict = field(default_factory=OrderedDict)
    by_unit: dict = field(default_factory=OrderedDict)
    by_person: dict = field(default_factory=OrderedDict)


def facts(rnd: Round, unit_id: int | None = None) -> RoundFacts:
    reports = RS.round_reports(rnd.id, unit_id=unit_id)
    findings = [f for f in RS.findings_for_round(rnd.id) if unit_id is None or f.unit_id == unit_id]
    out = RoundFacts(rnd, reports, findings)
    per_criterion = {}
    for f in findings:
        if f.criterion_id:
            per_criterion[f.criterion_id] = per_criterion.get(f.criterion_id, 0) + 1
    loose = [f for f in findings if not f.criterion_id]
    for r in reports:
        n = per_criterion.get(r.criterion_id, 0)
        out.all_.add(r, n)
        out.by_area.setdefault(r.item.area, Tally()).add(r, n)
        if r.unit:
            out.by_unit.setdefault(r.unit, Tally()).add(r, n)
        if r.author:
            out.by_person.setdefault(r.author, Tally()).add(r, n)
    # Findings not tied to a criterion still count, once, where they belong.
    for f in loose:
        out.all_.findings += 1
        if f.area:
            out.by_area.setdefault(f.area, Tally()).findings += 1
        if f.unit:
            out.by_unit.setdefault(f.unit, Tally()).findings += 1
        if f.person:
            out.by_person.setdefault(f.person, Tally()).findings += 1
    return out


def _unique(items):
    """Keep the first of equal texts (case and spacing aside), with who raised each."""
    seen = OrderedDict()
    for text, who in items:
        key = " ".join(text.lower().split()).rstrip(".;")
        if not key:
            continue
        entry = seen.setdefault(key, [text.strip().rstrip(".;"), []])
        if who and who not in entry[1]:
            entry[1].append(who)
    return list(seen.values())


def _with_who(text, who):
    return f"{text} ({', '.join(who)})" if who else text


def recommendations(findings) -> list[str]:
    return [_with_who(t, w) for t, w in _unique(
        (f.recommendation, f.unit.short_name if f.unit else "") for f in findings if f.recommendation)]


def rating_sentence(t: Tally) -> str:
    if not t.rated:
        return "Đoàn kiểm tra chưa có kết quả thẩm định."
    return (f"Đoàn kiểm tra đã thẩm định {two(t.rated)} nội dung: {two(t.dat)} đạt, {two(t.mot_phan)} đạt một phần, "
            f"{two(t.chua_dat)} chưa đạt (tỷ lệ đạt {pct(t.dat, t.rated)}).")


def _tally_row(t: Tally) -> list:
    return [t.total, t.sent, t.late, t.dat, t.mot_phan, t.chua_dat, t.findings]


TALLY_HEAD = ["Số nội dung", "Đã gửi", "Gửi muộn", "Đạt", "Đạt một phần", "Chưa đạt", "Tồn tại"]


def _silent(fraction: float, message: str = "") -> None:
    pass


# How far the document is once each part is written (on_progress), as measured on the round of
# benchmarks/scale.py at ten times the demo ward: loading the figures takes half the time, the
# areas a sixth, part IV (good practices, ad-hoc and ISO checks) a quarter.
AFTER_FACTS, AFTER_PART_I, AFTER_AREAS, AFTER_PART_III, AFTER_PART_IV = 0.5, 0.52, 0.68, 0.7, 0.95


def build(round_id: int, *, code_number: str = "", approval: Approval | None = None, on_progress=None):
    """The document; `on_progress(fraction, message)` hears each part as it is written."""
    step = on_progress or _silent
    rnd = db.session.get(Round, round_id)
    f = facts(rnd)
    step(AFTER_FACTS, "Đang viết phần I. Đánh giá chung…")
    ward_name = C.ward_running_name()
    units = list(f.by_unit)
    evals = db.session.scalars(select(Evaluation).where(Evaluation.round_id == rnd.id)).all()
    area_eval = {e.area_id: e.text for e in evals if e.area_id and not e.person_id and e.text}
    leader = rnd.leader
    doc = C.document("team_report", doc_type="team_report", type_code="BC", title="Báo cáo",
                     subtitle=f"Kết quả kiểm tra công tác cải cách hành chính {rnd.name[:1].lower() + rnd.name[1:]}",
                     file_stem=f"Báo cáo kết quả kiểm tra CCHC - {rnd.name}", code_number=code_number,
                     signer_name=leader.full_name if leader else "", draft=C.is_draft(rnd) and approval is None, approval=approval)
    b = doc.blocks
    b.append(Para(f"Căn cứ {C.plan_citation(rnd.year)};"))
    b.append(Para(f"Căn cứ {C.decision_citation(rnd.year)};"))
    b.append(Para(f"Đoàn kiểm tra báo cáo Chủ tịch, các Phó Chủ tịch UBND phường kết quả kiểm tra công tác "
                  f"cải cách hành chính {rnd.name[:1].lower() + rnd.name[1:]} như sau:"))

    b.append(Heading("I. ĐÁNH GIÁ CHUNG"))
    b.append(Heading("1. Đặc điểm tình hình", 2))
    a = f.all_
    period = (f" (kỳ báo cáo từ {dmy(rnd.period_from)} đến {dmy(rnd.period_to)})"
              if rnd.period_from and rnd.period_to else "")
    b.append(Para(f"Từ ngày {dmy(rnd.start_on)} đến ngày {dmy(rnd.end_on)}, Đoàn kiểm tra đã kiểm tra việc thực hiện "
                  f"công tác cải cách hành chính tại {two(len(units))} phòng, cơ quan, đơn vị của {ward_name}{period}. "
                  f"Có {two(a.sent)}/{two(a.total)} nội dung kiểm tra được báo cáo ({pct(a.sent, a.total)})"
                  + (f", trong đó {two(a.late)} nội dung gửi sau hạn ngày {dmy(rnd.report_deadline)}" if a.late else "")
                  + (f"; {two(a.total - a.sent)} nội dung không được báo cáo" if a.total > a.sent else "") + "."))
    b.append(Para(rating_sentence(a)))
    b.append(Heading("2. Thuận lợi, khó khăn", 2))
    b.append(Para("Thuận lợi: công tác kiểm tra được lãnh đạo UBND phường quan tâm chỉ đạo; các phòng, cơ quan, "
                  "đơn vị và công chức phụ trách phối hợp, cung cấp hồ sơ, tài liệu kiểm chứng cho Đoàn kiểm tra."))
    difficulties = _unique((r.difficulties, r.author.full_name if r.author else "")
                           for r in f.reports if C.decided(r) and r.difficulties)
    if difficulties:
        b.append(Para("Khó khăn, vướng mắc do cán bộ, công chức phản ánh:"))
        b += [Para(f"- {_with_who(t, w)};") for t, w in difficulties]
    else:
        b.append(Para("Khó khăn: không có khó khăn, vướng mắc nào được phản ánh trong báo cáo tự kiểm tra."))

    step(AFTER_PART_I, "Đang viết phần II. Kết quả kiểm tra trên các lĩnh vực…")
    b.append(Heading("II. KẾT QUẢ KIỂM TRA TRÊN CÁC LĨNH VỰC"))
    for i, (area, t) in enumerate(f.by_area.items(), start=1):
        if i > 1:
            step(AFTER_PART_I + (AFTER_AREAS - AFTER_PART_I) * (i - 1) / len(f.by_area),
                 f"Phần II: đang viết lĩnh vực {i}/{len(f.by_area)}…")
        rows = [r for r in f.reports if r.item.area_id == area.id]
        b.append(Heading(f"{i}. {area.name}", 2))
        b.append(Heading(f"{i}.1. Kết quả đạt được", 3))
        b.append(Para(f"Đã báo cáo {two(t.sent)}/{two(t.total)} nội dung. {rating_sentence(t)}"))
        for label, level_rows in by_level(rows):  # the plan's level under the area (a)–f))
            b.append(Para(f"- {level_sentence(label, level_rows)};"))
        if area_eval.get(area.id):
            b.append(Para(area_eval[area.id]))
        for r in rows:
            if C.decided(r) and r.indicator_value is not None:
                target = r.item.indicator_target
                unit = r.item.indicator_unit or ""
                b.append(Para(f"- {r.item.code}: đạt {num(r.indicator_value)}{unit}"
                              + (f" (chỉ tiêu {num(target)}{unit})" if target is not None else "") + ";"))
        # The team's remarks on what passed, each once with the criteria it was made on.
        good = _unique((r.review.comment, r.item.code) for r in rows
                       if C.decided(r) and r.review and r.review.rating == "dat" and r.review.comment)
        b += [Para(f"- {_with_who(t, w)};") for t, w in good]
        b.append(Heading(f"{i}.2. Những tồn tại, hạn chế", 3))
        area_findings = [x for x in f.findings if x.area_id == area.id]
        weak = [r for r in rows if C.decided(r) and r.review and r.review.rating == "chua_dat"]
        missing = [r for r in rows if not C.decided(r)]
        if not area_findings and not weak and not missing:
            b.append(Para("Không có tồn tại, hạn chế."))
        for x in area_findings:
            who = ", ".join(filter(None, [x.unit.short_name if x.unit else "", x.person.full_name if x.person else ""]))
            b.append(Para(f"- {x.description.rstrip('.;')}" + (f" ({who})" if who else "") + ";"))
        if weak and not area_findings:
            b.append(Para(f"- {two(len(weak))} nội dung được đánh giá chưa đạt: "
                          + ", ".join(r.item.code for r in weak) + ";"))
        if missing:
            b.append(Para(f"- {two(len(missing))} nội dung chưa được báo cáo: "
                          + ", ".join(r.item.code for r in missing) + ";"))

    if f.findings:
        b.append(Heading(f"{len(f.by_area) + 1}. Nguyên nhân của tồn tại, hạn chế", 2))
        b.append(Para(f"Đoàn kiểm tra ghi nhận {two(len(f.findings))} tồn tại, hạn chế"
                      + (f"; {two(a.chua_dat)} nội dung được đánh giá chưa đạt" if a.chua_dat else "") + "."))
        b += causes(f.findings)
    step(AFTER_AREAS, "Đang viết phần III. Đánh giá theo đơn vị và cá nhân…")
    b.append(Heading("III. ĐÁNH GIÁ THEO ĐƠN VỊ VÀ CÁ NHÂN PHỤ TRÁCH"))
    b.append(Para("Kết quả dưới đây là cơ sở để đánh giá, xếp loại cán bộ, công chức, viên chức và xét thi đua, "
                  "khen thưởng."))
    b.append(Heading("1. Theo phòng, cơ quan, đơn vị", 2))
    b.append(Table(["STT", "Đơn vị", *TALLY_HEAD],
                   [[two(i), u.name, *_tally_row(t)] for i, (u, t) in enumerate(f.by_unit.items(), 1)]
                   + [["", "Tổng cộng", *_tally_row(_sum(f.by_unit.values()))]],
                   widths=["7%", "30%", "9%", "9%", "9%", "9%", "9%", "9%", "9%"],
                   aligns=["center", "left"] + ["center"] * 7, font_pt=10))
    b.append(Heading("2. Theo cán bộ, công chức phụ trách", 2))
    b.append(Table(["STT", "Họ và tên", *TALLY_HEAD],
                   [[two(i), p.full_name, *_tally_row(t)] for i, (p, t) in enumerate(f.by_person.items(), 1)]
                   + [["", "Tổng cộng", *_tally_row(_sum(f.by_person.values()))]],
                   widths=["7%", "30%", "9%", "9%", "9%", "9%", "9%", "9%", "9%"],
                   aligns=["center", "left"] + ["center"] * 7, font_pt=10))

    step(AFTER_PART_III, "Đang viết phần IV. Điển hình, kiểm tra đột xuất, kiểm tra quy trình ISO…")
    b.append(Heading("IV. ĐIỂN HÌNH, KIỂM TRA ĐỘT XUẤT, KIỂM TRA QUY TRÌNH ISO VÀ KHẮC PHỤC TỒN TẠI"))
    b += extras(rnd, lambda part, message: step(AFTER_PART_III + (AFTER_PART_IV - AFTER_PART_III) * part / 4, message))
    step(AFTER_PART_IV, "Đang viết phần V, VI. Phương hướng, kiến nghị…")

    b.append(Heading("V. PHƯƠNG HƯỚNG, NHIỆM VỤ"))
    pending = [r for r in f.reports if C.decided(r) and r.status in ("doing", "todo")]
    if pending:
        b.append(Para(f"- Tiếp tục triển khai, hoàn thành {two(len(pending))} nội dung đang thực hiện hoặc chưa thực hiện: "
                      + ", ".join(r.item.code for r in pending) + ";"))
    if f.findings:
        b.append(Para("- Các phòng, cơ quan, đơn vị và công chức phụ trách khắc phục các tồn tại, hạn chế nêu tại "
                      "Mục II, báo cáo kết quả khắc phục về Đoàn kiểm tra (qua Phòng Văn hóa - Xã hội);"))
    b.append(Para("- Duy trì, phát huy các kết quả đã đạt được; chuẩn bị hồ sơ, tài liệu cho đợt kiểm tra tiếp theo."))

    b.append(Heading("VI. KIẾN NGHỊ, ĐỀ XUẤT"))
    recs = recommendations(f.findings)
    if recs:
        b.append(Heading("1. Kiến nghị của Đoàn kiểm tra", 2))
        b += [Para(f"- {t};") for t in recs]
    props = _unique((r.proposals, r.author.full_name if r.author else "") for r in f.reports if C.decided(r) and r.proposals)
    if props:
        b.append(Heading(f"{2 if recs else 1}. Đề xuất của cán bộ, công chức", 2))
        b += [Para(f"- {_with_who(t, w)};") for t, w in props]
    if not recs and not props:
        b.append(Para("Không có kiến nghị, đề xuất."))
    b.append(Para(f"Trên đây là báo cáo kết quả kiểm tra công tác cải cách hành chính "
                  f"{rnd.name[:1].lower() + rnd.name[1:]} của Đoàn kiểm tra, kính trình Chủ tịch UBND phường "
                  f"xem xét, chỉ đạo."))
    step(1.0, "Đã viết xong báo cáo; đang dựng tệp PDF…")
    return doc


def causes(findings) -> list:
    """Causes as the team stated them (never the finding repeated): per kind, how many findings
    and the distinct explanations given."""
    out = []
    for key, label in (("chu_quan", "chủ quan"), ("khach_quan", "khách quan")):
        mine = [x for x in findings if (x.cause == "chu_quan") == (key == "chu_quan")]
        if not mine:
            continue
        stated = _unique((x.cause_detail, "") for x in mine
                         if x.cause_detail and x.cause_detail.strip() != x.description.strip())
        text = f"- {two(len(mine))} tồn tại do nguyên nhân {label}"
        text += (": " + "; ".join(t for t, _ in stated)) if stated else ""
        out.append(Para(text + ";"))
    return out


def _sum(tallies) -> Tally:
    out = Tally()
    for t in tallies:
        for k in ("total", "sent", "late", "dat", "mot_phan", "chua_dat", "findings"):
            setattr(out, k, getattr(out, k) + getattr(t, k))
    return out


def extras(rnd: Round, step=lambda part, message: None) -> list:
    """Good practices, ad-hoc checks and ISO sample checks of the round's period, and the
    follow-up of the previous round's findings. step(n, message) after the n-th of the four."""
    from portal.adhoc.models import AdhocEntry
    from portal.iso.checks import compliance_by_period

    out = [Heading("1. Điển hình", 2)]
    marks = db.session.scalars(select(GoodPractice).where(GoodPractice.round_id == rnd.id)
                               .order_by(GoodPractice.id)).all()
    if marks:
        for g in marks:
            r = g.report
            who = r.author.full_name if r.author else ""
            out.append(Para(f"- {r.item.code} ({who}): {g.note.rstrip('.;') or 'được Đoàn kiểm tra ghi nhận là điển hình'};"))
    else:
        out.append(Para("Đoàn kiểm tra chưa ghi nhận điển hình trong đợt kiểm tra."))
    step(1, "Phần IV: đang tổng hợp kiểm tra đột xuất…")
    out.append(Heading("2. Kiểm tra đột xuất", 2))
    start = rnd.period_from or rnd.start_on.replace(month=1, day=1)
    adhoc = db.session.scalars(select(AdhocEntry).where(AdhocEntry.inspected_on >= start,
                                                        AdhocEntry.inspected_on <= rnd.end_on)
                               .order_by(AdhocEntry.inspected_on)).all()
    if adhoc:
        with_violations = sum(1 for e in adhoc if e.violations.strip())
        out.append(Para(f"Từ ngày {dmy(start)} đến ngày {dmy(rnd.end_on)} đã thực hiện {two(len(adhoc))} cuộc kiểm tra "
                        f"đột xuất, {two(with_violations)} cuộc phát hiện vi phạm."))
        for e in adhoc[:10]:
            target = e.unit.name if getattr(e, "unit", None) else (e.inspected_other or "")
            out.append(Para(f"- Ngày {dmy(e.inspected_on)}: {e.subject.rstrip('.;')}"
                            + (f" tại {target}" if target else "") + (f"; kết quả: {e.result.rstrip('.;')}" if e.result else "") + ";"))
    else:
        out.append(Para("Trong kỳ không có cuộc kiểm tra đột xuất."))
    step(2, "Phần IV: đang tổng hợp kiểm tra quy trình ISO…")
    out.append(Heading("3. Kiểm tra việc tuân thủ quy trình ISO (bóc mẫu hồ sơ)", 2))
    checks = [c for c in compliance_by_period(rnd.year) if c["check_id"] and c["period_end"] <= rnd.end_on
              and (rnd.period_from is None or c["period_end"] >= rnd.period_from)]
    if checks:
        for c in checks:
            rate = pct(c["ok"], c["ok"] + c["bad"])
            out.append(Para(f"- {c['title']}: {two(c['sampled'])} hồ sơ được rút mẫu, {two(c['ok'])} bước đúng quy trình, "
                            f"{two(c['bad'])} bước không đúng; tỷ lệ tuân thủ {rate};"))
    else:
        out.append(Para("Trong kỳ chưa có lượt kiểm tra bóc mẫu hồ sơ nào hoàn thành."))
    step(3, "Phần IV: đang tổng hợp kết quả khắc phục tồn tại…")
    out.append(Heading("4. Kết quả khắc phục tồn tại đã chỉ ra trước đó", 2))
    earlier = []
    if rnd.previous_id:
        earlier = db.session.scalars(select(Finding).where(Finding.source == "round", Finding.round_id == rnd.previous_id)
                                     .order_by(Finding.id)).all()
    if earlier:
        closed = sum(1 for x in earlier if x.closed_at)
        out.append(Para(f"Đợt kiểm tra trước đã chỉ ra {two(len(earlier))} tồn tại, hạn chế; đến nay {two(closed)} tồn tại "
                        f"đã khắc phục xong ({pct(closed, len(earlier))}), {two(len(earlier) - closed)} tồn tại đang khắc phục."))
    else:
        out.append(Para("Không có tồn tại, hạn chế nào từ đợt kiểm tra trước cần theo dõi."))
    return out
