from flask import Blueprint
from flask_login import current_user

from portal.web.htmx import render
from portal.web.nav import nav, visible_panels

bp = Blueprint("home", __name__)

nav("Trang chủ", "home.index", order=0)


@bp.get("/")
def index():
    return render("home/index.html", panels=visible_panels(current_user))
