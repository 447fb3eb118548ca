"""The catalogue file (YAML): reading it (parse) and writing it (dump). What it reads becomes the
specs (specs.py), checked by the rules in validation.py.

Format (documented in README, example: data/thanh_sen_2026.yaml)::

    year: 2026
    kind: index                      # optional: inspection (default) or index (Bộ tiêu chí Chỉ số CCHC)
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
            criteria: [...]                       # optional sub-criteria (tiêu chí thành phần), any depth
        groups:                       # optional groups, each with its criteria
          - code: "1.6.1"
            name: "…"
            criteria: [...]
    adhoc_subjects: ["…", "…"]        # optional

Every code of a group or criterion starts with its area's code ("1.3.2" lies in area "1.3").
"""
from decimal import Decimal

import yaml

from . import yamlsafe
from .specs import AreaSpec, CatalogueSpec, CriterionSpec, GroupSpec  # noqa: F401  (re-exported)
from .validation import LIMITS, validate  # noqa: F401  (LIMITS re-exported)


def parse(raw: bytes) -> tuple[CatalogueSpec | None, list[str]]:
    """Read a catalogue file (YAML, or an Excel workbook sent to the same import). Returns the
    spec, or None and every problem found (in Vietnamese)."""
    if not raw or not raw.strip():
        return None, ["Tệp rỗng: không có nội dung nào để nhập."]
    if raw[:4] == b"PK\x03\x04":
        from .excelformat import parse_xlsx  # an .xlsx is a zip archive

        return parse_xlsx(raw)
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return None, ["Đây là tệp Excel đời cũ (.xls). Hãy mở bằng Excel, chọn Lưu thành "
                      "“Excel Workbook (.xlsx)” rồi nhập lại, hoặc dùng tệp mẫu Excel của cổng."]
    if len(raw) > yamlsafe.MAX_BYTES:
        return None, [f"Tệp quá lớn (tối đa {yamlsafe.MAX_BYTES // 1000} KB)."]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [f"Tệp không được mã hóa UTF-8 (byte lỗi ở vị trí {exc.start}). "
                      "Hãy lưu lại tệp với bảng mã UTF-8 rồi nhập lại."]
    data, problems = yamlsafe.load(text)
    if data is None and problems:
        return None, [str(p) for p in problems]
    if data is None:
        return None, ["Tệp rỗng: không có nội dung nào để nhập."]
    spec, errors = validate(data)
    errors = [str(p) for p in problems] + errors
    return (None if errors else spec), errors


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
            if c.scoring_rule or c.partial_ratio is not None or c.thresholds:
                sc = {"rule": c.scoring_rule or "rating"}
                if c.partial_ratio is not None:
                    sc["partial"] = _num(c.partial_ratio)
                if c.thresholds:
                    sc["thresholds"] = c.thresholds
                item["scoring"] = sc
            if c.children:
                item["criteria"] = [crit(x) for x in c.children]
            return item

        node = {"code": area.code, "name": area.name}
        direct = [crit(c) for c in area.criteria if c.group_id is None and c.parent_id is None]
        if direct:
            node["criteria"] = direct
        if area.groups:
            node["groups"] = [
                {"code": g.code, "name": g.name,
                 "criteria": [crit(c) for c in g.criteria if c.parent_id is None]}
                for g in area.groups
            ]
        areas.append(node)
    doc = {"year": catalogue.year}
    if catalogue.kind != "inspection":
        doc["kind"] = catalogue.kind
    doc["title"] = catalogue.title
    if catalogue.source:
        doc["source"] = catalogue.source
    doc["areas"] = areas
    if catalogue.adhoc_subjects:
        doc["adhoc_subjects"] = [s.name for s in catalogue.adhoc_subjects]
    header = f"# {catalogue.title}\n"
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
