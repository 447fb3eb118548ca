"""The remedy workflow: assigning a remedy (a person or a unit, a deadline), the owner's progress
reports, the team's confirmation, escalation and re-inspection. Functions change and flush; the
caller commits once."""
from __future__ import annotations

from datetime import date

from portal.accounts.models import Unit, User
from portal.audit.recorder import log_event
from portal.extensions import db
from portal.notifications import events
from portal.timeutil import now_utc, today

from .closure import refresh_closure
from .models import Finding, ReInspection, Remedy, RemedyUpdate
from .rules import FindingError, date_field, ref_field, text_field


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
    remedy.done_on = remedy.done_on or today()
    return _settle(remedy, user, "done", note, "confirm")


def escalate(remedy: Remedy, user: User, note: str) -> Remedy:
    """Kiến nghị cấp có thẩm quyền xử lý: beyond the ward's power; counts as settled."""
    errors: dict[str, str] = {}
    note = text_field(errors, "note", note, "nội dung kiến nghị cấp có thẩm quyền", required=True)
    if remedy.is_settled:
        errors["remedy"] = "Biện pháp này đã được xác nhận trước đó."
    if errors:
        raise FindingError(errors)
    return _settle(remedy, user, "escalated", note, "escalate")


def _settle(remedy: Remedy, user: User, status: str, note: str, verb: str) -> Remedy:
    """The team settles a remedy (confirmed done or escalated): recorded, and the finding may close."""
    remedy.status = status
    remedy.confirmed_by_id = user.id
    remedy.confirmed_at = now_utc()
    if note:
        remedy.note = note
    log_event(db.session, remedy, verb, {"by": user.full_name, "note": note})
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
