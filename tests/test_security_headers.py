"""Headers: no-store on every logged-in response and download, a CSP that pins forms and the
base URL, HSTS when configured for HTTPS; static files stay cacheable."""
from io import BytesIO

from portal.extensions import db
from tests.support import HTMX, login_as


def _no_store(response):
    assert response.headers.get("Cache-Control") == "no-store", (response.status_code, response.headers)
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers


def test_logged_in_pages_fragments_and_downloads_are_not_stored(app):
    from tests.test_adhoc import demo_ids

    ids = demo_ids()
    client = login_as(app, "vhxh.ha")
    _no_store(client.get("/"))
    _no_store(client.get("/quan-tri/don-vi", headers=HTMX))
    _no_store(client.get("/ngay-nghi?xuat=xlsx"))  # an Excel download
    _no_store(client.get(f"/kiem-tra-dot-xuat/{ids['e']}/bien-ban.pdf"))  # a PDF
    r = client.post(f"/kiem-tra-dot-xuat/{ids['e']}/bien-ban", content_type="multipart/form-data",
                    data={"files": [(BytesIO(b"%PDF-1.4 a"), "Biên bản ký.pdf")]})
    assert r.status_code == 303
    from portal.adhoc.models import AdhocEntry

    entry = db.session.get(AdhocEntry, ids["e"])
    evidence = client.get(f"/kiem-tra-dot-xuat/{entry.id}/tep/{entry.files[0].id}")
    assert evidence.status_code == 200
    _no_store(evidence)
    _no_store(app.test_client().get("/dang-nhap"))  # carries a CSRF token


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200 and response.headers.get("Cache-Control") != "no-store"


def test_csp_pins_form_targets_and_base_url(client):
    csp = client.get("/dang-nhap").headers["Content-Security-Policy"]
    assert "form-action 'self'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'self'" in csp


def test_hsts_only_when_configured_and_on_https(app):
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/dang-nhap", base_url="https://localhost").headers
    app.config["HSTS"] = "max-age=31536000"
    assert client.get("/dang-nhap", base_url="https://localhost").headers["Strict-Transport-Security"] == \
        "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/dang-nhap").headers


def test_waitress_sends_no_server_banner_with_empty_ident(app):
    """README's production command passes --ident= : waitress then sends no Server header."""
    import urllib.request

    from tests.support import waitress_thread

    with waitress_thread(app, ident="") as base:
        with urllib.request.urlopen(f"{base}/static/css/portal.css") as response:
            assert response.status == 200 and response.headers.get("Server") is None


def _app_with(template_db, tmp_path, **settings):
    """An app built with extra settings (ProxyFix is wired at creation, not per request)."""
    import shutil

    from portal import create_app
    from tests.conftest import PG_URL, _config

    url = PG_URL
    if not url:
        shutil.copyfile(template_db, tmp_path / "proxy.db")
        url = f"sqlite:///{tmp_path / 'proxy.db'}"
    return create_app({**_config(url, tmp_path), **settings})


def _login_ip(app, headers) -> str:
    """Log in as a demo user through `app` with these headers; the address the session recorded."""
    from sqlalchemy import select

    from portal.accounts.models import LoginSession
    from portal.demo import DEMO_PASSWORD

    client = app.test_client()
    response = client.post("/dang-nhap", data={"username": "vhxh.ha", "password": DEMO_PASSWORD},
                           headers=headers)
    assert response.status_code in (302, 303)
    with app.app_context():
        return db.session.scalars(select(LoginSession.ip).order_by(LoginSession.id.desc())).first()


FORWARDED = {"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Proto": "https"}


def test_behind_one_trusted_proxy_https_and_client_address_come_from_the_proxy(app, template_db, tmp_path):
    proxied = _app_with(template_db, tmp_path, TRUSTED_PROXIES=1, HSTS="max-age=31536000")
    response = proxied.test_client().get("/dang-nhap", headers=FORWARDED)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert _login_ip(proxied, FORWARDED) == "10.1.2.3"


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app, template_db, tmp_path):
    """The default: a client cannot forge its address (login throttling) or claim HTTPS."""
    direct = _app_with(template_db, tmp_path, HSTS="max-age=31536000")
    assert "Strict-Transport-Security" not in direct.test_client().get("/dang-nhap", headers=FORWARDED).headers
    assert _login_ip(direct, FORWARDED) == "127.0.0.1"
