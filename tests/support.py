"""Helpers for tests: logging in as demo people, htmx headers."""
from contextlib import contextmanager

from portal.demo import DEMO_PASSWORD


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username="vhxh.nhung", password=DEMO_PASSWORD):
        response = self.client.post("/dang-nhap", data={"username": username, "password": password})
        assert response.status_code == 302, f"login failed for {username}"
        return response

    def logout(self):
        return self.client.post("/dang-xuat")


HTMX = {"HX-Request": "true"}


def login_as(app, username):
    """A new client logged in as `username` (several people in one test)."""
    c = app.test_client()
    Auth(c).login(username)
    return c


class QueryCounter:
    """Counts (and keeps) the SQL statements sent to the database inside a `with` block."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.statements: list[str] = []

    def _on_execute(self, _conn, _cursor, statement, *_args):
        self.count += 1
        self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._on_execute)


def count_queries(client, url, **kwargs) -> int:
    from portal.extensions import db

    with QueryCounter(db.engine) as counter:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return counter.count


@contextmanager
def waitress_thread(app, **options):
    """The production server (waitress) in a thread of the test, on a free port; yields its base
    URL. Stopped by ending our own loop first and closing the sockets after, so its select() never
    meets a closed socket (an EBADF that pytest reported against the next test)."""
    import threading

    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, **options)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(timeout=10)
        server.close()  # listening socket
        server.task_dispatcher.shutdown()
        for channel in list(server._map.values()):
            channel.close()
