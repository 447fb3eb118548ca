"""Where jobs run: a process of their own, so a long PDF never slows the web server's threads.

- Default (one ward, nothing to install): the portal starts one worker process itself, on the first
  job, with the same database and upload folder; it takes queued jobs from the job table (claimed
  with a conditional UPDATE, so several web processes' workers never run one job twice) and stops
  when the web process that started it is gone.
- With REDIS_URL set: jobs go to the RQ queue "cchc" on that Redis, and as many
  `rq worker --url $REDIS_URL cchc` processes as wanted (started beside the web servers, from the
  portal's directory with its environment) share the work.

`python -m portal.jobs.worker` is the default worker's entry point.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)
QUEUE = "cchc"
ROOT = Path(__file__).resolve().parent.parent.parent
_proc: subprocess.Popen | None = None
_lock = threading.Lock()


def redis_url(app) -> str:
    return app.config.get("REDIS_URL") or os.environ.get("REDIS_URL", "")


def dispatch(app, job_id: int) -> None:
    """Hand a recorded (committed) job to the worker that will run it."""
    url = redis_url(app)
    if url:
        from redis import Redis
        from rq import Queue

        Queue(app.config.get("JOBS_QUEUE", QUEUE), connection=Redis.from_url(url)).enqueue(
            "portal.jobs.worker.run_queued", job_id, job_timeout=3600)
    else:
        ensure_started(app)


def _env(app) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
               BACKUP_FOLDER=app.config.get("BACKUP_FOLDER", ""), SECRET_KEY=app.config["SECRET_KEY"])
    return env


def ensure_started(app) -> None:
    """Start this web process's worker unless it runs already."""
    global _proc
    with _lock:
        if _proc is not None and _proc.poll() is None:
            return
        _proc = subprocess.Popen([sys.executable, "-m", "portal.jobs.worker"], cwd=ROOT, env=_env(app),
                                 stdin=subprocess.DEVNULL)


def claim_next() -> int | None:
    """Take the oldest queued job (None when there is none); another worker may win the race."""
    from sqlalchemy import select, update

    from portal.extensions import db
    from portal.timeutil import now_utc

    from .models import Job

    job_id = db.session.scalar(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1))
    if job_id is None:
        db.session.commit()
        return None
    won = db.session.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                             .values(status="running", started_at=now_utc())).rowcount == 1
    db.session.commit()
    return job_id if won else None


def main(poll_seconds: float = 0.5) -> None:
    from portal import create_app
    from portal.extensions import db

    from .services import run

    parent = os.getppid()
    app = create_app()
    while os.getppid() == parent:  # the web process that started us is still there
        with app.app_context():
            try:
                job_id = claim_next()
            except Exception:  # database briefly unavailable: try again shortly
                log.exception("could not look for jobs")
                db.session.rollback()
                job_id = None
            finally:
                db.session.remove()
        if job_id is None:
            time.sleep(poll_seconds)
        else:
            run(app, job_id)


_rq_app = None


def run_queued(job_id: int) -> None:
    """RQ's entry point, in an `rq worker` process: one app per worker process, then the job."""
    global _rq_app
    from portal import create_app

    from .services import run

    if _rq_app is None:
        _rq_app = create_app()
    run(_rq_app, job_id)


if __name__ == "__main__":
    main()
