"""WSGI entry point: `flask --app app run` for development, `waitress-serve app:app` in production."""
import gc
import itertools
import os

from sqlalchemy.orm import configure_mappers

from portal import create_app

# Files the portal creates (database journal, uploads, backups) are readable by its account only.
os.umask(0o077)

app = create_app()

# What start-up builds (modules, the URL map, the ORM mappers, configured now rather than at the
# first request) lives as long as the process: move it out of the collector's sight. Each full
# collection scanned those ~200,000 objects again: about half the time of a 50-row page.
configure_mappers()
gc.freeze()

# The first requests then build what also lives as long as the process (SQLAlchemy's compiled
# statements, about 50,000 objects): a full collection scanning them took ~14 ms, a visible stall
# every few seconds under use. Freeze again once they are there: after 100, 1,000 and 10,000
# requests, one collection each (a few ms), then the collector's passes stay short.
_FREEZE_AT = {100, 1_000, 10_000}
_served = itertools.count(1)


@app.teardown_request
def _freeze_what_warm_up_built(_exc):
    if next(_served) in _FREEZE_AT:
        gc.collect()
        gc.freeze()
