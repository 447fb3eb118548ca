"""Checking a catalogue read from a file (YAML, or rows read from Excel) or typed in an edit:
every problem reported at once, in Vietnamese, with its line; the limits the database sets."""
from decimal import Decimal, InvalidOperation

from portal.text import clean, fold

from .models import CATALOGUE_KINDS
from .specs import AreaSpec, CatalogueSpec, CriterionSpec, GroupSpec
from .yamlsafe import excerpt


# Limits checked before anything reaches the database (PostgreSQL refuses longer values with
# an error; numbers must fit their NUMERIC columns).
LIMITS = {"area_code": 20, "group_code": 20, "criterion_code": 30, "name": 300, "title": 300,
          "text": 2000, "source": 2000, "unit": 30, "adhoc": 1000}
MAX_CRITERIA = 2000
MAX_POINTS = Decimal("9999.99")      # Numeric(6, 2)
MAX_TARGET = Decimal("9999999999.99")  # Numeric(12, 2)


class _Collector:
    def __init__(self, labels: dict[str, str] | None = None):
        self.errors: list[str] = []
        self.labels = labels or {}

    def add(self, line, message):
        self.errors.append(f"Dòng {line}: {message}" if line else message)

    def key(self, key: str) -> str:
        """How a field is named in messages: the YAML key, or the Excel column."""
        return self.labels.get(key, f"“{key}”")


def _text(node, key, errs, line, what, required=True, limit="name"):
    value = node.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errs.add(line, f"{what} thiếu {errs.key(key)}.")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        if isinstance(value, float):
            errs.add(line, f"{what}: {errs.key(key)} “{excerpt(value)}” phải đặt trong dấu ngoặc kép "
                           "(nếu không, 1.10 sẽ bị đọc thành số 1.1).")
        else:
            errs.add(line, f"{what}: {errs.key(key)} phải là một chuỗi văn bản.")
        return ""
    text = clean(str(value))
    if len(text) > LIMITS[limit]:
        errs.add(line, f"{what}: {errs.key(key)} dài {len(text)} ký tự, tối đa {LIMITS[limit]} "
                       f"(bắt đầu bằng “{excerpt(text, 40)}”).")
        return text[: LIMITS[limit]]
    return text


def _number(value, errs, line, what, maximum=MAX_POINTS):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        errs.add(line, f"{what} phải là một số.")
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errs.add(line, f"{what} phải là một số (đang là “{excerpt(value, 30)}”).")
        return None
    if number < 0:
        errs.add(line, f"{what} không được âm.")
        return None
    if number > maximum:
        errs.add(line, f"{what} quá lớn (tối đa {maximum.normalize():f}).")
        return None
    if number != number.quantize(Decimal("0.01")):
        errs.add(line, f"{what} chỉ được có tối đa 2 chữ số thập phân.")
        return None
    return number


def _check_keys(node, allowed, errs, line, what):
    for key in node:
        if key != "__line__" and key not in allowed:
            errs.add(line, f"{what}: khóa “{excerpt(key, 30)}” không hợp lệ (chỉ dùng: {', '.join(allowed)}).")


def _list(node, key, errs, line, what):
    value = node.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        errs.add(line, f"{what}: {errs.key(key)} phải là một danh sách.")
        return []
    return value


MAX_DEPTH = 6
RULE_NAMES = {"rating": "rating", "proportional": "proportional", "thresholds": "thresholds",
              "theo muc danh gia": "rating", "ty le so voi chi tieu": "proportional", "theo nguong": "thresholds"}


def _scoring(node, spec: CriterionSpec, errs, line):
    """scoring: {rule: thresholds, thresholds: "97:2; 90:1", partial: 0.5} (see portal.scoring.rules)."""
    from portal.scoring.rules import ThresholdError, format_thresholds, parse_thresholds

    if node is None:
        return
    what = f"Cách chấm của nội dung {spec.code}"
    if not isinstance(node, dict):
        errs.add(line, f"{what}: “scoring” phải có dạng {{rule: thresholds, thresholds: \"97:2; 90:1\"}}.")
        return
    _check_keys(node, ("rule", "partial", "thresholds"), errs, line, what)
    rule = node.get("rule") or "rating"
    if not isinstance(rule, str) or fold(rule) not in RULE_NAMES:
        errs.add(line, f"{what}: {errs.key('rule')} “{excerpt(rule, 30)}” không hợp lệ (dùng: rating, "
                       "proportional hoặc thresholds).")
        return
    spec.scoring_rule = RULE_NAMES[fold(rule)]
    if spec.max_points is None:
        errs.add(line, f"{what}: cần có điểm tối đa.")
    partial = _number(node.get("partial"), errs, line, f"{what}: tỷ lệ đạt một phần", Decimal(1))
    spec.partial_ratio = partial
    raw = node.get("thresholds")
    if isinstance(raw, list):  # [[97, 2], [90, 1]]
        raw = "; ".join(f"{p[0]}:{p[1]}" if isinstance(p, list) and len(p) == 2 else "?" for p in raw)
    if raw not in (None, ""):
        try:
            steps = parse_thresholds(str(raw))
        except ThresholdError as exc:
            errs.add(line, f"{what}: {exc}")
            return
        if spec.max_points is not None and any(points > spec.max_points for _v, points in steps):
            errs.add(line, f"{what}: điểm của một ngưỡng vượt điểm tối đa.")
        spec.thresholds = format_thresholds(steps)
    if spec.scoring_rule == "thresholds" and not spec.thresholds:
        errs.add(line, f"{what}: chấm theo ngưỡng cần {errs.key('thresholds')}, ví dụ \"97:2; 90:1\".")
    if spec.scoring_rule == "proportional" and not spec.indicator_target:
        errs.add(line, f"{what}: chấm theo tỷ lệ cần chỉ tiêu (target) lớn hơn 0.")


def _criterion(node, area_code, errs, parent_line, depth=0):
    if not isinstance(node, dict):
        errs.add(parent_line, f"Lĩnh vực {area_code}: mỗi nội dung kiểm tra phải có “code” và “text”.")
        return None
    line = node["__line__"]
    _check_keys(node, ("code", "text", "indicator", "max_points", "scoring", "criteria"), errs, line,
                "Nội dung kiểm tra")
    code = _text(node, "code", errs, line, "Nội dung kiểm tra", limit="criterion_code")
    text = _text(node, "text", errs, line, f"Nội dung {code or 'kiểm tra'}", limit="text")
    if code and area_code and not code.startswith(area_code + "."):
        errs.add(line, f"Mã nội dung “{code}” không thuộc lĩnh vực “{area_code}” "
                       f"(mã phải bắt đầu bằng “{area_code}.”): lĩnh vực không xác định.")
    spec = CriterionSpec(code=code, text=text, line=line)
    indicator = node.get("indicator")
    if indicator is not None:
        if not isinstance(indicator, dict):
            errs.add(line, f"Nội dung {code}: “indicator” phải có dạng {{unit: \"%\", target: 60}}.")
        else:
            _check_keys(indicator, ("unit", "target"), errs, line, f"Chỉ tiêu của nội dung {code}")
            spec.indicator_unit = _text(indicator, "unit", errs, line, f"Chỉ tiêu của nội dung {code}",
                                        required=False, limit="unit")
            spec.indicator_target = _number(indicator.get("target"), errs, line,
                                            f"Chỉ tiêu của nội dung {code}", MAX_TARGET)
    spec.max_points = _number(node.get("max_points"), errs, line, f"Điểm tối đa của nội dung {code}")
    _scoring(node.get("scoring"), spec, errs, line)
    children = _list(node, "criteria", errs, line, f"Nội dung {code}")
    if children and depth >= MAX_DEPTH:
        errs.add(line, f"Nội dung {code}: tiêu chí lồng nhau quá {MAX_DEPTH} cấp.")
        children = []
    for child in children:
        if (c := _criterion(child, area_code, errs, line, depth + 1)) is not None:
            spec.children.append(c)
    return spec


def validate(data, labels: dict[str, str] | None = None) -> tuple[CatalogueSpec | None, list[str]]:
    """Check a parsed file (YAML, or rows read from Excel) and report every problem at once."""
    errs = _Collector(labels)
    if not isinstance(data, dict):
        return None, ["Tệp phải bắt đầu bằng các khóa “year”, “title” và “areas”."]
    line = data.get("__line__", 1)
    _check_keys(data, ("year", "kind", "title", "source", "areas", "adhoc_subjects"), errs, line, "Tệp")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        errs.add(line, "“year” phải là một năm, ví dụ 2026.")
        year = 0
    spec = CatalogueSpec(
        year=year,
        title=_text(data, "title", errs, line, "Tệp", limit="title"),
        source=_text(data, "source", errs, line, "Tệp", required=False, limit="source"),
    )
    kind = data.get("kind")
    if kind is not None:
        kinds = {"inspection": "inspection", "index": "index"}
        kinds.update({fold(label): key for key, label in CATALOGUE_KINDS.items()})
        if not isinstance(kind, str) or fold(kind) not in kinds:
            errs.add(line, f"{errs.key('kind')} “{excerpt(kind, 30)}” không hợp lệ (dùng: "
                           f"{', '.join(CATALOGUE_KINDS.values())}).")
        else:
            spec.kind = kinds[fold(kind)]
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

    def read_criteria(node, area_code, at, what, into):
        """The node's criteria, appended to `into`; every code (sub-criteria too) must be unique."""
        for cnode in _list(node, "criteria", errs, at, what):
            if (c := _criterion(cnode, area_code, errs, at)) is not None:
                into.append(c)
                for x, _ in c.walk():
                    unique(x.code, "nội dung", x.line)

    for node in areas:
        if not isinstance(node, dict):
            errs.add(line, "Mỗi lĩnh vực phải có “code” và “name”.")
            continue
        aline = node["__line__"]
        _check_keys(node, ("code", "name", "criteria", "groups"), errs, aline, "Lĩnh vực")
        area = AreaSpec(code=_text(node, "code", errs, aline, "Lĩnh vực", limit="area_code"),
                        name=_text(node, "name", errs, aline, "Lĩnh vực"), line=aline)
        unique(area.code, "lĩnh vực", aline)
        read_criteria(node, area.code, aline, f"Lĩnh vực {area.code}", area.criteria)
        for gnode in _list(node, "groups", errs, aline, f"Lĩnh vực {area.code}"):
            if not isinstance(gnode, dict):
                errs.add(aline, f"Lĩnh vực {area.code}: mỗi nhóm phải có “code”, “name” và “criteria”.")
                continue
            gline = gnode["__line__"]
            _check_keys(gnode, ("code", "name", "criteria"), errs, gline, "Nhóm")
            group = GroupSpec(code=_text(gnode, "code", errs, gline, "Nhóm", limit="group_code"),
                              name=_text(gnode, "name", errs, gline, "Nhóm"), line=gline)
            if group.code and area.code and not group.code.startswith(area.code + "."):
                errs.add(gline, f"Mã nhóm “{group.code}” không thuộc lĩnh vực “{area.code}”.")
            unique(group.code, "nhóm", gline)
            read_criteria(gnode, area.code, gline, f"Nhóm {group.code}", group.criteria)
            area.groups.append(group)
        if not area.criteria and not any(g.criteria for g in area.groups):
            errs.add(aline, f"Lĩnh vực {area.code or '(không mã)'} không có nội dung kiểm tra nào.")
        spec.areas.append(area)
    for item in _list(data, "adhoc_subjects", errs, line, "Tệp"):
        at = line
        if isinstance(item, dict) and "__line__" in item:  # an Excel row carries its number
            at, item = item["__line__"], item.get("name")
        if isinstance(item, str) and item.strip():
            if len(clean(item)) > LIMITS["adhoc"]:
                errs.add(at, f"Nội dung kiểm tra đột xuất dài quá {LIMITS['adhoc']} ký tự "
                             f"(“{excerpt(item, 40)}”).")
            spec.adhoc_subjects.append(clean(item)[: LIMITS["adhoc"]])
        else:
            errs.add(at, "Mỗi nội dung kiểm tra đột xuất (“adhoc_subjects”) phải là một dòng văn bản.")
    if spec.criteria_count() > MAX_CRITERIA:
        errs.add(None, f"Tệp có {spec.criteria_count()} nội dung, tối đa {MAX_CRITERIA}.")
    return (None if errs.errors else spec), errs.errors
