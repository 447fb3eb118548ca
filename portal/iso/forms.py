from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField as _IntegerField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.web.dates import DateField
from portal.web.forms import VersionedForm

from .models import KINDS, RESULTS

BAD_CHOICE = {"invalid_value_message": "Lựa chọn không hợp lệ.", "invalid_choice_message": "Lựa chọn không hợp lệ."}


STEPS_HINT = ("Mỗi dòng một bước, theo thứ tự: Nội dung bước | Trách nhiệm | Số ngày làm việc. "
              "Ví dụ: Tiếp nhận, kiểm tra hồ sơ | Công chức Trung tâm PVHCC | 1")
FORMS_HINT = "Mỗi dòng một biểu mẫu: Mã - Tên biểu mẫu. Ví dụ: BM-01 - Đơn đăng ký. Để trống nếu không có."


class IntegerField(_IntegerField):
    """WTForms' own message for a non-number is English."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError("Vui lòng nhập một số nguyên.") from None


class ProcedureHeadForm(VersionedForm):
    code = StringField("Mã quy trình", validators=[DataRequired("Vui lòng nhập mã quy trình."), Length(max=40, message="Tối đa 40 ký tự.")])
    name = StringField("Tên quy trình", validators=[DataRequired("Vui lòng nhập tên quy trình."), Length(max=300, message="Tối đa 300 ký tự.")])
    kind = SelectField("Loại quy trình", choices=KINDS, **BAD_CHOICE)
    unit_id = SelectField("Đơn vị chủ trì", coerce=int, **BAD_CHOICE)


class VersionFields(FlaskForm):
    number = StringField("Số phiên bản", validators=[DataRequired("Vui lòng nhập số phiên bản."), Length(max=20, message="Tối đa 20 ký tự.")])
    effective_date = DateField("Ngày hiệu lực", validators=[InputRequired("Vui lòng nhập ngày.")])
    steps = TextAreaField("Các bước thực hiện", validators=[DataRequired("Quy trình cần ít nhất một bước.")],
                          render_kw={"rows": 7})
    forms = TextAreaField("Biểu mẫu sử dụng", render_kw={"rows": 3})
    note = StringField("Ghi chú (nội dung sửa đổi)", validators=[Length(max=1000, message="Tối đa 1000 ký tự.")])


class NewProcedureForm(ProcedureHeadForm, VersionFields):
    pass


class FileForm(FlaskForm):
    file = FileField("Tệp Excel (.xlsx)", validators=[FileRequired("Vui lòng chọn tệp Excel để nhập.")])


class HolidayForm(FlaskForm):
    date = DateField("Ngày nghỉ", validators=[InputRequired("Vui lòng nhập ngày.")])
    name = StringField("Tên ngày nghỉ", validators=[DataRequired("Vui lòng nhập tên ngày nghỉ."), Length(max=200, message="Tối đa 200 ký tự.")])


class CheckForm(FlaskForm):
    title = StringField("Tên đợt bóc mẫu", validators=[DataRequired("Vui lòng nhập tên đợt bóc mẫu."), Length(max=300, message="Tối đa 300 ký tự.")])
    procedures = SelectMultipleField("Quy trình được kiểm tra", coerce=int,
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                     **BAD_CHOICE,
                                     validators=[InputRequired("Chọn ít nhất một quy trình.")])
    period_start = DateField("Kỳ kiểm tra từ ngày", validators=[InputRequired("Vui lòng nhập ngày.")])
    period_end = DateField("đến ngày", validators=[InputRequired("Vui lòng nhập ngày.")])
    sample_size = IntegerField("Cỡ mẫu (số hồ sơ rút)", validators=[
        InputRequired("Vui lòng nhập cỡ mẫu."), NumberRange(1, 1000, "Cỡ mẫu từ 1 đến 1000 hồ sơ.")])


class DossierForm(FlaskForm):
    code = StringField("Mã hồ sơ", validators=[DataRequired("Vui lòng nhập mã hồ sơ."), Length(max=60, message="Tối đa 60 ký tự.")])
    procedure = SelectField("Quy trình", **BAD_CHOICE)
    received = DateField("Ngày tiếp nhận", validators=[InputRequired("Vui lòng nhập ngày.")])
    due = DateField("Ngày hẹn trả", validators=[InputRequired("Vui lòng nhập ngày.")])
    returned = DateField("Ngày trả kết quả", validators=[Optional()])
    handler = StringField("Người xử lý", validators=[Length(max=120, message="Tối đa 120 ký tự.")])


class DrawForm(FlaskForm):
    seed = IntegerField("Mã lượt rút mẫu", validators=[Optional(), NumberRange(0, 2**31 - 1, "Mã lượt rút mẫu là số nguyên không âm (tối đa 2147483647).")])


class StepForm(FlaskForm):
    result = SelectField("Kết quả", choices=RESULTS, validators=[InputRequired("Chọn kết quả.")], **BAD_CHOICE)
    note = TextAreaField("Ghi chú", validators=[Length(max=2000, message="Tối đa 2000 ký tự.")])
