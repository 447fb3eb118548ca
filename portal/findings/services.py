"""Rules of findings and remedies: recording, the remedy workflow, closure, overdue, the figure.

Functions change and flush; the caller (a view, another area's service) commits once.
Validation problems raise FindingError carrying {field: Vietnamese message}.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts import roles as R
from portal.accounts.models import Unit, User
from portal.audit.recorder import log_event
from portal.catalogue.models import Area, Criterion
from portal.extensions import db
from portal.notifications import events
from portal.text import clean, fold
from portal.timeutil import now_utc, today
from portal.web.params import db_int

from . import owners
from .models import CAUSES, REMEDY_STATUSES, SOURCES, Finding, ReInspection, Remedy, RemedyUpdate

MAX_TEXT = 5000  # a description, a recommendation, a report: generous, but bounded
MAX_REF = 300
TARGET_PERCENT = 100  # seed 001: 100% of shortcomings remedied or escalated


class FindingError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# -- policy ---------------------------------------------------------------------------------

def can_manage(user) -> bool:
    return user.has_role(*R.MANAGERS)


def can_confirm(user) -> bool:
    """Only the inspection team (or the secretariat standing in for it) settles a remedy."""
    return user.has_role(R.INSPECTOR, *R.MANAGERS)


def can_read_all(user) -> bool:
    return user.has_role(R.LEADER, R.INSPECTOR, *R.MANAGERS)


def can_view(user, finding: Finding) -> bool:
    if can_read_all(user):
        return True
    return finding.person_id == user.id or any(owners.answers_for(user, r) for r in finding.remedies)


def can_report(user, remedy: Remedy) -> bool:
    """Staff update only the remedies they answer for (their own, their unit's), while not settled."""
    return owners.answers_for(user, remedy) and not remedy.is_settled


# -- validation helpers ---------------------------------------------------------------------

def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def text_field(errors, field, value, label, required=False, limit=MAX_TEXT):
    value = clean(value)
    if required and not value:
        errors[field] = f"Vui lòng nhập {label}."
    elif len(value) > limit:
        errors[field] = (f"{label[:1].upper()}{label[1:]} quá dài: tối đa {_n(limit)} ký tự "
                         f"(đang có {_n(len(value))}).")
    return value


def ref_field(errors, field, model, value, message):
    if value in (None, "", 0):
        return None
    try:
        value = db_int(value)
    except (TypeError, ValueError):
        errors[field] = message
        return None
    row = db.session.get(model, value)
    if row is None or (isinstance(row, User) and not row.active):
        errors[field] = message
        return None
    return row


def date_field(errors, field, value, label, required=True):
    if value in (None, ""):
        if required:
            errors[field] = f"Vui lòng nhập {label}."
        return None
    if isinstance(value, date):
        return value
    from portal.timeutil import parse_date

    try:
        return parse_date(str(value))
    except ValueError:
        errors[field] = f"{label[:1].upper()}{label[1:]} không hợp lệ (dạng ngày/tháng/năm)."
        return None


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


# -- remedies -------------------------------------------------------------------------------

def remedy_values(found_on: date, *, action, owner_id=None, owner_unit_id=None, deadline,
                  not_before: date | None = None, current: Remedy | None = None) -> dict:
    """Check a remedy's fields; raises FindingError {field: Vietnamese message}.

    The owner is a person or a unit (exactly one). A new deadline may not be before `not_before`
    (the forms pass today: a remedy is not given already late); an existing remedy saved with its
    deadline and owner unchanged is not refused for what has happened since (the date passed, the
    owner left)."""
    errors: dict[str, str] = {}
    action = text_field(errors, "action", action, "biện pháp khắc phục", required=True)
    same_owner = current is not None and (owner_id, owner_unit_id) == (current.owner_id, current.owner_unit_id)
    owner = unit = None
    if owner_id is not None and owner_unit_id is not None:
        errors["owner_id"] = "Chỉ chọn một người hoặc một đơn vị thực hiện."
    elif same_owner:
        pass
    elif owner_unit_id is not None:
        unit = ref_field(errors, "owner_id", Unit, owner_unit_id,
                         "Đơn vị thực hiện không tồn tại hoặc đã ngừng hoạt động.")
        if unit is not None and not unit.active:
            errors["owner_id"] = "Đơn vị thực hiện không tồn tại hoặc đã ngừng hoạt động."
    elif owner_id is not None:
        owner = ref_field(errors, "owner_id", User, owner_id, "Người thực hiện không tồn tại hoặc đã bị khóa.")
    if owner is None and unit is None and not same_owner and "owner_id" not in errors:
        errors["owner_id"] = "Vui lòng chọn người hoặc đơn vị thực hiện."
    deadline = date_field(errors, "deadline", deadline, "thời hạn")
    late = bool(deadline and not_before and deadline < not_before
                and (current is None or deadline != current.deadline))
    # of the two bounds, name the later one (a finding found today: "already past")
    if deadline and deadline < found_on and not (late and found_on >= not_before):
        errors["deadline"] = (f"Thời hạn không được trước ngày phát hiện tồn tại "
                              f"({found_on:%d/%m/%Y}).")
    elif late:
        errors["deadline"] = f"Thời hạn đã qua: hãy chọn từ hôm nay ({not_before:%d/%m/%Y}) trở đi."
    if errors:
        raise FindingError(errors)
    if same_owner:
        owner_id, owner_unit_id = current.owner_id, current.owner_unit_id
    else:
        owner_id, owner_unit_id = (owner.id, None) if owner is not None else (None, unit.id)
    return {"action": action, "owner_id": owner_id, "owner_unit_id": owner_unit_id, "deadline": deadline}


def add_remedy(finding: Finding, *, action: str, deadline: date | str, owner_id: int | None = None,
               owner_unit_id: int | None = None, not_before: date | None = None) -> Remedy:
    values = remedy_values(finding.found_on, action=action, owner_id=owner_id, owner_unit_id=owner_unit_id,
                           deadline=deadline, not_before=not_before)
    remedy = Remedy(finding=finding, status="todo", **values)
    db.session.add(remedy)
    refresh_closure(finding)
    db.session.flush()
    events.emit("remedy_assigned", remedy)
    return remedy


def update_remedy(remedy: Remedy, *, action: str, deadline: date | str, owner_id: int | None = None,
                  owner_unit_id: int | None = None, not_before: date | None = None) -> Remedy:
    if remedy.is_settled:
        raise FindingError({"action": "Biện pháp này đã được Đoàn kiểm tra xác nhận; không sửa được nữa."})
    values = remedy_values(remedy.finding.found_on, action=action, owner_id=owner_id,
                           owner_unit_id=owner_unit_id, deadline=deadline, not_before=not_before,
                           current=remedy)
    for key, value in values.items():
        setattr(remedy, key, value)
    db.session.flush()
    events.emit("remedy_assigned", remedy)
    return remedy


OWNER_STATUSES = {"doing": "Đang thực hiện", "done": "Đã khắc phục (chờ Đoàn kiểm tra xác nhận)"}


def report_progress(remedy: Remedy, user: User, *, text: str, status: str, files=()) -> RemedyUpdate:
    """The owner reports progress (and may report it done, which the team then confirms)."""
    errors: dict[str, str] = {}
    text = text_field(errors, "text", text, "nội dung báo cáo", required=True)
    if status not in OWNER_STATUSES:
        errors["status"] = "Trạng thái báo cáo không hợp lệ."
    if remedy.is_settled:
        errors["remedy"] = "Biện pháp này đã được xác nhận; không cập nhật được nữa."
    if errors:
        raise FindingError(errors)
    update = RemedyUpdate(remedy=remedy, text=text, status=status, reported_by_id=user.id)
    update.files = list(files)
    remedy.status = status
    remedy.done_on = today() if status == "done" else None
    db.session.add(update)
    db.session.flush()
    events.emit("remedy_reported", update)
    return update


def confirm_done(remedy: Remedy, user: User, note: str = "") -> Remedy:
    errors: dict[str, str] = {}
    note = text_field(errors, "note", note, "ghi chú")
    if remedy.is_settled:
        errors["remedy"] = "Biện pháp này đã được xác nhận trước đó."
    if errors:
        raise FindingError(errors)
    remedy.status = "done"
    remedy.done_on = remedy.done_on or today()
    remedy.confirmed_by_id = user.id
    remedy.confirmed_at = now_utc()
    if note:
        remedy.note = note
    log_event(db.session, remedy, "confirm", {"by": user.full_name, "note": note})
    refresh_closure(remedy.finding)
    db.session.flush()
    events.emit("remedy_settled", remedy)
    return remedy


def escalate(remedy: Remedy, user: User, note: str) -> Remedy:
    """Kiến nghị cấp có thẩm quyền xử lý: beyond the ward's power; counts as settled."""
    errors: dict[str, str] = {}
    note = text_field(errors, "note", note, "nội dung kiến nghị cấp có thẩm quyền", required=True)
    if remedy.is_settled:
        errors["remedy"] = "Biện pháp này đã được xác nhận trước đó."
    if errors:
        raise FindingError(errors)
    remedy.status = "escalated"
    remedy.confirmed_by_id = user.id
    remedy.confirmed_at = now_utc()
    remedy.note = note
    log_event(db.session, remedy, "escalate", {"by": user.full_name, "note": note})
    refresh_closure(remedy.finding)
    db.session.flush()
    events.emit("remedy_settled", remedy)
    return remedy


def record_reinspection(remedy: Remedy, user: User, *, inspected_on, result: str,
                        passed: bool) -> ReInspection:
    """Tái kiểm tra: passed confirms the remedy done; failed sends it back to the owner."""
    errors: dict[str, str] = {}
    result = text_field(errors, "result", result, "kết quả tái kiểm tra", required=True)
    inspected_on = date_field(errors, "inspected_on", inspected_on, "ngày tái kiểm tra")
    if inspected_on and inspected_on < remedy.finding.found_on:
        errors["inspected_on"] = "Ngày tái kiểm tra không được trước ngày phát hiện tồn tại."
    if remedy.is_settled:
        errors["remedy"] = "Biện pháp này đã được xác nhận trước đó."
    if errors:
        raise FindingError(errors)
    row = ReInspection(remedy=remedy, inspected_on=inspected_on, result=result, passed=bool(passed),
                       by_id=user.id)
    db.session.add(row)
    if passed:
        remedy.status = "done"
        remedy.done_on = remedy.done_on or inspected_on
        remedy.confirmed_by_id = user.id
        remedy.confirmed_at = now_utc()
    else:
        remedy.status = "doing"
        remedy.done_on = None
    refresh_closure(remedy.finding)
    db.session.flush()
    events.emit("remedy_reinspected", row)
    return row


def refresh_closure(finding: Finding) -> None:
    """A finding is closed when it has remedies and every one is confirmed done or escalated."""
    settled = bool(finding.remedies) and all(r.is_settled for r in finding.remedies)
    if settled and finding.closed_at is None:
        finding.closed_at = now_utc()
    elif not settled and finding.closed_at is not None:
        finding.closed_at = None


# -- the figure -----------------------------------------------------------------------------

def outcome(finding: Finding) -> str:
    """"remedied" (closed, every remedy confirmed done), "escalated" (closed, one or more
    escalated) or "open"."""
    if not finding.remedies or not all(r.is_settled for r in finding.remedies):
        return "open"
    if any(r.status == "escalated" for r in finding.remedies):
        return "escalated"
    return "remedied"


@dataclass(frozen=True)
class Figure:
    total: int
    remedied: int
    escalated: int
    target: int = TARGET_PERCENT

    @property
    def settled(self) -> int:
        return self.remedied + self.escalated

    @property
    def open(self) -> int:
        return self.total - self.settled

    @property
    def percent(self) -> float | None:
        """% of findings remedied or escalated; None when there is no finding to count."""
        return None if self.total == 0 else round(100 * self.settled / self.total, 1)

    @property
    def meets_target(self) -> bool:
        return self.total == 0 or self.settled * 100 >= self.target * self.total


def figure_for(findings: Iterable[Finding]) -> Figure:
    """Pure: the "% of findings remedied or escalated" figure over the given findings."""
    counts = {"remedied": 0, "escalated": 0, "open": 0}
    for f in findings:
        counts[outcome(f)] += 1
    return Figure(total=sum(counts.values()), remedied=counts["remedied"], escalated=counts["escalated"])


def findings_figure(*, year: int | None = None, round_id: int | None = None,
                    unit_id: int | None = None) -> Figure:
    """The figure for a year, a round and/or a unit (any combination; none = every finding)."""
    stmt = select(Finding)
    if year is not None:
        stmt = stmt.where(Finding.year == year)
    if round_id is not None:
        stmt = stmt.where(Finding.round_id == round_id)
    if unit_id is not None:
        stmt = stmt.where(Finding.unit_id == unit_id)
    # The figure reads every finding's remedies: joined into the one query (a selectinload would be
    # a second query, and split its IN list every 500 findings).
    return figure_for(db.session.scalars(stmt.options(joinedload(Finding.remedies))).unique())


# -- lists ----------------------------------------------------------------------------------

def overdue_clause(on: date):
    return exists().where(Remedy.finding_id == Finding.id, Remedy.deadline < on,
                          Remedy.status.in_(("todo", "doing")))


def findings_query(user, *, state: str = "open", source: str = "", area_id=None, unit_id=None,
                   person_id=None, year=None, round_id=None, q: str = "", on: date | None = None):
    """The select behind the findings list, limited to what the user may see."""
    on = on or today()
    stmt = select(Finding)
    if not can_read_all(user):
        stmt = stmt.where(or_(Finding.person_id == user.id,
                              exists().where(Remedy.finding_id == Finding.id, owners.owned_by(user))))
    if state == "open":
        stmt = stmt.where(Finding.closed_at.is_(None))
    elif state == "overdue":
        stmt = stmt.where(Finding.closed_at.is_(None), overdue_clause(on))
    elif state == "closed":
        stmt = stmt.where(Finding.closed_at.is_not(None))
    if source in SOURCES:
        stmt = stmt.where(Finding.source == source)
    for column, value in ((Finding.area_id, area_id), (Finding.unit_id, unit_id),
                          (Finding.person_id, person_id), (Finding.year, year),
                          (Finding.round_id, round_id)):
        if value:
            stmt = stmt.where(column == value)
    for word in fold(q).split():
        stmt = stmt.where(Finding.search_text.contains(word, autoescape=True))
    # Lists, exports and the figure all read these per finding: load them with the page, not per row.
    stmt = stmt.options(selectinload(Finding.remedies).options(joinedload(Remedy.owner),
                                                                joinedload(Remedy.owner_unit)),
                        joinedload(Finding.area), joinedload(Finding.unit), joinedload(Finding.person),
                        joinedload(Finding.criterion))
    return stmt.order_by(Finding.found_on.desc(), Finding.id.desc())


def finding_years() -> list[int]:
    return list(db.session.scalars(select(Finding.year).distinct().order_by(Finding.year.desc())))


def overdue_remedies(on: date | None = None) -> list[Remedy]:
    on = on or today()
    stmt = (select(Remedy).where(Remedy.deadline < on, Remedy.status.in_(("todo", "doing")))
            .order_by(Remedy.deadline, Remedy.id))
    return list(db.session.scalars(stmt))


def open_remedies_of(user) -> list[Remedy]:
    """Open remedies the user answers for: their own and their unit's (owners.py)."""
    stmt = (select(Remedy).where(owners.owned_by(user), Remedy.status.in_(("todo", "doing")))
            .order_by(Remedy.deadline, Remedy.id))
    return list(db.session.scalars(stmt))


def awaiting_confirmation() -> list[Remedy]:
    stmt = (select(Remedy).where(Remedy.status == "done", Remedy.confirmed_at.is_(None))
            .order_by(Remedy.done_on, Remedy.id))
    return list(db.session.scalars(stmt))


EXPORT_HEADERS = ["STT", "Số", "Ngày phát hiện", "Nguồn", "Nội dung tồn tại, hạn chế", "Đơn vị",
                  "Cán bộ, công chức", "Nguyên nhân", "Kiến nghị", "Biện pháp khắc phục (người thực hiện, hạn, tình trạng)",
                  "Tình trạng"]


def export_rows(findings, on: date) -> list[list]:
    rows = []
    for n, f in enumerate(findings, start=1):
        remedies = "\n".join(
            f"- {r.action} ({r.owner_name}, hạn {r.deadline:%d/%m/%Y}, {REMEDY_STATUSES[r.status].lower()}"
            f"{', quá hạn' if r.is_overdue(on) else ''})" for r in f.remedies)
        state = {"remedied": "Đã khắc phục", "escalated": "Đã kiến nghị cấp có thẩm quyền",
                 "open": "Đang theo dõi"}[outcome(f)]
        rows.append([n, f.id, f.found_on, SOURCES.get(f.source, f.source) + (f"\n{f.source_ref}" if f.source_ref else ""),
                     f.description, f.unit.name if f.unit else "", f.person.full_name if f.person else "",
                     CAUSES.get(f.cause, f.cause), f.recommendation, remedies, state])
    return rows
