"""The sample check's rules as pure functions: drawing the sample, lateness, compliance rates."""
import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .workdays import working_days_between


class SampleError(ValueError):
    """A sample that cannot be drawn; the message is shown to the user."""


def draw_sample(codes: Iterable[str], size: int, seed: int) -> list[str]:
    """The dossier codes drawn, in draw order: random.Random(seed).sample over the codes sorted,
    so the same list and seed always give the same sample (whatever order they were entered in)."""
    population = sorted(set(codes))
    if size < 1:
        raise SampleError("Cỡ mẫu phải từ 1 hồ sơ trở lên.")
    if size > len(population):
        raise SampleError(f"Cỡ mẫu ({size}) lớn hơn số hồ sơ trong danh sách ({len(population)}); "
                          "hãy giảm cỡ mẫu hoặc bổ sung hồ sơ.")
    return random.Random(seed).sample(population, size)


@dataclass(frozen=True)
class Timing:
    used_days: int | None  # working days from receipt to return (None: not returned yet)
    late_days: int  # working days past the due date (0: on time)
    limit_days: int  # sum of the procedure's step limits
    over_limit: bool  # more working days used than the steps allow

    @property
    def late(self) -> bool:
        return self.late_days > 0


def timing(received: date, due: date, returned: date | None, limit_days: int,
           holidays: Collection[date] = (), as_of: date | None = None) -> Timing:
    """Lateness of one dossier. Not returned yet: late if `as_of` (the check's end) is past due."""
    end = returned or as_of
    used = working_days_between(received, returned, holidays) if returned else None
    late_days = max(0, working_days_between(due, end, holidays)) if end and end > due else 0
    return Timing(used, late_days, limit_days, used is not None and used > limit_days)


@dataclass(frozen=True)
class Tally:
    ok: int = 0
    bad: int = 0
    na: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.ok + other.ok, self.bad + other.bad, self.na + other.na)

    @property
    def rate(self) -> float | None:
        """đúng / (đúng + không đúng); None when nothing applicable was checked."""
        return rate(self.ok, self.bad)


def rate(ok: int, bad: int) -> float | None:
    return ok / (ok + bad) if ok + bad else None


def tally(results: Iterable[str]) -> Tally:
    """Count step verdicts ("dung", "khong_dung", "khong_ap_dung")."""
    results = list(results)
    return Tally(results.count("dung"), results.count("khong_dung"), results.count("khong_ap_dung"))


def rates_by(rows: Sequence[tuple[object, Sequence[str]]]) -> dict[object, Tally]:
    """Pool step verdicts by key (a procedure, a unit…): {key: Tally}. The rate of a group is
    over all its checked steps, so a dossier with more steps weighs more, as in the result sheet."""
    out: dict[object, Tally] = {}
    for key, results in rows:
        out[key] = out.get(key, Tally()) + tally(results)
    return out
