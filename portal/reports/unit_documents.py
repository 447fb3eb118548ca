"""A unit's documents in a round: its self-inspection report (báo cáo tự kiểm tra, issued by the
unit, signed by its head, sent to the team through Phòng Văn hóa - Xã hội) and the ward's notice
of the inspection's conclusions to it (Thông báo kết luận kiểm tra: what was good, what is wrong,
what to remedy by when)."""
from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Unit
from portal.extensions import db
from portal.findings.models import Finding
from portal.pdf.model import Heading, Para
from portal.pdf.vn import dmy, num, pct, two
from portal.rounds.models import Round

from . import common as C
from .models import MinutesRecord
from .team_report import _unique, _with_who, causes, facts, rating_sentence, recommendations


SIGNING_TITLES = ("Phó Trưởng phòng", "Trưởng phòng", "Chánh Văn phòng", "Phó Chánh Văn phòng", "Phó Giám đốc",
                  "Giám đốc", "Trưởng Trạm", "Trưởng trạm", "Trưởng Công an", "Chỉ huy trưởng")


def signing_title(position: str) -> str:
    """The title a unit's head signs under: "Trưởng phòng Văn hóa - Xã hội" -> "TRƯỞNG PHÒNG"."""
    for title in sorted(SIGNING_TITLES, key=len, reverse=True):
        if position.startswith(title):
            return title.upper()
    return "THỦ TRƯỞNG ĐƠN VỊ"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def self_report(round_id: int, unit_id: int | None):
    rnd = db.session.get(Round, round_id)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    f = facts(rnd, unit_id=unit.id if unit else None)
    head = C.unit_head(unit) if unit else None
    if unit is not None:
        doc = C.document("self_report", doc_type="self_report", type_code="BC", title="Báo cáo",
                         subtitle=f"Kết quả tự kiểm tra công tác cải cách hành chính {_lower_first(rnd.name)}",
                         file_stem=f"Báo cáo tự kiểm tra CCHC - {unit.name} - {rnd.name}",
                         signer_name=head.full_name if head else "", draft=C.is_draft(rnd),
                         values={"don_vi": unit.name.upper(), "ky_hieu_don_vi": unit.short_name or "ĐV",
                                 "chuc_vu_thu_truong": signing_title(head.position_title if head else "")})
        who = unit.name
    else:
        doc = C.document("self_report", doc_type="ward_report", type_code="BC", title="Báo cáo",
                         subtitle=f"Kết quả tự kiểm tra công tác cải cách hành chính {_lower_first(rnd.name)}",
                         file_stem=f"Báo cáo tự kiểm tra CCHC - {rnd.name}", draft=C.is_draft(rnd))
        doc.recipients = ["Đoàn kiểm tra CCHC phường (qua Phòng Văn hóa - Xã hội)"]
        who = f"các phòng, cơ quan, đơn vị của {C.ward_running_name()}"
    b = doc.blocks
    a = f.all_
    b.append(Para(f"Thực hiện {C.plan_citation(rnd.year)}, {who} báo cáo kết quả tự kiểm tra công tác cải cách "
                  f"hành chính như sau:"))
    b.append(Heading("I. ĐÁNH GIÁ CHUNG"))
    b.append(Heading("1. Đặc điểm tình hình", 2))
    b.append(Para(f"{who[:1].upper() + who[1:]} phụ trách {two(a.total)} nội dung kiểm tra; đã gửi báo cáo "
                  f"{two(a.sent)}/{two(a.total)} nội dung ({pct(a.sent, a.total)}) về Đoàn kiểm tra"
                  + (f", trong đó {two(a.late)} nội dung gửi sau hạn ngày {dmy(rnd.report_deadline)}" if a.late else "")
                  + "."))
    b.append(Heading("2. Thuận lợi, khó khăn", 2))
    difficulties = _unique((r.difficulties, r.author.full_name if r.author else "")
                           for r in f.reports if C.decided(r) and r.difficulties)
    b.append(Para("Thuận lợi: được lãnh đạo UBND phường quan tâm chỉ đạo; cán bộ, công chức phụ trách chủ động "
                  "thực hiện các nhiệm vụ cải cách hành chính được giao."))
    b.append(Para("Khó khăn: " + ("; ".join(_lower_first(_with_who(t, w)) for t, w in difficulties) if difficulties
                                 else "không có khó khăn, vướng mắc phát sinh") + "."))
    b.append(Heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"))
    for i, (area, t) in enumerate(f.by_area.items(), start=1):
        rows = [r for r in f.reports if r.item.area_id == area.id]
        b.append(Heading(f"{i}. {area.name}", 2))
        b.append(Heading(f"{i}.1. Kết quả đạt được", 3))
        done = [r for r in rows if C.decided(r)]
        for r in done:
            text = (r.done_text or "").strip().rstrip(";")
            value = ""
            if r.indicator_value is not None:
                unit_label = r.item.indicator_unit or ""
                target = r.item.indicator_target
                value = f"; kết quả {num(r.indicator_value)}{unit_label}" + (
                    f" (chỉ tiêu {num(target)}{unit_label})" if target is not None else "")
            line = f"- {r.item.code} ({_lower_first(r.status_label)})" + (f": {text}" if text else "") + value
            b.append(Para(line if line.endswith(".") else line + ";"))
        if not done:
            b.append(Para("Chưa có nội dung nào được báo cáo."))
        b.append(Heading(f"{i}.2. Tồn tại, hạn chế", 3))
        issues = [f"{r.item.code}: {r.difficulties.strip().rstrip('.;')}" for r in done if r.difficulties]
        missing = [r.item.code for r in rows if not C.decided(r)]
        if missing:
            issues.append(f"{two(len(missing))} nội dung chưa gửi báo cáo: {', '.join(missing)}")
        b += [Para(f"- {x};") for x in issues] or [Para("Không có tồn tại, hạn chế.")]
    b.append(Heading("III. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ KIẾN NGHỊ, ĐỀ XUẤT"))
    b.append(Heading("1. Phương hướng, nhiệm vụ", 2))
    pending = [r.item.code for r in f.reports if C.decided(r) and r.status in ("doing", "todo")]
    if pending:
        b.append(Para(f"- Tiếp tục thực hiện {two(len(pending))} nội dung chưa hoàn thành: {', '.join(pending)};"))
    b.append(Para("- Duy trì các kết quả đã đạt được, chuẩn bị đầy đủ hồ sơ, tài liệu để cung cấp cho Đoàn kiểm tra."))
    b.append(Heading("2. Kiến nghị, đề xuất", 2))
    props = _unique((r.proposals, r.author.full_name if r.author else "") for r in f.reports
                    if C.decided(r) and r.proposals)
    b += [Para(f"- {_with_who(t, w)};") for t, w in props] or [Para("Không có kiến nghị, đề xuất.")]
    return doc


def conclusion(round_id: int, unit_id: int, code_number: str = ""):
    """Thông báo kết luận kiểm tra to one unit (UBND issues it, TM. UBND signs)."""
    rnd = db.session.get(Round, round_id)
    unit = db.session.get(Unit, unit_id)
    f = facts(rnd, unit_id=unit.id)
    minutes = db.session.scalar(select(MinutesRecord).where(MinutesRecord.round_id == rnd.id,
                                                            MinutesRecord.unit_id == unit.id))
    doc = C.document("conclusion", doc_type="conclusion", type_code="TB", title="Thông báo",
                     subtitle=f"Kết luận kiểm tra công tác cải cách hành chính tại {unit.name}",
                     file_stem=f"Thông báo kết luận kiểm tra CCHC - {unit.name} - {rnd.name}",
                     code_number=code_number, draft=C.is_draft(rnd), values={"don_vi": unit.name})
    b = doc.blocks
    held = f" ngày {dmy(minutes.held_on)}" if minutes and minutes.held_on else ""
    b.append(Para(f"Căn cứ {C.plan_citation(rnd.year)};"))
    b.append(Para(f"Căn cứ {C.decision_citation(rnd.year)};"))
    b.append(Para(f"Căn cứ Biên bản kiểm tra{held} và Báo cáo kết quả kiểm tra của Đoàn kiểm tra, Ủy ban nhân dân "
                  f"{C.ward_running_name()} thông báo kết luận kiểm tra công tác cải cách hành chính "
                  f"{_lower_first(rnd.name)} tại {unit.name} như sau:"))
    a = f.all_
    b.append(Heading("1. Ưu điểm"))
    b.append(Para(f"{unit.name} đã báo cáo {two(a.sent)}/{two(a.total)} nội dung được kiểm tra. {rating_sentence(a)}"))
    good = _unique((r.review.comment, r.item.code) for r in f.reports
                   if C.decided(r) and r.review and r.review.rating == "dat" and r.review.comment)
    b += [Para(f"- {_with_who(t, w)};") for t, w in good]
    b.append(Heading("2. Tồn tại, hạn chế"))
    if f.findings:
        for x in f.findings:
            b.append(Para(f"- {x.description.rstrip('.;')};"))
        b += causes(f.findings)
    else:
        b.append(Para("Đoàn kiểm tra không phát hiện tồn tại, hạn chế."))
    b.append(Heading("3. Yêu cầu khắc phục"))
    remedies = [(x, r) for x in f.findings for r in x.remedies]
    if remedies:
        for x, r in remedies:
            owner = r.owner_name
            b.append(Para(f"- {r.action.rstrip('.;')}" + (f" (giao {owner})" if owner else "")
                          + f", hoàn thành trước ngày {dmy(r.deadline)};"))
    elif f.findings:
        b += [Para(f"- {t};") for t in recommendations(f.findings)]
    else:
        b.append(Para("Tiếp tục duy trì, phát huy các kết quả đã đạt được."))
    if f.findings:
        b.append(Para(f"Yêu cầu {unit.name} nghiêm túc thực hiện và báo cáo kết quả khắc phục về Ủy ban nhân dân "
                      f"phường (qua Phòng Văn hóa - Xã hội); giao Đoàn kiểm tra theo dõi, đôn đốc thực hiện."))
    else:
        b.append(Para(f"Ủy ban nhân dân phường ghi nhận kết quả thực hiện công tác cải cách hành chính của {unit.name}."))
    return doc


def year_findings(year: int) -> list[Finding]:
    return db.session.scalars(select(Finding).where(Finding.year == year).order_by(Finding.id)).all()
