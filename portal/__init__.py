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
    "jobs",
    "dashboard",
    "audit",
)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(build_config(app.instance_path))
    if test_config:
        app.config.update(test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from . import models  # noqa: F401  (every model, so Alembic and create_all see them)
    from .audit import recorder
    from .database import configure_engine

    with app.app_context():
        configure_engine(db.engine)
    recorder.install()

    _register_areas(app)
    _register_web(app)
    from .web import errors

    errors.register(app)
    from . import backup, demo

    demo.register(app)
    backup.register(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    return app


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


def _register_web(app: Flask) -> None:
    from .accounts.models import User
    from .settings.models import get_settings
    from .timeutil import fmt_date, fmt_datetime, today
    from .web import access, htmx, nav, wtforms_markup, wtforms_vi

    wtforms_vi.install()
    wtforms_markup.install()
    app.jinja_env.globals["form_ids"] = wtforms_markup.form_ids

    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            return db.session.get(User, int(user_id))
        except ValueError:
            return None

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
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'self'; object-src 'self'",
        )
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
