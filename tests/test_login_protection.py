"""Login protection: throttling counted in the database (two app instances), the same work for
unknown usernames, every attempt in the change log, forced password change, password policy."""
import pytest
from sqlalchemy import select

from portal.accounts.models import LoginAttempt
from portal.accounts.password_policy import problems
from portal.audit.models import ChangeLog
from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from tests.security_support import logged_in, login, second_app


@pytest.fixture
def pair(app, tmp_path):
    with second_app(app, tmp_path) as one, second_app(app, tmp_path) as two:
        yield one, two


def _post(app, username, password):
    return app.test_client().post("/dang-nhap", data={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": "10.0.0.7"})


def test_ten_failures_across_two_processes_lock_the_account(pair):
    one, two = pair
    for i in range(10):
        response = _post((one, two)[i % 2], "vp.thu", f"sai-{i}")
        assert response.status_code == 422
    # The right password, on either process, is refused during the lock-out, with the reason.
    for app in pair:
        response = _post(app, "vp.thu", DEMO_PASSWORD)
        assert response.status_code == 422
        assert "tạm khóa đăng nhập" in response.get_data(as_text=True)
    # Another account is not affected.
    assert _post(one, "tt.tam", DEMO_PASSWORD).status_code == 302

    actions = [(e.action, e.changes.get("ip"), e.changes.get("username")) for e in db.session.scalars(
        select(ChangeLog).where(ChangeLog.action.in_(["login_failed", "lockout", "login_locked", "login"]))
        .order_by(ChangeLog.id))]
    db.session.rollback()
    assert actions.count(("login_failed", "10.0.0.7", "vp.thu")) == 10
    assert ("lockout", "10.0.0.7", "vp.thu") in actions
    assert actions.count(("login_locked", "10.0.0.7", "vp.thu")) == 2
    assert ("login", "10.0.0.7", "tt.tam") in actions


def test_lock_out_ends_after_the_set_time(pair):
    from datetime import timedelta

    one, _two = pair
    for i in range(10):
        _post(one, "vp.thu", f"sai-{i}")
    assert _post(one, "vp.thu", DEMO_PASSWORD).status_code == 422
    for row in db.session.scalars(select(LoginAttempt)):
        row.at -= timedelta(minutes=16)
    db.session.commit()
    assert _post(one, "vp.thu", DEMO_PASSWORD).status_code == 302


def test_per_address_throttle(app, tmp_path):
    with second_app(app, tmp_path, LOGIN_MAX_FAILURES_PER_ADDRESS=5) as one:
        for i in range(5):
            _post(one, f"khong-co-{i}", "sai")
        response = _post(one, "tt.tam", DEMO_PASSWORD)
        assert response.status_code == 422 and "từ máy này" in response.get_data(as_text=True)
        other_address = one.test_client().post("/dang-nhap", data={"username": "tt.tam", "password": DEMO_PASSWORD},
                                               environ_base={"REMOTE_ADDR": "10.0.0.8"})
        assert other_address.status_code == 302


def test_unknown_username_costs_a_password_hash(app, monkeypatch):
    import portal.accounts.services as services

    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    client = app.test_client()
    client.post("/dang-nhap", data={"username": "khong-ai-ca", "password": "sai"})
    client.post("/dang-nhap", data={"username": "vp.thu", "password": "sai"})
    assert len(calls) == 2 and calls[0].split("$")[0] == calls[1].split("$")[0]


def test_forced_password_change_is_enforced_on_every_route(app, auth, client):
    from portal.accounts.services import find_user

    find_user("vp.thu").must_change_password = True
    db.session.commit()
    auth.login("vp.thu")
    for url in ("/", "/tai-khoan/phien-dang-nhap", "/thong-bao/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/tai-khoan/mat-khau", url
    htmx = client.get("/", headers={"HX-Request": "true"})
    assert htmx.headers.get("HX-Redirect") == "/tai-khoan/mat-khau"
    assert client.get("/tai-khoan/mat-khau").status_code == 200
    response = client.post("/tai-khoan/mat-khau", data={
        "current": DEMO_PASSWORD, "new": "Canh-dong-lua-9", "confirm": "Canh-dong-lua-9"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("password", ["12345678", "ThanhSen@2026", "thanhsen2026", "Matkhau@123", "anhyeuem123",
                                      "Qwerty123", "aaaaaaaa", "nguyen1990", "vp.thu2026", "ngan"])
def test_weak_new_passwords_are_refused(app, auth, client, password):
    auth.login("vp.thu")
    response = client.post("/tai-khoan/mat-khau", data={"current": DEMO_PASSWORD, "new": password, "confirm": password})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "dễ đoán" in html or "tên đăng nhập" in html or "ký tự" in html


def test_policy_accepts_a_passphrase_and_refuses_the_username():
    assert problems("Canh-dong-lua-9", "vp.thu", "Phường Thanh Sen") == []
    assert problems("Mây trắng bay qua", "vp.thu", "Phường Thanh Sen") == []
    assert problems("xyz.vp.thu.2026", "vp.thu", "") != []


def test_admin_reset_applies_the_policy(app, auth, client):
    from portal.accounts.services import find_user

    auth.login("admin")
    user = find_user("tt.tam")
    response = client.post(f"/quan-tri/nguoi-dung/{user.id}/dat-lai-mat-khau", data={"password": "12345678"},
                           follow_redirects=True)
    assert "dễ đoán" in response.get_data(as_text=True)
    db.session.expire_all()
    assert find_user("tt.tam").check_password(DEMO_PASSWORD)


def test_demo_password_still_logs_in(app, tmp_path):
    with second_app(app, tmp_path) as one:
        device = one.test_client()
        login(device, "vp.thu", DEMO_PASSWORD)
        assert logged_in(device)


def test_password_change_is_in_the_change_log(app, auth, client):
    auth.login("vp.thu")
    client.post("/tai-khoan/mat-khau", data={"current": DEMO_PASSWORD, "new": "Canh-dong-lua-9",
                                             "confirm": "Canh-dong-lua-9"})
    client.post("/dang-xuat")
    actions = db.session.scalars(select(ChangeLog.action).where(ChangeLog.object_type == "user")).all()
    assert {"login", "password_change", "logout"} <= set(actions)


def test_command_line_applies_the_policy_and_ends_sessions(app, runner):
    weak = runner.invoke(args=["user", "create", "cli.yeu", "--name", "Yếu", "--password", "12345678"])
    assert weak.exit_code != 0 and "dễ đoán" in weak.output
    weak = runner.invoke(args=["user", "set-password", "vp.thu", "--password", "ThanhSen@2026"])
    assert weak.exit_code != 0 and "dễ đoán" in weak.output
    ok = runner.invoke(args=["user", "set-password", "vp.thu", "--password", "Canh-dong-lua-9"])
    assert ok.exit_code == 0, ok.output
