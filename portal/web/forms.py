from flask import flash
from flask_wtf import FlaskForm
from wtforms import HiddenField


class EmptyForm(FlaskForm):
    """A one-button action still carries its CSRF token."""


class VersionedForm(FlaskForm):
    """A form for a record that two people may edit at once: it carries the version it was
    read at, and the save is refused if the record has moved on since (see concurrency)."""

    version = HiddenField()


def apply_errors(form, errors: dict[str, str]) -> None:
    """Show a service's refusals ({field name: message}) on the form: under the field they
    concern, or in the alert area when no field on this form matches (e.g. "already settled")."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            flash(message, "error")
