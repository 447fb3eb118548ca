"""Benchmark: the main pages and the PDFs on the demo ward at 1× and at 10× its size.

Plain script (no pytest): `/tmp/venv/bin/python benchmarks/run.py [--quick]`. For each scale it builds a
scratch SQLite database (the demo ward; at 10× every criterion is copied ten times, with its reports
in both rounds, its reviews and its findings), then times each page with the Flask test client
(median of 5 runs, after one warm-up) and counts the SQL statements each sends. The round summary of a
big round goes through the background-job path (run inline here, as a worker would); its time is
the whole job. Writes benchmarks/RESULTS.md and prints it.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from portal.extensions import db  # noqa: E402

REPEAT = 5


def _config(tmp: Path) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench", "UPLOAD_FOLDER": str(tmp / "uploads"),
            "BACKUP_FOLDER": str(tmp / "backups"), "MAIL_SERVER": "", "JOBS_INLINE": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


def _add_findings() -> int:
    """The demo has no findings on this branch: one per report of Đợt 1 rated below "Đạt", with a
    remedy (some done, some overdue) — about 30 at 1×."""
    from portal.accounts.models import User
    from portal.findings.models import Finding, Remedy
    from portal.rounds.models import Report, Review, Round

    r1 = db.session.scalar(select(Round).order_by(Round.start_on).limit(1))
    owner = db.session.scalar(select(User).where(User.username == "vp.thu"))
    rows = db.session.execute(select(Report, Review).join(Review, Review.report_id == Report.id)
                              .where(Report.round_id == r1.id, Review.rating.in_(("mot_phan", "chua_dat")))).all()
    for i, (report, review) in enumerate(rows):
        f = Finding(source="round", source_id=report.id, round_id=r1.id, year=r1.year, found_on=date(2026, 7, 8),
                    area_id=report.criterion.area_id, criterion_id=report.criterion_id, unit_id=report.unit_id,
                    person_id=report.author_id, description=f"Chưa có tài liệu kiểm chứng đầy đủ ({report.criterion.code}).",
                    cause="chu_quan" if i % 3 else "khach_quan", recommendation="Bổ sung tài liệu kiểm chứng.")
        f.remedies = [Remedy(action="Bổ sung hồ sơ, tài liệu kiểm chứng", owner_id=report.author_id or owner.id,
                             deadline=date(2026, 8, 30) + timedelta(days=30 * (i % 4)),
                             status=("done", "todo", "escalated", "doing")[i % 4],
                             confirmed_at=datetime(2026, 9, 1) if i % 4 == 0 else None)]
        db.session.add(f)
    db.session.commit()
    return len(rows)


def _scale(factor: int) -> None:
    """Copy every criterion factor-1 times, with its reports (both rounds), reviews and findings."""
    from portal.catalogue.models import Criterion
    from portal.findings.models import Finding, Remedy
    from portal.rounds.models import Report, Review

    criteria = db.session.scalars(select(Criterion).order_by(Criterion.id)).all()
    reports = db.session.scalars(select(Report).order_by(Report.id)).all()
    by_criterion: dict[int, list] = {}
    for r in reports:
        by_criterion.setdefault(r.criterion_id, []).append(r)
    findings = db.session.scalars(select(Finding)).all()
    finding_by_report = {f.source_id: f for f in findings}
    position = 1000
    for copy in range(2, factor + 1):
        for c in criteria:
            position += 1
            clone = Criterion(catalogue_id=c.catalogue_id, area_id=c.area_id, group_id=c.group_id,
                              code=f"{c.code}.{copy}", text=c.text, indicator_unit=c.indicator_unit,
                              indicator_target=c.indicator_target, max_points=c.max_points, position=position)
            clone.refresh_search_text()
            db.session.add(clone)
            db.session.flush()
            for r in by_criterion.get(c.id, []):
                new = Report(round_id=r.round_id, criterion_id=clone.id, author_id=r.author_id, unit_id=r.unit_id,
                             state=r.state, status=r.status, done_text=r.done_text, indicator_value=r.indicator_value,
                             difficulties=r.difficulties, proposals=r.proposals, submitted_at=r.submitted_at,
                             late=r.late)
                if r.review is not None:
                    new.review = Review(rating=r.review.rating, comment=r.review.comment,
                                        reviewer_id=r.review.reviewer_id, reviewed_at=r.review.reviewed_at)
                db.session.add(new)
                db.session.flush()
                f = finding_by_report.get(r.id)
                if f is not None:
                    nf = Finding(source=f.source, source_id=new.id, round_id=f.round_id, year=f.year, found_on=f.found_on,
                                 area_id=f.area_id, criterion_id=clone.id, unit_id=f.unit_id, person_id=f.person_id,
                                 description=f.description, cause=f.cause, recommendation=f.recommendation)
                    nf.remedies = [Remedy(action=m.action, owner_id=m.owner_id, deadline=m.deadline, status=m.status,
                                          confirmed_at=m.confirmed_at) for m in f.remedies]
                    db.session.add(nf)
        db.session.commit()


def _login(app, username):
    client = app.test_client()
    response = client.post("/dang-nhap", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *_args):
        self.count += 1


def _measure(engine, client, method, url, data=None, repeat=REPEAT):
    call = getattr(client, method)
    response = call(url, data=data)  # warm-up (templates compiled, caches filled)
    assert response.status_code in (200, 303), (url, response.status_code, response.get_data(as_text=True)[:300])
    counter = _Counter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        call(url, data=data)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = call(url, data=data)
        times.append(time.perf_counter() - start)
        assert response.status_code in (200, 303), (url, response.status_code)
    return statistics.median(times), counter.count, len(response.data)


def run_scale(factor: int, repeat: int) -> dict:
    from portal.accounts.models import Unit, User
    from portal.jobs.models import Job
    from portal.rounds.models import Report, Round

    with tempfile.TemporaryDirectory(prefix=f"bench{factor}x-") as tmp:
        app = create_app(_config(Path(tmp)))
        built = time.perf_counter()
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=str(ROOT / "migrations"))
            load_demo()
            _add_findings()
            if factor > 1:
                _scale(factor)
            build_seconds = time.perf_counter() - built
            rnd = db.session.scalar(select(Round).where(Round.state != "closed").order_by(Round.start_on.desc()))
            unit = db.session.scalar(select(Unit).where(Unit.short_name == "VP"))
            person = db.session.scalar(select(User).where(User.username == "vp.thu"))
            n_reports = db.session.query(Report).count()
            from portal.catalogue.models import Criterion
            from portal.findings.models import Finding

            sizes = {"criteria": db.session.query(Criterion).count(), "reports": n_reports,
                     "findings": db.session.query(Finding).count()}
            rid, uid, pid, year = rnd.id, unit.id, person.id, rnd.year
            has_findings_page = "findings.index" in app.view_functions
            db.session.commit()
            engine = db.engine
            db.session.remove()
        # Requests run outside any outer app context, as on a server: each gets its own session.
        pages = [
            ("Trang chủ", "vhxh.nhung", "get", "/", None),
            ("Bộ nội dung kiểm tra", "vhxh.nhung", "get", "/bo-noi-dung/", None),
            ("Trang đợt kiểm tra", "vhxh.nhung", "get", f"/dot-kiem-tra/{rid}", None),
            ("Danh sách thẩm định (ma trận)", "vhxh.nhung", "get", f"/dot-kiem-tra/{rid}/tham-dinh", None),
            ("Bảng điều khiển", "chutich", "get", f"/bang-dieu-khien/?dot={rid}", None),
            ("Danh sách tồn tại (chi tiết từ bảng điều khiển)", "chutich", "get",
             f"/bang-dieu-khien/chi-tiet?loai=ton-tai&nam={year}&loc=all", None),
        ]
        if has_findings_page:
            with app.test_request_context():
                from flask import url_for

                pages.append(("Danh sách tồn tại", "vhxh.nhung", "get", url_for("findings.index"), None))
        big = factor > 1
        pdfs = [
            ("PDF báo cáo kết quả đợt" + (" (qua tác vụ nền)" if big else ""), "vhxh.nhung", "post",
             f"/bao-cao-ket-qua/dot/{rid}/bao-cao.pdf", {"so": "12"}),
            ("PDF biên bản kiểm tra một đơn vị", "vhxh.nhung", "get", f"/bao-cao-ket-qua/dot/{rid}/bien-ban/{uid}.pdf", None),
            ("PDF phiếu đánh giá một người", "vhxh.nhung", "get",
             f"/bao-cao-ket-qua/dot/{rid}/phieu-danh-gia/{pid}.pdf", None),
        ]
        clients = {}
        rows = []
        for label, user, method, url, data in pages + pdfs:
            client = clients.get(user) or clients.setdefault(user, _login(app, user))
            times = repeat
            seconds, queries, size = _measure(engine, client, method, url, data, repeat=times)
            rows.append({"label": label, "url": url, "seconds": seconds, "queries": queries, "bytes": size,
                         "runs": times})
            print(f"  {factor}×  {label:<55} {seconds * 1000:8.0f} ms  {queries:4d} truy vấn", flush=True)
        with app.app_context():
            jobs = db.session.query(Job).filter(Job.status == "done").count()
            db.session.remove()
            db.engine.dispose()
        return {"factor": factor, "sizes": sizes, "rows": rows, "build": build_seconds, "jobs_done": jobs}


def markdown(results: list[dict], total_seconds: float) -> str:
    lines = ["# Benchmark: trang chính và PDF ở quy mô 1× và 10×", "",
             f"Chạy bằng `benchmarks/run.py` ngày {date.today():%d/%m/%Y} trên {platform.machine()} "
             f"({platform.python_implementation()} {platform.python_version()}), SQLite, Flask test client; "
             f"thời gian là trung vị của {REPEAT} lần sau một lần chạy làm nóng; số truy vấn SQL đếm trong một lần. "
             f"Tổng thời gian chạy: {total_seconds:.0f} giây.", ""]
    for r in results:
        s = r["sizes"]
        lines.append(f"- {r['factor']}×: {s['criteria']} nội dung, {s['reports']} báo cáo (2 đợt), "
                     f"{s['findings']} tồn tại; dựng dữ liệu {r['build']:.1f} giây.")
    lines += ["", "| Trang / tài liệu | " + " | ".join(f"{r['factor']}× thời gian | {r['factor']}× truy vấn SQL"
                                                     for r in results) + " |",
              "| --- | " + " | ".join("---: | ---:" for _ in results) + " |"]
    labels = [row["label"] for row in results[-1]["rows"]]
    for i, label in enumerate(labels):
        cells = []
        for r in results:
            row = r["rows"][i] if i < len(r["rows"]) else None
            cells += [f"{row['seconds'] * 1000:.0f} ms" if row else "", str(row["queries"]) if row else ""]
        lines.append(f"| {label.replace(' (qua tác vụ nền)', ' (10×: qua tác vụ nền)')} | " + " | ".join(cells) + " |")
    lines += ["", "Báo cáo kết quả đợt ở 10× (trên ngưỡng 150 báo cáo) được tạo qua tác vụ nền (`portal.jobs`): "
              "thời gian ghi trên là toàn bộ tác vụ (thu thập số liệu, đóng giao dịch, dựng PDF, lưu tệp); "
              "trên máy chủ, yêu cầu web trả về ngay và trang tác vụ tự cập nhật tiến độ.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1× only, 2 runs (smoke check)")
    args = parser.parse_args()
    started = time.perf_counter()
    scales = (1,) if args.quick else (1, 10)
    repeat = 2 if args.quick else REPEAT
    results = [run_scale(f, repeat) for f in scales]
    text = markdown(results, time.perf_counter() - started)
    if not args.quick:
        (ROOT / "benchmarks" / "RESULTS.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
