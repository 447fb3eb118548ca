"""Biên bản kiểm tra đột xuất as one portal.pdf.model.Document, rendered to PDF and to Word alike:
the inspection team's paper (its header, …/BB- number left to the văn thư, dated the day of the
check), no Nơi nhận, signed in two columns by the inspected side and the team's leader.

Nghị định 30 style: "Căn cứ" the year's plan and team decision when the year's records hold their
numbers (and they were issued by the day of the check), "vào hồi … giờ … phút" when the start was
recorded, "kết thúc vào hồi …" when the end was. What is not recorded is left out, never printed
as dots to fill by hand."""
from __future__ import annotations

from datetime import date

from portal.pdf.model import Document, Heading, Para, Signer
from portal.pdf.vn import dmy, hour, long_date

from .models import AdhocEntry

BLANK = "...................."


def _lines(text: str, empty: str) -> list[Para]:
    """One paragraph per line the team wrote; `empty` when it wrote nothing."""
    return [Para(line.strip()) for line in (text or "").splitlines() if line.strip()] or [Para(empty)]


def _who(user) -> str:
    return user.full_name + (f", {user.position_title}" if user.position_title else "")


def _where(entry: AdhocEntry) -> str:
    """"tại Trung tâm Phục vụ hành chính công (cá nhân được kiểm tra: Lê Văn Tâm)"; "đối với …" when
    only a person was inspected."""
    places = ", ".join(x for x in (entry.unit.name if entry.unit else "", entry.inspected_other) if x)
    if places and entry.person:
        return f"tại {places} (cá nhân được kiểm tra: {entry.person.full_name})"
    if entry.person:
        return f"đối với {_who(entry.person)}"
    return f"tại {places or BLANK}"


def citations(year: int, checked_on: date | None = None) -> list[str]:
    """The year's plan and team decision as the other documents cite them (reports.common), only
    those whose number is recorded and, when dated, issued by the day of the check (a check in
    March rests on no plan of June); a recorded number without its date is cited without the
    date (common's citations leave blanks for the văn thư, which a finished biên bản must not)."""
    from portal.reports import common as C

    rec = C.records(year)
    if rec is None:
        return []
    blank_date = " ngày " + "     /     /" + str(year)  # what common prints for a date not recorded
    out = []
    for number, on, cite in ((rec.plan_number, rec.plan_date, C.plan_citation),
                             (rec.decision_number, rec.decision_date, C.decision_citation)):
        if not (number or "").strip() or (on and checked_on and on > checked_on):
            continue
        text = cite(year)
        out.append(text if on else text.replace(blank_date, ""))
    return out


def build(entry: AdhocEntry) -> Document:
    """Everything the minutes say, read now (the caller then ends the transaction and renders)."""
    from portal.reports import common as C

    inspected = entry.inspected_label.replace(";", ",")
    doc = C.document("adhoc_minutes", doc_type="minutes", type_code="BB", title="Biên bản kiểm tra đột xuất",
                     subtitle=entry.subject_label, on=entry.inspected_on,
                     file_stem=f"Biên bản kiểm tra đột xuất - {inspected or entry.subject_label} - "
                               f"{dmy(entry.inspected_on).replace('/', '-')}")
    lead = entry.lead.full_name if entry.lead else ""
    unit_side = entry.unit_representative or (entry.person.full_name if entry.person else "")
    doc.recipients = None  # minutes: "lập thành 02 bản", no Nơi nhận
    doc.signers = [Signer(["ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA"], unit_side), Signer(["TRƯỞNG ĐOÀN KIỂM TRA"], lead)]
    members = list(entry.members)
    b = doc.blocks
    b += [Para(f"Căn cứ {text};") for text in citations(entry.year, entry.inspected_on)]
    at = f"vào hồi {hour(entry.start_time)}, " if entry.start_time is not None else ""
    b.append(Para(f"Hôm nay, {at}{long_date(entry.inspected_on)}, Đoàn kiểm tra công tác cải cách hành chính "
                  f"{C.ward_running_name()} tiến hành kiểm tra đột xuất {_where(entry)}."))
    b.append(Heading("I. THÀNH PHẦN"))
    b.append(Para("1. Đoàn kiểm tra:"))
    b.append(Para(f"- {_who(entry.lead) if entry.lead else BLANK} — Trưởng đoàn{';' if members else '.'}"))
    b += [Para(f"- {_who(m)} — Thành viên{'.' if i == len(members) else ';'}") for i, m in enumerate(members, 1)]
    b.append(Para(f"2. Đại diện đơn vị, cá nhân được kiểm tra: {unit_side or BLANK}."))
    b.append(Heading("II. NỘI DUNG KIỂM TRA"))
    b.append(Para(f"Loại kiểm tra: {entry.subject_label}" + (f": {entry.subject.rstrip(' .;')}" if entry.subject else "") + "."))
    grounds = " ".join(x for x in (entry.trigger_ref, f"({entry.trigger_by})" if entry.trigger_by else "") if x)
    if grounds:
        b.append(Para(f"Căn cứ: {grounds.rstrip(' .;')}."))
    b += [Para(line.strip()) for line in (entry.content or "").splitlines() if line.strip()]
    b.append(Heading("III. KẾT QUẢ KIỂM TRA"))
    b += _lines(entry.result, "Không có.")
    b.append(Heading("Vi phạm phát hiện", 3))
    b += _lines(entry.violations, "Không phát hiện vi phạm.")
    b.append(Heading("IV. HÌNH THỨC XỬ LÝ, KIẾN NGHỊ"))
    b += _lines(entry.handling, "Không.")
    if entry.files:
        b.append(Para(f"Tài liệu kèm theo: {'; '.join(f.original_name for f in entry.files)}."))
    if entry.end_time is not None:
        b.append(Para(f"Buổi kiểm tra kết thúc vào hồi {hour(entry.end_time)} cùng ngày."))
    b.append(Para("Biên bản được lập thành 02 bản có giá trị như nhau, Đoàn kiểm tra giữ 01 bản, đơn vị được kiểm "
                  "tra giữ 01 bản. Biên bản đã được đọc lại cho các thành phần tham dự cùng nghe và thống nhất ký tên."))
    return doc
