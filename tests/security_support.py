"""Two app instances on one database, as two waitress processes would be."""
import contextlib

from portal import create_app
from portal.demo import DEMO_PASSWORD
from portal.extensions import db


@contextlib.contextmanager
def second_app(app, tmp_path, **overrides):
    """Another create_app() on the same database and upload folder as `app`."""
    from tests.conftest import _config, _fresh_g_per_request

    config = {**_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
              "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], "BACKUP_FOLDER": app.config["BACKUP_FOLDER"],
              **overrides}
    other = create_app(config)
    _fresh_g_per_request(other)
    try:
        yield other
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


COOKIES = ("session", "remember_token")


def cookies_of(client) -> dict:
    return {name: c.value for name in COOKIES if (c := client.get_cookie(name)) is not None}


def client_with(app, cookies: dict):
    """A fresh browser on `app` carrying the given cookies (a stolen or old cookie)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value, domain="localhost")
    return client


def login(client, username="vp.thu", password=DEMO_PASSWORD, remember=False):
    data = {"username": username, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/dang-nhap", data=data)
    assert response.status_code == 302, (username, response.status_code)
    return response


def logged_in(client) -> bool:
    """Whether the client's cookies still open a logged-in page."""
    response = client.get("/tai-khoan/phien-dang-nhap")
    return response.status_code == 200
