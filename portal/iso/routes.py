"""ISO area URL table: the procedure registry, holidays, and sample checks of dossiers, each a
child blueprint of "iso" in a module of its own (registry_routes, holiday_routes, check_routes)."""
from flask import Blueprint
from sqlalchemy import select

from portal.accounts import roles as R
from portal.extensions import db
from portal.web.nav import home_panel, nav

from . import checks, first_remedies  # noqa: F401  (its route joins the sample checks' blueprint)
from .check_routes import bm
from .holiday_routes import nn
from .models import SampleCheck
from .registry_routes import qt
from .services import READ_CHECKS

# Three child blueprints, so that the side navigation highlights only the part in use.
bp = Blueprint("iso", __name__, url_prefix="/iso")

nav("Quy trình ISO", "iso.qt.procedures", order=60)
nav("Bóc mẫu hồ sơ", "iso.bm.checks_list", roles=READ_CHECKS, order=61)
nav("Ngày nghỉ lễ, Tết", "iso.nn.holidays", roles=R.MANAGERS, order=60, section="admin")


def _home_context(_user):
    """Sample checks still open: what the team has left to check."""
    open_checks = db.session.scalars(select(SampleCheck).where(SampleCheck.status != "completed")
                                     .order_by(SampleCheck.period_end)).all()
    return {"open_checks": [(c, checks.results(c)) for c in open_checks]}


home_panel("iso/_home_panel.html", roles=READ_CHECKS, order=60, context=_home_context)

for _child in (qt, nn, bm):
    bp.register_blueprint(_child)
