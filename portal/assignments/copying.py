"""Copying a year's assignments to another catalogue (the next year's plan, or another
province's), matching criteria by code AND text, with a preview before anything is written.

A code alone proves nothing across catalogues (Lào Cai's 1.2.1 is an Đề án 06 item, Thành
Sen's is a legal-documents one), so:
- matched: same code, similar text → copied;
- differs: same code, different text → copied only when confirmed;
- by_text: another code with a similar text (a renumbered criterion) → copied only when
  confirmed, to that criterion;
- unmatched: nothing alike → not copied (by_text ones are listed among them too);
- skipped: the target criterion already has its assignment → left alone."""
from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from portal.catalogue.models import Catalogue, Criterion
from portal.text import fold

SIMILAR = 0.85  # share of matching characters (accents, case and spacing ignored)


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()


@dataclass
class Pair:
    source: Criterion
    target: Criterion
    ratio: float

    @property
    def percent(self) -> int:
        return round(self.ratio * 100)


@dataclass
class CopyResult:
    copied: int = 0
    skipped: list[str] = field(default_factory=list)          # target codes already assigned
    unmatched: list[Criterion] = field(default_factory=list)  # no criterion with that code
    matched: list[Pair] = field(default_factory=list)
    differs: list[Pair] = field(default_factory=list)         # same code, different text
    by_text: list[Pair] = field(default_factory=list)         # other code, similar text
    confirmed: list[str] = field(default_factory=list)        # source codes copied on confirmation
    applied: bool = False

    @property
    def to_copy(self) -> int:
        return len(self.matched)


def _best_by_text(criterion: Criterion, candidates: list[Criterion]) -> Pair | None:
    best = None
    a = fold(criterion.text)
    for other in candidates:
        matcher = SequenceMatcher(None, a, fold(other.text), autojunk=False)
        if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
            continue  # cheap upper bounds first: most pairs stop here
        ratio = matcher.ratio()
        if ratio >= SIMILAR and (best is None or ratio > best.ratio):
            best = Pair(criterion, other, ratio)
    return best


def plan_copy(source: Catalogue, target: Catalogue) -> CopyResult:
    """The preview: what would be copied, what needs a confirmation, what cannot be."""
    from .services import list_criteria

    if source.id == target.id:
        raise ValueError("Năm nguồn và năm đích phải khác nhau.")
    result = CopyResult()
    targets = list_criteria(target)
    by_code = {c.code: c for c in targets}
    for criterion in list_criteria(source):
        a = criterion.assignment
        if a is None or not a.is_assigned:
            continue
        dest = by_code.get(criterion.code)
        if dest is None:
            result.unmatched.append(criterion)
            if (pair := _best_by_text(criterion, targets)) is not None:
                result.by_text.append(pair)
            continue
        ratio = similarity(criterion.text, dest.text)
        pair = Pair(criterion, dest, ratio)
        if ratio < SIMILAR:
            result.differs.append(pair)
        elif dest.assignment is not None and dest.assignment.is_assigned:
            result.skipped.append(dest.code)
        else:
            result.matched.append(pair)
    return result


def apply_copy(source: Catalogue, target: Catalogue, result: CopyResult, confirmed=()) -> CopyResult:
    """Write the matched pairs and the confirmed ones (source codes in `confirmed`)."""
    from .services import AssignmentData, save_assignment, shift_year

    confirmed = set(confirmed)
    pairs = list(result.matched)
    for pair in result.differs + result.by_text:
        if pair.source.code in confirmed:
            pairs.append(pair)
            result.confirmed.append(pair.source.code)
    done: set[int] = set()
    for pair in pairs:
        dest = pair.target
        if dest.id in done or (dest.assignment is not None and dest.assignment.is_assigned):
            if dest.code not in result.skipped:
                result.skipped.append(dest.code)
            continue
        data = AssignmentData.of(pair.source.assignment)
        data.timeframe = shift_year(data.timeframe, source.year, target.year)
        save_assignment(dest, data, reason=f"Sao chép từ phân công năm {source.year}")
        done.add(dest.id)
        result.copied += 1
    result.applied = True
    return result


def copy_year(source: Catalogue, target: Catalogue, confirmed=()) -> CopyResult:
    return apply_copy(source, target, plan_copy(source, target), confirmed)
