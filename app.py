"""WSGI entry point: `flask --app app run` for development, `waitress-serve app:app` in production."""
import gc
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
