"""Rules of the reports area: who may read what, the size rule for background rendering, the
leader's sign-off and the job function for the round summary."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from portal.accounts import roles as R
from portal.extensions import db
from portal.notifications import events
from portal.jobs import services as jobs
from portal.rounds import services as RS
from portal.rounds.models import Report, Round
from portal.text import clean
from portal.timeutil import now_utc

from . import documents
from .models import SignOff

DEFAULT_JOB_THRESHOLD = 150


class RuleError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def can_read_round(user, rnd: Round) -> bool:
    """The round's documents: leaders, the secretariat, the inspection team. Not plain staff."""
    return RS.can_read_round(user, rnd)


def can_read_sheet(user, rnd: Round, person_id: int) -> bool:
    """A person's evaluation sheet: whoever reads the round, and the person themself."""
    return user.id == person_id or can_read_round(user, rnd)


def can_sign_off(user) -> bool:
    return user.has_role(R.LEADER)


def report_count(round_id: int) -> int:
    return db.session.scalar(select(func.count(Report.id)).where(Report.round_id == round_id)) or 0


def needs_job(round_id: int) -> bool:
    """A big round's summary is rendered in the background (xhtml2pdf grows with the rows)."""
    threshold = current_app.config.get("REPORT_JOB_THRESHOLD", DEFAULT_JOB_THRESHOLD)
    return report_count(round_id) > threshold


def summary_file_name(rnd_name: str) -> str:
    return f"Báo cáo kết quả kiểm tra CCHC - {rnd_name}.pdf"


@jobs.register("round_summary")
def round_summary_job(params: dict, progress) -> tuple[str, bytes]:
    context = documents.summary_context(params["round_id"], params.get("number", ""))
    name = summary_file_name(context["round"]["name"])
    db.session.commit()  # plain data loaded: close the transaction before the slow part
    progress(30, "Đang dựng tệp PDF…")
    return name, documents.render("summary", context)


def _attach_sign_off_pdf(params: dict, stored) -> None:
    row = db.session.get(SignOff, params["sign_off_id"])
    if row is not None:
        row.pdf_file_id = stored.id


@jobs.register("sign_off_pdf", on_done=_attach_sign_off_pdf)
def sign_off_pdf_job(params: dict, progress) -> tuple[str, bytes]:
    """The approved summary of a big round, rendered after the sign-off and attached to it."""
    return round_summary_job(params, progress)


def sign_off(rnd: Round, user, directive: str, pdf: bytes | None) -> SignOff:
    """The leader approves the round's summary with a directive; the PDF as approved is kept."""
    if not can_sign_off(user):
        raise RuleError("Chỉ lãnh đạo UBND phường được phê duyệt báo cáo.")
    directive = clean(directive)
    if not directive:
        raise RuleError("Vui lòng nhập ý kiến chỉ đạo.")
    row = SignOff(round_id=rnd.id, leader_id=user.id, directive=directive, signed_at=now_utc())
    if pdf is not None:
        row.pdf_file_id = jobs.store_bytes(pdf, summary_file_name(rnd.name), user.id).id
    db.session.add(row)
    db.session.flush()
    events.emit("signed_off", row)
    return row


def sign_offs(round_id: int) -> list[SignOff]:
    return db.session.scalars(select(SignOff).where(SignOff.round_id == round_id)
                              .order_by(SignOff.signed_at.desc(), SignOff.id.desc())).all()
