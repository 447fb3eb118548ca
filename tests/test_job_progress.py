"""A big PDF's job moves its progress with the work: after each part of the document is written,
then as xhtml2pdf reads it and lays out each tenth of it; never backwards, never a jump from the
start to the end."""
from sqlalchemy import event, select

from portal.extensions import db
from portal.jobs import services as J
from portal.jobs.models import Job
from tests.reports_seed import seeded_round
from tests.rounds_factory import person


def _recorded(app, kind, params):
    """Run a job inline and return the (progress, message) its row was saved with, in order."""
    seen = []

    def record(_mapper, _connection, job):
        if job.kind == kind:
            seen.append((job.progress, job.message))

    event.listen(Job, "before_update", record)
    app.config["JOBS_INLINE"] = True
    try:
        job = J.submit(kind, params, person("chutich"))
    finally:
        event.remove(Job, "before_update", record)
        app.config.pop("JOBS_INLINE", None)
    assert job.status == "done", job.error
    return seen


def _assert_moves_with_the_work(seen):
    values = [p for p, _ in seen]
    assert values == sorted(values) and values[-1] == 100
    running = [(p, m) for p, m in seen if 1 < p < 100]
    assert len({p for p, _ in running}) >= 10  # many steps, not 1% → 30% → done
    # the biggest single step: xhtml2pdf reading the whole HTML (about two fifths of the PDF)
    assert max(b - a for a, b in zip(values, values[1:])) <= 30
    messages = " ".join(m for _, m in running).lower()
    for part in ("phần i.", "phần ii", "phần iii.", "phần iv", "đang đọc bố cục", "đang dàn trang: 50%"):
        assert part in messages, part
    # the write of the document comes before its layout, each in its own share of the bar
    write = [p for p, m in running if "phần" in m]
    layout = [p for p, m in running if "dàn trang" in m]
    assert max(write) < min(layout)


def test_the_round_summary_job_reports_each_part_and_each_tenth_of_the_layout(app):
    rnd = seeded_round()
    _assert_moves_with_the_work(_recorded(app, "round_summary", {"round_id": rnd.id, "number": ""}))


def test_the_sign_off_job_reports_its_progress_the_same_way(app):
    from portal.reports import services as RS
    from portal.reports.models import SignOff

    rnd = seeded_round(state="closed")
    RS.sign_off(rnd, person("chutich"), "Đồng ý.")
    db.session.commit()
    row = db.session.scalar(select(SignOff))
    _assert_moves_with_the_work(_recorded(app, "sign_off_pdf", {"sign_off_id": row.id}))


def test_a_stage_maps_its_work_onto_its_share_and_never_goes_back():
    calls = []
    report = J.stage(lambda p, m: calls.append((p, m)), 35, 99)
    for fraction in (0, 0.05, 0.04, 0.5, 0.5, 2.0):
        report(fraction, f"{fraction}")
    assert calls == [(38, "0.05"), (67, "0.5"), (99, "2.0")]
