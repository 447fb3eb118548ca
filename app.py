"""WSGI entry point: `flask --app app run` for development, `waitress-serve app:app` in production."""
import os

from portal import create_app

# Files the portal creates (database journal, uploads, backups) are readable by its account only.
os.umask(0o077)

app = create_app()
