"""Imports every area's models so that SQLAlchemy's metadata (and Alembic) sees all tables."""
import importlib

from portal import AREAS
from portal.accounts.models import Unit, User, UserRole  # noqa: F401
from portal.audit.models import ChangeLog  # noqa: F401
from portal.catalogue.models import AdhocSubject, Area, AreaGroup, Catalogue, Criterion  # noqa: F401
from portal.settings.models import WardSettings  # noqa: F401

# Every other area registers its models simply by having a models.py (one list of areas: AREAS).
for _area in AREAS:
    try:
        importlib.import_module(f"portal.{_area}.models")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"portal.{_area}", f"portal.{_area}.models"):
            raise
