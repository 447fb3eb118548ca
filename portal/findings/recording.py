"""Recording a finding from any source and editing it: validation, the search text.
Functions change and flush; the caller commits once."""
from __future__ import annotations

from datetime import date

from portal.accounts.models import Unit, User
from portal.catalogue.models import Area, Criterion
from portal.extensions import db
from portal.notifications import events
from portal.text import fold
from portal.timeutil import today

from .models import CAUSES, SOURCES, Finding
from .rules import MAX_REF, FindingError, date_field, ref_field, text_field


FINDING_FIELDS = ("source", "source_id", "source_ref", "round_id", "found_on", "area_id",
                  "criterion_id", "unit_id", "person_id", "description", "cause", "cause_detail",
                  "recommendation")


def _validated(fields: dict, current: Finding | None = None) -> dict:
    unknown = set(fields) - set(FINDING_FIELDS) - {"created_by", "year"}
    if unknown:
        raise TypeError(f"unknown finding fields: {sorted(unknown)}")
    get = (lambda k, d=None: fields.get(k, getattr(current, k) if current is not None else d))
    errors: dict[str, str] = {}
    out: dict = {}
    source = get("source")
    if source not in SOURCES:
        errors["source"] = "Nguồn phát hiện không hợp lệ."
    out["source"] = source
    out["source_ref"] = text_field(errors, "source_ref", get("source_ref", ""), "văn bản, nguồn chỉ ra",
                              required=source == "higher", limit=MAX_REF)
    out["source_id"] = get("source_id")
    out["round_id"] = get("round_id")
    out["found_on"] = date_field(errors, "found_on", get("found_on") or today(), "ngày phát hiện")
    out["description"] = text_field(errors, "description", get("description", ""), "nội dung tồn tại, hạn chế",
                               required=True)
    cause = get("cause", "chu_quan") or "chu_quan"
    if cause not in CAUSES:
        errors["cause"] = "Nguyên nhân phải là chủ quan hoặc khách quan."
    out["cause"] = cause
    out["cause_detail"] = text_field(errors, "cause_detail", get("cause_detail", ""), "phân tích nguyên nhân")
    out["recommendation"] = text_field(errors, "recommendation", get("recommendation", ""), "kiến nghị")
    criterion = ref_field(errors, "criterion_id", Criterion, get("criterion_id"), "Nội dung kiểm tra không tồn tại.")
    area = ref_field(errors, "area_id", Area, get("area_id"), "Lĩnh vực không tồn tại.")
    if criterion is not None:
        if area is not None and criterion.area_id != area.id:
            errors["criterion_id"] = "Nội dung kiểm tra không thuộc lĩnh vực đã chọn."
        area = criterion.area
    out["criterion_id"] = criterion.id if criterion else None
    out["area_id"] = area.id if area else None
    unit = ref_field(errors, "unit_id", Unit, get("unit_id"), "Đơn vị không tồn tại.")
    person = ref_field(errors, "person_id", User, get("person_id"), "Cán bộ, công chức không tồn tại hoặc đã bị khóa.")
    out["unit_id"] = unit.id if unit else None
    out["person_id"] = person.id if person else None
    if person is not None and unit is None and person.unit_id:
        out["unit_id"] = person.unit_id  # the person's office answers for the finding too
    if current is not None and out["found_on"] and any(
            r.deadline < out["found_on"] for r in current.remedies):
        errors["found_on"] = "Ngày phát hiện không được sau thời hạn của biện pháp khắc phục đã có."
    if errors:
        raise FindingError(errors)
    return out


def _refresh_search(finding: Finding) -> None:
    unit = db.session.get(Unit, finding.unit_id) if finding.unit_id else None
    person = db.session.get(User, finding.person_id) if finding.person_id else None
    finding.search_text = fold(" ".join([
        finding.description, finding.recommendation, finding.source_ref,
        unit.name if unit else "", person.full_name if person else ""]))


# -- findings -------------------------------------------------------------------------------

def record_finding(*, source: str, description: str, found_on: date | None = None,
                   source_id: int | None = None, source_ref: str = "", round_id: int | None = None,
                   area_id: int | None = None, criterion_id: int | None = None,
                   unit_id: int | None = None, person_id: int | None = None,
                   cause: str = "chu_quan", cause_detail: str = "", recommendation: str = "",
                   created_by: User | None = None) -> Finding:
    """Record a finding from any source (round review, ISO sample check, ad-hoc, higher level).

    Validates (raises FindingError with Vietnamese messages per field), adds and flushes; the
    caller commits. found_on defaults to today; the area follows the criterion when given.
    """
    values = _validated(dict(source=source, description=description, found_on=found_on,
                             source_id=source_id, source_ref=source_ref, round_id=round_id,
                             area_id=area_id, criterion_id=criterion_id, unit_id=unit_id,
                             person_id=person_id, cause=cause, cause_detail=cause_detail,
                             recommendation=recommendation))
    finding = Finding(**values, year=values["found_on"].year,
                      created_by_id=created_by.id if created_by is not None else None)
    _refresh_search(finding)
    db.session.add(finding)
    db.session.flush()
    events.emit("finding_recorded", finding)
    return finding


def update_finding(finding: Finding, **fields) -> Finding:
    values = _validated(fields, current=finding)
    for key, value in values.items():
        setattr(finding, key, value)
    finding.year = finding.found_on.year
    _refresh_search(finding)
    db.session.flush()
    return finding
