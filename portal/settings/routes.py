from flask import Blueprint, flash, redirect, request, url_for

from portal.accounts import roles as R
from portal.audit.queries import history_for
from portal.extensions import db
from portal.text import clean
from portal.web.access import require
from portal.web.concurrency import check_version, commit_or_conflict, labels_of
from portal.web.htmx import render
from portal.web.nav import nav

from .forms import SettingsForm
from .models import get_settings

bp = Blueprint("settings", __name__, url_prefix="/cai-dat")

nav("Cài đặt phường", "settings.edit", roles=R.MANAGERS, order=30, section="admin")


@bp.route("/", methods=["GET", "POST"])
@require(*R.MANAGERS)
def edit():
    ward = get_settings()
    form = SettingsForm(obj=ward)
    if form.validate_on_submit():
        check_version(ward, form.version.data, labels_of(form))
        for name, field in form._fields.items():
            if name not in ("csrf_token", "version"):
                setattr(ward, name, clean(field.data) if isinstance(field.data, str) else field.data)
        commit_or_conflict()
        flash("Đã lưu cài đặt của phường.", "success")
        return redirect(url_for("settings.edit"))
    return render("settings/edit.html", form=form, history=history_for(ward)), (422 if form.errors else 200)


@bp.route("/van-ban", methods=["GET", "POST"])
@require(*R.MANAGERS)
def documents():
    """Header, number code, signer and recipients of each document type."""
    from . import documents as D
    from .forms import document_profiles_form

    ward = get_settings()
    form = document_profiles_form(ward)
    if form.validate_on_submit():
        check_version(ward, request.form.get("version"), {"doc_profiles": "Thể thức văn bản"})
        data = {kind: {name: clean(form[f"{kind}__{name}"].data or "") if name not in ("issuer", "sign_lines", "recipients")
                       else "\n".join(clean(x) for x in (form[f"{kind}__{name}"].data or "").splitlines() if x.strip())
                       for name in D.FIELDS} for kind in D.TYPES}
        D.save(ward, data)
        commit_or_conflict()
        flash("Đã lưu thể thức văn bản.", "success")
        return redirect(url_for("settings.documents"))
    return render("settings/documents.html", form=form, types=D.TYPES, fields=D.FIELDS), (422 if form.errors else 200)
