"""Imports every area's models so that SQLAlchemy's metadata (and Alembic) sees all tables."""
import importlib

from portal.accounts.models import Unit, User, UserRole  # noqa: F401
from portal.audit.models import ChangeLog  # noqa: F401
from portal.catalogue.models import AdhocSubject, Area, AreaGroup, Catalogue, Criterion  # noqa: F401
from portal.settings.models import WardSettings  # noqa: F401

# Areas added later register their models simply by having a models.py.
for _area in ("assignments", "rounds", "evidence", "findings", "adhoc", "iso", "reports",
              "notifications", "jobs", "dashboard"):
    try:
        importlib.import_module(f"portal.{_area}.models")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"portal.{_area}", f"portal.{_area}.models"):
            raise
