"""Forms of the reports area: the year's plan and team decision."""
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField
from wtforms.validators import Length, Optional, Regexp

NUMBER = Regexp(r"^[0-9A-Za-zĐđ/\-. ]*$", message="Số, ký hiệu chỉ gồm chữ số, chữ cái và các dấu / - .")


class YearRecordsForm(FlaskForm):
    version = HiddenField()
    plan_number = StringField("Số, ký hiệu Kế hoạch kiểm tra (ví dụ 165/KH-UBND)",
                              validators=[Optional(), Length(max=40), NUMBER])
    plan_date = DateField("Ngày ký Kế hoạch", validators=[Optional()])
    plan_signer = StringField("Người ký Kế hoạch", validators=[Optional(), Length(max=120)])
    plan_signer_title = StringField("Chức vụ người ký Kế hoạch", validators=[Optional(), Length(max=120)])
    decision_number = StringField("Số, ký hiệu Quyết định thành lập Đoàn kiểm tra (ví dụ 212/QĐ-UBND)",
                                  validators=[Optional(), Length(max=40), NUMBER])
    decision_date = DateField("Ngày ký Quyết định", validators=[Optional()])
    decision_signer = StringField("Người ký Quyết định", validators=[Optional(), Length(max=120)])
    decision_signer_title = StringField("Chức vụ người ký Quyết định", validators=[Optional(), Length(max=120)])
