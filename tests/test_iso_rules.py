"""Pure rules of the sample check: the draw, lateness, rates."""
from datetime import date

import pytest

from portal.iso.rules import SampleError, Tally, draw_sample, rate, rates_by, tally, timing

CODES = [f"HS-{i:03d}" for i in range(1, 21)]


def test_same_seed_same_sample_whatever_the_entry_order():
    first = draw_sample(CODES, 5, 2026)
    assert draw_sample(CODES, 5, 2026) == first
    assert draw_sample(list(reversed(CODES)), 5, 2026) == first
    assert len(set(first)) == 5 and set(first) <= set(CODES)
    assert draw_sample(CODES, 5, 2027) != first


def test_sample_larger_than_population_is_refused():
    with pytest.raises(SampleError, match=r"Cỡ mẫu \(21\) lớn hơn số hồ sơ trong danh sách \(20\)"):
        draw_sample(CODES, 21, 1)
    with pytest.raises(SampleError, match="từ 1"):
        draw_sample(CODES, 0, 1)
    assert sorted(draw_sample(CODES, 20, 1)) == CODES  # the whole list is fine


def test_timing_late_and_over_limit():
    tet = {date(2026, 2, d) for d in range(16, 21)}
    on_time = timing(date(2026, 2, 9), date(2026, 3, 9), date(2026, 3, 9), 15, tet)
    assert (on_time.used_days, on_time.late, on_time.over_limit) == (15, False, False)
    late = timing(date(2026, 2, 9), date(2026, 3, 9), date(2026, 3, 13), 15, tet)
    assert (late.used_days, late.late_days, late.over_limit) == (19, 4, True)
    # Due date set generously: on time but slower than the steps allow.
    slow = timing(date(2026, 3, 2), date(2026, 3, 31), date(2026, 3, 30), 15)
    assert slow.late_days == 0 and slow.over_limit and slow.used_days == 20
    # Not returned: late only once the as-of day is past the due date.
    assert timing(date(2026, 6, 1), date(2026, 6, 5), None, 4, as_of=date(2026, 6, 9)).late_days == 2
    assert not timing(date(2026, 6, 1), date(2026, 6, 5), None, 4, as_of=date(2026, 6, 5)).late
    assert timing(date(2026, 6, 1), date(2026, 6, 5), None, 4).used_days is None


def test_rates():
    assert rate(0, 0) is None
    assert rate(3, 1) == 0.75
    t = tally(["dung", "dung", "khong_dung", "khong_ap_dung"])
    assert t == Tally(2, 1, 1) and t.rate == pytest.approx(2 / 3)
    assert tally(["khong_ap_dung"]).rate is None  # nothing applicable: no rate, not 0 %
    groups = rates_by([("A", ["dung", "dung"]), ("B", ["khong_dung"]), ("A", ["khong_dung", "dung"])])
    assert groups["A"] == Tally(3, 1, 0) and groups["A"].rate == 0.75
    assert groups["B"].rate == 0.0
