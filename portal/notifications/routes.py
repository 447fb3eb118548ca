from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal.extensions import db
from portal.web.forms import EmptyForm
from portal.web.htmx import hx_redirect, is_htmx, render, trigger
from portal.web.nav import home_panel, nav
from portal.web.pagination import paginate

from . import outbox, reminders, scheduler, services  # noqa: F401  (outbox listens, reminders register)
from .forms import PreferenceForm
from .models import EMAIL_MODES, Notification

bp = Blueprint("notifications", __name__, url_prefix="/thong-bao")
bp.record_once(lambda state: scheduler.install(state.app))


@bp.app_context_processor
def _scheduler_globals():
    # for the ward settings page: when the daily run last ran and what it sent (lazy: no query
    # unless a template calls it)
    return {"scheduled_runs": scheduler.recent_runs, "outbox_failed_count": outbox.failed_count}

nav("Thông báo", "notifications.index", order=5)


def _panel_context(user) -> dict:
    return {"notif_unread": services.latest_unread(user, 5),
            "notif_unread_count": services.unread_count(user)}


home_panel("notifications/_home_panel.html", order=5, context=_panel_context)

PER_PAGE = 20
CHANGED = "notifications-changed"  # the badge and home panel listen for it


def _own(notification_id: int) -> Notification:
    """The current user's notification; someone else's is "not found", not a hint it exists."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not services.can_see(current_user, notification):
        abort(404, "Không tìm thấy thông báo này.")
    return notification


def _list_context():
    unread_only = request.args.get("chua_doc") == "1"
    page = paginate(services.list_for(current_user, unread_only), per_page=PER_PAGE)
    return {"page": page, "unread_only": unread_only,
            "unread_count": services.unread_count(current_user)}


@bp.get("/")
def index():
    return render("notifications/index.html", "results", **_list_context())


@bp.route("/<int:notification_id>/mo", methods=["GET", "POST"])
def open_(notification_id: int):
    """Follow a notification's link. Clicking it in the portal POSTs (hx-post, CSRF-checked) and
    marks it read on the way; a plain GET (a link opened in a new tab, an old e-mail) only
    redirects: no state changes on GET."""
    notification = _own(notification_id)
    target = services.safe_url(notification.url) or url_for("notifications.index")
    if request.method == "POST":
        services.mark_read(notification)
        db.session.commit()
        return hx_redirect(target)
    return redirect(target, code=303)


@bp.post("/<int:notification_id>/da-doc")
def mark_read(notification_id: int):
    notification = _own(notification_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.mark_read(notification)
    db.session.commit()
    if is_htmx():
        body = ""
        if request.headers.get("HX-Target") == f"notif-{notification.id}":
            # From the list: the row itself, plus its "Chưa đọc (n)" count swapped out of band.
            # (The home panel swaps nothing; it reloads itself on the event below.)
            body = (render_block("notifications/index.html", "item", n=notification)
                    + render_block("notifications/index.html", "unread_count", oob=True,
                                   unread_count=services.unread_count(current_user)))
        response = make_response(body)
        response.vary.add("HX-Request")
        return trigger(response, CHANGED)
    flash("Đã đánh dấu thông báo là đã đọc.", "success")
    return redirect(request.referrer if _from_here() else url_for("notifications.index"), code=303)


@bp.post("/da-doc-tat-ca")
def mark_all_read():
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = services.mark_all_read(current_user)
    db.session.commit()
    if is_htmx():
        response = render("notifications/index.html", "results", **_list_context())
        return trigger(response, CHANGED)
    flash(f"Đã đánh dấu {count} thông báo là đã đọc." if count else "Không có thông báo chưa đọc.",
          "success")
    return redirect(url_for("notifications.index"), code=303)


@bp.get("/so-chua-doc")
def unread_badge():
    """The "Thông báo (n)" link content, polled by the top bar (always a fragment)."""
    response = render("notifications/_badge.html", count=services.unread_count(current_user))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/bang-tin")
def home_fragment():
    """The home panel alone, refreshed after marking read from it."""
    return render("notifications/_home_panel.html", ctx=_panel_context(current_user))


def _from_here() -> bool:
    ref = request.referrer or ""
    return ref.startswith(request.host_url)


@bp.route("/cai-dat", methods=["GET", "POST"])
def preferences():
    """Each person chooses: e-mail at once, or one digest a day (the default)."""
    form = PreferenceForm(email_mode=services.email_mode(current_user))
    if form.validate_on_submit():
        services.set_email_mode(current_user, form.email_mode.data)
        db.session.commit()
        flash("Đã lưu cách nhận thư thông báo: " + EMAIL_MODES[form.email_mode.data].lower() + ".", "success")
        return redirect(url_for("notifications.preferences"), code=303)
    return render("notifications/preferences.html", form=form,
                  mail_on=services.mail_configured(), email=current_user.email,
                  status=422 if form.errors else 200)
