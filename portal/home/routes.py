from flask import Blueprint
from flask_login import current_user

from portal.timeutil import today
from portal.web.htmx import render
from portal.web.nav import home_panel, nav, visible_panels

from . import todo

bp = Blueprint("home", __name__)

nav("Trang chủ", "home.index", order=0)
home_panel("home/_todo_loader.html", order=1)


@bp.get("/")
def index():
    return render("home/index.html", panels=visible_panels(current_user))


@bp.get("/viec-can-lam")
def todo_list():
    """The to-do list section (loaded by the home page, refreshed with it)."""
    response = render("home/_todo.html", sections=todo.sections(current_user, today()))
    response.headers["Cache-Control"] = "no-store"
    return response
