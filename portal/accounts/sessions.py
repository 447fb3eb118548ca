"""Login sessions kept on the server, so that they can be ended.

Flask-Login stores ``User.get_id()`` in the signed session cookie and in the remember-me cookie;
here that is a random token per login (secrets.token_urlsafe), of which the database keeps only
the SHA-256. Every request looks the token up (one query, with the user and roles joined), so:
- logout deletes that row; a password change deletes the user's other rows; an admin reset,
  deactivation or a restore deletes them all; a cookie whose row is gone is anonymous, on every
  process sharing the database;
- idle timeout and absolute lifetime come from the ward settings.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import g, request, session
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.timeutil import now_utc

from .models import LoginSession, User

# last_seen_at is written at most this often per session: a write per request would make every
# page view a database write.
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_ip() -> str:
    # Behind a reverse proxy, TRUSTED_PROXIES makes ProxyFix put the client's address here.
    return (request.remote_addr or "")[:45]


def start(user: User, remember: bool) -> str:
    """A new session row for this login; its token becomes the user's Flask-Login id."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(token), remember=bool(remember),
                                ip=client_ip(), user_agent=(request.user_agent.string or "")[:200]))
    user._login_token = token
    # A new login gets a new CSRF secret: a token seen before login is worth nothing after it.
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
    return token


def _limits():
    from portal.settings.models import get_settings

    # kept on g for the request, where the templates' `ward` reads it too (one query, not two)
    ward = g.ward if "ward" in g else get_settings()
    g.ward = ward
    return (timedelta(minutes=max(ward.session_idle_minutes, 1)),
            timedelta(hours=max(ward.session_max_hours, 1)),
            timedelta(days=max(ward.remember_days, 0)))


def remember_duration() -> timedelta:
    return _limits()[2]


def resolve(token: str) -> User | None:
    """The user of a live session token, else None (and an expired row is removed)."""
    if not token or len(token) > 100:
        return None
    # the session, its user and the user's roles (every page's permission check reads them) in
    # one query: this runs on every request, so each query here is one more on every page
    row = db.session.execute(
        select(LoginSession).where(LoginSession.token_hash == _hash(token))
        .options(joinedload(LoginSession.user).joinedload(User.role_rows))
    ).unique().scalar_one_or_none()
    if row is None:
        return None
    idle, lifetime, remember = _limits()
    now = now_utc()
    expired = (now - row.created_at > (remember if row.remember else lifetime)
               or (not row.remember and now - row.last_seen_at > idle))
    user = row.user
    if expired or not user.active:
        db.session.delete(row)
        db.session.commit()
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    user._login_token = token
    g.login_session_id = row.id
    return user


def current_id() -> int | None:
    return g.get("login_session_id")


def end(token: str | None) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _hash(token)))


def end_one(user: User, session_id: int) -> bool:
    result = db.session.execute(delete(LoginSession).where(
        LoginSession.id == session_id, LoginSession.user_id == user.id))
    return bool(result.rowcount)


def end_others(user: User) -> int:
    """Every session of the user but the current one ("đăng xuất khỏi các thiết bị khác")."""
    stmt = delete(LoginSession).where(LoginSession.user_id == user.id)
    if current_id() is not None:
        stmt = stmt.where(LoginSession.id != current_id())
    return db.session.execute(stmt).rowcount


def end_all(user: User) -> int:
    return db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id)).rowcount


def end_everywhere() -> None:
    db.session.execute(delete(LoginSession))


def of_user(user: User) -> list[LoginSession]:
    return list(db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)
                                   .order_by(LoginSession.last_seen_at.desc())))


def prune() -> None:
    """Delete rows nobody can use any more (called at login, so the table stays small)."""
    idle, lifetime, remember = _limits()
    now = now_utc()
    db.session.execute(delete(LoginSession).where(
        LoginSession.created_at < now - max(lifetime, remember)))
    db.session.execute(delete(LoginSession).where(
        LoginSession.remember.is_(False),
        (LoginSession.created_at < now - lifetime) | (LoginSession.last_seen_at < now - idle)))


__all__ = ["start", "resolve", "end", "end_one", "end_others", "end_all", "end_everywhere", "of_user",
           "prune", "client_ip", "current_id", "remember_duration"]
