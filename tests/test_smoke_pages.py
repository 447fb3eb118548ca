"""Every GET route of the app answers every kind of user without a server error.

Routes come from the URL map (ids filled with 1), so each new page is covered as it lands.
"""
import re

import pytest

from portal import create_app
from tests.support import login_as

_probe = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "SECRET_KEY": "x"})
PAGES = sorted({
    re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule)
    for rule in _probe.url_map.iter_rules()
    if "GET" in rule.methods and rule.endpoint != "static"
})


@pytest.mark.parametrize("username", ["admin", "vhxh.nhung", "vp.viet", "vp.thu", "chutich"])
def test_every_page_answers_without_error(app, username):
    client = login_as(app, username)
    for page in PAGES:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(page, headers=headers)
            assert response.status_code in (200, 302, 303, 403, 404, 409), (page, headers, response.status_code)


def test_pages_were_found():
    assert len(PAGES) > 10 and "/bo-noi-dung/" in PAGES
