"""Every page answers for every demo account, without a server error."""
import pytest

from portal.demo import PEOPLE

from tests.support import login_as

PAGES = ["/", "/bo-noi-dung/", "/tai-khoan/mat-khau", "/quan-tri/nguoi-dung", "/quan-tri/don-vi",
         "/cai-dat/", "/nhat-ky/", "/bo-noi-dung/2026.yaml", "/quan-tri/nguoi-dung/moi",
         "/quan-tri/nguoi-dung/1", "/quan-tri/don-vi/1", "/quan-tri/don-vi/moi"]


@pytest.mark.parametrize("username", [p[0] for p in PEOPLE])
def test_every_page_answers_without_error(app, username):
    client = login_as(app, username)
    for page in PAGES:
        response = client.get(page)
        assert response.status_code in (200, 403), (page, response.status_code)
