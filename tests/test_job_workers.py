"""Long PDFs render outside the web process: in the worker process the portal starts itself, or
in RQ workers when REDIS_URL is set. Both run the real round summary on the test's database."""
import os
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.jobs import services as J
from portal.jobs import worker as W
from portal.jobs.models import Job
from tests.reports_seed import seeded_round
from tests.rounds_factory import person


def _wait_for(job_id, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # a fresh snapshot each time; hold nothing while the worker writes
        job = db.session.get(Job, job_id)
        if job.finished:
            return job
        time.sleep(0.3)
    return db.session.get(Job, job_id)


def test_the_default_worker_is_a_process_of_its_own(app):
    app.config["JOBS_INLINE"] = False
    rnd = seeded_round()
    job = J.submit("round_summary", {"round_id": rnd.id, "number": ""}, person("chutich"))
    job_id = job.id
    proc = W._proc
    try:
        assert proc is not None and proc.poll() is None and proc.pid != os.getpid()
        job = _wait_for(job_id)
        assert job.status == "done", job.error
        assert job.result_file.size > 1000 and job.finished_at
    finally:
        proc.terminate()
        proc.wait(10)
        W._proc = None


def test_a_queued_job_is_claimed_by_one_worker_only(app):
    job = Job(kind="round_summary", params={}, user_id=person("chutich").id, status="queued")
    db.session.add(job)
    db.session.commit()
    assert W.claim_next() == job.id
    assert W.claim_next() is None  # taken: the next worker finds nothing
    db.session.rollback()
    assert db.session.get(Job, job.id).status == "running"


def _redis_or_skip(url):
    try:
        from redis import Redis

        Redis.from_url(url).ping()
    except Exception:  # pragma: no cover - the CI machine runs Redis
        if os.environ.get("REQUIRE_REDIS") == "1":
            raise
        pytest.skip("Redis is not running")


def test_with_redis_url_rq_workers_run_the_job(app):
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    _redis_or_skip(url)
    queue = f"cchc-test-{uuid.uuid4().hex[:8]}"
    app.config.update(JOBS_INLINE=False, REDIS_URL=url, JOBS_QUEUE=queue)
    try:
        rnd = seeded_round()
        job = J.submit("round_summary", {"round_id": rnd.id, "number": ""}, person("chutich"))
        job_id = job.id
        assert W._proc is None or W._proc.poll() is not None  # no process of our own: RQ's
        assert db.session.get(Job, job_id).status == "queued"
        env = W._env(app)
        rq = subprocess.run([os.path.join(os.path.dirname(sys.executable), "rq"), "worker", "--burst",
                             "--url", url, queue], cwd=W.ROOT, env=env, capture_output=True, timeout=180)
        assert rq.returncode == 0, rq.stderr.decode()[-2000:]
        job = _wait_for(job_id, 10)
        assert job.status == "done", (job.error, rq.stderr.decode()[-2000:])
        assert db.session.scalar(select(Job.result_file_id).where(Job.id == job_id))
    finally:
        app.config.pop("REDIS_URL", None)
        app.config.pop("JOBS_QUEUE", None)
