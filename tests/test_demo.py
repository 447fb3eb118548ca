"""`flask demo` (the README's first command) builds an empty database and loads the ward once."""
import pytest

from portal import create_app
from portal.accounts.models import User
from portal.extensions import db
from tests.conftest import PG_URL, _config


def test_flask_demo_on_an_empty_sqlite_file(tmp_path):
    if PG_URL:
        pytest.skip("the PostgreSQL schema is shared by the session; SQLite shows the command itself")
    app = create_app(_config(f"sqlite:///{tmp_path / 'new.db'}", tmp_path))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Đã nạp dữ liệu mẫu phường Thành Sen" in first.output and "ThanhSen@2026" in first.output
    second = runner.invoke(args=["demo"])
    assert "không nạp lại" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 13
        db.engine.dispose()
