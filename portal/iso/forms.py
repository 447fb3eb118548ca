from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField as _DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.timeutil import parse_date
from portal.web.forms import VersionedForm

from .models import KINDS, RESULTS

DATE_MSG = "Ngày không hợp lệ (dd/mm/yyyy)."


class DateField(_DateField):
    """Accepts the browser's ISO date and dd/mm/yyyy; the error is in Vietnamese."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(DATE_MSG) from None
STEPS_HINT = ("Mỗi dòng một bước, theo thứ tự: Nội dung bước | Trách nhiệm | Số ngày làm việc. "
              "Ví dụ: Tiếp nhận, kiểm tra hồ sơ | Công chức Trung tâm PVHCC | 1")
FORMS_HINT = "Mỗi dòng một biểu mẫu: Mã - Tên biểu mẫu. Ví dụ: BM-01 - Đơn đăng ký. Để trống nếu không có."


class ProcedureHeadForm(VersionedForm):
    code = StringField("Mã quy trình", validators=[DataRequired("Vui lòng nhập mã quy trình."), Length(max=40)])
    name = StringField("Tên quy trình", validators=[DataRequired("Vui lòng nhập tên quy trình."), Length(max=300)])
    kind = SelectField("Loại quy trình", choices=KINDS)
    unit_id = SelectField("Đơn vị chủ trì", coerce=int)


class VersionFields(FlaskForm):
    number = StringField("Số phiên bản", validators=[DataRequired("Vui lòng nhập số phiên bản."), Length(max=20)])
    effective_date = DateField("Ngày hiệu lực", validators=[InputRequired("Vui lòng nhập ngày.")])
    steps = TextAreaField("Các bước thực hiện", validators=[DataRequired("Quy trình cần ít nhất một bước.")],
                          render_kw={"rows": 7})
    forms = TextAreaField("Biểu mẫu sử dụng", render_kw={"rows": 3})
    note = StringField("Ghi chú (nội dung sửa đổi)", validators=[Length(max=1000)])


class NewProcedureForm(ProcedureHeadForm, VersionFields):
    pass


class FileForm(FlaskForm):
    file = FileField("Tệp Excel (.xlsx)", validators=[FileRequired("Vui lòng chọn tệp Excel để nhập.")])


class HolidayForm(FlaskForm):
    date = DateField("Ngày nghỉ", validators=[InputRequired("Vui lòng nhập ngày.")])
    name = StringField("Tên ngày nghỉ", validators=[DataRequired("Vui lòng nhập tên ngày nghỉ."), Length(max=200)])


class CheckForm(FlaskForm):
    title = StringField("Tên đợt bóc mẫu", validators=[DataRequired("Vui lòng nhập tên đợt bóc mẫu."), Length(max=300)])
    procedures = SelectMultipleField("Quy trình được kiểm tra", coerce=int,
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                     validators=[DataRequired("Chọn ít nhất một quy trình.")])
    period_start = DateField("Kỳ kiểm tra từ ngày", validators=[InputRequired("Vui lòng nhập ngày.")])
    period_end = DateField("đến ngày", validators=[InputRequired("Vui lòng nhập ngày.")])
    sample_size = IntegerField("Cỡ mẫu (số hồ sơ rút)", validators=[
        InputRequired("Vui lòng nhập cỡ mẫu."), NumberRange(1, 1000, "Cỡ mẫu từ 1 đến 1000 hồ sơ.")])


class DossierForm(FlaskForm):
    code = StringField("Mã hồ sơ", validators=[DataRequired("Vui lòng nhập mã hồ sơ."), Length(max=60)])
    procedure = SelectField("Quy trình")
    received = DateField("Ngày tiếp nhận", validators=[InputRequired("Vui lòng nhập ngày.")])
    due = DateField("Ngày hẹn trả", validators=[InputRequired("Vui lòng nhập ngày.")])
    returned = DateField("Ngày trả kết quả", validators=[Optional()])
    handler = StringField("Người xử lý", validators=[Length(max=120)])


class DrawForm(FlaskForm):
    seed = IntegerField("Hạt giống", validators=[Optional(), NumberRange(0, 2**31 - 1, "Hạt giống là số nguyên không âm (tối đa 2147483647).")])


class StepForm(FlaskForm):
    result = SelectField("Kết quả", choices=RESULTS, validators=[DataRequired("Chọn kết quả.")])
    note = TextAreaField("Ghi chú", validators=[Length(max=2000)])
