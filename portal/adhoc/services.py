"""Rules of the ad-hoc inspection log: validation, search, export rows, the minutes' data."""
from __future__ import annotations

from datetime import time

from sqlalchemy import select

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.catalogue.models import AdhocSubject, Catalogue
from portal.extensions import db
from portal.findings.models import Finding
from portal.findings.services import MAX_REF, MAX_TEXT, FindingError, date_field, ref_field, text_field
from portal.text import fold

from .models import SUBJECT_KINDS, AdhocEntry
from .times import END_BEFORE_START, parse_time

AdhocError = FindingError  # same shape: {field: Vietnamese message}

def can_manage(user) -> bool:
    return user.has_role(*R.MANAGERS)


def can_read_all(user) -> bool:
    return user.has_role(R.LEADER, R.INSPECTOR, *R.MANAGERS)


def can_view(user, entry: AdhocEntry) -> bool:
    return can_read_all(user) or user.id in {entry.lead_id, entry.person_id, *(m.id for m in entry.members)}


def _time(errors: dict, key: str, value, label: str, example: str) -> time | None:
    """A time of day (as the form reads it, or typed), None when not given."""
    if value is None or isinstance(value, time):
        return value and value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return parse_time(str(value)[:40])
    except ValueError:
        errors[key] = f"{label} không hợp lệ (nhập dạng {example})."
        return None


def _values(data: dict) -> dict:
    errors: dict[str, str] = {}
    out: dict = {}
    out["inspected_on"] = date_field(errors, "inspected_on", data.get("inspected_on"), "ngày kiểm tra")
    out["start_time"] = _time(errors, "start_time", data.get("start_time"), "Giờ bắt đầu", "08:30")
    out["end_time"] = _time(errors, "end_time", data.get("end_time"), "Giờ kết thúc", "10:15")
    if out["start_time"] is not None and out["end_time"] is not None and out["end_time"] <= out["start_time"]:
        errors["end_time"] = END_BEFORE_START
    kind = data.get("subject_kind")
    if kind not in SUBJECT_KINDS:
        errors["subject_kind"] = "Vui lòng chọn nội dung kiểm tra đột xuất."
    out["subject_kind"] = kind
    out["subject"] = text_field(errors, "subject", data.get("subject"), "nội dung, chủ đề kiểm tra", limit=MAX_TEXT)
    out["trigger_ref"] = text_field(errors, "trigger_ref", data.get("trigger_ref"), "căn cứ (số đơn, văn bản)", limit=MAX_REF)
    out["trigger_by"] = text_field(errors, "trigger_by", data.get("trigger_by"), "người, tổ chức phản ánh", limit=MAX_REF)
    if kind == "complaint" and not out["trigger_by"] and "trigger_by" not in errors:
        errors["trigger_by"] = "Vui lòng nhập người, tổ chức phản ánh, kiến nghị."
    unit = ref_field(errors, "unit_id", Unit, data.get("unit_id"), "Đơn vị không tồn tại.")
    person = ref_field(errors, "person_id", User, data.get("person_id"), "Cán bộ, công chức không tồn tại hoặc đã bị khóa.")
    out["unit_id"] = unit.id if unit else (person.unit_id if person else None)
    out["person_id"] = person.id if person else None
    out["inspected_other"] = text_field(errors, "inspected_other", data.get("inspected_other"), "đối tượng khác", limit=MAX_REF)
    if not (unit or person or out["inspected_other"]) and not {"unit_id", "person_id"} & set(errors):
        errors["unit_id"] = "Vui lòng chọn đơn vị hoặc cán bộ được kiểm tra (hoặc ghi đối tượng khác)."
    lead = ref_field(errors, "lead_id", User, data.get("lead_id"), "Trưởng đoàn không tồn tại hoặc đã bị khóa.")
    if lead is None and "lead_id" not in errors:
        errors["lead_id"] = "Vui lòng chọn trưởng đoàn kiểm tra."
    out["lead_id"] = lead.id if lead else None
    members = []
    for raw in data.get("member_ids") or []:
        member = ref_field(errors, "member_ids", User, raw, "Thành viên đoàn không tồn tại hoặc đã bị khóa.")
        if member is not None and member not in members and member is not lead:
            members.append(member)
    out["members"] = members
    out["content"] = text_field(errors, "content", data.get("content"), "nội dung kiểm tra", required=True)
    out["result"] = text_field(errors, "result", data.get("result"), "kết quả kiểm tra")
    out["violations"] = text_field(errors, "violations", data.get("violations"), "vi phạm phát hiện")
    out["handling"] = text_field(errors, "handling", data.get("handling"), "hình thức xử lý")
    out["unit_representative"] = text_field(errors, "unit_representative", data.get("unit_representative"),
                                       "đại diện đơn vị được kiểm tra", limit=200)
    if errors:
        raise AdhocError(errors)
    return out


def create_entry(created_by: User | None = None, **data) -> AdhocEntry:
    values = _values(data)
    entry = AdhocEntry(year=values["inspected_on"].year,
                       created_by_id=created_by.id if created_by else None, **values)
    db.session.add(entry)
    db.session.flush()
    entry.refresh_search_text()
    db.session.flush()
    return entry


def update_entry(entry: AdhocEntry, **data) -> AdhocEntry:
    for key, value in _values(data).items():
        setattr(entry, key, value)
    entry.year = entry.inspected_on.year
    db.session.flush()
    entry.refresh_search_text()
    db.session.flush()
    return entry


def entries_query(user, *, q: str = "", kind: str = "", unit_id=None, year=None):
    stmt = select(AdhocEntry)
    if not can_read_all(user):
        from sqlalchemy import or_

        from .models import AdhocTeamMember

        stmt = stmt.where(or_(AdhocEntry.lead_id == user.id, AdhocEntry.person_id == user.id,
                              AdhocEntry.id.in_(select(AdhocTeamMember.entry_id)
                                                .where(AdhocTeamMember.user_id == user.id))))
    if kind in SUBJECT_KINDS:
        stmt = stmt.where(AdhocEntry.subject_kind == kind)
    if unit_id:
        stmt = stmt.where(AdhocEntry.unit_id == unit_id)
    if year:
        stmt = stmt.where(AdhocEntry.year == year)
    for word in fold(q).split():
        stmt = stmt.where(AdhocEntry.search_text.contains(word, autoescape=True))
    return stmt.order_by(AdhocEntry.inspected_on.desc(), AdhocEntry.id.desc())


def findings_of(entry: AdhocEntry) -> list[Finding]:
    stmt = (select(Finding).where(Finding.source == "adhoc", Finding.source_id == entry.id)
            .order_by(Finding.id))
    return list(db.session.scalars(stmt))


def subject_suggestions(year: int | None = None) -> list[str]:
    """The catalogue's ad-hoc subjects for the year (the newest catalogue if none that year)."""
    stmt = select(Catalogue)
    stmt = stmt.where(Catalogue.year == year) if year else stmt.order_by(Catalogue.year.desc())
    catalogue = db.session.scalars(stmt.limit(1)).first()
    if catalogue is None:
        return []
    rows = db.session.scalars(select(AdhocSubject).where(AdhocSubject.catalogue_id == catalogue.id)
                              .order_by(AdhocSubject.position))
    return [s.name for s in rows]


EXPORT_HEADERS = ["STT", "Ngày kiểm tra", "Thời gian", "Nội dung kiểm tra đột xuất", "Chủ đề", "Căn cứ",
                  "Người phản ánh", "Đơn vị, cá nhân được kiểm tra", "Trưởng đoàn", "Thành viên", "Nội dung đã kiểm tra",
                  "Kết quả", "Vi phạm phát hiện", "Hình thức xử lý", "Số tồn tại đã ghi nhận"]


def export_rows(entries) -> list[list]:
    rows = []
    for n, e in enumerate(entries, start=1):
        rows.append([n, e.inspected_on, e.time_label, e.subject_label, e.subject, e.trigger_ref,
                     e.trigger_by, e.inspected_label, e.lead.full_name if e.lead else "",
                     ", ".join(m.full_name for m in e.members), e.content, e.result, e.violations,
                     e.handling, len(findings_of(e))])
    return rows
