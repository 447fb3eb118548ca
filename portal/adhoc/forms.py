from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from portal.findings.forms import int_or_none, people_choices, unit_choices
from portal.web.checklist import CheckListField
from portal.web.dates import DateField

from .models import SUBJECT_KINDS


def _ids(values):
    return [int_or_none(v) for v in values or [] if v not in ("", None)]


class EntryForm(FlaskForm):
    version = HiddenField()
    inspected_on = DateField("Ngày kiểm tra", message="Ngày kiểm tra không hợp lệ (dd/mm/yyyy).")
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
            "inspected_on", "subject_kind", "subject", "trigger_ref", "trigger_by", "unit_id",
            "person_id", "inspected_other", "unit_representative", "lead_id", "content", "result",
            "violations", "handling")}
        data["member_ids"] = _ids(self.member_ids.data)
        return data


class MinutesForm(FlaskForm):
    files = MultipleFileField("Biên bản, tài liệu kèm theo")
