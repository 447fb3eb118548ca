"""Benchmark: what users feel, over HTTP, from the production server.

    /work/venv/bin/python benchmarks/run.py [--quick] [--runs 3] [--port 8620] [--pg URL]

For each scale (the demo ward at 1× and at 10×, built by benchmarks/scale.py) it builds a scratch
SQLite database through the migrations, starts the README's production server as a subprocess
(`waitress-serve --threads 8 app:app`), logs in, and times every main page over HTTP: 30 rounds,
each page once per round in turn with the floor page (the bare-layout password form of a logged-in
user) between them, so every page and the floor see the same machine at the same moments. It
reports the median and p95 of each page, and p95 / floor p95 (goal ≤ 3× at 1×, ≤ 4× at 10×), with
the SQL queries each page sends (counted in-process on the same database).

Then the load test: 30 clients × 60 s (mixed pages, ~6% writes: draft saves and "mark all read"),
on SQLite and on PostgreSQL (`--pg`, default postgresql+psycopg://postgres@127.0.0.1:5432/cchc_perf14_bench),
`--runs` times each, counting errors (5xx, timeouts, refused connections); a 409 from two clients
saving one report at once is the intended answer and is counted apart.

Writes benchmarks/RESULTS.md and prints it.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "ThanhSen@2026"
FLOOR = "/tai-khoan/mat-khau"
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')  # base.html puts the token on <body> for htmx


# -- the database -----------------------------------------------------------------------------
def build(url: str, tmp: Path, factor: int) -> dict:
    """Migrate, load the demo ward, scale it; return the ids the page list needs and the sizes."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from benchmarks.scale import scale_up
    from portal import create_app
    from portal.demo import load_demo
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "UPLOAD_FOLDER": str(tmp / "uploads"),
                      "BACKUP_FOLDER": str(tmp / "backups"), "MAIL_SERVER": ""})
    with app.app_context():
        if url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        sizes = scale_up(factor) if factor > 1 else {}
        # The day's reminders and digests, as the scheduler runs them once a morning: done now, so
        # the server's first tick does not run them in the middle of the timings.
        from datetime import datetime

        from portal.notifications.scheduler import run_daily
        from portal.timeutil import VN_TZ

        run_daily(datetime.now(VN_TZ).date())
        from portal.adhoc.models import AdhocEntry
        from portal.findings.models import Finding
        from portal.iso.models import SampleCheck
        from portal.rounds.models import Report, Round

        rnd = db.session.scalar(select(Round).where(Round.state != "closed").order_by(Round.start_on.desc()))
        ids = {"round": rnd.id,
               "report": db.session.scalar(select(Report.id).where(Report.round_id == rnd.id).order_by(Report.id)),
               "drafts": db.session.scalars(select(Report.id).join(Report.author).where(
                   Report.round_id == rnd.id, Report.state == "draft")).all()[:40],
               "check": db.session.scalar(select(SampleCheck.id).order_by(SampleCheck.id)),
               "entry": db.session.scalar(select(AdhocEntry.id).order_by(AdhocEntry.id)),
               "finding": db.session.scalar(select(Finding.id).order_by(Finding.id))}
        if not sizes:
            sizes = {t: db.session.scalar(text(f'SELECT count(*) FROM "{t}"'))
                     for t in ("criterion", "report", "finding", "assignment", "adhoc_entry", "sample_check",
                               "notification")}
        db.session.remove()
        db.engine.dispose()
    return {"ids": ids, "sizes": sizes}


def pages_for(ids: dict) -> list[tuple[str, str, str]]:
    return [
        ("Trang chủ (thường trực)", "vhxh.nhung", "/"),
        ("Trang chủ (lãnh đạo)", "chutich", "/"),
        ("Bảng điều khiển", "chutich", "/bang-dieu-khien/"),
        ("Bộ nội dung kiểm tra", "vhxh.nhung", "/bo-noi-dung/"),
        ("Phân công phụ trách", "vhxh.nhung", "/phan-cong/"),
        ("Nội dung tôi phụ trách", "vp.thu", "/phan-cong/cua-toi"),
        ("Trang đợt kiểm tra", "vhxh.nhung", f"/dot-kiem-tra/{ids['round']}"),
        ("Danh sách thẩm định", "vhxh.nhung", f"/dot-kiem-tra/{ids['round']}/tham-dinh"),
        ("Báo cáo một nội dung", "vhxh.nhung", f"/dot-kiem-tra/bao-cao/{ids['report']}"),
        ("Tồn tại, hạn chế", "vhxh.nhung", "/ton-tai/"),
        ("Một tồn tại", "vhxh.nhung", f"/ton-tai/{ids['finding']}"),
        ("Kiểm tra đột xuất", "vhxh.nhung", "/kiem-tra-dot-xuat/"),
        ("Bóc mẫu ISO (danh sách)", "vhxh.nhung", "/iso/boc-mau/"),
        ("Một đợt bóc mẫu ISO", "vhxh.nhung", f"/iso/boc-mau/{ids['check']}"),
        ("Thông báo", "vhxh.nhung", "/thong-bao/"),
        ("Báo cáo kết quả của đợt", "vhxh.nhung", f"/bao-cao-ket-qua/dot/{ids['round']}"),
    ]


def count_queries(url: str, tmp: Path, pages) -> dict[str, int]:
    """SQL statements per page, in-process on the same database (after one warm-up request)."""
    from sqlalchemy import event

    from portal import create_app
    from portal.extensions import db

    # no scheduler thread: it would outlive the scratch folder this process deletes
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "UPLOAD_FOLDER": str(tmp / "uploads"), "MAIL_SERVER": "", "SCHEDULER_ENABLED": False})
    clients, out = {}, {}
    with app.app_context():
        engine = db.engine
    for label, user, path in pages:
        if user not in clients:
            c = clients[user] = app.test_client()
            c.post("/dang-nhap", data={"username": user, "password": PASSWORD})
        clients[user].get(path)
        n = [0]

        def tick(*_a):
            n[0] += 1

        event.listen(engine, "before_cursor_execute", tick)
        try:
            clients[user].get(path)
        finally:
            event.remove(engine, "before_cursor_execute", tick)
        out[path + "|" + user] = n[0]
    with app.app_context():
        db.engine.dispose()
    return out


# -- the server -------------------------------------------------------------------------------
class Server:
    def __init__(self, url: str, tmp: Path, port: int):
        self.base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench", UPLOAD_FOLDER=str(tmp / "uploads"),
                   BACKUP_FOLDER=str(tmp / "backups"), MAIL_SERVER="")
        self.log = open(tmp / f"server-{port}.log", "wb")
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "waitress-serve"), "--threads", "8", "--listen", f"127.0.0.1:{port}",
             "app:app"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(200):
            try:
                requests.get(self.base + "/dang-nhap", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(10)
        self.log.close()


def login(base: str, user: str) -> requests.Session:
    s = requests.Session()
    token = TOKEN.search(s.get(base + "/dang-nhap", timeout=30).text).group(1)
    r = s.post(base + "/dang-nhap", data={"username": user, "password": PASSWORD, "csrf_token": token},
               allow_redirects=False, timeout=30)
    assert r.status_code == 302, (user, r.status_code)
    return s


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def time_pages(base: str, pages, rounds: int) -> dict:
    sessions = {}
    for _, user, _ in pages:
        sessions.setdefault(user, login(base, user))
    floor_session = sessions["vhxh.nhung"]
    times = {path + "|" + user: [] for _, user, path in pages}
    floor, nbytes = [], {}

    def get(s, path):
        start = time.perf_counter()
        r = s.get(base + path, timeout=60)
        took = time.perf_counter() - start
        assert r.status_code == 200, (path, r.status_code)
        return took, len(r.content)

    for _, user, path in pages:  # warm-up
        get(sessions[user], path)
    get(floor_session, FLOOR)
    for _ in range(rounds):
        for _, user, path in pages:
            took, size = get(sessions[user], path)
            times[path + "|" + user].append(took)
            nbytes[path + "|" + user] = size
            floor.append(get(floor_session, FLOOR)[0])
    return {"times": times, "floor": floor, "bytes": nbytes}


def load_test(base: str, ids: dict, clients: int = 30, seconds: int = 60) -> dict:
    """30 people at once for a minute: mostly reading pages, ~6% saving something."""
    people = ["vhxh.nhung", "chutich", "vp.thu", "vp.viet", "kt.duc", "vhxh.ha"]
    reads = [p for _, _, p in pages_for(ids)] + [FLOOR, "/thong-bao/so-chua-doc"]
    stats = {"requests": 0, "errors": 0, "conflicts": 0, "error_samples": [], "latencies": []}
    lock = threading.Lock()
    sessions = [login(base, people[i % len(people)]) for i in range(clients)]
    stop = time.monotonic() + seconds

    def client(i):
        s, rng = sessions[i], random.Random(i)
        while time.monotonic() < stop:
            write = rng.random() < 0.06
            start = time.perf_counter()
            try:
                if write and ids["drafts"] and people[i % len(people)] == "vhxh.nhung":
                    path = "/thong-bao/da-doc-tat-ca"
                    page = s.get(base + "/thong-bao/", timeout=60).text
                    r = s.post(base + path, data={"csrf_token": TOKEN.search(page).group(1)},
                               allow_redirects=False, timeout=60)
                elif write and ids["drafts"]:
                    rid = rng.choice(ids["drafts"])
                    path = f"/dot-kiem-tra/bao-cao/{rid}"
                    page = s.get(base + path, timeout=60)
                    m = re.search(r'name="version"[^>]*value="(\d+)"', page.text) or \
                        re.search(r'value="(\d+)"[^>]*name="version"', page.text)
                    token = TOKEN.search(page.text)
                    if page.status_code != 200 or not m or not token:  # not this person's report: just read
                        r = page
                    else:
                        r = s.post(base + path, data={"csrf_token": token.group(1), "version": m.group(1),
                                                      "status": "doing", "done_text": f"Lưu thử {i}"},
                                   allow_redirects=False, timeout=60)
                else:
                    path = rng.choice(reads)
                    r = s.get(base + path, timeout=60)
                code = r.status_code
            except requests.RequestException as exc:
                code, path = 599, f"{path} ({type(exc).__name__})"
            took = time.perf_counter() - start
            with lock:
                stats["requests"] += 1
                stats["latencies"].append(took)
                if code >= 500:
                    stats["errors"] += 1
                    if len(stats["error_samples"]) < 5:
                        stats["error_samples"].append(f"{code} {path}")
                elif code == 409:
                    stats["conflicts"] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = stats.pop("latencies")
    stats["median_ms"] = statistics.median(lat) * 1000 if lat else 0
    stats["p95_ms"] = pct(lat, 95) * 1000 if lat else 0
    return stats


# -- the run ----------------------------------------------------------------------------------
def run_scale(factor: int, port: int, rounds: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench{factor}x-"))
    url = f"sqlite:///{tmp / 'portal.db'}"
    built = time.perf_counter()
    info = build(url, tmp, factor)
    build_s = time.perf_counter() - built
    pages = pages_for(info["ids"])
    queries = count_queries(url, tmp, pages)
    server = Server(url, tmp, port)
    try:
        timed = time_pages(server.base, pages, rounds)
    finally:
        server.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    return {"factor": factor, "pages": pages, "queries": queries, "build": build_s, **info, **timed}


def run_load(url: str, port: int, seconds: int, clients: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="benchload-"))
    url = url or f"sqlite:///{tmp / 'portal.db'}"
    info = build(url, tmp, 1)
    server = Server(url, tmp, port)
    try:
        result = load_test(server.base, info["ids"], clients, seconds)
        log = (tmp / f"server-{port}.log").read_text(errors="replace")
        result["queue_warnings"] = log.count("Task queue depth")
    finally:
        server.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    return result


def markdown(scales, loads, args, total) -> str:
    cpu = os.cpu_count()
    lines = ["# Benchmark: what users feel, over HTTP", "",
             f"`benchmarks/run.py`, {date.today():%d/%m/%Y}; {platform.machine()}, {cpu} CPU cores, "
             f"{platform.python_implementation()} {platform.python_version()}; waitress 8 threads as a subprocess. "
             f"Absolute times depend on the machine and on what else it runs; the ratios are measured in the "
             f"same moments (each page interleaved with the floor page). Total run time {total / 60:.0f} min.", "",
             f"Floor page: `{FLOOR}` (the bare layout with one small form, logged in). Each page timed "
             f"{args.rounds}× interleaved with the floor. Goal: p95 ≤ 3× the floor's p95 at 1×, ≤ 4× at 10×; "
             "≤ 15 SQL queries, the same at both scales.", ""]
    for s in scales:
        sz = s["sizes"]
        lines.append(f"- {s['factor']}×: " + ", ".join(f"{k} {v}" for k, v in sorted(sz.items())
                                                      if k in ("criterion", "report", "assignment", "finding",
                                                               "adhoc_entry", "sample_check", "notification"))
                     + f" (built in {s['build']:.0f} s)")
    lines += ["", "| Trang | " + " | ".join(f"{s['factor']}× median | {s['factor']}× p95 | {s['factor']}× p95/floor | "
                                            f"{s['factor']}× queries | {s['factor']}× KB" for s in scales) + " |",
              "| --- | " + " | ".join("---: | ---: | ---: | ---: | ---:" for _ in scales) + " |"]
    floors = {s["factor"]: pct(s["floor"], 95) for s in scales}
    lines.append("| *Floor page* | " + " | ".join(
        f"{statistics.median(s['floor']) * 1000:.0f} ms | {floors[s['factor']] * 1000:.0f} ms | 1.0 | | " for s in scales)
        + " |")
    over = []
    for i, (label, user, _) in enumerate(scales[0]["pages"]):
        cells = []
        for s in scales:
            _, _, path = s["pages"][i]
            key = path + "|" + user
            t = s["times"][key]
            ratio = pct(t, 95) / floors[s["factor"]]
            goal = 3 if s["factor"] == 1 else 4
            if ratio > goal:
                over.append(f"{label} {s['factor']}× ({ratio:.1f})")
            cells.append(f"{statistics.median(t) * 1000:.0f} ms | {pct(t, 95) * 1000:.0f} ms | "
                         f"{'**' if ratio > goal else ''}{ratio:.1f}{'**' if ratio > goal else ''} | "
                         f"{s['queries'][key]} | {s['bytes'][key] / 1024:.0f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Over the goal: " + (", ".join(over) if over else "none") + ".", "",
              f"## Load: {args.clients} clients × {args.seconds} s (mixed pages, ~6% writes)", "",
              "| Database | Run | Requests | Errors (5xx, timeouts) | 409 (intended) | Median | p95 | Queue-depth warnings |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, run, r in loads:
        lines.append(f"| {name} | {run} | {r['requests']} | {r['errors']} | {r['conflicts']} | {r['median_ms']:.0f} ms | "
                     f"{r['p95_ms']:.0f} ms | {r['queue_warnings']} |")
        if r["error_samples"]:
            lines.append(f"|  | | errors: {'; '.join(r['error_samples'])} | | | | | |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1× only, 5 rounds, a 10 s load test on SQLite")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3, help="load-test runs per database")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--port", type=int, default=8620)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/cchc_perf14_bench")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.runs, args.seconds, args.no_pg = 5, 1, 10, True
    started = time.perf_counter()
    scales = [run_scale(f, args.port, args.rounds) for f in ((1,) if args.quick else (1, 10))]
    loads = []
    targets = [("SQLite", "")] + ([] if args.no_pg else [("PostgreSQL", args.pg)])
    for run in range(1, args.runs + 1):
        for name, url in targets:
            if url:
                _ensure_pg(url)
            loads.append((name, run, run_load(url, args.port + 1, args.seconds, args.clients)))
            print(name, run, loads[-1], flush=True)
    text = markdown(scales, loads, args, time.perf_counter() - started)
    if not args.quick:
        (ROOT / "benchmarks" / "RESULTS.md").write_text(text, encoding="utf-8")
    print(text)


def _ensure_pg(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).scalar():
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


if __name__ == "__main__":
    main()
