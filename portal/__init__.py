"""The CCHC inspection portal: application factory."""
from pathlib import Path

from flask import Flask, g, request
from flask_login import current_user

from .config import build_config
from .extensions import csrf, db, login_manager, migrate

# Areas of the portal, each a package with a blueprint in routes.py (and optional cli.py).
AREAS = (
    "home",
    "accounts",
    "settings",
    "catalogue",
    "assignments",
    "rounds",
    "evidence",
    "notifications",
    "findings",
    "adhoc",
    "iso",
    "reports",
    "directives",
    "scoring",
    "jobs",
    "dashboard",
    "audit",
    "guide",
)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    from portal.web.params import DbIntConverter

    app.url_map.converters["int"] = DbIntConverter  # an id no column holds is a 404, not a 500
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(build_config(app.instance_path))
    if test_config:
        app.config.update(test_config)

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from . import models  # noqa: F401  (every model, so Alembic and create_all see them)
    from .audit import recorder
    from .database import configure_engine

    with app.app_context():
        configure_engine(db.engine)
        _private_files(app)
    recorder.install()

    from . import maintenance

    maintenance.register(app)  # first: during a restore no request may touch the database
    _register_areas(app)
    _register_web(app)
    from .web import errors

    errors.register(app)
    from . import backup, demo

    demo.register(app)
    backup.register(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    return app


def _private_files(app: Flask) -> None:
    """The database and the evidence are readable by the portal's own account only (app.py sets
    umask 077 so files created later are too)."""
    import os

    url = db.engine.url
    paths = []
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        paths += [Path(url.database + suffix) for suffix in ("", "-wal", "-shm")]
    for path in paths:
        if path.exists() and path.stat().st_uid == os.getuid():
            path.chmod(0o600)
    uploads = Path(app.config["UPLOAD_FOLDER"])
    if uploads.exists() and uploads.stat().st_uid == os.getuid():
        uploads.chmod(0o700)


def _register_areas(app: Flask) -> None:
    import importlib

    for area in AREAS:
        try:
            routes = importlib.import_module(f".{area}.routes", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{area}.routes" and exc.name != f"{__name__}.{area}":
                raise
            continue
        app.register_blueprint(routes.bp)
        try:
            cli = importlib.import_module(f".{area}.cli", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{area}.cli":
                raise
        else:
            cli.register(app)


# The only pages a user who must change the password may open.
PASSWORD_CHANGE_ENDPOINTS = {"accounts.password", "accounts.logout", "static"}


def _register_web(app: Flask) -> None:
    from .settings.models import get_settings
    from .timeutil import fmt_date, fmt_datetime, today
    from .web import access, htmx, nav, urls, wtforms_markup, wtforms_vi

    wtforms_vi.install()
    wtforms_markup.install()
    app.jinja_env.globals["form_ids"] = wtforms_markup.form_ids
    app.jinja_env.globals["row_url"] = urls.row_url
    from .web import pwa

    pwa.register(app)

    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from .accounts import sessions

    @login_manager.user_loader
    def load_user(token: str):
        # The cookie holds a login-session token (see accounts.sessions), not a user id.
        return sessions.resolve(token)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for

        target = url_for("accounts.login", next=request.full_path.rstrip("?"))
        if htmx.is_htmx():
            # The fragment's page is what the user was on; send them back there after login.
            current = request.headers.get("HX-Current-URL", "")
            target = url_for("accounts.login", next=_local_path(current) or "/")
            return htmx.hx_redirect(target, status=401)
        flash(login_manager.login_message, "info")
        return redirect(target)

    @app.before_request
    def require_login():
        if access.is_public_endpoint(app):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            return _must_change_password()
        return None

    def _must_change_password():
        from flask import flash, redirect, url_for

        target = url_for("accounts.password")
        if htmx.is_htmx():
            return htmx.hx_redirect(target, status=403)
        flash("Vui lòng đổi mật khẩu trước khi tiếp tục.", "warning")
        return redirect(target, 303 if request.method != "GET" else 302)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'self'; object-src 'self'; "
            "form-action 'self'; base-uri 'none'",
        )
        if request.endpoint != "static":
            # Pages, fragments and downloads (evidence, PDF, Excel) hold people's data: no copy
            # in the browser's or a proxy's cache once the user has logged out.
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
            response.headers.pop("ETag", None)
            response.headers.pop("Last-Modified", None)
        if app.config.get("HSTS") and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", app.config["HSTS"])
        return response

    @app.context_processor
    def inject():
        def settings():
            if "ward" not in g:
                g.ward = get_settings()
            return g.ward

        ctx = {"ward": settings, "today": today}
        if current_user.is_authenticated:
            ctx["nav_items"] = nav.visible_items(current_user)
            ctx["admin_nav_items"] = nav.visible_items(current_user, "admin")
        return ctx

    app.add_template_filter(fmt_date, "date")
    app.add_template_filter(fmt_datetime, "datetime")

    @app.template_filter("num")
    def fmt_number(value, digits: int = 0):
        """Vietnamese number style: 1.234,5"""
        if value is None or value == "":
            return ""
        text = f"{float(value):,.{digits}f}"
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _local_path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if path.startswith("/") and not path.startswith("//") else ""
