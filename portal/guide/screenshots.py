"""Take the user guide's pictures: the journeys of portal.guide.journeys, walked in Chromium
(Playwright) on a fresh demo ward served on a local port, saved as small PNGs.

Run with `flask --app app guide screenshots` (or `python -m portal.guide.screenshots`)."""
import io
import os
import shutil
import tempfile
import threading
from pathlib import Path

from .journeys import JOURNEYS, demo_context
from .routes import IMAGES

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD_ENV = "GUIDE_DEMO_PASSWORD"


def optimise(png: bytes) -> bytes:
    """A screenshot as a small PNG: 128-colour palette (UI screens have few colours), zlib max."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/dang-nhap" not in url)


def walk(page, base: str, journey, ctx: dict, shoot=None) -> list[str]:
    """Walk one journey (logged in as its user); `shoot(step, png)` receives each screenshot.
    Returns the steps' names. Waits on the page's text, never on fixed sleeps."""
    from playwright.sync_api import expect

    names = []
    for step in journey.steps:
        page.goto(base + step.path.format(**ctx))
        expect(page.locator("main")).to_contain_text(step.expect)
        for action in step.actions:
            if action[0] == "fill":
                page.fill(action[1], action[2])
            elif action[0] == "click":
                page.click(action[1])
            elif action[0] == "open":  # a <details> panel, opened and brought into view
                panel = page.locator(action[1]).first
                panel.evaluate("d => d.open = true")
                panel.scroll_into_view_if_needed()
        if step.wait_for:
            expect(page.locator("main")).to_contain_text(step.wait_for)
        page.wait_for_load_state("networkidle")
        if shoot is not None:
            shoot(step, page.screenshot(full_page=step.full_page))
        names.append(step.shot)
    return names


def take(out_dir: Path = IMAGES, only: str | None = None, echo=print) -> list[Path]:
    """Build a demo ward in a scratch database, serve it, and photograph every journey."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.demo import DEMO_PASSWORD, load_demo
    from portal.extensions import db

    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request drowns the output
    tmp = Path(tempfile.mkdtemp(prefix="cchc-guide-"))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'guide.db'}",
                          "UPLOAD_FOLDER": str(tmp / "uploads"), "BACKUP_FOLDER": str(tmp / "backups"),
                          "MAIL_SERVER": "", "SECRET_KEY": "guide-screenshots"})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            load_demo()
            ctx = demo_context()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        out_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []

        def save(step, png):
            path = out_dir / f"{step.shot}.png"
            path.write_bytes(optimise(png))
            written.append(path)
            echo(f"  {path.name} ({path.stat().st_size // 1024} KB)")

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                for journey in JOURNEYS:
                    if only and journey.role != only:
                        continue
                    echo(f"{journey.role} ({journey.username})")
                    context = browser.new_context(locale="vi-VN", viewport=VIEWPORT, device_scale_factor=1)
                    page = context.new_page()
                    page.set_default_timeout(20_000)
                    login(page, base, journey.username, DEMO_PASSWORD)
                    walk(page, base, journey, ctx, save)
                    context.close()
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=5)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    take()
