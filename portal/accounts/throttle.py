"""Login throttling, counted in the database (table login_attempt).

Why our own table rather than Flask-Limiter: the count must hold across every process sharing
the database (two waitress processes, a gunicorn pool), with no Redis on a ward's office
server; the rows also serve as the record of attempts, and one indexed COUNT per login is cheap.

Rules (configurable, see README): after LOGIN_MAX_FAILURES failed attempts for one username
within LOGIN_WINDOW_MINUTES (since its last success), or LOGIN_MAX_FAILURES_PER_ADDRESS from one
address, further attempts are refused for LOGIN_LOCKOUT_MINUTES after the last counted failure,
even with the right password. Attempts refused during a lock-out are recorded as "locked" and do
not extend it.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from portal.extensions import db
from portal.timeutil import now_utc

from .models import LoginAttempt

DEFAULTS = {
    "LOGIN_MAX_FAILURES": 10,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 50,
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_LOCKOUT_MINUTES": 15,
}


def _conf(key: str) -> int:
    return int(current_app.config.get(key, DEFAULTS[key]))


@dataclass
class Lock:
    until: datetime
    by_address: bool

    @property
    def minutes(self) -> int:
        return max(1, int((self.until - now_utc()).total_seconds() // 60) + 1)


def _locked_until(column, value: str, limit: int) -> datetime | None:
    now = now_utc()
    since = now - timedelta(minutes=_conf("LOGIN_WINDOW_MINUTES"))
    last_ok = db.session.scalar(select(func.max(LoginAttempt.at)).where(
        column == value, LoginAttempt.outcome == "ok"))
    if last_ok and last_ok > since:
        since = last_ok
    recent = list(db.session.scalars(
        select(LoginAttempt.at).where(column == value, LoginAttempt.outcome == "failed", LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc()).limit(limit)))
    if len(recent) < limit:
        return None
    until = recent[0] + timedelta(minutes=_conf("LOGIN_LOCKOUT_MINUTES"))
    return until if until > now else None


def check(username: str, ip: str) -> Lock | None:
    until = _locked_until(LoginAttempt.username, username, _conf("LOGIN_MAX_FAILURES"))
    if until:
        return Lock(until, False)
    until = _locked_until(LoginAttempt.ip, ip, _conf("LOGIN_MAX_FAILURES_PER_ADDRESS"))
    return Lock(until, True) if until else None


def record(username: str, ip: str, outcome: str) -> Lock | None:
    """Record one attempt; after a failure, the lock-out it just caused, if any."""
    db.session.add(LoginAttempt(username=username[:64], ip=ip, outcome=outcome, at=now_utc()))
    db.session.flush()
    if outcome == "failed":
        return check(username, ip)
    return None


def prune(days: int = 90) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now_utc() - timedelta(days=days)))
