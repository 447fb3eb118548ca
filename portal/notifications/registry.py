"""Reminder providers and the daily run that delivers what falls due.

An area registers a provider at import (e.g. in its routes.py):

    from portal.notifications.registry import Reminder, register_provider

    def due_reports(today):
        for report in ...:
            yield Reminder(user=report.author, key=f"round:{r.id}:due-7:{report.id}",
                           title="Còn 7 ngày đến hạn nộp báo cáo tự kiểm tra", body="…",
                           url=f"/dot-kiem-tra/{r.id}/bao-cao/{report.id}")

    register_provider(due_reports)

A provider answers "what should be said today?" from the data alone; the key makes the run
idempotent, so it may be run as often as wanted. Schedule it once a day, e.g. with cron
(crontab -e of the service user; times are the server's, reminders use the Vietnam date):

    15 7 * * * cd /srv/cchc && /srv/cchc/.venv/bin/flask --app app reminders send >> /var/log/cchc/reminders.log 2>&1

or a systemd timer running the same command. `flask reminders send --date 2026-06-24` replays
a given day (useful after downtime: what was due then and never sent is sent now).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable

from portal.extensions import db
from portal.timeutil import today as vn_today

from .services import notify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    """What a provider yields (any object with these attributes will do)."""

    user: Any
    key: str
    title: str
    body: str = ""
    url: str = ""


Provider = Callable[[date], Iterable[Any]]
_PROVIDERS: list[Provider] = []


def register_provider(fn: Provider) -> Provider:
    """Add a provider (once, however often its module is imported); usable as a decorator."""
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)
    return fn


def unregister_provider(fn: Provider) -> None:
    if fn in _PROVIDERS:
        _PROVIDERS.remove(fn)


def providers() -> list[Provider]:
    return list(_PROVIDERS)


def send_due(today: date | None = None) -> int:
    """Ask every provider what is due `today` (Vietnam date by default) and notify each person.

    Returns how many notifications were new. Commits after each one, so an interruption never
    causes a second e-mail for what was already sent. A failing provider is logged and skipped;
    the others still run.
    """
    day = today or vn_today()
    sent = 0
    for provider in providers():
        try:
            items = list(provider(day))
        except Exception:
            db.session.rollback()
            log.exception("reminder provider %s failed", getattr(provider, "__name__", provider))
            continue
        for item in items:
            if notify(item.user, item.key, item.title, getattr(item, "body", ""),
                      getattr(item, "url", "")) is not None:
                sent += 1
            db.session.commit()
    return sent
