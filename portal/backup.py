"""`flask backup` / `flask restore`: a consistent copy of the database and the uploaded files.

SQLite is copied with its online backup API (safe while the portal runs); PostgreSQL is dumped
with pg_dump in custom format (password through PGPASSWORD, never on the command line, where
`ps` shows it). Uploaded evidence is archived beside it, and manifest.json holds the SHA-256 of
every piece and every file so a restore can prove the backup whole before it touches anything.

Restore never leaves the portal half-restored:
1. check every checksum and unpack the files into a new folder next to the live one;
2. put the portal in maintenance (portal.maintenance) and wait for running requests to finish;
3. keep a copy of the current database, restore the database, end every login session;
4. swap the folders with two renames; only then delete the replaced files and the copy.
If any step fails the previous data is put back. Proved by tests/test_backup.py.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from datetime import datetime
from pathlib import Path

import click
from flask import current_app

from portal import maintenance
from portal.extensions import db

MANIFEST = "manifest.json"


class RestoreError(click.ClickException):
    pass


def _sqlite_path() -> Path | None:
    url = db.engine.url
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def _pg_args() -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore, and an environment holding the password."""
    url = db.engine.url
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _private(path: Path) -> None:
    path.chmod(0o700 if path.is_dir() else 0o600)


def _sqlite_copy(src: Path, dest: Path) -> None:
    with closing(sqlite3.connect(src)) as source, closing(sqlite3.connect(dest)) as target:
        source.backup(target)


def make_backup(target_dir: Path) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    _private(target_dir)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = target_dir / f"cchc-backup-{stamp}"
    folder.mkdir(mode=0o700)
    manifest = {"created": datetime.now().isoformat(timespec="seconds"), "parts": {}, "files": {}}
    src = _sqlite_path()
    if src is not None:
        database = folder / "portal.db"
        database.touch(mode=0o600)
        _sqlite_copy(src, database)
    else:
        database = folder / "portal.pgdump"
        args, env = _pg_args()
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(database), *args],
                       check=True, env=env)
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    archive = folder / "uploads.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(uploads if uploads.exists() else folder, arcname="uploads", recursive=False)
        if uploads.exists():
            for path in sorted(uploads.rglob("*")):
                rel = path.relative_to(uploads).as_posix()
                if rel.split("/")[0] == "tmp":
                    continue  # half-received uploads are not evidence
                if path.is_file():
                    manifest["files"][rel] = _sha256(path)
                tar.add(path, arcname=f"uploads/{rel}", recursive=False)
    for part in (database, archive):
        _private(part)
        manifest["parts"][part.name] = _sha256(part)
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    _private(folder / MANIFEST)
    return folder


# -- restore ----------------------------------------------------------------------------------

def _verify_parts(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise RestoreError("Bản sao lưu không có tệp manifest.json (kiểm tra toàn vẹn), không khôi phục.")
    try:
        manifest = json.loads(path.read_text())
        parts, files = dict(manifest["parts"]), dict(manifest["files"])
    except (ValueError, KeyError, TypeError):
        raise RestoreError("Tệp manifest.json của bản sao lưu bị hỏng, không khôi phục.") from None
    database = "portal.db" if _sqlite_path() is not None else "portal.pgdump"
    for name in (database, "uploads.tar.gz"):
        if name not in parts or not (folder / name).is_file():
            raise RestoreError(f"Bản sao lưu thiếu tệp {name}, không khôi phục.")
        if _sha256(folder / name) != parts[name]:
            raise RestoreError(f"Tệp {name} của bản sao lưu không khớp mã kiểm tra (bị hỏng hoặc bị sửa).")
    return files


def _unpack(archive: Path, staging: Path, files: dict) -> Path:
    """Unpack into `staging` and prove every file is the one the manifest names."""
    staging.mkdir(mode=0o700)
    with tarfile.open(archive) as tar:
        tar.extractall(staging, filter="data")
    tree = staging / "uploads"
    tree.mkdir(exist_ok=True)
    found = {p.relative_to(tree).as_posix(): p for p in tree.rglob("*") if p.is_file()}
    missing = sorted(set(files) - set(found))
    extra = sorted(set(found) - set(files))
    bad = sorted(rel for rel, digest in files.items() if rel in found and _sha256(found[rel]) != digest)
    if missing or extra or bad:
        sample = ", ".join((missing + extra + bad)[:3])
        raise RestoreError(f"Tệp minh chứng trong bản sao lưu không khớp danh sách kiểm tra "
                           f"({len(missing)} thiếu, {len(extra)} thừa, {len(bad)} sai mã; ví dụ: {sample}).")
    _private(tree)
    return tree


def _restore_database(folder: Path, live: Path | None) -> None:
    if live is not None:
        # Through SQLite's backup API into the live file: it takes the locks and goes through the
        # WAL, so connections other processes still hold see the old or the new database, whole.
        _sqlite_copy(folder / "portal.db", live)
    else:
        args, env = _pg_args()
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        *args, str(folder / "portal.pgdump")], check=True, env=env)


def _end_all_sessions() -> None:
    """Logins issued before the restore must not survive it (the same id may now be someone else)."""
    from portal.accounts import sessions

    sessions.end_everywhere()
    db.session.commit()


def restore_backup(folder: Path, wait: float = 30.0) -> None:
    uploads = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    files = _verify_parts(folder)
    uploads.parent.mkdir(parents=True, exist_ok=True)
    staging = uploads.parent / f".restore-{stamp}"
    try:
        new_tree = _unpack(folder / "uploads.tar.gz", staging, files)
        try:
            with maintenance.exclusive(wait=wait):
                _restore_locked(folder, uploads, new_tree, stamp)
        except maintenance.Busy:
            raise RestoreError("Cổng thông tin vẫn đang xử lý yêu cầu sau thời gian chờ; chưa khôi phục. "
                               "Hãy thử lại lúc ít người dùng.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _restore_locked(folder: Path, uploads: Path, new_tree: Path, stamp: str) -> None:
    db.session.remove()
    db.engine.dispose()
    live = _sqlite_path()
    safety = None
    if live is not None:
        safety = live.with_name(f"{live.name}.before-restore-{stamp}")
        safety.touch(mode=0o600)
        _sqlite_copy(live, safety)
    else:
        safety = uploads.parent / f".before-restore-{stamp}.pgdump"
        args, env = _pg_args()
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(safety), *args],
                       check=True, env=env)
        _private(safety)
    replaced = uploads.parent / f".replaced-{stamp}"
    try:
        _restore_database(folder, live)
        _end_all_sessions()
        if uploads.exists():
            os.rename(uploads, replaced)
        os.rename(new_tree, uploads)
    except BaseException:
        db.session.remove()
        db.engine.dispose()
        # Put back what was there: the files first (cheap renames), then the database.
        if replaced.exists():
            if uploads.exists():
                os.rename(uploads, new_tree)
            os.rename(replaced, uploads)
        if live is not None:
            _sqlite_copy(safety, live)
        else:
            args, env = _pg_args()
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                            *args, str(safety)], check=False, env=env)
        raise
    # The swap succeeded: the replaced data may go now.
    shutil.rmtree(replaced, ignore_errors=True)
    safety.unlink(missing_ok=True)


def register(app):
    @app.cli.command("backup")
    @click.option("--to", "target", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Thư mục lưu bản sao (mặc định instance/backups)")
    def backup_command(target):
        """Sao lưu cơ sở dữ liệu và tệp minh chứng."""
        folder = make_backup(target or Path(current_app.config["BACKUP_FOLDER"]))
        click.echo(f"Đã sao lưu vào {folder}")

    @app.cli.command("restore")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--wait", default=30.0, show_default=True,
                  help="Số giây chờ các yêu cầu đang chạy kết thúc trước khi từ chối khôi phục")
    @click.confirmation_option(prompt="Khôi phục sẽ thay thế toàn bộ dữ liệu hiện tại. Tiếp tục?")
    def restore_command(folder, wait):
        """Khôi phục từ một bản sao lưu (thay thế dữ liệu hiện tại)."""
        restore_backup(folder, wait=wait)
        click.echo("Đã khôi phục dữ liệu. Mọi phiên đăng nhập cũ đã kết thúc.")
