"""WSGI entry point: `flask --app app run` for development, `waitress-serve app:app` in production."""
from portal import create_app

app = create_app()
