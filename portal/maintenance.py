"""Maintenance lock shared by the web processes and `flask restore`.

Two files beside the upload folder (every process serving the same data sees them):
- ``maintenance.flag``: while it exists, every request gets the Vietnamese "đang bảo trì" page (503);
- ``maintenance.lock``: every request holds a shared flock on it while it runs; restore writes the
  flag, then takes the exclusive lock, which it only gets once every in-flight request (an upload
  half written, a download) has finished. New requests then fail to get the shared lock and see
  the 503 page. flock is released by the kernel if a process dies, so a crash never leaves the
  portal locked; a stale flag is removed by the next restore or by hand.
"""
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, g, render_template

FLAG = "maintenance.flag"
LOCK = "maintenance.lock"


def _folder(app=None) -> Path:
    app = app or current_app
    folder = app.config.get("MAINTENANCE_FOLDER") or Path(app.config["UPLOAD_FOLDER"]).resolve().parent
    return Path(folder)


def _open_lock(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    return os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)


def active(app=None) -> bool:
    return (_folder(app) / FLAG).exists()


def _page():
    from portal.web.htmx import is_htmx

    template = "errors/_message.html" if is_htmx() else "errors/maintenance.html"
    response = current_app.make_response((render_template(
        template, title="Cổng thông tin đang bảo trì",
        message="Hệ thống đang bảo trì (khôi phục dữ liệu). Vui lòng thử lại sau ít phút; "
                "dữ liệu bạn đã lưu trước đó không bị ảnh hưởng."), 503))
    response.headers["Retry-After"] = "120"
    return response


def register(app) -> None:
    @app.before_request
    def honour_maintenance():
        from flask import request

        if request.endpoint == "static":
            return None  # the program's own files, not data
        folder = _folder(app)
        if (folder / FLAG).exists():
            return _page()
        fd = _open_lock(folder)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return _page()
        g._maintenance_fd = fd
        # The flag may have appeared between the first look and the lock: look again.
        if (folder / FLAG).exists():
            _release()
            return _page()
        return None

    @app.teardown_request
    def release_maintenance(_exc):
        _release()


def _release() -> None:
    fd = g.pop("_maintenance_fd", None)
    if fd is not None:
        os.close(fd)  # closing the descriptor drops its flock


class Busy(Exception):
    """Requests still running after the wait: the caller refuses rather than cut them off."""


@contextmanager
def exclusive(app=None, wait: float = 30.0):
    """Put the portal in maintenance and wait until no request runs; undo on exit."""
    folder = _folder(app)
    flag = folder / FLAG
    folder.mkdir(parents=True, exist_ok=True)
    flag.write_text("restore\n")
    fd = _open_lock(folder)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy() from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)
        flag.unlink(missing_ok=True)
