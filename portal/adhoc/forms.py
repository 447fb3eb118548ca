from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import Field, HiddenField, SelectField, StringField, TextAreaField
from wtforms.widgets import TimeInput

from portal.findings.forms import int_or_none, people_choices, unit_choices
from portal.web.checklist import CheckListField
from portal.web.dates import DateField

from .models import SUBJECT_KINDS
from .times import hhmm, parse_time


def _ids(values):
    return [int_or_none(v) for v in values or [] if v not in ("", None)]


class TimeField(Field):
    """`<input type="time">`, optional: "" is no time; what is not a time of day is refused with
    `message` and kept in the box as typed."""

    widget = TimeInput()

    def __init__(self, label=None, validators=None, message="Giờ không hợp lệ (nhập dạng 08:30).", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.bad_time_message = message

    def _value(self):
        if self.raw_data:
            return " ".join(v for v in self.raw_data if isinstance(v, str))
        return hhmm(self.data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            if not isinstance(valuelist[0], str):  # a file posted under the field's name
                raise ValueError
            self.data = parse_time(valuelist[0][:40])
        except ValueError:
            self.data = None
            raise ValueError(self.bad_time_message) from None


class EntryForm(FlaskForm):
    version = HiddenField()
    inspected_on = DateField("Ngày kiểm tra", message="Ngày kiểm tra không hợp lệ (dd/mm/yyyy).")
    start_time = TimeField("Giờ bắt đầu", message="Giờ bắt đầu không hợp lệ (nhập dạng 08:30).")
    end_time = TimeField("Giờ kết thúc", message="Giờ kết thúc không hợp lệ (nhập dạng 10:15).")
    subject_kind = SelectField("Loại kiểm tra đột xuất", choices={"": "— Chọn —"} | SUBJECT_KINDS,
                               validate_choice=False)
    subject = StringField("Nội dung, chủ đề kiểm tra", render_kw={"list": "adhoc-subjects", "autocomplete": "off"})
    trigger_ref = StringField("Căn cứ (số đơn, văn bản phản ánh)")
    trigger_by = StringField("Người, tổ chức phản ánh, kiến nghị")
    unit_id = SelectField("Đơn vị được kiểm tra", coerce=int_or_none, validate_choice=False)
    person_id = SelectField("Cán bộ, công chức được kiểm tra", coerce=int_or_none, validate_choice=False)
    inspected_other = StringField("Đối tượng khác (nếu không có trong danh sách)")
    unit_representative = StringField("Đại diện đơn vị được kiểm tra (ký biên bản)")
    lead_id = SelectField("Trưởng đoàn", coerce=int_or_none, validate_choice=False)
    member_ids = CheckListField("Thành viên đoàn", coerce=str, validate_choice=False)
    content = TextAreaField("Nội dung đã kiểm tra")
    result = TextAreaField("Kết quả kiểm tra")
    violations = TextAreaField("Vi phạm phát hiện")
    handling = TextAreaField("Hình thức xử lý")
    photos = MultipleFileField("Ảnh chụp tại nơi kiểm tra")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = unit_choices("— Không —")
        self.person_id.choices = people_choices("— Không —")
        self.lead_id.choices = people_choices("— Chọn trưởng đoàn —")
        self.member_ids.choices = {str(k): v for k, v in people_choices("").items() if k != ""}

    def values(self) -> dict:
        data = {k: getattr(self, k).data for k in (
            "inspected_on", "start_time", "end_time", "subject_kind", "subject", "trigger_ref", "trigger_by",
            "unit_id", "person_id", "inspected_other", "unit_representative", "lead_id", "content", "result",
            "violations", "handling")}
        data["member_ids"] = _ids(self.member_ids.data)
        return data


class MinutesForm(FlaskForm):
    files = MultipleFileField("Biên bản, tài liệu kèm theo")
