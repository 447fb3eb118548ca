"""Sessions that end: logout, password change, reset, deactivation and restore refuse old cookies
and remember-me tokens, on two app instances sharing one database."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import LoginSession
from portal.accounts.services import find_user
from portal.extensions import db
from portal.settings.models import get_settings
from tests.security_support import client_with, cookies_of, logged_in, login, second_app


@pytest.fixture
def pair(app, tmp_path):
    """Two processes on the test's database. The test's own session reads through BEGIN
    IMMEDIATE, so it ends its transaction (`_id`, commit) before requests are made."""
    with second_app(app, tmp_path) as one, second_app(app, tmp_path) as two:
        yield one, two


def _id(username):
    user_id = find_user(username).id
    db.session.rollback()
    return user_id


def _remember_only(cookies):
    return {"remember_token": cookies["remember_token"]}


def test_logout_ends_the_session_and_remember_token_everywhere(pair):
    app, other = pair
    device = app.test_client()
    login(device, remember=True)
    old = cookies_of(device)
    assert set(old) == {"session", "remember_token"}
    # Both processes accept the login, by session cookie and by remember-me cookie alone.
    assert logged_in(client_with(other, old))
    assert logged_in(client_with(other, _remember_only(old)))

    device.post("/dang-xuat")
    assert not logged_in(device)
    for target in (pair):
        assert not logged_in(client_with(target, old))
        assert not logged_in(client_with(target, _remember_only(old)))


def test_password_change_ends_the_other_sessions_only(pair):
    app, other = pair
    here, there = app.test_client(), other.test_client()
    login(here)
    login(there, remember=True)
    there_cookies = cookies_of(there)
    response = here.post("/tai-khoan/mat-khau", data={
        "current": "ThanhSen@2026", "new": "Canh-dong-lua-9", "confirm": "Canh-dong-lua-9"})
    assert response.status_code == 302
    assert logged_in(here)
    for target in (pair):
        assert not logged_in(client_with(target, there_cookies))
        assert not logged_in(client_with(target, _remember_only(there_cookies)))


def test_admin_reset_ends_every_session_of_the_user(pair):
    app, other = pair
    user_device = other.test_client()
    login(user_device, "tt.tam", remember=True)
    cookies = cookies_of(user_device)
    admin = app.test_client()
    login(admin, "admin")
    user_id = _id("tt.tam")
    admin.post(f"/quan-tri/nguoi-dung/{user_id}/dat-lai-mat-khau", data={"password": "Song-lam-xanh-3"})
    for target in (pair):
        assert not logged_in(client_with(target, cookies))
        assert not logged_in(client_with(target, _remember_only(cookies)))


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(pair):
    app, other = pair
    user_device = other.test_client()
    login(user_device, "tt.tam", remember=True)
    cookies = cookies_of(user_device)
    admin = app.test_client()
    login(admin, "admin")
    user_id = _id("tt.tam")
    # tt.tam has open work: locking hands it to someone (issue 10), then ends the sessions
    assert admin.post(f"/quan-tri/nguoi-dung/{user_id}/khoa",
                      data={"nhan_ban_giao": _id("tt.mai")}).status_code == 302
    assert not logged_in(client_with(other, cookies))
    admin.post(f"/quan-tri/nguoi-dung/{user_id}/khoa")  # unlock again
    db.session.expire_all()
    assert find_user("tt.tam").active
    db.session.rollback()
    for target in (pair):
        assert not logged_in(client_with(target, cookies))
        assert not logged_in(client_with(target, _remember_only(cookies)))


def test_remember_token_is_random_per_login_stored_hashed_and_flagged(app, tmp_path):
    db.session.rollback()
    with second_app(app, tmp_path, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True) as secure:
        tokens = []
        for _ in range(2):
            device = secure.test_client()
            response = device.post("/dang-nhap", data={"username": "vp.thu", "password": "ThanhSen@2026",
                                                        "remember": "y"}, base_url="https://localhost")
            header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
            assert "Secure" in header and "SameSite=Lax" in header and "HttpOnly" in header
            tokens.append(header.split(";")[0].split("=", 1)[1])
    assert tokens[0] != tokens[1]
    stored = db.session.scalars(select(LoginSession.token_hash)).all()
    assert all(t.split("|")[0] not in stored for t in tokens)
    assert str(find_user("vp.thu").id) not in {t.split("|")[0] for t in tokens}


def test_idle_timeout_and_absolute_lifetime_come_from_the_settings(pair):
    app, other = pair
    ward = get_settings()
    ward.session_idle_minutes, ward.session_max_hours = 30, 8
    db.session.commit()
    db.session.rollback()
    idle, old = app.test_client(), app.test_client()
    login(idle)
    login(old, "tt.tam")
    assert logged_in(client_with(other, cookies_of(idle))) and logged_in(client_with(other, cookies_of(old)))
    thu, tam = _id("vp.thu"), _id("tt.tam")
    for row in db.session.scalars(select(LoginSession).where(LoginSession.user_id.in_([thu, tam]))):
        if row.user_id == thu:
            row.last_seen_at -= timedelta(minutes=31)
        else:
            row.created_at -= timedelta(hours=8, minutes=1)
    db.session.commit()
    assert not logged_in(client_with(other, cookies_of(idle)))
    assert not logged_in(client_with(other, cookies_of(old)))


def test_csrf_secret_changes_at_login(pair):
    device = pair[0].test_client()
    with device.session_transaction() as sess:
        sess["csrf_token"] = "seen-before-login"
    login(device)
    with device.session_transaction() as sess:
        assert sess.get("csrf_token") != "seen-before-login"


def test_session_list_and_logout_from_other_devices(pair):
    app, other = pair
    here, phone = app.test_client(), other.test_client()
    login(here)
    login(phone, remember=True)
    phone_cookies = cookies_of(phone)
    html = here.get("/tai-khoan/phien-dang-nhap").get_data(as_text=True)
    assert "Phiên này" in html and "Đăng xuất khỏi các thiết bị khác" in html and html.count("<tr>") == 3
    response = here.post("/tai-khoan/phien-dang-nhap/dang-xuat-thiet-bi-khac")
    assert response.status_code == 303
    assert "Đã đăng xuất khỏi 1 thiết bị khác" in here.get(response.headers["Location"]).get_data(as_text=True)
    assert logged_in(here)
    assert not logged_in(client_with(other, phone_cookies))


def test_a_user_cannot_end_someone_elses_session(pair):
    mine, theirs = pair[0].test_client(), pair[1].test_client()
    login(mine)
    login(theirs, "tt.tam")
    their_row = db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == _id("tt.tam")))
    db.session.rollback()
    mine.post(f"/tai-khoan/phien-dang-nhap/{their_row}/ket-thuc")
    assert logged_in(theirs)


def test_session_pages_need_login(client):
    assert client.get("/tai-khoan/phien-dang-nhap").status_code == 302
    assert client.post("/tai-khoan/phien-dang-nhap/dang-xuat-thiet-bi-khac").status_code == 302
