"""Engine set-up per backend.

SQLite: WAL so readers never block the writer, foreign keys enforced, and the write lock taken
only for writing. Every transaction starts deferred (BEGIN), so a page that only reads — rendering
included — never holds the one write lock and the server's threads read side by side.

A deferred transaction that later writes is the trap: SQLite refuses to upgrade a read
transaction to a write one while another writer is active, and answers "database is locked" at
once, without waiting out busy_timeout. So the first write statement of a transaction (INSERT,
UPDATE, DELETE, a SAVEPOINT…) first ends the read part (nothing was written in it, so nothing is
lost) and starts BEGIN IMMEDIATE, which queues for the lock with busy_timeout; the write then runs
in that transaction until the request commits. Rows read before the switch may have been changed
meanwhile — exactly as under PostgreSQL's READ COMMITTED — and versioned records catch it: their
UPDATE … WHERE version = n matches nothing, and the request answers 409 (see web/errors.py).
"""
import re

from sqlalchemy import event
from sqlalchemy.engine import Engine

# The statements that need the write lock (anything else reads, or is BEGIN/COMMIT/PRAGMA).
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|SAVEPOINT)\b", re.IGNORECASE)
_MODE = "sqlite_tx"  # connection.info key: "read" (deferred, nothing written) or "write"


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA synchronous=NORMAL")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN")
        conn.info[_MODE] = "read"

    @event.listens_for(engine, "before_cursor_execute")
    def _take_write_lock(conn, _cursor, statement, _params, _context, _executemany):
        if conn.info.get(_MODE) == "read" and _WRITES.match(statement):
            upgrade_to_write(conn)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn):
        conn.info.pop(_MODE, None)


def upgrade_to_write(conn) -> None:
    """End the connection's read-only transaction and start BEGIN IMMEDIATE (waits for the lock)."""
    raw = conn.connection.dbapi_connection
    conn.info[_MODE] = "write"
    if raw.in_transaction:
        raw.execute("COMMIT")  # only reads so far: nothing to lose
    raw.execute("BEGIN IMMEDIATE")
