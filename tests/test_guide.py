"""The user guide: one Markdown page per role in docs/huong-dan, shown in the portal under
"Hướng dẫn", with the pictures the screenshot command took from the current pages."""
import re
from pathlib import Path

import pytest

from portal.guide.journeys import JOURNEYS
from tests.support import login_as

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "huong-dan"
ROLES = ["thuong-truc", "can-bo", "doan-kiem-tra", "lanh-dao", "quan-tri"]


def test_every_role_has_a_guide_linked_from_the_index():
    index = (GUIDE / "index.md").read_text(encoding="utf-8")
    for role in ROLES:
        assert (GUIDE / f"{role}.md").is_file(), role
        assert f"({role}.md)" in index


def test_every_picture_the_guide_shows_is_made_by_the_command_and_exists():
    shots = {s.shot for j in JOURNEYS for s in j.steps}
    pictures = set()
    for md in [*GUIDE.glob("*.md"), ROOT / "README.md"]:
        pictures |= set(re.findall(r"anh/([a-z0-9-]+)\.png", md.read_text(encoding="utf-8")))
    assert pictures, "the guide shows no picture"
    assert pictures <= shots, f"pictures no journey takes: {pictures - shots}"
    for name in shots:
        path = GUIDE / "anh" / f"{name}.png"
        assert path.is_file(), f"run `flask --app app guide screenshots`: {path.name} missing"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size < 250_000, path.name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(re.findall(r"docs/huong-dan/anh/[a-z0-9-]+\.png", readme)) >= 3


def test_guide_pages_render_in_the_portal_even_before_login(client):
    page = client.get("/huong-dan/")
    assert page.status_code == 200 and "Hướng dẫn sử dụng" in page.text
    for role in ROLES:
        page = client.get(f"/huong-dan/{role}")
        assert page.status_code == 200, role
        assert '<img loading="lazy" alt=' in page.text or "<img" in page.text
        assert ".md\"" not in page.text  # links between guide pages point to portal pages
    image = client.get("/huong-dan/anh/can-bo-bao-cao.png")
    assert image.status_code == 200 and image.mimetype == "image/png"


@pytest.mark.parametrize("bad", ["../README", "khong-co", "index.md.bak", "%2e%2e%2fapp", "a" * 100])
def test_unknown_or_unsafe_guide_pages_are_404(client, bad):
    assert client.get(f"/huong-dan/{bad}").status_code == 404
    assert client.get(f"/huong-dan/anh/{bad}.png").status_code == 404


def test_the_portal_links_to_the_guide(app):
    assert "/huong-dan/" in login_as(app, "vp.thu").get("/").text
    assert "/huong-dan/" in app.test_client().get("/dang-nhap").text
