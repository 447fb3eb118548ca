from flask_wtf import FlaskForm
from wtforms import HiddenField


class EmptyForm(FlaskForm):
    """A one-button action still carries its CSRF token."""


class VersionedForm(FlaskForm):
    """A form for a record that two people may edit at once: it carries the version it was
    read at, and the save is refused if the record has moved on since (see concurrency)."""

    version = HiddenField()
