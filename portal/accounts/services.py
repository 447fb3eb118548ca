"""Account rules: creating users, checking logins, changing passwords."""
from sqlalchemy import func, select

from portal.audit.recorder import log_event
from portal.extensions import db
from portal.text import clean
from portal.timeutil import now_utc

from .models import Unit, User


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, else None (same answer for every failure)."""
    user = find_user(username)
    if user is None or not user.check_password(password or ""):
        return None
    if not user.active:
        return None
    user.last_login_at = now_utc()
    return user


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
    if sorted(user.roles) != before:
        log_event(db.session, user, "roles", {"roles": [before, sorted(user.roles)]})
    db.session.flush()


def reset_password(user: User, password: str, must_change: bool = True) -> None:
    user.set_password(password)
    user.must_change_password = must_change
    db.session.flush()


def unit_by_name(name: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(func.lower(Unit.name) == clean(name).lower()))
