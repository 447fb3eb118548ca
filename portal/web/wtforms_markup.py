"""Markup WTForms writes that the HTML checker would refuse, corrected once for every form.

A page often carries several forms (a row of one-button actions, an edit form beside a review
form), and WTForms gives every hidden field an id equal to its name: several `id="csrf_token"`
or `id="version"` on one page. Hidden inputs are never labelled or targeted by id, so they are
rendered without one (an explicit `id=` still wins).
"""
from wtforms import HiddenField
from wtforms.widgets import HiddenInput


class IdlessHiddenInput(HiddenInput):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", False)  # False: WTForms leaves the attribute out
        return super().__call__(field, **kwargs)


def install() -> None:
    # CSRFTokenField (Flask-WTF's token) is a HiddenField and inherits the widget.
    HiddenField.widget = IdlessHiddenInput()


def form_ids(form, suffix):
    """Give a form's fields ids of their own (`note` → `note-7`) when the same form is repeated
    on one page (one per row or per item). Names are untouched, so the server reads it as
    before. Returns the form, for `{% set f = form_ids(SomeForm(formdata=None), item.id) %}`."""
    marker = f"-{suffix}"
    for field in form:
        if not field.id.endswith(marker):
            field.id = f"{field.id}{marker}"
    return form
