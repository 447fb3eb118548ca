"""The one date field of every form: typed and shown as dd/mm/yyyy whatever the browser's language.

A native `<input type="date">` follows the browser's locale (mm/dd/yyyy on an English Windows),
so day and month get swapped by someone typing. This field is a text input with a pattern and a
placeholder; portal.js adds a calendar button beside it (the native picker fills the text box).
The server parses dd/mm/yyyy (and ISO yyyy-mm-dd, which older clients and tests send).
"""
from datetime import date

from markupsafe import Markup
from wtforms import DateField as _DateField
from wtforms.widgets import TextInput

from portal.timeutil import parse_date

DATE_MSG = "Ngày không hợp lệ (dd/mm/yyyy)."
PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"


class DateInput(TextInput):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("pattern", PATTERN)
        kwargs.setdefault("placeholder", "dd/mm/yyyy")
        kwargs.setdefault("maxlength", 10)
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("data-date", True)
        kwargs["class"] = (kwargs.pop("class_", "") + " " + kwargs.get("class", "") + " date-input").strip()
        return Markup(super().__call__(field, **kwargs))


def format_date(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and value.strip():
        try:  # a view may preset the field with an ISO string
            return parse_date(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return ""


class DateField(_DateField):
    """dd/mm/yyyy in and out; an unreadable date is a Vietnamese error and keeps what was typed."""

    widget = DateInput()

    def __init__(self, label=None, validators=None, message=DATE_MSG, **kwargs):
        kwargs.pop("format", None)
        super().__init__(label, validators, format="%d/%m/%Y", **kwargs)
        self.bad_date_message = message

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return format_date(self.data)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(self.bad_date_message) from None
