"""Each nonconformity of a completed sample check asks for its first remedy on the check's page:
under every finding without a remedy, a "Giao biện pháp khắc phục" button opens the findings
area's shared form (fragment and service) in place, pre-filled with the dossier's handler (else
the procedure's owner unit) and the finding's recommendation. Opened on demand, not one form per
finding in the page: a check with a dozen nonconformities stays a short page that loads fast.
htmx swaps just that finding; without htmx the page reloads with the form open."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts import roles as R
from portal.extensions import db
from portal.findings import first_remedy, owners
from portal.findings.forms import FirstRemedyForm
from portal.findings.models import Finding
from portal.web.access import require
from portal.web.forms import apply_errors
from portal.web.htmx import is_htmx
from portal.web.wtforms_markup import form_ids

from .models import SampleCheck
from .check_routes import _check_page, _load_check, bm
from .services import RECORD_CHECKS

# The team that completed the check, and the secretariat (which gives remedies everywhere).
GIVE_REMEDIES = (*RECORD_CHECKS, *R.MANAGERS)


def can_give(user) -> bool:
    return user.has_role(*GIVE_REMEDIES)


def _form(finding: Finding, formdata=None) -> FirstRemedyForm:
    form = FirstRemedyForm(formdata, owner=owners.token(person_id=finding.person_id, unit_id=finding.unit_id),
                           action=finding.recommendation)
    return form_ids(form, finding.id)  # one form per finding on the page: ids of their own


def _check_and_finding(check_id: int, finding_id: int) -> tuple[SampleCheck, Finding]:
    check = db.session.get(SampleCheck, check_id) or abort(404)
    finding = db.session.get(Finding, finding_id)
    if finding is None or (finding.source, finding.source_id) != ("iso", check.id):
        abort(404)
    return check, finding


@bm.get("/<int:check_id>/ton-tai/<int:finding_id>/bien-phap")
@require(*GIVE_REMEDIES)
def first_remedy_form(check_id: int, finding_id: int):
    """Open the form under one nonconformity (?dong=1 closes it again). htmx gets the finding's
    fragment; without JavaScript the check's page comes back with this form open."""
    check, finding = _check_and_finding(check_id, finding_id)
    form = None if request.args.get("dong") or finding.remedies else _form(finding)
    if is_htmx():
        return render_template("iso/_finding.html", f=finding, check=check, can_give=True, form=form, given=False)
    if form is None:
        return redirect(url_for("iso.bm.check", check_id=check.id, _anchor=f"ton-tai-{finding.id}"), 303)
    return _check_page(_load_check(check.id), remedy_forms={finding.id: form})


@bm.post("/<int:check_id>/ton-tai/<int:finding_id>/bien-phap")
@require(*GIVE_REMEDIES)
def first_remedy_post(check_id: int, finding_id: int):
    check, finding = _check_and_finding(check_id, finding_id)
    form = _form(finding, formdata=request.form)
    given, notice = False, ""
    if form.validate():
        try:
            first_remedy.give(finding, form)
        except first_remedy.Refused as exc:
            db.session.rollback()
            apply_errors(form, exc.remedy_errors)
            notice = " ".join(exc.remedy_errors.values()) if finding.remedies else ""  # no form to show it
        else:
            db.session.commit()
            given = True
    if is_htmx():
        finding = db.session.get(Finding, finding_id)
        return render_template("iso/_finding.html", f=finding, check=check, can_give=True, notice=notice,
                               form=None if given else form, given=given), (200 if given else 422)
    if given or notice:
        flash(notice or "Đã giao biện pháp khắc phục.", "error" if notice else "success")
        return redirect(url_for("iso.bm.check", check_id=check.id, _anchor=f"ton-tai-{finding.id}"), 303)
    return _check_page(_load_check(check.id), status=422, remedy_forms={finding.id: form})
