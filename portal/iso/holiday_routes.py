"""The holidays page (/iso/ngay-nghi): the days off that working-day deadlines skip, by year."""
from flask import Blueprint, abort, flash, redirect, request, url_for

from portal.accounts import roles as R
from portal.exports import lists as export_lists
from portal.exports.table import export_response, wants_export
from portal.extensions import db
from portal.timeutil import today
from portal.web.access import require
from portal.web.concurrency import commit_or_conflict
from portal.web.forms import EmptyForm
from portal.web.htmx import is_htmx, render
from portal.web.params import db_int

from . import services
from .forms import HolidayForm
from .models import Holiday
from .services import InputError

nn = Blueprint("nn", __name__, url_prefix="/ngay-nghi")  # a child of the "iso" blueprint (routes.py)


def _holiday_page(year: int, form=None, status=200):
    years = sorted(set(services.holiday_years()) | {year, today().year, today().year + 1})
    return render("iso/holidays.html", "holiday_list", year=year, years=years,
                  holidays=services.holidays_of(year), form=form or HolidayForm(), delete_form=EmptyForm(),
                  status=status)


@nn.get("")
@require(*R.MANAGERS)
def holidays():
    year = request.args.get("nam", type=db_int) or today().year
    if not 2000 <= year <= 2100:
        year = today().year
    if wants_export():
        return export_response(export_lists.holidays(year, services.holidays_of(year)))
    return _holiday_page(year)


@nn.post("")
@require(*R.MANAGERS)
def holiday_add():
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            holiday = services.add_holiday(form.date.data, form.name.data)
        except InputError as exc:
            db.session.rollback()
            form.date.errors = list(form.date.errors) + exc.errors
        else:
            commit_or_conflict(unique_clash=True)
            if is_htmx():
                return _holiday_page(holiday.date.year)
            flash(f"Đã thêm ngày nghỉ {holiday.date:%d/%m/%Y}.", "success")
            return redirect(url_for("iso.nn.holidays", nam=holiday.date.year), 303)
    year = form.date.data.year if form.date.data else (request.args.get("nam", type=db_int) or today().year)
    return _holiday_page(year, form, 422)


@nn.post("/<int:holiday_id>/xoa")
@require(*R.MANAGERS)
def holiday_delete(holiday_id: int):
    holiday = db.get_or_404(Holiday, holiday_id)
    year = holiday.date.year
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(holiday)
    commit_or_conflict(unique_clash=True)
    if is_htmx():
        return _holiday_page(year)
    flash("Đã xóa ngày nghỉ.", "success")
    return redirect(url_for("iso.nn.holidays", nam=year), 303)
