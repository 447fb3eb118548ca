"""A finding's first remedy, given with the finding: the one service behind the round review's
finding form, the ad-hoc and higher-level finding form, and each ISO nonconformity.

The form is forms.FirstRemedyForm, the fields template findings/_first_remedy.html; owners.py
says who may own a remedy and what the deadline defaults to."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from portal.timeutil import today

from . import services as S
from .models import Finding, Remedy


class Refused(Exception):
    """The finding, its first remedy, or both were refused: every message at once, per form."""

    def __init__(self, finding_errors: dict[str, str], remedy_errors: dict[str, str]):
        super().__init__("; ".join([*finding_errors.values(), *remedy_errors.values()]))
        self.finding_errors, self.remedy_errors = finding_errors, remedy_errors

    @property
    def messages(self) -> list[str]:
        return [*self.finding_errors.values(), *self.remedy_errors.values()]


def problems(form, found_on: date | None) -> dict[str, str]:
    """What is wrong with the first remedy typed in `form` ({} if nothing)."""
    try:
        S.remedy_values(found_on or today(), **form.remedy_values(), not_before=today())
    except S.FindingError as exc:
        return exc.errors
    return {}


def add(finding: Finding, form) -> Remedy:
    """Give `finding` the remedy typed in `form` (a new remedy: its deadline not already past)."""
    return S.add_remedy(finding, **form.remedy_values(), not_before=today())


def record(make_finding: Callable[[], Finding], form, *, found_on: date | None) -> Finding:
    """Record a finding with its first remedy. `make_finding` adds and flushes the finding (and
    raises FindingError for its own fields); the remedy is checked beforehand, so one answer says
    everything that is wrong. Raises Refused; the caller rolls back on it and commits otherwise."""
    remedy_errors = problems(form, found_on)
    try:
        finding = make_finding()
    except S.FindingError as exc:
        raise Refused(exc.errors, remedy_errors) from None
    if remedy_errors:
        raise Refused({}, remedy_errors)
    try:
        add(finding, form)
    except S.FindingError as exc:  # checked above; a race (the owner locked meanwhile) lands here
        raise Refused({}, exc.errors) from None
    return finding


def give(finding: Finding, form) -> Remedy:
    """The first remedy for a finding recorded without one (an ISO nonconformity): Refused if
    the finding already has a remedy (another inspector was quicker) or the form is wrong."""
    if finding.remedies:
        raise Refused({}, {"action": "Tồn tại này đã có biện pháp khắc phục; xem và bổ sung ở trang tồn tại."})
    try:
        return add(finding, form)
    except S.FindingError as exc:
        raise Refused({}, exc.errors) from None
