"""A person's own list ("Việc của tôi") at ten times the demo ward: a page at a time, grouped by
area, with an area filter the pager keeps; its figures count the whole list; its PDF prints it all."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from benchmarks.scale import scale_up
from portal.accounts.models import User
from portal.assignments import services
from portal.assignments.services import Filters
from portal.catalogue.services import current_catalogue
from portal.extensions import db
from tests.support import HTMX, login_as

URL = "/phan-cong/cua-toi"


def _me(username="vp.thu"):
    return db.session.scalar(select(User).where(User.username == username))


def _codes(html):
    return re.findall(r'<td class="code"><a href="/phan-cong/noi-dung/\d+">([^<]+)</a>', html)


@pytest.fixture()
def mine(app):
    scale_up(10)
    return [c.code for c in services.list_criteria(current_catalogue(), Filters(person_id=_me().id))]


def test_the_list_comes_a_page_at_a_time_with_its_count(app, mine):
    assert len(mine) > 100
    client = login_as(app, "vp.thu")
    html = client.get(URL).get_data(as_text=True)
    assert f"Hiển thị 1–50 / {len(mine)} nội dung" in html and _codes(html) == mine[:50]
    assert f'<div class="value">{len(mine)}</div><div class="label">Nội dung phụ trách</div>' in html
    assert 'href="/phan-cong/cua-toi?page=2" rel="next"' in html and 'hx-target="#results"' in html
    assert html.count("<h2>") >= 2  # grouped by area within the page
    frag = client.get(URL + "?page=2", headers=HTMX).get_data(as_text=True)
    assert "<html" not in frag and frag.lstrip().startswith('<div id="results">')
    assert f"Hiển thị 51–100 / {len(mine)} nội dung" in frag and _codes(frag) == mine[50:100]


def test_a_bad_page_number_is_never_an_error(app, mine):
    client = login_as(app, "vp.thu")
    last = (len(mine) - 1) // 50 * 50  # past the end: the last page
    for page, codes in (("abc", mine[:50]), ("0", mine[:50]), ("-1", mine[:50]), ("99999999999999", mine[:50]),
                        ("999", mine[last:])):
        r = client.get(f"{URL}?page={page}")
        assert r.status_code == 200 and _codes(r.get_data(as_text=True)) == codes, page


def test_the_area_filter_lists_only_my_areas_and_the_pager_keeps_it(app, mine):
    summary = services.my_summary(current_catalogue(), _me())
    big = max(summary["areas"], key=lambda a: a.count)
    assert big.count > 50
    client = login_as(app, "vp.thu")
    html = client.get(URL).get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)"', html.split('id="linh_vuc"')[1].split("</select>")[0])
    assert options == [str(a.area.id) for a in summary["areas"]]  # the person's areas only
    frag = client.get(f"{URL}?linh_vuc={big.area.id}", headers=HTMX).get_data(as_text=True)
    in_area = [c.code for c in services.list_criteria(current_catalogue(),
                                                      Filters(person_id=_me().id, area_id=big.area.id))]
    assert f"Hiển thị 1–50 / {big.count} nội dung" in frag and _codes(frag) == in_area[:50]
    assert f"?linh_vuc={big.area.id}&amp;page=2" in frag
    page2 = client.get(f"{URL}?linh_vuc={big.area.id}&page=2").get_data(as_text=True)
    assert _codes(page2) == in_area[50:100] and f'<option value="{big.area.id}" selected>' in page2
    # an area the person holds nothing in, or no area at all: an empty list, not an error
    empty = client.get(f"{URL}?linh_vuc=999999&page=3")
    assert empty.status_code == 200 and _codes(empty.get_data(as_text=True)) == []


def test_the_figures_count_the_whole_list(app, mine):
    on = date(2026, 8, 1)
    me = _me()
    rows = services.list_criteria(current_catalogue(), Filters(person_id=me.id))
    summary = services.my_summary(current_catalogue(), me, on=on)
    dated = sorted((c for c in rows if c.assignment.due_date), key=lambda c: c.assignment.due_date)
    upcoming = [c for c in dated if c.assignment.due_date >= on]
    assert summary["count"] == len(rows)
    assert summary["lead"] == sum(1 for c in rows if c.assignment.lead_person_id == me.id)
    assert summary["overdue"] == sum(1 for c in dated if c.assignment.due_date < on)
    assert summary["next"] == (upcoming[0] if upcoming else None)


def test_only_my_own_criteria_whoever_asks(app, mine):
    html = login_as(app, "vp.thu").get(f"{URL}?nguoi={_me('vhxh.nhung').id}&page=1").get_data(as_text=True)
    assert _codes(html) == mine[:50]
    assert app.test_client().get(URL).status_code == 302  # not logged in: to the login page


def test_the_printed_list_holds_everything(app, mine):
    from io import BytesIO

    from pypdf import PdfReader

    r = login_as(app, "vp.thu").get(f"/phan-cong/xuat.pdf?nguoi={_me().id}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = " ".join("".join(p.extract_text() for p in PdfReader(BytesIO(r.data)).pages).split())
    missing = [code for code in mine if not re.search(rf"(?<![\d.]){re.escape(code)}(?!\d|\.\d)", text)]
    assert missing == []
