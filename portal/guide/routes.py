"""The user guide ("Hướng dẫn"): the Markdown files of docs/huong-dan/, shown in the portal.

The same files are read on GitHub, so links between them are relative (`can-bo.md`,
`anh/x.png`) and work in both places. Public: a new user can read it before first login."""
import re
from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from markupsafe import Markup

from portal.web.access import public
from portal.web.htmx import render
from portal.web.nav import nav

GUIDE_DIR = Path(__file__).resolve().parents[2] / "docs" / "huong-dan"
IMAGES = GUIDE_DIR / "anh"
SLUG = re.compile(r"^[a-z0-9-]{1,60}$")

bp = Blueprint("guide", __name__, url_prefix="/huong-dan")

nav("Hướng dẫn", "guide.index", order=95)


def _page(slug: str) -> tuple[str, Markup]:
    path = GUIDE_DIR / f"{slug}.md"
    if not SLUG.match(slug) or not path.is_file():
        abort(404, "Không có trang hướng dẫn này.")
    import markdown

    text = path.read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "Hướng dẫn")
    # The files are ours (in the repository), not user input: their HTML is trusted.
    body = markdown.markdown(text, extensions=["tables", "toc", "attr_list"], output_format="html")
    body = re.sub(r'href="([a-z0-9-]+)\.md(#[^"]*)?"', lambda m: f'href="{m.group(1)}{m.group(2) or ""}"', body)
    body = body.replace("<img ", '<img loading="lazy" ')
    body = re.sub(r"<th(?=[\s>])(?![^>]*scope=)", '<th scope="col"', body)  # screen readers need the scope
    return title, Markup(body)


@bp.get("/")
@public
def index():
    title, body = _page("index")
    return render("guide/page.html", title=title, body=body, slug="index")


@bp.get("/<slug>")
@public
def page(slug: str):
    slug = slug.removesuffix(".md")
    if slug == "index":
        return index()
    title, body = _page(slug)
    return render("guide/page.html", title=title, body=body, slug=slug)


@bp.get("/anh/<name>")
@public
def image(name: str):
    if not re.fullmatch(r"[a-z0-9-]{1,80}\.png", name):
        abort(404)
    return send_from_directory(IMAGES, name, mimetype="image/png", max_age=3600)
