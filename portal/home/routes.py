from flask import Blueprint
from flask_login import current_user

from portal.timeutil import today
from portal.web.htmx import render
from portal.web.nav import home_panel, nav, visible_panels

from . import todo

bp = Blueprint("home", __name__)

nav("Trang chủ", "home.index", order=0)
home_panel("home/_todo.html", order=1, context=lambda user: {"sections": todo.sections(user, today())})


@bp.get("/")
def index():
    return render("home/index.html", panels=visible_panels(current_user))
