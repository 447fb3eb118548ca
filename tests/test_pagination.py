"""Lists that grow past a screenful come a page at a time, with the count and the shared pager."""
from sqlalchemy import select

from benchmarks.scale import scale_up
from portal.extensions import db
from portal.rounds.models import Round
from tests.support import HTMX, login_as


def test_assignments_page_shows_50_of_690_with_a_pager_that_keeps_the_filters(app):
    scale_up(10)
    client = login_as(app, "vhxh.nhung")
    html = client.get("/phan-cong/").get_data(as_text=True)
    assert "690 nội dung; đang xem 1–50." in html
    assert html.count('class="code"') <= 51 + 1
    assert "Trang 1 / 14" in html and 'rel="next"' in html
    page2 = client.get("/phan-cong/?page=2&q=", headers=HTMX).get_data(as_text=True)
    assert "đang xem 51–100" in page2 and 'rel="prev"' in page2
    # a page past the end or not a number is the empty/first page, never an error
    assert client.get("/phan-cong/?page=999").status_code == 200
    assert client.get("/phan-cong/?page=abc").status_code == 200


def test_review_queue_pages_with_its_round_in_the_links(app):
    scale_up(10)
    rnd = db.session.scalar(select(Round).where(Round.state != "closed").order_by(Round.start_on.desc()))
    client = login_as(app, "vhxh.nhung")
    html = client.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh?tre=").get_data(as_text=True)
    assert "đang xem 1–50" in html
    assert f"/dot-kiem-tra/{rnd.id}/tham-dinh?tre=&amp;page=2" in html
    page2 = client.get(f"/dot-kiem-tra/{rnd.id}/tham-dinh?page=2", headers=HTMX)
    assert page2.status_code == 200 and "đang xem 51–100" in page2.get_data(as_text=True)
