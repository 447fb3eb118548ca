"""Form markup every page shares: dd/mm/yyyy date fields, no Python None in attributes, hidden
fields (CSRF token, version) without ids that repeat when a page carries several forms."""
import re
from datetime import date

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import Optional

from portal.web.dates import DATE_MSG, DateField
from portal.web.wtforms_markup import form_ids
from tests.support import login_as


class _Form(FlaskForm):
    day = DateField("Ngày", validators=[Optional()])


@pytest.mark.parametrize("typed, expected", [
    ("05/11/2026", date(2026, 11, 5)), ("5/11/2026", date(2026, 11, 5)),
    (" 31/12/2026 ", date(2026, 12, 31)), ("2026-11-05", date(2026, 11, 5)), ("", None),
])
def test_date_field_reads_day_first(app, typed, expected):
    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict({"day": typed}), meta={"csrf": False})
        assert form.validate()
        assert form.day.data == expected


@pytest.mark.parametrize("typed", ["11/31/2026", "32/01/2026", "05-11", "hôm nay", "05/11/26"])
def test_date_field_refuses_what_it_cannot_read_and_keeps_it(app, typed):
    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict({"day": typed}), meta={"csrf": False})
        assert not form.validate()
        assert form.day.errors == [DATE_MSG]
        assert f'value="{typed}"' in form.day()


def test_date_field_renders_a_text_box_with_pattern(app):
    with app.test_request_context():
        form = _Form(meta={"csrf": False})
        form.day.data = date(2026, 11, 5)
        html = form.day()
        assert 'type="text"' in html and 'value="05/11/2026"' in html
        assert 'pattern="' in html and 'placeholder="dd/mm/yyyy"' in html and "data-date" in html
        form.day.data = "2026-01-09"  # views preset ISO strings
        assert 'value="09/01/2026"' in form.day()


def test_form_ids_gives_repeated_forms_ids_of_their_own(app):
    with app.test_request_context():
        a, b = form_ids(_Form(meta={"csrf": False}), 1), form_ids(_Form(meta={"csrf": False}), 2)
        assert a.day.id == "day-1" and b.day.id == "day-2" and a.day.name == b.day.name == "day"
        assert form_ids(a, 1).day.id == "day-1"  # idempotent


@pytest.mark.parametrize("username, url", [
    ("admin", "/cai-dat/"), ("admin", "/tai-khoan/mat-khau"), ("admin", "/iso/ngay-nghi"),
    ("vhxh.nhung", "/ton-tai/moi"), ("vhxh.nhung", "/kiem-tra-dot-xuat/moi"), ("vhxh.nhung", "/dot-kiem-tra/moi"),
    ("vhxh.nhung", "/"),
])
def test_form_pages_have_no_none_attributes_nor_repeated_hidden_ids(app, username, url):
    html = login_as(app, username).get(url).get_data(as_text=True)
    assert '="None"' not in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert not {i for i in ids if ids.count(i) > 1}, "duplicate ids"
    assert 'id="csrf_token"' not in html and 'type="date"' not in html
