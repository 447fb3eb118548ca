"""Account rules: creating users, checking logins, changing passwords."""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from portal.audit.models import ChangeLog
from portal.audit.recorder import log_event
from portal.extensions import db
from portal.text import clean
from portal.timeutil import now_utc

from . import sessions, throttle
from .models import Unit, User

_DUMMY_HASHES: dict[str, str] = {}


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))


def _dummy_hash() -> str:
    """A hash made like real ones, checked when the username is unknown: same work, same time."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not a password", method=method)
    return _DUMMY_HASHES[method]


def security_event(action: str, username: str, user: User | None = None, **details) -> None:
    """A login-related line in the change log, with the address and the time."""
    db.session.add(ChangeLog(
        at=now_utc(), user_id=user.id if user is not None else None, action=action,
        object_type="user", object_id=str(user.id) if user is not None else "",
        summary=f"Tài khoản {username[:64]}", changes={"ip": sessions.client_ip(), "username": username[:64],
                                                        **details}))


@dataclass
class LoginResult:
    user: User | None = None
    lock: "throttle.Lock | None" = None


def authenticate(username: str, password: str) -> LoginResult:
    """Check a login. The database is read, then released while the password is hashed (slow on
    purpose), then written: a burst of logins never holds the write lock through the hashing.
    The same hashing happens whether or not the username exists or is locked out."""
    name = (username or "").strip().lower()[:64]
    ip = sessions.client_ip()
    user = find_user(name)
    stored = user.password_hash if user is not None else _dummy_hash()
    user_id, active = (user.id, user.active) if user is not None else (None, False)
    lock = throttle.check(name, ip)
    db.session.rollback()  # end the read transaction before the slow part

    matches = check_password_hash(stored, password or "")

    user = db.session.get(User, user_id) if user_id else None
    if lock is not None:
        throttle.record(name, ip, "locked")
        security_event("login_locked", name, user, until=lock.until.isoformat(timespec="seconds"))
        db.session.commit()
        return LoginResult(lock=lock)
    if user is None or not matches or not active:
        lock = throttle.record(name, ip, "failed")
        security_event("login_failed", name, user)
        if lock is not None:
            security_event("lockout", name, user, until=lock.until.isoformat(timespec="seconds"),
                           by_address=lock.by_address)
        db.session.commit()
        return LoginResult()
    throttle.record(name, ip, "ok")
    # A table-level UPDATE: the login time must not move the record's version (an admin editing
    # the account meanwhile would get a needless conflict).
    db.session.execute(update(User.__table__).where(User.__table__.c.id == user.id).values(last_login_at=now_utc()))
    security_event("login", name, user)
    return LoginResult(user=user)


def create_user(username, full_name, password, roles=(), unit=None, position_title="", email="",
                phone="", must_change_password=False) -> User:
    user = User(
        username=username.strip().lower(), full_name=clean(full_name), email=(email or "").strip(),
        phone=(phone or "").strip(), unit=unit, position_title=clean(position_title),
        must_change_password=must_change_password,
    )
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    log_event(db.session, user, "roles", {"roles": sorted(user.roles)})
    return user


def update_user(user: User, *, roles, **fields) -> None:
    before = sorted(user.roles)
    for key, value in fields.items():
        setattr(user, key, clean(value) if isinstance(value, str) else value)
    user.set_roles(roles)
    if not user.active:
        sessions.end_all(user)  # a deactivated account's sessions end now, and stay ended
    if sorted(user.roles) != before:
        # Roles live in their own rows: move the user's version too, so a stale form that would
        # put the old roles back is refused (portal.web.concurrency).
        from portal.web.concurrency import touch

        version = touch(user) or [user.version, user.version + 1]
        log_event(db.session, user, "roles", {"roles": [before, sorted(user.roles)], "version": version})
    db.session.flush()


def reset_password(user: User, password: str, must_change: bool = True, by_owner: bool = False) -> None:
    """Set a new password. The owner changing it keeps this session and ends the others; anyone
    else setting it (an admin reset, the command line) ends all of the user's sessions."""
    user.set_password(password)
    user.must_change_password = must_change
    if by_owner:
        sessions.end_others(user)
    else:
        sessions.end_all(user)
    from flask import has_request_context

    if has_request_context():
        security_event("password_change" if by_owner else "password_reset", user.username, user)
    else:
        log_event(db.session, user, "password_reset", {"via": "command line"})
    db.session.flush()


def unit_by_name(name: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(func.lower(Unit.name) == clean(name).lower()))
