"""The office edits the catalogue in the portal: criteria (text, points, scoring rule, target),
their order, groups and area names.

Every edit is checked by the same rules as an imported file (validation) and carries the
catalogue's version: two clerks editing at once never silently overwrite each other (409).
A catalogue used by a round that is under way keeps its codes and texts (the round reports on
them); one used by a closed round is read-only."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from portal.audit.recorder import log_event
from portal.extensions import db
from portal.text import clean

from . import validation
from .models import Area, AreaGroup, Catalogue, Criterion


class EditRefused(ValueError):
    """A refusal with its Vietnamese message(s)."""

    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


def lock_state(catalogue: Catalogue) -> str:
    """"free", "texts" (a round under way uses it: codes and texts fixed) or "closed"."""
    from portal.rounds.models import Round

    states = set(db.session.scalars(select(Round.state).where(Round.catalogue_id == catalogue.id)))
    if "closed" in states:
        return "closed"
    if states & {"open", "review"}:
        return "texts"
    return "free"


def _check(catalogue: Catalogue, version) -> None:
    from portal.web.concurrency import check_version

    check_version(catalogue, version)
    if lock_state(catalogue) == "closed":
        raise EditRefused("Bộ nội dung này đã dùng cho một đợt kiểm tra đã kết thúc nên không sửa được. "
                          "Hãy tạo bộ nội dung cho năm sau (nhập tệp hoặc sao chép).")


def _touch(catalogue: Catalogue) -> None:
    """Bump the catalogue's version with any change inside it."""
    flag_modified(catalogue, "title")


def _spec_from(data: dict, area_code: str):
    node = {"__line__": 0, "code": data.get("code", ""), "text": data.get("text", "")}
    unit, target = (data.get("unit") or "").strip(), (data.get("target") or "").strip()
    if unit or target:
        node["indicator"] = {"__line__": 0, "unit": unit, "target": target or None}
    if (data.get("max_points") or "").strip():
        node["max_points"] = data["max_points"].strip()
    rule = (data.get("rule") or "").strip()
    if rule or (data.get("thresholds") or "").strip() or (data.get("partial") or "").strip():
        node["scoring"] = {"__line__": 0, "rule": rule or "rating",
                           "thresholds": (data.get("thresholds") or "").strip(),
                           "partial": (data.get("partial") or "").strip() or None}
    errs = validation._Collector(LABELS)
    spec = validation._criterion(node, area_code, errs, 0)
    if errs.errors:
        raise EditRefused(errs.errors)
    return spec


LABELS = {"code": "mã", "text": "nội dung", "unit": "đơn vị tính", "rule": "cách chấm", "thresholds": "ngưỡng"}


def save_criterion(criterion: Criterion | None, data: dict, *, area: Area, version,
                   group: AreaGroup | None = None, parent: Criterion | None = None) -> Criterion:
    catalogue = area.catalogue
    _check(catalogue, version)
    spec = _spec_from(data, area.code)
    clash = db.session.scalar(select(Criterion.id).where(Criterion.catalogue_id == catalogue.id,
                                                         Criterion.code == spec.code))
    if clash and (criterion is None or clash != criterion.id):
        raise EditRefused(f"Mã “{spec.code}” đã có trong bộ nội dung này.")
    if lock_state(catalogue) == "texts" and (
            criterion is None or spec.code != criterion.code or spec.text != criterion.text):
        raise EditRefused("Bộ nội dung đang dùng cho một đợt kiểm tra chưa kết thúc: không thêm nội dung, "
                          "không đổi mã hoặc câu chữ; chỉ sửa điểm, chỉ tiêu và cách chấm.")
    if criterion is None:
        last = db.session.scalar(select(func.max(Criterion.position)).where(Criterion.area_id == area.id)) or 0
        # later areas move down one place, so the new criterion ends its own area
        for later in db.session.scalars(select(Criterion).where(Criterion.catalogue_id == catalogue.id,
                                                                Criterion.position > last, Criterion.area_id != area.id)):
            later.position += 1
        criterion = Criterion(catalogue_id=catalogue.id, area=area, group=group, parent=parent, position=last + 1,
                              code=spec.code, text=spec.text)
        db.session.add(criterion)
    criterion.code, criterion.text = spec.code, spec.text
    criterion.indicator_unit, criterion.indicator_target = spec.indicator_unit, spec.indicator_target
    criterion.max_points = spec.max_points
    criterion.scoring_rule, criterion.partial_ratio, criterion.thresholds = (
        spec.scoring_rule, spec.partial_ratio, spec.thresholds)
    criterion.refresh_search_text()
    _touch(catalogue)
    db.session.flush()
    log_event(db.session, criterion, "catalogue_edit", {"code": criterion.code})
    return criterion


def move_criterion(criterion: Criterion, direction: str, version) -> bool:
    """Swap with the neighbour above/below among the criteria of the same area, group and parent."""
    catalogue = criterion.area.catalogue
    _check(catalogue, version)
    siblings = list(db.session.scalars(
        select(Criterion).where(Criterion.area_id == criterion.area_id,
                                Criterion.group_id.is_(None) if criterion.group_id is None
                                else Criterion.group_id == criterion.group_id,
                                Criterion.parent_id.is_(None) if criterion.parent_id is None
                                else Criterion.parent_id == criterion.parent_id)
        .order_by(Criterion.position)))
    i = siblings.index(criterion)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(siblings):
        return False
    other = siblings[j]
    criterion.position, other.position = other.position, criterion.position
    _touch(catalogue)
    db.session.flush()
    return True


def rename(item: Area | AreaGroup, name: str, version) -> None:
    catalogue = item.catalogue if isinstance(item, Area) else item.area.catalogue
    _check(catalogue, version)
    name = clean(name)
    if not name:
        raise EditRefused("Vui lòng nhập tên.")
    if len(name) > validation.LIMITS["name"]:
        raise EditRefused(f"Tên dài quá {validation.LIMITS['name']} ký tự.")
    if lock_state(catalogue) == "texts":
        raise EditRefused("Bộ nội dung đang dùng cho một đợt kiểm tra chưa kết thúc: không đổi tên lĩnh vực, nhóm.")
    item.name = name
    _touch(catalogue)
    db.session.flush()


def add_group(area: Area, code: str, name: str, version) -> AreaGroup:
    catalogue = area.catalogue
    _check(catalogue, version)
    code, name = clean(code), clean(name)
    problems = []
    if not code or len(code) > validation.LIMITS["group_code"] or not code.startswith(area.code + "."):
        problems.append(f"Mã nhóm phải bắt đầu bằng “{area.code}.” và dài tối đa {validation.LIMITS['group_code']} ký tự.")
    if not name or len(name) > validation.LIMITS["name"]:
        problems.append(f"Tên nhóm là bắt buộc, tối đa {validation.LIMITS['name']} ký tự.")
    if any(g.code == code for a in catalogue.areas for g in a.groups):
        problems.append(f"Mã nhóm “{code}” đã có.")
    if lock_state(catalogue) == "texts":
        problems.append("Bộ nội dung đang dùng cho một đợt kiểm tra chưa kết thúc: không thêm nhóm.")
    if problems:
        raise EditRefused(problems)
    group = AreaGroup(area=area, code=code, name=name, position=len(area.groups) + 1)
    db.session.add(group)
    _touch(catalogue)
    db.session.flush()
    return group
