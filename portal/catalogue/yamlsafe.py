"""A YAML reader for uploaded catalogue files that cannot be made to explode.

PyYAML's SafeLoader still expands aliases: a few hundred bytes of nested `&a [*b, *b, …]` grow
to gigabytes (the "billion laughs"). Catalogue files never need aliases, so any alias is refused
before it is expanded, the text is capped before parsing, and every syntax error is told in
Vietnamese with its line and a short excerpt of that line."""
import yaml
from yaml.events import AliasEvent

MAX_BYTES = 1_000_000   # the 69-criterion plan is 15 KB; a province's scoring set ~100 KB
EXCERPT = 60


def excerpt(value, limit: int = EXCERPT) -> str:
    """A short, single-line quotation of user input (never echo a whole value back)."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line, self.message = line, message

    def __str__(self):
        return f"Dòng {self.line}: {self.message}" if self.line else self.message


class LineLoader(yaml.SafeLoader):
    """Safe loader without aliases; each mapping remembers its line under "__line__" and
    duplicate keys are reported (PyYAML would silently keep the last)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[YamlProblem] = []

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            mark = self.peek_event().start_mark
            raise YamlProblem(mark.line + 1, "tệp dùng tham chiếu YAML (“*…”); hãy viết đầy đủ giá trị, "
                                             "không dùng “&” và “*”.")
        return super().compose_node(parent, index)


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _value in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key in seen:
            loader.duplicates.append(YamlProblem(key_node.start_mark.line + 1,
                                                 f"khóa “{excerpt(key, 30)}” xuất hiện hai lần."))
        seen.add(key)
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# PyYAML's problems, said so that an office clerk can fix the file.
_PROBLEMS = [
    ("mapping values are not allowed", "có dấu “: ” giữa một văn bản không đặt trong ngoặc kép; "
                                       "hãy đặt cả văn bản trong dấu ngoặc kép \"…\"."),
    ("cannot start any token", "có ký tự Tab hoặc ký tự không hợp lệ ở đầu; hãy thụt lề bằng dấu cách."),
    ("found character '\\t'", "có ký tự Tab; hãy thụt lề bằng dấu cách."),
    ("unexpected end of stream", "dấu ngoặc kép hoặc ngoặc vuông mở ra mà chưa đóng."),
    ("could not find expected ':'", "thiếu dấu “:” sau tên khóa, hoặc văn bản nhiều dòng chưa đặt "
                                    "trong ngoặc kép."),
    ("expected ',' or ']'", "danh sách trong ngoặc vuông chưa đóng “]”."),
    ("expected ',' or '}'", "ngoặc nhọn chưa đóng “}”."),
    ("expected <block end>", "thụt lề không khớp với các dòng phía trên."),
    ("did not find expected key", "thụt lề không khớp, hoặc thiếu dấu “-” ở đầu mục."),
    ("did not find expected '-'", "thiếu dấu “-” ở đầu mục của danh sách."),
    ("found undefined tag", "có thẻ “!…” không được hỗ trợ."),
    ("could not determine a constructor", "có thẻ “!…” không được hỗ trợ."),
    ("found unknown escape character", "có ký tự “\\” không hợp lệ trong văn bản ngoặc kép."),
]


def _explain(exc: yaml.YAMLError, lines: list[str]) -> YamlProblem:
    problem = str(getattr(exc, "problem", "") or exc)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else None
    why = next((vi for en, vi in _PROBLEMS if en in problem), "cú pháp không hợp lệ.")
    near = ""
    if line and 0 < line <= len(lines) and lines[line - 1].strip():
        near = f" (dòng đó: “{excerpt(lines[line - 1].strip())}”)"
    return YamlProblem(line, f"Tệp không đúng cú pháp YAML: {why}{near}")


def load(text: str):
    """Parse YAML text. Returns (data, problems); data is None when a problem stops parsing."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        return None, [YamlProblem(None, f"Tệp quá lớn (tối đa {MAX_BYTES // 1000} KB).")]
    loader = LineLoader(text)
    try:
        data = loader.get_single_data()
    except YamlProblem as problem:
        return None, [problem]
    except yaml.YAMLError as exc:
        return None, [_explain(exc, text.splitlines())]
    except RecursionError:
        return None, [YamlProblem(None, "Tệp lồng nhau quá sâu.")]
    finally:
        loader.dispose()
    return data, list(loader.duplicates)
