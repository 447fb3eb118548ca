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
from portal.timeutil import now_utc, to_local

from . import documents
from .models import SignOff


def to_local_date(value):
    local = to_local(value)
    return local.date() if local else None


DEFAULT_JOB_THRESHOLD = 150
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


# A big round's report, measured at ten times the demo ward: writing the document (its figures
# and sections) takes about a quarter of the job, the PDF the rest. Each part reports as it goes.
WRITE_SHARE = 25


@jobs.register("round_summary")
def round_summary_job(params: dict, progress) -> tuple[str, bytes]:
    document = documents.summary_context(params["round_id"], params.get("number", ""),
                                         on_progress=jobs.stage(progress, 1, WRITE_SHARE))
    db.session.commit()  # plain data loaded: close the transaction before the slow part
    return document.file_stem + ".pdf", _render_reporting(document, progress)


def _render_reporting(document, progress) -> bytes:
    return documents.render("pdf", document, on_progress=jobs.stage(progress, WRITE_SHARE, 99))


def _attach_sign_off_pdf(params: dict, stored) -> None:
    row = db.session.get(SignOff, params["sign_off_id"])
    if row is not None:
        row.pdf_file_id = stored.id
        document = approved_document(row)
        row.docx_file_id = jobs.store_bytes(documents.render_word(document), document.file_stem + ".docx",
                                            row.leader_id, DOCX).id


@jobs.register("sign_off_pdf", on_done=_attach_sign_off_pdf)
def sign_off_pdf_job(params: dict, progress) -> tuple[str, bytes]:
    """The approved summary of a big round, rendered after the sign-off and attached to it."""
    row = db.session.get(SignOff, params["sign_off_id"])
    document = approved_document(row, on_progress=jobs.stage(progress, 1, WRITE_SHARE))
    db.session.commit()
    return document.file_stem + ".pdf", _render_reporting(document, progress)


def approved_document(row: SignOff, on_progress=None):
    """The round's report as approved: its number, the approver and the directive on the paper."""
    from portal.pdf.model import Approval

    leader = row.leader
    approval = Approval(directive=row.directive, approver=leader.full_name if leader else "",
                        approver_title=leader.position_title if leader else "",
                        signed_on=to_local_date(row.signed_at))
    document = documents.summary_context(row.round_id, row.number, approval=approval, on_progress=on_progress)
    document.file_stem += " (đã phê duyệt)"
    return document


def attach_files(row: SignOff, pdf: bytes, docx: bytes, user) -> None:
    stem = summary_file_name(row.round.name)[:-4] + " (đã phê duyệt)"
    row.pdf_file_id = jobs.store_bytes(pdf, stem + ".pdf", user.id).id
    row.docx_file_id = jobs.store_bytes(docx, stem + ".docx", user.id, DOCX).id


def sign_off(rnd: Round, user, directive: str, number: str = "") -> SignOff:
    """The leader approves the round's summary with a directive and its number; the approved
    document (PDF and .docx) is stored with it and never re-rendered."""
    if not can_sign_off(user):
        raise RuleError("Chỉ lãnh đạo UBND phường được phê duyệt báo cáo.")
    directive = clean(directive)
    if not directive:
        raise RuleError("Vui lòng nhập ý kiến chỉ đạo.")
    if len(directive) > 5000:
        raise RuleError("Ý kiến chỉ đạo quá dài (tối đa 5.000 ký tự).")
    number = clean(number or "")
    if len(number) > 20:
        raise RuleError("Số văn bản quá dài (tối đa 20 ký tự).")
    refusal = RS.sign_off_refusal(rnd)  # an open round's summary is not final yet
    if refusal:
        raise RuleError(refusal)
    row = SignOff(round_id=rnd.id, leader_id=user.id, directive=directive, signed_at=now_utc(), number=number)
    db.session.add(row)
    db.session.flush()
    events.emit("signed_off", row)
    return row


def sign_offs(round_id: int) -> list[SignOff]:
    return db.session.scalars(select(SignOff).where(SignOff.round_id == round_id)
                              .order_by(SignOff.signed_at.desc(), SignOff.id.desc())).all()


@jobs.register("round_archive")
def round_archive_job(params: dict, progress) -> tuple[str, bytes]:
    """Every document of a round (PDF and Word), the approved report, the evidence and a manifest."""
    from . import archive

    return archive.build(params["round_id"], progress)
