"""One report of a round, as its author and the people around it use it: the page, the draft
(saved, autosaved, sent, withdrawn), its evidence (files, reused files, documents), working
comments and the answer to a clarification request. The team's review is in review_routes."""

from flask import abort, flash, request, url_for
from flask_login import current_user

from portal.audit import recorder
from portal.audit.panel import history_page
from portal.audit.queries import record_history
from portal.extensions import db
from portal.scoring import rules as scoring_rules
from portal.timeutil import now_utc, to_local, today
from portal.web.access import deny_unless
from portal.web.concurrency import check_version, commit_or_conflict
from portal.web.errors import error_response
from portal.web.forms import EmptyForm
from portal.web.htmx import is_htmx, render
from portal.web.params import db_int

from . import services as S
from .forms import DocumentForm, FindingForm, MessageForm, ReportForm, ReviewForm
from .models import Report
from .routes import bp
from .view_helpers import (commit_and_return, form_errors, load_report, refuse, refuse_if_closed, report_action,
                           report_button, send_message)


def report_page(report: Report, *, form=None, review_form=None, status=200, block=None, section_message="",
                 finding_form=None, remedy_form=None):
    user = current_user
    rnd = report.round
    if form is None:
        form = ReportForm(obj=report)
        form.version.data = report.version
        form.indicator_value.data = "" if report.indicator_value is None else str(report.indicator_value)
        form.self_score.data = "" if report.self_score is None else str(report.self_score)
    if review_form is None:
        review_form = ReviewForm(obj=report.review) if report.review else ReviewForm()
        if report.review:
            review_form.version.data = report.review.version
            review_form.appraised_score.data = ("" if report.review.appraised_score is None
                                                else str(report.review.appraised_score))
    from .versions import history

    findings = [f for f in S.findings_for_round(rnd.id, with_remedies=True) if f.source_id == report.id]
    return render("rounds/report.html", block, report=report, rnd=rnd, form=form, review_form=review_form,
                  section_message=section_message, sent_file_ids=S.sent_file_ids(report),
                  sent_document_ids=S.sent_document_ids(report),
                  walk=S.can_read_round(user, rnd),  # the walk itself loads after the page (queue_walk)
                  history=history(report.versions), can_withdraw=S.can_withdraw(user, report),
                  can_add_evidence=S.can_add_evidence(user, report), can_comment=S.can_comment(user, report),
                  can_edit=S.can_edit_report(user, report), can_review=S.can_review(user, report),
                  can_decide=(S.can_decide(user, report) and report.state == "draft"
                              and today() > rnd.report_deadline),
                  can_allow_late=(S.can_allow_late(user, report) and report.state in ("draft", "not_submitted")
                                  and report.late_allowed_at is None),
                  reusable=S.reusable_files(report) if S.can_edit_report(user, report) else [],
                  findings=findings, message_form=MessageForm(), finding_form=finding_form or FindingForm(),
                  remedy_form=remedy_form or (first_remedy_form(report) if S.can_review(user, report) else None),
                  scoring_rule=scoring_rules.describe(report.item),
                  suggested=scoring_rules.criterion_suggestion(
                      report.item, rating=report.review.rating if report.review else "",
                      value=report.indicator_value),
                  document_form=DocumentForm(), action_form=EmptyForm(), status=status)


def first_remedy_form(report: Report):
    """The finding form's first remedy, its owner pre-filled with the report's author (or, with no
    active author, the reporting unit)."""
    from portal.findings.forms import FirstRemedyForm
    from portal.findings.owners import token

    author = report.author if report.author is not None and report.author.active else None
    form = FirstRemedyForm(owner=token(person_id=author.id if author else None, unit_id=report.unit_id))
    return form.load_owners_later(person=author, unit=report.unit)




@bp.get("/bao-cao/<int:report_id>")
def report(report_id):
    return report_page(load_report(report_id))


@bp.get("/bao-cao/<int:report_id>/lich-su")
def report_history(report_id):
    """The report's history panel (its review, documents and clarifications too), loaded when
    opened, for whoever may open the report."""
    report = load_report(report_id)
    return history_page(report, record_history(report), url_for("rounds.report", report_id=report.id))


@bp.post("/bao-cao/<int:report_id>")
def save_report(report_id):
    report, back = _author_action(report_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return report_page(report, form=form, status=422)
    check_version(report, form.version.data)
    submit = request.form.get("action") == "submit"
    try:
        S.save_report(report, form.data, submit=submit, user=current_user)
    except S.RuleError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return report_page(report, form=form, status=422)
    if submit:
        note = " (gửi sau hạn, được đánh dấu trễ hạn)" if report.late else ""
        return commit_and_return(f"Đã gửi báo cáo cho đoàn kiểm tra{note}.", back)
    return commit_and_return("Đã lưu bản nháp báo cáo.", back)


@bp.post("/bao-cao/<int:report_id>/tu-luu")
def autosave(report_id):
    """The draft saved as the author types (htmx, two seconds after the last key): a line for the
    page's status region and the record's new version (out of band), never a page. The version
    sent must be current: a concurrent edit gets the usual 409 and nothing is overwritten. A
    report the author may no longer edit (sent, or the round no longer takes it) is not saved."""
    report = load_report(report_id)
    refuse_if_closed(report.round)
    deny_unless(report.author_id == current_user.id)
    if not S.can_edit_report(current_user, report):
        return error_response(409, "Báo cáo không còn sửa được (đã gửi cho đoàn kiểm tra hoặc đợt đã hết nhận "
                                   "báo cáo) nên không tự lưu; nội dung vừa gõ chưa được lưu.")
    form = ReportForm()
    if not form.validate_on_submit():
        return error_response(422, "Chưa tự lưu: " + (form_errors(form) or "dữ liệu không hợp lệ."))
    check_version(report, form.version.data)
    recorder.name_updates("autosave")  # the history reads a typing session as one line
    try:
        S.save_report(report, form.data, submit=False, user=current_user)
    except S.RuleError as exc:
        db.session.rollback()
        return error_response(422, f"Chưa tự lưu: {exc.message}")
    commit_or_conflict()
    return render("rounds/_autosaved.html", report=report, at=to_local(now_utc()))


def _section_done(report: Report, message: str, back: str, block: str = "evidence"):
    """Evidence or comments changed: an htmx request gets that section alone (the report form on
    the page keeps whatever was typed); a plain form post goes back to the page."""
    if not is_htmx():
        return commit_and_return(message, back)
    commit_or_conflict(unique_clash=True)
    db.session.expire_all()
    return report_page(db.session.get(Report, report.id), block=block, section_message=message)


def _evidence_done(report: Report, message: str, back: str):
    return _section_done(report, message, back)


def _author_action(report_id):
    return report_action(report_id, S.can_edit_report)


def _author_change(report_id, change, message: str):
    """The author changes the report's evidence: `change(report)` (a broken rule refuses it)."""
    report, back = _author_action(report_id)
    try:
        change(report)
    except S.RuleError as exc:
        return refuse(exc.message, back)
    return _evidence_done(report, message, back)


def _section_form(report_id, may_act, form_class, error_target: str, invalid: str, act, message: str, block: str):
    """A small form in one section of the report page (a document, a comment): refused input is
    shown in the section (`error_target`, `invalid` when the form says nothing), else
    act(report, form) and the section swaps (`block`)."""
    report, back = report_action(report_id, may_act)
    form = form_class()
    if not form.validate_on_submit():
        return refuse(form_errors(form) or invalid, back, error_target=error_target)
    try:
        act(report, form)
    except S.RuleError as exc:
        return refuse(exc.message, back, error_target=error_target)
    return _section_done(report, message, back, block=block)


@bp.post("/bao-cao/<int:report_id>/tep")
def upload(report_id):
    report, back = report_button(report_id, S.can_add_evidence)
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    try:
        saved = S.add_files(report, uploads, current_user)
    except S.RuleError as exc:
        return refuse(exc.message, back, error_target="#upload-error")
    return _evidence_done(report, f"Đã tải lên {len(saved)} tệp minh chứng.", back)


@bp.post("/bao-cao/<int:report_id>/tep/dung-lai")
def reuse(report_id):
    return _author_change(report_id,
                          lambda report: S.reuse_file(report, request.form.get("file_id", type=db_int) or 0),
                          "Đã dùng lại tài liệu của đợt trước.")


@bp.post("/bao-cao/<int:report_id>/tep/<int:file_id>/go")
def unlink(report_id, file_id):
    return _author_change(report_id, lambda report: S.remove_file(report, file_id), "Đã gỡ tệp khỏi báo cáo.")


@bp.get("/bao-cao/<int:report_id>/tep/<int:file_id>")
def file(report_id, file_id):
    """Serve a file only to people who may see the report. ?xem=1 is the preview panel's content
    (PDF inline, an image scaled to fit, Word/Excel converted to text); ?xem=goc an image inline."""
    from portal.evidence.preview import can_preview, preview_response
    from portal.evidence.services import send_stored_file

    report = load_report(report_id)
    stored = S.file_visible_in(report, file_id) or abort(404, "Không tìm thấy tệp.")
    mode = request.args.get("xem")
    if mode == "1" and can_preview(stored):
        return preview_response(stored, url_for("rounds.file", report_id=report_id, file_id=file_id, xem="goc"))
    return send_stored_file(stored, inline=mode in ("1", "goc"))


@bp.post("/bao-cao/<int:report_id>/van-ban")
def add_document(report_id):
    return _section_form(report_id, S.can_add_evidence, DocumentForm, "#document-error",
                         "Dữ liệu văn bản không hợp lệ.",
                         lambda report, form: S.add_document(report, form.number.data, form.issued_on.data,
                                                             form.summary.data),
                         "Đã thêm văn bản minh chứng.", "evidence")


@bp.post("/bao-cao/<int:report_id>/van-ban/<int:doc_id>/xoa")
def remove_document(report_id, doc_id):
    return _author_change(report_id, lambda report: S.remove_document(report, doc_id),
                          "Đã xóa văn bản minh chứng.")


@bp.post("/bao-cao/<int:report_id>/y-kien")
def comment(report_id):
    """A working note by the author or a coordinator; the comments section swaps alone."""
    return _section_form(report_id, S.can_comment, MessageForm, "#comment-error", "Vui lòng nhập nội dung ý kiến.",
                         lambda report, form: S.add_comment(report, current_user, form.body.data),
                         "Đã gửi ý kiến.", "comments")


@bp.post("/bao-cao/<int:report_id>/rut-lai")
def withdraw(report_id):
    report, back = report_button(report_id, S.can_withdraw)
    try:
        S.withdraw(report, current_user)
    except S.RuleError as exc:
        return refuse(exc.message, back)
    return commit_and_return("Đã rút lại báo cáo để sửa; hãy gửi lại trước hạn.", back)


@bp.post("/bao-cao/<int:report_id>/tra-loi")
def answer(report_id):
    # only the author answers (not a manager who may also edit the report)
    report, back = report_action(report_id, lambda user, report: report.author_id == user.id)
    return send_message(report, back, S.answer_clarification, "Đã gửi nội dung giải trình cho đoàn kiểm tra.")
