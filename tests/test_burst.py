"""A burst of 30 simultaneous requests, 5 of them summary PDFs, with logins and saves among them,
on SQLite: no request fails ("database is locked" was a 500 here before)."""
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.rounds.models import Round
from tests.security_support import login, second_app


def test_thirty_requests_with_five_summary_pdfs_give_no_error(app, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return  # the burst is about SQLite's single writer
    closed = db.session.scalar(select(Round.id).where(Round.state == "closed").order_by(Round.id))
    db.session.rollback()
    with second_app(app, tmp_path) as server:
        def client(username):
            c = server.test_client()
            login(c, username)
            return c

        leader, staff = client("chutich"), client("vp.thu")
        calls = ([(leader, "get", f"/bao-cao-ket-qua/dot/{closed}/bao-cao.pdf", {})] * 5
                 + [(staff, "get", "/", {})] * 8
                 + [(leader, "get", "/thong-bao/", {})] * 5
                 + [(server.test_client(), "post", "/dang-nhap",
                     {"data": {"username": "tt.tam", "password": DEMO_PASSWORD}})] * 4
                 + [(server.test_client(), "post", "/dang-nhap",
                     {"data": {"username": "tt.tam", "password": "sai"}})] * 3
                 + [(staff, "post", "/thong-bao/da-doc-tat-ca", {})] * 5)
        assert len(calls) == 30

        def fire(call):
            c, method, url, kwargs = call
            response = getattr(c, method)(url, **kwargs)
            return url, response.status_code, response.data[:4]

        with ThreadPoolExecutor(max_workers=30) as pool:
            results = list(pool.map(fire, calls))
    errors = [r for r in results if r[1] >= 500]
    assert not errors, errors
    pdfs = [r for r in results if r[0].endswith(".pdf")]
    assert all(status == 200 and head == b"%PDF" for _url, status, head in pdfs), pdfs
