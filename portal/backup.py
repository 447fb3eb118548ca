"""`flask backup` / `flask restore`: a consistent copy of the database and the uploaded files.

SQLite is copied with its online backup API (safe while the portal runs); PostgreSQL is dumped
with pg_dump in custom format. Uploaded evidence is archived beside it. Restore is proved by
tests/test_backup.py.
"""
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

import click
from flask import current_app

from portal.extensions import db


def _sqlite_path() -> Path | None:
    url = db.engine.url
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def make_backup(target_dir: Path) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = target_dir / f"cchc-backup-{stamp}"
    folder.mkdir()
    src = _sqlite_path()
    if src is not None:
        with sqlite3.connect(src) as source, sqlite3.connect(folder / "portal.db") as dest:
            source.backup(dest)
    else:
        url = db.engine.url.set(drivername="postgresql")
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / "portal.pgdump"),
                        url.render_as_string(hide_password=False)], check=True)
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    with tarfile.open(folder / "uploads.tar.gz", "w:gz") as tar:
        if uploads.exists():
            tar.add(uploads, arcname="uploads")
    return folder


def restore_backup(folder: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    src = _sqlite_path()
    if src is not None:
        if not (folder / "portal.db").exists():
            raise click.ClickException("Bản sao lưu không có tệp portal.db.")
        # Copy through SQLite's backup API into the live file: it takes the locks and goes through
        # the WAL, so a server still holding connections sees a consistent database.
        with sqlite3.connect(folder / "portal.db") as source, sqlite3.connect(src) as dest:
            source.backup(dest)
    else:
        url = db.engine.url.set(drivername="postgresql")
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname",
                        url.render_as_string(hide_password=False), str(folder / "portal.pgdump")], check=True)
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    archive = folder / "uploads.tar.gz"
    if archive.exists():
        if uploads.exists():
            shutil.rmtree(uploads)
        with tarfile.open(archive) as tar:
            tar.extractall(uploads.parent, filter="data")
        extracted = uploads.parent / "uploads"
        if extracted != uploads and extracted.exists():
            extracted.rename(uploads)


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
    @click.confirmation_option(prompt="Khôi phục sẽ thay thế toàn bộ dữ liệu hiện tại. Tiếp tục?")
    def restore_command(folder):
        """Khôi phục từ một bản sao lưu (thay thế dữ liệu hiện tại)."""
        restore_backup(folder)
        click.echo("Đã khôi phục dữ liệu.")
