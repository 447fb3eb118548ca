"""A burst on the production server: 30 requests at once — 5 round summary PDFs, logins, draft
saves and the main pages — through waitress (8 threads) over real HTTP on one database, and not
one error. On SQLite this used to answer "database is locked" 500s: every transaction took the
write lock (BEGIN IMMEDIATE) and held it through rendering, PDFs included."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from portal.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.reports import services as RS
from portal.rounds import services as S
from portal.rounds.models import Report, Round
from tests.rounds_factory import make_round
from tests.support import waitress_thread


@pytest.fixture
def server(app):
    with waitress_thread(app, threads=8, expose_tracebacks=False) as base:
        yield base


def _session(base, username):
    s = requests.Session()
    r = s.post(f"{base}/dang-nhap", data={"username": username, "password": DEMO_PASSWORD},
               allow_redirects=False, timeout=60)
    assert r.status_code == 302, (username, r.status_code)
    return s


@pytest.mark.slow
def test_thirty_requests_with_five_summary_pdfs_at_once_give_no_error(app, server):
    summary_round = db.session.scalar(select(Round).order_by(Round.start_on))
    assert not RS.needs_job(summary_round.id)  # rendered in the request, the heavy case here
    drafts = make_round(count=5, authors=("vp.thu",), name="Đợt lưu nháp đồng thời")
    draft_ids = [(r.id, r.version) for r in S.round_reports(drafts.id)]
    db.session.commit()  # the test's own transaction must not hold anything during the burst

    leader, author, secretary = (_session(server, u) for u in ("chutich", "vp.thu", "vhxh.nhung"))
    pdf = f"/bao-cao-ket-qua/dot/{summary_round.id}/bao-cao.pdf"
    calls = [(leader, "get", pdf, None)] * 5
    calls += [(author, "post", f"/dot-kiem-tra/bao-cao/{rid}",
               {"status": "doing", "done_text": "Đang triển khai.", "version": str(v)}) for rid, v in draft_ids]
    calls += [(requests.Session(), "post", "/dang-nhap", {"username": u, "password": DEMO_PASSWORD})
              for u in ("vp.viet", "kt.duc", "tt.mai", "yt.huong", "vp.khoa")]
    pages = ["/", "/bang-dieu-khien/", "/ton-tai/", "/phan-cong/", "/thong-bao/", f"/dot-kiem-tra/{summary_round.id}",
             "/bo-noi-dung/", f"/bao-cao-ket-qua/dot/{summary_round.id}", "/kiem-tra-dot-xuat/", "/iso/boc-mau/"]
    calls += [(secretary if i % 2 else leader, "get", url, None) for i, url in enumerate(pages * 2)][:15]
    assert len(calls) == 30

    barrier = threading.Barrier(len(calls))

    def fire(call):
        session, method, url, data = call
        barrier.wait(timeout=30)
        r = getattr(session, method)(server + url, data=data, allow_redirects=False, timeout=120)
        return url, r.status_code, r.headers.get("Content-Type", "")

    with ThreadPoolExecutor(len(calls)) as pool:
        results = list(pool.map(fire, calls))

    errors = [(url, code) for url, code, _ in results if code >= 400]
    assert errors == [], errors
    assert sum(1 for url, code, ctype in results if url == pdf and ctype == "application/pdf") == 5
    db.session.rollback()
    saved = db.session.scalars(select(Report).where(Report.id.in_([rid for rid, _ in draft_ids]))).all()
    assert all(r.done_text == "Đang triển khai." for r in saved)
