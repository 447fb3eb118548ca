"""`flask backup` then `flask restore` brings back the data and the uploaded files."""
from pathlib import Path

from portal.accounts.services import find_user
from portal.extensions import db


def test_backup_then_restore(app, runner, tmp_path):
    uploads = Path(app.config["UPLOAD_FOLDER"])
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "minh-chung.pdf").write_bytes(b"%PDF-1.4 evidence")

    result = runner.invoke(args=["backup", "--to", str(tmp_path / "bk")])
    assert result.exit_code == 0, result.output
    folder = next((tmp_path / "bk").iterdir())

    # Damage: a person renamed, a file lost.
    find_user("vp.thu").full_name = "Đã bị sửa"
    db.session.commit()
    (uploads / "ab" / "minh-chung.pdf").unlink()

    result = runner.invoke(args=["restore", str(folder), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert find_user("vp.thu").full_name == "Phạm Thị Thu"
    assert (uploads / "ab" / "minh-chung.pdf").read_bytes() == b"%PDF-1.4 evidence"


# -- restore that cannot lose data ------------------------------------------------------------

import json  # noqa: E402
import stat  # noqa: E402
import threading  # noqa: E402
from io import BytesIO  # noqa: E402

import pytest  # noqa: E402

from portal import maintenance  # noqa: E402
from portal.backup import RestoreError, make_backup, restore_backup  # noqa: E402
from tests.conftest import fresh_app  # noqa: E402
from tests.security_support import client_with, cookies_of, logged_in, login  # noqa: E402


def _evidence(uploads: Path, count: int) -> dict:
    files = {}
    for i in range(count):
        rel = f"{i:02x}"[:2] + f"/file-{i}.pdf"
        path = uploads / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 evidence " + str(i).encode())
        files[rel] = path.read_bytes()
    return files


@pytest.fixture
def own_app(template_db, tmp_path):
    """An app on its own database file, with a test route that stores an upload slowly."""
    gen = fresh_app(template_db, tmp_path)
    app = next(gen)
    from portal.evidence.services import save_upload
    from portal.web.access import public
    from werkzeug.datastructures import FileStorage

    @public
    def slow_upload():
        import time

        row = save_upload(FileStorage(BytesIO(b"%PDF-1.4 new upload"), "moi.pdf"), None)
        time.sleep(0.02)  # an upload is in flight for a while
        db.session.commit()
        return str(row.id)

    app.add_url_rule("/_test/upload", "test_upload", slow_upload, methods=["POST"])
    yield app
    next(gen, None)


def test_backup_files_are_private_and_checksummed(app, tmp_path):
    _evidence(Path(app.config["UPLOAD_FOLDER"]), 3)
    folder = make_backup(tmp_path / "bk")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for part in folder.iterdir():
        assert stat.S_IMODE(part.stat().st_mode) == 0o600, part
    manifest = json.loads((folder / "manifest.json").read_text())
    database = "portal.db" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "portal.pgdump"
    assert len(manifest["files"]) == 3 and set(manifest["parts"]) == {database, "uploads.tar.gz"}


def test_a_damaged_backup_is_refused_before_anything_changes(app, tmp_path):
    uploads = Path(app.config["UPLOAD_FOLDER"])
    files = _evidence(uploads, 3)
    folder = make_backup(tmp_path / "bk")
    (uploads / "extra.pdf").write_bytes(b"%PDF-1.4 later")
    with (folder / "uploads.tar.gz").open("ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(RestoreError, match="không khớp mã kiểm tra"):
        restore_backup(folder)
    assert (uploads / "extra.pdf").exists() and all((uploads / rel).exists() for rel in files)
    (folder / "manifest.json").unlink()
    with pytest.raises(RestoreError, match="manifest"):
        restore_backup(folder)


def test_restore_while_uploads_run_loses_no_file(own_app, tmp_path):
    uploads = Path(own_app.config["UPLOAD_FOLDER"])
    files = _evidence(uploads, 40)
    folder = make_backup(tmp_path / "bk")
    db.session.remove()
    stop = threading.Event()
    statuses = []

    def uploader():
        client = own_app.test_client()
        while not stop.is_set():
            statuses.append(client.post("/_test/upload").status_code)

    threads = [threading.Thread(target=uploader) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        while len(statuses) < 8:  # uploads are really running
            stop.wait(0.01)
        restore_backup(folder, wait=20)
        during = len(statuses)
        while len(statuses) < during + 8:  # and they go on after the restore
            stop.wait(0.01)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert set(statuses) <= {200, 503}, set(statuses)
    for rel, content in files.items():
        assert (uploads / rel).read_bytes() == content, rel
    assert not list(uploads.parent.glob(".restore-*")) and not list(uploads.parent.glob(".replaced-*"))
    assert not maintenance.active(own_app)


def test_restore_refuses_while_a_request_runs_and_portal_shows_maintenance(app, tmp_path):
    folder = make_backup(tmp_path / "bk")
    import fcntl
    import os

    lock = maintenance._folder(app) / maintenance.LOCK
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)  # a request of another process still running
    try:
        with pytest.raises(RestoreError, match="vẫn đang xử lý"):
            restore_backup(folder, wait=0.3)
    finally:
        os.close(fd)
    assert not maintenance.active(app)
    (maintenance._folder(app) / maintenance.FLAG).write_text("x")
    try:
        response = app.test_client().get("/dang-nhap")
        assert response.status_code == 503 and "đang bảo trì" in response.get_data(as_text=True)
        assert app.test_client().get("/static/css/portal.css").status_code == 200
    finally:
        (maintenance._folder(app) / maintenance.FLAG).unlink()
    assert app.test_client().get("/dang-nhap").status_code == 200


def test_a_session_from_before_a_restore_is_refused_after_it(app, tmp_path):
    folder = make_backup(tmp_path / "bk")
    db.session.remove()
    device = app.test_client()
    login(device, "vp.thu", remember=True)
    cookies = cookies_of(device)
    assert logged_in(client_with(app, cookies))
    db.session.remove()
    restore_backup(folder)
    assert not logged_in(client_with(app, cookies))
    assert not logged_in(client_with(app, {"remember_token": cookies["remember_token"]}))


def test_pg_tools_get_the_password_from_the_environment_not_argv(monkeypatch):
    from types import SimpleNamespace

    from sqlalchemy.engine import make_url

    import portal.backup as backup

    fake = SimpleNamespace(engine=SimpleNamespace(url=make_url("postgresql+psycopg://cchc:b1m-m4t@db.local:5433/cchc")))
    monkeypatch.setattr(backup, "db", fake)
    args, env = backup._pg_args()
    assert "b1m-m4t" not in " ".join(args) and env["PGPASSWORD"] == "b1m-m4t"
    assert args == ["--dbname", "cchc", "--host", "db.local", "--port", "5433", "--username", "cchc"]
