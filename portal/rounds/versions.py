"""What changed between two versions of a report (pure): each text field word by word, the
figures, and the evidence added or no longer cited."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .models import REPORT_STATUSES

TEXT_FIELDS = {"done_text": "Kết quả đã thực hiện", "difficulties": "Khó khăn, vướng mắc",
               "proposals": "Kiến nghị, đề xuất"}
VALUE_FIELDS = {"status": "Tình trạng thực hiện", "indicator_value": "Giá trị chỉ tiêu",
                "self_score": "Điểm tự chấm"}


@dataclass
class FieldChange:
    label: str
    # [(op, text)] with op in "same", "del", "ins": enough to render <del>/<ins>
    parts: list = field(default_factory=list)


@dataclass
class VersionDiff:
    before: object
    after: object
    fields: list[FieldChange] = field(default_factory=list)
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    documents_added: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.files_added or self.files_removed or self.documents_added
                    or self.documents_removed)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level changes, whitespace kept with the word before it."""
    a, b = re.findall(r"\S+\s*", old or ""), re.findall(r"\S+\s*", new or "")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("del", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("ins", "".join(b[j1:j2])))
    return out


def _shown(name, value) -> str:
    if name == "status":
        return REPORT_STATUSES.get(value or "", "Chưa chọn")
    return "—" if value is None or value == "" else str(value)


def _document_label(d: dict) -> str:
    day = d.get("issued_on") or ""
    if day:
        y, m, dd = day.split("-")
        day = f" ngày {dd}/{m}/{y}"
    return f"{d.get('number', '')}{day}" + (f" — {d['summary']}" if d.get("summary") else "")


def diff(before, after) -> VersionDiff:
    """`before` and `after` are ReportVersion rows (or anything with the same attributes)."""
    out = VersionDiff(before=before, after=after)
    for name, label in VALUE_FIELDS.items():
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            out.fields.append(FieldChange(label, [("del", _shown(name, old)), ("ins", _shown(name, new))]))
    for name, label in TEXT_FIELDS.items():
        old, new = getattr(before, name) or "", getattr(after, name) or ""
        if old != new:
            out.fields.append(FieldChange(label, word_diff(old, new)))
    old_files = {f["id"]: f["name"] for f in before.files or []}
    new_files = {f["id"]: f["name"] for f in after.files or []}
    out.files_added = [n for i, n in new_files.items() if i not in old_files]
    out.files_removed = [n for i, n in old_files.items() if i not in new_files]
    old_docs = {_document_label(d) for d in before.documents or []}
    new_docs = {_document_label(d) for d in after.documents or []}
    out.documents_added = sorted(new_docs - old_docs)
    out.documents_removed = sorted(old_docs - new_docs)
    return out


def history(versions) -> list[tuple[object, VersionDiff | None]]:
    """Each version with what changed since the one before (None for the first)."""
    versions = list(versions)
    return [(v, diff(versions[i - 1], v) if i else None) for i, v in enumerate(versions)]
