from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField

from .services import REPORT_STATUSES


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TaskForm(FlaskForm):
    action = TextAreaField("Việc cần làm")
    assignee_id = SelectField("Người thực hiện", coerce=_int_or_none, validate_choice=False)
    deadline = StringField("Thời hạn", render_kw={"type": "date"})


class TaskReportForm(FlaskForm):
    status = RadioField("Tình trạng", choices=REPORT_STATUSES, default="doing", validate_choice=False)
    text = TextAreaField("Kết quả thực hiện")
