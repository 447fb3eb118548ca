"""Biên bản kiểm tra at one unit, as it happened: the team enters the day (within the round,
defaulting to the unit's day in the round's schedule), start and end times, who attended on each
side and who signs for the unit (never a team member), and the unit's opinion."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from portal.accounts.models import Unit, User
from portal.extensions import db
from portal.pdf.model import Heading, Para, Signer, Table
from portal.pdf.vn import hour, long_date, two
from portal.rounds.models import Report, Round
from portal.text import clean
from portal.timeutil import now_utc

from . import common as C
from .models import MinutesRecord
from .team_report import facts, rating_sentence, recommendations


class MinutesError(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def round_units(rnd: Round) -> list[Unit]:
    return db.session.scalars(select(Unit).join(Report, Report.unit_id == Unit.id)
                              .where(Report.round_id == rnd.id).distinct().order_by(Unit.position, Unit.name)).all()


def scheduled_day(rnd: Round, unit: Unit) -> date:
    """The unit's day in the round: units in their order, one a day from the round's first day,
    staying inside the window."""
    units = [u.id for u in round_units(rnd)]
    index = units.index(unit.id) if unit.id in units else 0
    span = max((rnd.end_on - rnd.start_on).days, 0)
    return rnd.start_on + timedelta(days=min(index, span))


def get_record(rnd: Round, unit: Unit) -> MinutesRecord:
    """The stored record, or an unsaved one with the defaults (day in the schedule, 08:00, the
    round's team, the unit's head and the report authors of the unit)."""
    row = db.session.scalar(select(MinutesRecord).where(MinutesRecord.round_id == rnd.id,
                                                        MinutesRecord.unit_id == unit.id))
    if row is not None:
        return row
    head = C.unit_head(unit)
    authors = db.session.scalars(select(User).join(Report, Report.author_id == User.id).where(
        Report.round_id == rnd.id, Report.unit_id == unit.id).distinct().order_by(User.full_name)).all()
    team_ids = [u.id for u, _ in C.team(rnd)]
    if head is not None and head.id in team_ids:
        head = None  # a team member never stands for the unit; its other people do
    unit_ids = ([head.id] if head else []) + [u.id for u in authors if (not head or u.id != head.id)
                                               and u.id not in team_ids]
    if head is None and unit_ids:
        head = db.session.get(User, unit_ids[0])
    return MinutesRecord(round_id=rnd.id, unit_id=unit.id, held_on=scheduled_day(rnd, unit),
                         start_time=time(8, 0), end_time=None, place=f"trụ sở {unit.name}",
                         team_ids=team_ids, unit_ids=unit_ids,
                         unit_signer_id=head.id if head and head.id not in team_ids else None, copies=2)


def warnings(rnd: Round, row: MinutesRecord) -> list[str]:
    team_ids = {u.id for u, _ in C.team(rnd)}
    out = []
    if row.unit_signer_id and row.unit_signer_id in team_ids:
        out.append("Người ký thay mặt đơn vị được kiểm tra đang là thành viên Đoàn kiểm tra: "
                   "vui lòng chọn người khác của đơn vị.")
    both = team_ids & set(row.unit_ids or [])
    if both:
        names = ", ".join(db.session.get(User, i).full_name for i in sorted(both))
        out.append(f"{names} có tên ở cả thành phần Đoàn kiểm tra và đơn vị được kiểm tra.")
    if not row.unit_signer_id:
        out.append("Chưa chọn người ký thay mặt đơn vị được kiểm tra.")
    return out


def save(rnd: Round, unit: Unit, data: dict, user) -> MinutesRecord:
    """Validate and store the record. Raises MinutesError with Vietnamese messages per field."""
    errors = {}
    held_on = data.get("held_on")
    if held_on is None:
        errors["held_on"] = "Vui lòng nhập ngày kiểm tra."
    elif not (rnd.start_on <= held_on <= rnd.end_on):
        errors["held_on"] = (f"Ngày kiểm tra phải trong thời gian của đợt "
                             f"({rnd.start_on:%d/%m/%Y} - {rnd.end_on:%d/%m/%Y}).")
    start, end = data.get("start_time"), data.get("end_time")
    if start is None:
        errors["start_time"] = "Vui lòng nhập giờ bắt đầu."
    if start and end and end <= start:
        errors["end_time"] = "Giờ kết thúc phải sau giờ bắt đầu."
    team_ids = {u.id for u, _ in C.team(rnd)}
    signer = data.get("unit_signer_id")
    if signer and signer in team_ids:
        errors["unit_signer_id"] = ("Thành viên Đoàn kiểm tra không thể ký thay mặt đơn vị được kiểm tra; "
                                    "vui lòng chọn người của đơn vị.")
    copies = data.get("copies") or 2
    if not 1 <= copies <= 10:
        errors["copies"] = "Số bản phải từ 01 đến 10."
    if errors:
        raise MinutesError(errors)
    row = get_record(rnd, unit)
    if row.id is None:
        db.session.add(row)
    row.number = clean(data.get("number") or "")[:20]
    row.held_on, row.start_time, row.end_time = held_on, start, end
    row.place = clean(data.get("place") or "")[:300]
    row.team_ids = [i for i in data.get("team_ids") or [] if i in team_ids]
    row.unit_ids = [i for i in data.get("unit_ids") or [] if i not in team_ids]
    row.unit_signer_id = signer or None
    if signer and signer not in row.unit_ids:
        row.unit_ids = [signer] + row.unit_ids
    row.opinion = clean(data.get("opinion") or "")[:5000]
    row.copies = copies
    row.updated_at = now_utc()
    db.session.flush()
    return row


def build(round_id: int, unit_id: int):
    rnd = db.session.get(Round, round_id)
    unit = db.session.get(Unit, unit_id)
    rec = get_record(rnd, unit)
    f = facts(rnd, unit_id=unit.id)
    roles = dict((u.id, role) for u, role in C.team(rnd))
    team = [db.session.get(User, i) for i in rec.team_ids or roles]
    team = [u for u in team if u is not None]
    unit_people = [u for u in (db.session.get(User, i) for i in rec.unit_ids or []) if u is not None]
    signer = rec.unit_signer
    leader = rnd.leader
    doc = C.document("minutes", doc_type="minutes", type_code="BB", title="Biên bản kiểm tra",
                     subtitle=f"Công tác cải cách hành chính tại {unit.name}",
                     file_stem=f"Biên bản kiểm tra CCHC - {unit.name} - {rnd.name}",
                     code_number=rec.number, on=rec.held_on, signer_name=leader.full_name if leader else "",
                     draft=C.is_draft(rnd))
    # Two signatures: the unit (its head, never a team member) and the team leader.
    team_signer = doc.signers[0] if doc.signers else Signer(["TRƯỞNG ĐOÀN"], leader.full_name if leader else "")
    doc.signers = [Signer(["ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA"], signer.full_name if signer else ""), team_signer]
    secretary = next((u for u in team if roles.get(u.id, "").lower() == "thư ký"), None)
    if secretary:
        doc.signers.insert(1, Signer(["THƯ KÝ"], secretary.full_name))
    doc.recipients = None
    b = doc.blocks
    b.append(Para(f"Căn cứ {C.plan_citation(rnd.year)};"))
    b.append(Para(f"Căn cứ {C.decision_citation(rnd.year)};"))
    b.append(Para(f"Hôm nay, vào hồi {hour(rec.start_time)}, {long_date(rec.held_on)}, tại {rec.place or unit.name}, "
                  f"Đoàn kiểm tra cải cách hành chính tiến hành kiểm tra công tác cải cách hành chính tại {unit.name} "
                  f"({rnd.name[:1].lower() + rnd.name[1:]})."))
    b.append(Heading("I. THÀNH PHẦN"))
    b.append(Heading("1. Đoàn kiểm tra", 2))
    b += [Para(f"- {C.person(u)} - {roles.get(u.id, 'Thành viên')};") for u in team] or [Para("- (chưa ghi thành phần)")]
    b.append(Heading("2. Đơn vị được kiểm tra", 2))
    b += [Para(f"- {C.person(u)};") for u in unit_people] or [Para("- (chưa ghi thành phần)")]
    b.append(Heading("II. NỘI DUNG VÀ KẾT QUẢ KIỂM TRA"))
    a = f.all_
    b.append(Para(f"Đoàn kiểm tra đã kiểm tra {two(a.total)} nội dung do đơn vị phụ trách; đơn vị đã báo cáo "
                  f"{two(a.sent)}/{two(a.total)} nội dung. {rating_sentence(a)}"))
    from .documents import evidence_summary

    evidence = evidence_summary([r.id for r in f.reports])
    for i, (area, t) in enumerate(f.by_area.items(), start=1):
        rows = [r for r in f.reports if r.item.area_id == area.id]
        b.append(Heading(f"{i}. {area.name}", 2))
        b.append(Table(["Mã", "Nội dung kiểm tra", "Kết quả báo cáo", "Đánh giá", "Tài liệu kiểm chứng"],
                       [[r.item.code, r.item.text,
                         r.status_label if C.decided(r) else (
                             "Không gửi báo cáo" if r.state == "not_submitted" else "Chưa báo cáo"),
                         {"dat": "Đạt", "mot_phan": "Đạt một phần", "chua_dat": "Chưa đạt"}.get(
                             r.review.rating if r.review and (C.decided(r) or r.state == "not_submitted") else "", ""),
                         evidence.get(r.id, "")] for r in rows],
                       widths=["9%", "41%", "16%", "12%", "22%"], aligns=["center", "left", "left", "center", "left"],
                       font_pt=10))
    b.append(Heading("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"))
    if f.findings:
        for x in f.findings:
            cause = "chủ quan" if x.cause == "chu_quan" else "khách quan"
            b.append(Para(f"- {x.description.rstrip('.;')}. Nguyên nhân {cause}"
                          + (f": {x.cause_detail.rstrip('.;')}" if x.cause_detail and x.cause_detail.strip() != x.description.strip() else "")
                          + ";"))
    else:
        b.append(Para("Đoàn kiểm tra không phát hiện tồn tại, hạn chế."))
    b.append(Heading("IV. KIẾN NGHỊ CỦA ĐOÀN KIỂM TRA"))
    recs = recommendations(f.findings)
    b += [Para(f"- {t};") for t in recs] or [Para("Tiếp tục duy trì, phát huy các kết quả đã đạt được.")]
    b.append(Heading("V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA"))
    b.append(Para(rec.opinion or "Đơn vị thống nhất với kết quả kiểm tra của Đoàn kiểm tra."))
    end = hour(rec.end_time) if rec.end_time else "… giờ …"
    b.append(Para(f"Biên bản kết thúc vào hồi {end} cùng ngày, được lập thành {two(rec.copies or 2)} bản có giá trị "
                  f"như nhau, đã đọc lại cho những người có tên trên cùng nghe và thống nhất ký tên."))
    return doc
