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
