"""Reminders that run themselves: a thread in each portal process wakes every minute, sends what
the outbox holds, and once a day, at the time set in the ward settings, runs the daily job
(reminders, then digests). The day's ScheduledRun row is the lock: the first process to insert
(job, day) runs it, every other one finds the row there and does nothing.

`flask reminders send` stays for those who prefer cron.
"""
from __future__ import annotations

import logging
import os
import threading
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.timeutil import VN_TZ, now_utc

from . import digest, outbox, registry
from .models import ScheduledRun

log = logging.getLogger(__name__)

DAILY = "daily"
TICK_SECONDS = 60
_started: set[int] = set()
_start_lock = threading.Lock()


def parse_hhmm(text: str) -> tuple[int, int]:
    hours, minutes = (text or "07:00").split(":")
    return int(hours), int(minutes)


def is_time(now_local: datetime, at: str) -> bool:
    try:
        hours, minutes = parse_hhmm(at)
    except ValueError:
        hours, minutes = 7, 0
    return (now_local.hour, now_local.minute) >= (hours, minutes)


def run_daily(day: date) -> ScheduledRun | None:
    """Run the day's job unless some process already has: reminders, then digests, then send.
    Returns the run, or None when another process holds (or held) the day."""
    run = ScheduledRun(job=DAILY, day=day, started_at=now_utc())
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    run_id = run.id
    try:
        with outbox.hold() as queued:
            reminders = registry.send_due(day)
            digests = digest.build_digests(day)
            emails = outbox.deliver(queued) + outbox.deliver_pending()
        run = db.session.get(ScheduledRun, run_id)
        run.reminders, run.digests, run.emails = reminders, digests, emails
    except Exception as exc:
        log.exception("daily run %s failed", day)
        db.session.rollback()
        run = db.session.get(ScheduledRun, run_id)
        run.error = str(exc)[:1000]
    run.finished_at = now_utc()
    db.session.commit()
    return run


def tick(now: datetime | None = None) -> ScheduledRun | None:
    """One wake-up: send the outbox; run the day's job once its time has come."""
    from portal.settings.models import get_settings

    local = (now or datetime.now(VN_TZ)).astimezone(VN_TZ)
    outbox.deliver_pending()
    at = get_settings().reminders_at
    db.session.commit()
    if not is_time(local, at):
        return None
    if db.session.scalar(select(ScheduledRun.id).where(ScheduledRun.job == DAILY,
                                                       ScheduledRun.day == local.date())):
        return None
    return run_daily(local.date())


def recent_runs(limit: int = 7) -> list[ScheduledRun]:
    return list(db.session.scalars(select(ScheduledRun).order_by(ScheduledRun.day.desc(),
                                                                 ScheduledRun.id.desc()).limit(limit)))


def _loop(app, stop: threading.Event) -> None:
    while not stop.wait(app.config.get("SCHEDULER_TICK_SECONDS", TICK_SECONDS)):
        with app.app_context():
            try:
                tick()
            except Exception:  # the database is down, a migration is running…: try next minute
                log.exception("scheduler tick failed")
                db.session.rollback()
            finally:
                db.session.remove()


def start(app) -> threading.Event | None:
    """Start this process's scheduler thread (once per app). Returns its stop event."""
    with _start_lock:
        if id(app) in _started:
            return None
        _started.add(id(app))
    stop = threading.Event()
    threading.Thread(target=_loop, args=(app, stop), name="portal-scheduler", daemon=True).start()
    return stop


def install(app) -> None:
    """Start the scheduler with the first request this process serves (not for CLI commands
    such as `flask db upgrade`). SCHEDULER_ENABLED=0 turns it off (tests default to off)."""
    default = os.environ.get("SCHEDULER", "1") == "1" and not app.testing
    if not app.config.get("SCHEDULER_ENABLED", default):
        return

    @app.before_request
    def _start_scheduler():
        if id(app) not in _started:
            start(app)
