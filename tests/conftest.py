"""Fixtures: an app on a fresh copy of the demo ward for every test.

SQLite (default): the schema is built once by the Alembic migrations and the demo ward loaded,
then each test gets a copy of that file. PostgreSQL (TEST_DATABASE_URL set, as .ci/run does):
the migrations build the schema once, and each test truncates every table and reloads the demo.
"""
import gc
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.orm import configure_mappers

from portal import create_app
from portal.demo import DEMO_PASSWORD, load_demo
from portal.extensions import db

BASE_PG_URL = os.environ.get("TEST_DATABASE_URL", "")
# Under pytest-xdist each worker gets a database of its own: <name>_gw0, <name>_gw1, …
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PG_URL = f"{BASE_PG_URL}_{_WORKER}" if BASE_PG_URL and _WORKER else BASE_PG_URL


def _ensure_pg_database(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": target.database}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
        # A throwaway test database need not wait for the disk at every commit (each test
        # reloads the demo ward); durability is not what these tests check.
        conn.execute(text(f'ALTER DATABASE "{target.database}" SET synchronous_commit = off'))
    admin.dispose()


def _config(db_url: str, tmp: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "BACKUP_FOLDER": str(tmp / "backups"),
        "SECRET_KEY": "test-secret",
        "MAIL_SERVER": "",
    }


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("template")
    url = PG_URL or f"sqlite:///{tmp / 'template.db'}"
    if PG_URL:
        _ensure_pg_database(PG_URL)
    app = create_app(_config(url, tmp))
    with app.app_context():
        if PG_URL:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        if not PG_URL:
            load_demo()
        db.session.remove()
        db.engine.dispose()
    return tmp / "template.db"


_PG_SNAPSHOT: list = []


def _truncate_and_reload():
    """Empty every table, then put the demo ward back: loaded once through the real code, then
    copied back with PostgreSQL's COPY (much faster than loading it again for every test, and
    than inserting its 1,900 rows through the ORM: 0.19 s → 0.03 s a test)."""
    tables = [t.name for t in db.metadata.sorted_tables]
    raw = db.session.connection().connection.dbapi_connection  # psycopg, in the session's transaction
    with raw.cursor() as cur:
        if _PG_SNAPSHOT:
            # The snapshot is consistent: skip the per-row foreign-key triggers. Each row check of
            # a DELETE scans the referencing tables, which the resets fill with dead rows; the
            # reset slowed from 0.08 s to 2 s per test over a CI run. (Needs a superuser, as in CI.)
            cur.execute("SET LOCAL session_replication_role = replica")
        # DELETE beats TRUNCATE on tables this small (TRUNCATE rewrites files on every call);
        # one round trip for all of them.
        cur.execute("; ".join(f'DELETE FROM "{name}"' for name in reversed(tables)))
        if not _PG_SNAPSHOT:
            db.session.commit()
            load_demo()
            with db.session.connection().connection.dbapi_connection.cursor() as snap:
                for name in tables:
                    with snap.copy(f'COPY "{name}" TO STDOUT') as copy:
                        _PG_SNAPSHOT.append((name, b"".join(bytes(chunk) for chunk in copy)))
            db.session.commit()
            return
        for name, data in _PG_SNAPSHOT:
            if data:
                with cur.copy(f'COPY "{name}" FROM STDIN') as copy:
                    copy.write(data)
        serials = [t.name for t in db.metadata.sorted_tables
                   if "id" in t.c and t.c.id.autoincrement and t.c.id.primary_key]
        cur.execute("SELECT " + ", ".join(
            f"setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 0) + 1, false)" for name in serials))
    db.session.commit()
    _RESETS[0] += 1
    if _RESETS[0] % 50 == 0:  # the dead rows of the last 50 resets, before they slow the queries
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
            admin.execute(text("VACUUM"))


_RESETS = [0]


def fresh_app(template_db, tmp_path):
    """An app of its own on a fresh copy of the demo ward, for a test that changes the app itself
    (adds routes); everyone else shares one app (see `app`)."""
    if PG_URL:
        app = create_app(_config(PG_URL, tmp_path))
        with app.app_context():
            _truncate_and_reload()
    else:
        path = tmp_path / "portal.db"
        shutil.copyfile(template_db, path)
        app = create_app(_config(f"sqlite:///{path}", tmp_path))
    _fresh_g_per_request(app)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def _shared_app(template_db, tmp_path_factory):
    """One app per test session (per xdist worker): building the URL map and compiling the
    templates again for every test cost more than most tests themselves."""
    tmp = tmp_path_factory.mktemp("app")
    app = create_app(_config(PG_URL or f"sqlite:///{tmp / 'portal.db'}", tmp))
    _fresh_g_per_request(app)
    # as app.py does in production: start-up's objects out of the collector's full passes
    configure_mappers()
    gc.freeze()
    return app, tmp / "portal.db"


@pytest.fixture
def app(_shared_app, template_db, tmp_path):
    """The shared app on a fresh copy of the demo ward, with its settings as the test left them
    put back afterwards."""
    app, path = _shared_app
    saved = dict(app.config)
    app.config.update(UPLOAD_FOLDER=str(tmp_path / "uploads"), BACKUP_FOLDER=str(tmp_path / "backups"))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        if PG_URL:
            _truncate_and_reload()
        else:
            # SQLite's backup API copies the template into the live file through its locks and
            # WAL, so a connection some thread still holds never sees a half-replaced file.
            with closing(sqlite3.connect(template_db)) as src, closing(sqlite3.connect(path)) as dst:
                src.backup(dst)
        yield app
        db.session.remove()
        db.engine.dispose()
    app.config.clear()
    app.config.update(saved)


def _fresh_g_per_request(app):
    """The test keeps an app context open, and Flask reuses it for the test client's requests, so
    `g` would carry one request's logged-in user into the next (even another client's). Start
    each request as production does: with no user and no cached settings on `g`."""
    from flask import g

    def reset():
        for key in ("_login_user", "ward", "audit_update_action"):
            g.pop(key, None)

    app.before_request_funcs.setdefault(None, []).insert(0, reset)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


from tests.support import Auth  # noqa: E402


@pytest.fixture
def auth(client):
    return Auth(client)
