"""A job's status page (polled by htmx until it finishes) and its download. Owner and admin only."""
from flask import Blueprint, abort
from flask_login import current_user

from portal.extensions import db
from portal.web.access import deny_unless
from portal.web.htmx import render

from . import services as J
from .models import Job

bp = Blueprint("jobs", __name__, url_prefix="/tac-vu")


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id) or abort(404, "Không tìm thấy tác vụ.")
    deny_unless(J.can_see(current_user, job))
    return job


@bp.get("/<int:job_id>")
def show(job_id):
    job = _job(job_id)
    J.expire_if_stale(job)
    if job.status == "queued":  # e.g. queued before a restart: make sure a worker is there to take it
        from flask import current_app

        from .worker import ensure_started, redis_url

        app = current_app._get_current_object()
        if not (app.config.get("JOBS_INLINE") or app.config.get("JOBS_IN_THREAD") or redis_url(app)):
            ensure_started(app)
    response = render("jobs/show.html", "status", job=job, stored=job.result_file)
    db.session.commit()  # the worker writes this row; hold no lock between polls
    return response


@bp.get("/<int:job_id>/tai-ve")
def download(job_id):
    from portal.evidence.services import send_stored_file

    job = _job(job_id)
    if job.status != "done" or job.result_file is None:
        abort(409, "Tác vụ chưa hoàn thành, chưa có tệp để tải về.")
    stored = job.result_file
    db.session.commit()
    return send_stored_file(stored, inline=True)
