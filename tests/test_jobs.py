"""Background jobs: the polling fragment, owner-only access, failure, the threaded path, and the
round summary going through a job above the size threshold."""
import time

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.jobs import services as J
from portal.jobs.models import Job
from tests.reports_seed import seeded_round
from tests.rounds_factory import person
from tests.support import HTMX, login_as


@pytest.fixture
def inline(app):
    app.config["JOBS_INLINE"] = True
    yield app
    app.config.pop("JOBS_INLINE", None)


@J.register("test_ok")
def _ok(params, progress):
    progress(50, "Nửa chừng")
    return "Tệp thử.pdf", b"%PDF-1.4\n% test\n"


@J.register("test_boom")
def _boom(params, progress):
    raise RuntimeError("xhtml2pdf exploded")


def _job(status="running", owner="chutich", progress=40):
    job = Job(kind="test_ok", params={"title": "Báo cáo thử"}, user_id=person(owner).id, status=status,
              progress=progress, message="Đang dựng tệp PDF…")
    db.session.add(job)
    db.session.commit()
    return job


def test_running_job_fragment_polls_itself(app):
    job = _job()
    response = login_as(app, "chutich").get(f"/tac-vu/{job.id}", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f'hx-get="/tac-vu/{job.id}"' in html and 'hx-trigger="every 1s"' in html
    assert '<progress class="job-progress" max="100" value="40"' in html
    assert "tai-ve" not in html


def test_finished_job_stops_polling_and_offers_the_download(app, inline):
    client = login_as(app, "chutich")
    job = J.submit("test_ok", {"title": "Báo cáo thử"}, person("chutich"))
    assert job.status == "done" and job.progress == 100 and job.result_file is not None
    html = client.get(f"/tac-vu/{job.id}", headers=HTMX).get_data(as_text=True)
    assert "every 1s" not in html and f"/tac-vu/{job.id}/tai-ve" in html
    download = client.get(f"/tac-vu/{job.id}/tai-ve")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert "filename*=UTF-8''T%E1%BB%87p%20th%E1%BB%AD.pdf" in download.headers["Content-Disposition"]


@pytest.mark.parametrize("username, status", [("chutich", 200), ("admin", 200), ("phochutich", 403),
                                              ("vhxh.nhung", 403), ("vp.thu", 403)])
def test_only_the_owner_and_admin_see_and_download(app, inline, username, status):
    job = J.submit("test_ok", {}, person("chutich"))
    client = login_as(app, username)
    assert client.get(f"/tac-vu/{job.id}").status_code == status
    assert client.get(f"/tac-vu/{job.id}/tai-ve").status_code == status


def test_download_before_done_is_refused(app):
    job = _job()
    response = login_as(app, "chutich").get(f"/tac-vu/{job.id}/tai-ve")
    assert response.status_code == 409 and "chưa hoàn thành" in response.get_data(as_text=True)


def test_unknown_job_is_404(app):
    assert login_as(app, "chutich").get("/tac-vu/999").status_code == 404


def test_failed_job_shows_a_vietnamese_error(app, inline):
    job = J.submit("test_boom", {}, person("chutich"))
    assert job.status == "failed" and job.result_file_id is None
    assert "Không tạo được tệp" in job.error and "exploded" not in job.error
    html = login_as(app, "chutich").get(f"/tac-vu/{job.id}", headers=HTMX).get_data(as_text=True)
    assert "Không tạo được tệp" in html and "every 1s" not in html and 'role="alert"' in html


def test_a_job_left_running_by_a_dead_worker_ends_as_failed(app):
    from datetime import timedelta

    from portal.timeutil import now_utc

    job = _job()
    job.started_at = now_utc() - timedelta(hours=2)
    db.session.commit()
    html = login_as(app, "chutich").get(f"/tac-vu/{job.id}", headers=HTMX).get_data(as_text=True)
    assert "bị gián đoạn" in html and "every 1s" not in html
    assert db.session.get(Job, job.id).status == "failed"
    fresh = _job()
    fresh.started_at = now_utc()
    db.session.commit()
    assert "every 1s" in login_as(app, "chutich").get(f"/tac-vu/{fresh.id}", headers=HTMX).get_data(as_text=True)


def test_unknown_kind_is_a_programming_error(app):
    with pytest.raises(ValueError):
        J.submit("nope", {}, person("chutich"))


def test_big_round_summary_goes_through_a_job(app, inline):
    rnd = seeded_round()
    app.config["REPORT_JOB_THRESHOLD"] = 5  # the seeded round has 8 reports
    client = login_as(app, "vhxh.ha")
    # a plain GET does not render a big round in the request: it sends the user to the form
    get = client.get(f"/bao-cao-ket-qua/dot/{rnd.id}/bao-cao.pdf")
    assert get.status_code == 303
    response = client.post(f"/bao-cao-ket-qua/dot/{rnd.id}/bao-cao.pdf", data={"so": "7"})
    assert response.status_code == 303 and "/tac-vu/" in response.headers["Location"]
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.kind == "round_summary" and job.status == "done", job.error
    assert job.params["round_id"] == rnd.id and job.params["number"] == "7"
    pdf = client.get(f"/tac-vu/{job.id}/tai-ve")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # the round page lists the job for its owner
    assert f"/tac-vu/{job.id}" in client.get(f"/bao-cao-ket-qua/dot/{rnd.id}").get_data(as_text=True)


def test_big_round_sign_off_gets_its_pdf_from_a_job(app, inline):
    from portal.reports.models import SignOff

    rnd = seeded_round(state="closed")
    app.config["REPORT_JOB_THRESHOLD"] = 5
    response = login_as(app, "chutich").post(f"/bao-cao-ket-qua/dot/{rnd.id}/phe-duyet", data={"chi_dao": "Đồng ý."})
    assert response.status_code == 303
    row = db.session.scalar(select(SignOff))
    job = db.session.scalar(select(Job).where(Job.kind == "sign_off_pdf"))
    assert job.status == "done" and row.pdf_file_id == job.result_file_id is not None
    assert login_as(app, "vhxh.ha").get(f"/bao-cao-ket-qua/phe-duyet/{row.id}.pdf").data.startswith(b"%PDF")


def test_threaded_path_runs_in_the_background(app):
    """Once through the real worker thread, with a bounded wait."""
    app.config["JOBS_INLINE"] = False
    rnd = seeded_round()
    job = J.submit("round_summary", {"round_id": rnd.id, "number": ""}, person("chutich"))
    job_id = job.id
    db.session.commit()
    deadline = time.monotonic() + 60
    status = None
    while time.monotonic() < deadline:
        db.session.expire_all()
        status = db.session.get(Job, job_id).status
        db.session.commit()  # hold no lock while the worker writes
        if status in ("done", "failed"):
            break
        time.sleep(0.2)
    job = db.session.get(Job, job_id)
    assert status == "done", job.error
    assert job.started_at and job.finished_at and job.result_file.size > 1000
