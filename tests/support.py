"""Helpers for tests: logging in as demo people, htmx headers."""
from portal.demo import DEMO_PASSWORD


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username="vhxh.nhung", password=DEMO_PASSWORD):
        response = self.client.post("/dang-nhap", data={"username": username, "password": password})
        assert response.status_code == 302, f"login failed for {username}"
        return response

    def logout(self):
        return self.client.post("/dang-xuat")


HTMX = {"HX-Request": "true"}


def login_as(app, username):
    """A new client logged in as `username` (several people in one test)."""
    c = app.test_client()
    Auth(c).login(username)
    return c
