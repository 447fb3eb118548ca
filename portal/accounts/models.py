from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.timeutil import now_utc

from . import roles as R


class Unit(db.Model):
    """An office of the ward (phòng, cơ quan, đơn vị)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(50), default="")
    kind: Mapped[str] = mapped_column(String(50), default="Phòng chuyên môn")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    members: Mapped[list["User"]] = relationship(back_populates="unit", order_by="User.full_name")

    def __str__(self) -> str:
        return self.name

    @property
    def heads(self) -> list["User"]:
        """Who heads the unit, read from the position titles: Trưởng phòng, Trưởng Trạm, Chánh Văn
        phòng, Giám đốc Trung tâm, Chỉ huy trưởng… Deputies ("Phó trưởng…", "Phó Giám đốc…")
        are not heads. Active members only."""
        return unit_heads(self.members)


def unit_heads(members) -> list["User"]:
    """Unit.heads among these members (when the caller has the ward's people loaded already)."""
    return [u for u in members if u.active and is_head_title(u.position_title)]


HEAD_TITLES = ("trưởng", "chánh", "giám đốc", "chỉ huy trưởng", "thủ trưởng")


def is_head_title(title: str | None) -> bool:
    import unicodedata

    text = unicodedata.normalize("NFC", (title or "").strip()).casefold()
    return text.startswith(HEAD_TITLES)


class UserRole(db.Model):
    __audit__ = False  # recorded on the user instead, as one readable line

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256), info={"audit_mask": True})
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    position_title: Mapped[str] = mapped_column(String(120), default="")
    # "Ông" / "Bà" as documents address the person (biên bản, quyết định); empty: name alone.
    salutation: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(info={"audit": False})
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit | None] = relationship(back_populates="members")
    # Loaded on first use, not with every User: most pages list people by name only, and an
    # eager "selectin" here cost one more query for every statement that loaded users. Lists that
    # show roles load them with selectinload(User.role_rows).
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", order_by=UserRole.role
    )

    # -- roles -------------------------------------------------------------
    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def set_roles(self, new_roles) -> None:
        wanted = set(new_roles) & set(R.ALL)
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_rows.append(UserRole(role=role))

    def has_role(self, *wanted: str) -> bool:
        return bool(self.roles & set(wanted))

    @property
    def is_manager(self) -> bool:
        return self.has_role(*R.MANAGERS)

    @property
    def role_labels(self) -> list[str]:
        return [R.LABELS[r] for r in R.ALL if r in self.roles]

    @property
    def role_short_labels(self) -> list[str]:
        return [R.SHORT_LABELS[r] for r in R.ALL if r in self.roles]

    # -- password ----------------------------------------------------------
    def set_password(self, password: str) -> None:
        from flask import current_app

        # Tests use a cheap method; production keeps werkzeug's default (scrypt).
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login: a deactivated account is logged out on its next request.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the session and the remember-me cookie: the random token of
        this login (see accounts.sessions), never the user id, so a session can be ended."""
        return getattr(self, "_login_token", None)

    # UserMixin compares users by get_id(); with the login token as the id, every user not
    # logged in would equal every other. One row is one object per session (identity map).
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def __str__(self) -> str:
        return self.full_name


class LoginSession(db.Model):
    """One login on one device. The cookie carries a random token; only its SHA-256 is stored,
    so the table cannot be used to log in. Deleting the row ends that session everywhere."""

    __audit__ = False  # logins and logouts are recorded as events instead

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(default=now_utc)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """Every login attempt (outcome ok / failed / locked), counted for throttling. In the
    database, so every process serving the portal counts the same attempts."""

    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(45))
    outcome: Mapped[str] = mapped_column(String(10))

    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )
