"""Configuration read from the environment, with safe defaults for one ward's office server."""
import os
import secrets
from datetime import timedelta
from pathlib import Path


def _secret_key(instance_path: str) -> str:
    """Use SECRET_KEY from the environment, else one generated once into instance/.

    The key is never committed: instance/ is git-ignored, and a fresh clone makes its own.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'portal.db'}"
    # Heroku-style "postgres://" and plain "postgresql://" both mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def build_config(instance_path: str) -> dict:
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(Path(instance_path) / "uploads")),
        "BACKUP_FOLDER": os.environ.get("BACKUP_FOLDER", str(Path(instance_path) / "backups")),
        # Upload size cap for one request; the per-file limit lives in the ward settings.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH_MB", "60")) * 1024 * 1024,
        # A page left open all day must not fail CSRF on its next click: the token lives as
        # long as the login session.
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Sent on HTTPS requests when set, e.g. "max-age=31536000" (see README, HTTPS).
        "HSTS": os.environ.get("HSTS", ""),
        # How many reverse proxies stand in front of the portal (0: none). With 1, werkzeug's
        # ProxyFix trusts one X-Forwarded-For/-Proto/-Host hop, so HTTPS is recognised and the
        # login throttle sees the client's address, not the proxy's. Never set it without a
        # proxy: clients could then forge their address.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        # The server ends a remembered login after the ward's "remember_days"; the cookie is
        # given that duration at login, this is only the fallback.
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        # Login throttling (accounts/throttle.py): failures per account / per address within the
        # window lock further attempts for the lock-out time.
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "10")),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "50")),
        "LOGIN_WINDOW_MINUTES": int(os.environ.get("LOGIN_WINDOW_MINUTES", "15")),
        "LOGIN_LOCKOUT_MINUTES": int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "cchc@localhost"),
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://localhost:5000"),
        "DEMO_ON_FIRST_START": os.environ.get("DEMO_ON_FIRST_START", "0") == "1",
    }
