"""The catalogue file (YAML): parsing with line numbers, validation, and export.

Format (documented in README, example: data/thanh_sen_2026.yaml)::

    year: 2026
    title: "Bộ nội dung kiểm tra …"
    source: "…"                      # optional
    areas:
      - code: "1.1"
        name: "Công tác chỉ đạo, điều hành"
        criteria:                     # criteria directly in the area, and/or
          - code: "1.1.1"
            text: "…"
            indicator: {unit: "%", target: 60}   # optional
            max_points: 2                         # optional
        groups:                       # optional groups, each with its criteria
          - code: "1.6.1"
            name: "…"
            criteria: [...]
    adhoc_subjects: ["…", "…"]        # optional

Every code of a group or criterion starts with its area's code ("1.3.2" lies in area "1.3").
"""
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml

from portal.text import clean


@dataclass
class CriterionSpec:
    code: str
    text: str
    line: int = field(default=0, compare=False)
    indicator_unit: str = ""
    indicator_target: Decimal | None = None
    max_points: Decimal | None = None


@dataclass
class GroupSpec:
    code: str
    name: str
    line: int = field(default=0, compare=False)
    criteria: list[CriterionSpec] = field(default_factory=list)


@dataclass
class AreaSpec:
    code: str
    name: str
    line: int = field(default=0, compare=False)
    criteria: list[CriterionSpec] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)

    def all_criteria(self):
        yield from ((c, None) for c in self.criteria)
        for g in self.groups:
            yield from ((c, g) for c in g.criteria)


@dataclass
class CatalogueSpec:
    year: int
    title: str
    source: str = ""
    areas: list[AreaSpec] = field(default_factory=list)
    adhoc_subjects: list[str] = field(default_factory=list)

    def criteria_count(self) -> int:
        return sum(1 for a in self.areas for _ in a.all_criteria())


class _LineLoader(yaml.SafeLoader):
    """Safe loader that remembers each mapping's line (1-based) under the key "__line__"."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Collector:
    def __init__(self):
        self.errors: list[str] = []

    def add(self, line, message):
        self.errors.append(f"Dòng {line}: {message}" if line else message)


def _text(node, key, errs, line, what, required=True):
    value = node.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errs.add(line, f"{what} thiếu “{key}”.")
        return ""
    if isinstance(value, (dict, list)):
        errs.add(line, f"{what}: “{key}” phải là một chuỗi văn bản.")
        return ""
    return clean(str(value))


def _number(value, errs, line, what):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errs.add(line, f"{what} phải là một số (đang là “{value}”).")
        return None
    if number < 0:
        errs.add(line, f"{what} không được âm.")
        return None
    return number


def _check_keys(node, allowed, errs, line, what):
    for key in node:
        if key != "__line__" and key not in allowed:
            errs.add(line, f"{what}: khóa “{key}” không hợp lệ (chỉ dùng: {', '.join(allowed)}).")


def _list(node, key, errs, line, what):
    value = node.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        errs.add(line, f"{what}: “{key}” phải là một danh sách.")
        return []
    return value


def _criterion(node, area_code, errs, parent_line):
    if not isinstance(node, dict):
        errs.add(parent_line, f"Lĩnh vực {area_code}: mỗi nội dung kiểm tra phải có “code” và “text”.")
        return None
    line = node["__line__"]
    _check_keys(node, ("code", "text", "indicator", "max_points"), errs, line, "Nội dung kiểm tra")
    code = _text(node, "code", errs, line, "Nội dung kiểm tra")
    text = _text(node, "text", errs, line, f"Nội dung {code or 'kiểm tra'}")
    if code and not code.startswith(area_code + "."):
        errs.add(line, f"Mã nội dung “{code}” không thuộc lĩnh vực “{area_code}” "
                       f"(mã phải bắt đầu bằng “{area_code}.”): lĩnh vực không xác định.")
    spec = CriterionSpec(code=code, text=text, line=line)
    indicator = node.get("indicator")
    if indicator is not None:
        if not isinstance(indicator, dict):
            errs.add(line, f"Nội dung {code}: “indicator” phải có dạng {{unit: \"%\", target: 60}}.")
        else:
            _check_keys(indicator, ("unit", "target"), errs, line, f"Chỉ tiêu của nội dung {code}")
            spec.indicator_unit = clean(str(indicator.get("unit") or ""))[:30]
            spec.indicator_target = _number(indicator.get("target"), errs, line, f"Chỉ tiêu của nội dung {code}")
    spec.max_points = _number(node.get("max_points"), errs, line, f"Điểm tối đa của nội dung {code}")
    return spec


def validate(data) -> tuple[CatalogueSpec | None, list[str]]:
    errs = _Collector()
    if not isinstance(data, dict):
        return None, ["Tệp phải bắt đầu bằng các khóa “year”, “title” và “areas”."]
    line = data.get("__line__", 1)
    _check_keys(data, ("year", "title", "source", "areas", "adhoc_subjects"), errs, line, "Tệp")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        errs.add(line, "“year” phải là một năm, ví dụ 2026.")
        year = 0
    spec = CatalogueSpec(
        year=year,
        title=_text(data, "title", errs, line, "Tệp"),
        source=_text(data, "source", errs, line, "Tệp", required=False),
    )
    areas = _list(data, "areas", errs, line, "Tệp")
    if not areas:
        errs.add(line, "Tệp không có lĩnh vực nào (“areas”).")
    seen: dict[str, int] = {}

    def unique(code, kind, at):
        if not code:
            return
        if code in seen:
            errs.add(at, f"Mã {kind} “{code}” bị trùng (đã có ở dòng {seen[code]}).")
        else:
            seen[code] = at

    for node in areas:
        if not isinstance(node, dict):
            errs.add(line, "Mỗi lĩnh vực phải có “code” và “name”.")
            continue
        aline = node["__line__"]
        _check_keys(node, ("code", "name", "criteria", "groups"), errs, aline, "Lĩnh vực")
        area = AreaSpec(code=_text(node, "code", errs, aline, "Lĩnh vực"),
                        name=_text(node, "name", errs, aline, "Lĩnh vực"), line=aline)
        unique(area.code, "lĩnh vực", aline)
        for cnode in _list(node, "criteria", errs, aline, f"Lĩnh vực {area.code}"):
            if (c := _criterion(cnode, area.code, errs, aline)) is not None:
                area.criteria.append(c)
                unique(c.code, "nội dung", c.line)
        for gnode in _list(node, "groups", errs, aline, f"Lĩnh vực {area.code}"):
            if not isinstance(gnode, dict):
                errs.add(aline, f"Lĩnh vực {area.code}: mỗi nhóm phải có “code”, “name” và “criteria”.")
                continue
            gline = gnode["__line__"]
            _check_keys(gnode, ("code", "name", "criteria"), errs, gline, "Nhóm")
            group = GroupSpec(code=_text(gnode, "code", errs, gline, "Nhóm"),
                              name=_text(gnode, "name", errs, gline, "Nhóm"), line=gline)
            if group.code and area.code and not group.code.startswith(area.code + "."):
                errs.add(gline, f"Mã nhóm “{group.code}” không thuộc lĩnh vực “{area.code}”.")
            unique(group.code, "nhóm", gline)
            for cnode in _list(gnode, "criteria", errs, gline, f"Nhóm {group.code}"):
                if (c := _criterion(cnode, area.code, errs, gline)) is not None:
                    group.criteria.append(c)
                    unique(c.code, "nội dung", c.line)
            area.groups.append(group)
        if not area.criteria and not any(g.criteria for g in area.groups):
            errs.add(aline, f"Lĩnh vực {area.code or '(không mã)'} không có nội dung kiểm tra nào.")
        spec.areas.append(area)
    for item in _list(data, "adhoc_subjects", errs, line, "Tệp"):
        if isinstance(item, str) and item.strip():
            spec.adhoc_subjects.append(clean(item))
        else:
            errs.add(line, "Mỗi nội dung kiểm tra đột xuất (“adhoc_subjects”) phải là một dòng văn bản.")
    return (None if errs.errors else spec), errs.errors


def parse(raw: bytes) -> tuple[CatalogueSpec | None, list[str]]:
    """Read a catalogue file. Returns the spec, or None and every problem found (in Vietnamese)."""
    if not raw or not raw.strip():
        return None, ["Tệp rỗng: không có nội dung nào để nhập."]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [f"Tệp không được mã hóa UTF-8 (byte lỗi ở vị trí {exc.start}). "
                      "Hãy lưu lại tệp với bảng mã UTF-8 rồi nhập lại."]
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"Dòng {mark.line + 1}: " if mark else ""
        return None, [f"{where}Tệp không đúng cú pháp YAML ({getattr(exc, 'problem', '') or exc})."]
    if data is None:
        return None, ["Tệp rỗng: không có nội dung nào để nhập."]
    return validate(data)


def _num(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def dump(catalogue) -> str:
    """The catalogue as a YAML file in the format above (parse(dump(c)) gives c back)."""
    areas = []
    for area in catalogue.areas:
        def crit(c):
            item = {"code": c.code, "text": c.text}
            if c.indicator_unit or c.indicator_target is not None:
                ind = {}
                if c.indicator_unit:
                    ind["unit"] = c.indicator_unit
                if c.indicator_target is not None:
                    ind["target"] = _num(c.indicator_target)
                item["indicator"] = ind
            if c.max_points is not None:
                item["max_points"] = _num(c.max_points)
            return item

        node = {"code": area.code, "name": area.name}
        direct = [crit(c) for c in area.criteria if c.group_id is None]
        if direct:
            node["criteria"] = direct
        if area.groups:
            node["groups"] = [
                {"code": g.code, "name": g.name, "criteria": [crit(c) for c in g.criteria]}
                for g in area.groups
            ]
        areas.append(node)
    doc = {"year": catalogue.year, "title": catalogue.title}
    if catalogue.source:
        doc["source"] = catalogue.source
    doc["areas"] = areas
    if catalogue.adhoc_subjects:
        doc["adhoc_subjects"] = [s.name for s in catalogue.adhoc_subjects]
    header = f"# {catalogue.title}\n"
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
