from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.findings.models import CAUSES
from portal.web.checklist import CheckListField
from portal.web.dates import DateField

from .models import KINDS, RATINGS, REPORT_STATUSES


class RoundForm(FlaskForm):
    name = StringField("Tên đợt kiểm tra", validators=[DataRequired("Vui lòng nhập tên đợt."), Length(max=200)])
    kind = SelectField("Loại đợt", choices=KINDS)
    catalogue_id = SelectField("Bộ nội dung / bộ tiêu chí của đợt", coerce=int)
    period_from = DateField("Kỳ báo cáo từ ngày", validators=[Optional()])
    period_to = DateField("Kỳ báo cáo đến ngày", validators=[Optional()])
    start_on = DateField("Ngày bắt đầu kiểm tra", validators=[DataRequired("Vui lòng nhập ngày bắt đầu (dd/mm/yyyy).")])
    end_on = DateField("Ngày kết thúc kiểm tra", validators=[DataRequired("Vui lòng nhập ngày kết thúc.")])
    report_deadline = DateField("Hạn gửi báo cáo", validators=[Optional()])
    leader_id = SelectField("Trưởng đoàn", coerce=int)
    member_ids = CheckListField("Thành viên đoàn kiểm tra", coerce=int)
    previous_id = SelectField("Kế thừa báo cáo từ đợt", coerce=int)
    version = HiddenField()

    def validate_end_on(self, field):
        if self.start_on.data and field.data and field.data < self.start_on.data:
            from wtforms.validators import ValidationError
            raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")


class ReportForm(FlaskForm):
    status = SelectField("Tình trạng thực hiện", choices={"": "— Chọn tình trạng —", **REPORT_STATUSES},
                         validate_choice=False)
    done_text = TextAreaField("Kết quả đã thực hiện")
    indicator_value = StringField("Giá trị chỉ tiêu đạt được")
    difficulties = TextAreaField("Khó khăn, vướng mắc")
    proposals = TextAreaField("Kiến nghị, đề xuất")
    self_score = StringField("Điểm tự chấm")
    self_justification = TextAreaField("Giải trình điểm tự chấm", validators=[Length(max=5000)])
    version = HiddenField()


class ReviewForm(FlaskForm):
    rating = SelectField("Kết quả đánh giá", choices={"": "— Chọn mức đánh giá —", **RATINGS}, validate_choice=False)
    comment = TextAreaField("Nhận xét của đoàn")
    appraised_score = StringField("Điểm thẩm định")
    appraisal_reason = TextAreaField("Lý do điểm thẩm định khác điểm tự chấm", validators=[Length(max=5000)])
    version = HiddenField()


class MessageForm(FlaskForm):
    body = TextAreaField("Nội dung", validators=[DataRequired("Vui lòng nhập nội dung.")])


class FindingForm(FlaskForm):
    description = TextAreaField("Tồn tại, hạn chế", validators=[DataRequired("Vui lòng mô tả tồn tại, hạn chế.")])
    cause = SelectField("Nguyên nhân", choices=CAUSES)
    recommendation = TextAreaField("Kiến nghị khắc phục")


class DocumentForm(FlaskForm):
    number = StringField("Số, ký hiệu văn bản", validators=[DataRequired("Vui lòng nhập số, ký hiệu văn bản."), Length(max=100)])
    issued_on = DateField("Ngày ban hành", validators=[Optional()])
    summary = StringField("Trích yếu")


class ReopenForm(FlaskForm):
    reason = TextAreaField("Lý do mở lại", validators=[DataRequired("Vui lòng nêu lý do mở lại đợt kiểm tra.")])


class EvaluationForm(FlaskForm):
    text = TextAreaField("Nhận xét, đánh giá")
    version = HiddenField()
