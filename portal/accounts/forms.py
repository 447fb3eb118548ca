from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.extensions import db

from . import roles as R
from .models import Unit, User

from .password_policy import MIN_LENGTH as MIN_PASSWORD
from .password_policy import current_problems

REQ = "Vui lòng nhập {}."


class StrongPassword:
    """A new password must pass the policy (password_policy); the username comes from the form
    (`username_from` names its field) or from the form's `password_owner` attribute."""

    def __init__(self, username_from: str | None = None):
        self.username_from = username_from

    def __call__(self, form, field):
        if not field.data:
            return
        if self.username_from:
            username = form[self.username_from].data or ""
        else:
            from flask_login import current_user

            owner = getattr(form, "password_owner", None)
            if owner is None and current_user.is_authenticated:
                owner = current_user
            username = owner.username if owner is not None else ""
        for message in current_problems(field.data, username):
            raise ValidationError(message)


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired(REQ.format("tên đăng nhập"))])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQ.format("mật khẩu"))])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired(REQ.format("mật khẩu hiện tại"))])
    new = PasswordField("Mật khẩu mới", validators=[
        DataRequired(REQ.format("mật khẩu mới")),
        Length(min=MIN_PASSWORD, max=128, message=f"Mật khẩu phải có từ {MIN_PASSWORD} đến 128 ký tự."),
        StrongPassword(),
    ])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        DataRequired(REQ.format("lại mật khẩu mới")),
        EqualTo("new", message="Hai lần nhập mật khẩu mới không khớp."),
    ])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def unit_choices(blank: str = "— Chưa thuộc đơn vị nào —"):
    units = db.session.scalars(select(Unit).where(Unit.active).order_by(Unit.position, Unit.name))
    return {0: blank} | {u.id: u.name for u in units}


class UserForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[
        DataRequired(REQ.format("tên đăng nhập")), Length(max=64, message="Tối đa 64 ký tự."),
        Regexp(r"^[a-z0-9._-]+$", message="Chỉ dùng chữ thường không dấu, số và các ký tự . _ -"),
    ])
    full_name = StringField("Họ và tên", validators=[
        DataRequired(REQ.format("họ và tên")), Length(max=120, message="Tối đa 120 ký tự.")])
    email = EmailField("Thư điện tử", validators=[
        Optional(), Email(message="Địa chỉ thư điện tử không hợp lệ."), Length(max=200)])
    phone = StringField("Điện thoại", validators=[Optional(), Length(max=30)])
    unit_id = SelectField("Đơn vị", coerce=int)
    position_title = StringField("Chức vụ", validators=[Optional(), Length(max=120)])
    salutation = SelectField("Danh xưng trên văn bản", choices={"": "(Không ghi)", "Ông": "Ông", "Bà": "Bà"},
                             validate_choice=False)  # anything else is stored as blank
    roles = MultiCheckboxField("Vai trò", choices={r: R.LABELS[r] for r in R.ALL})
    active = BooleanField("Đang hoạt động", default=True)
    password = PasswordField("Mật khẩu ban đầu", validators=[
        Optional(), Length(min=MIN_PASSWORD, max=128, message=f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự."),
        StrongPassword(username_from="username")])
    version = HiddenField()

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user
        self.unit_id.choices = unit_choices()

    def validate_username(self, field):
        stmt = select(User.id).where(func.lower(User.username) == field.data.lower())
        if self._user is not None:
            stmt = stmt.where(User.id != self._user.id)
        if db.session.scalar(stmt):
            raise ValidationError("Tên đăng nhập này đã có người dùng.")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # Optional() stops the field's own chain on an empty value, so the "required for a new
        # account" rule lives here.
        if self._user is None and not self.password.data:
            self.password.errors = list(self.password.errors) + ["Vui lòng đặt mật khẩu ban đầu cho tài khoản mới."]
            return False
        return ok


class ResetPasswordForm(FlaskForm):
    password = PasswordField("Mật khẩu mới", validators=[
        DataRequired(REQ.format("mật khẩu mới")),
        Length(min=MIN_PASSWORD, max=128, message=f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự."),
        StrongPassword()])


class UnitForm(FlaskForm):
    name = StringField("Tên đơn vị", validators=[
        DataRequired(REQ.format("tên đơn vị")), Length(max=200, message="Tối đa 200 ký tự.")])
    short_name = StringField("Tên viết tắt", validators=[Optional(), Length(max=50)])
    kind = SelectField("Loại", choices={k: k for k in (
        "Phòng chuyên môn", "Cơ quan", "Trung tâm", "Đơn vị sự nghiệp", "Lực lượng vũ trang", "Khác")})
    position = StringField("Thứ tự hiển thị", default="0",
                           validators=[Optional(), Regexp(r"^\d{0,4}$", message="Thứ tự phải là số.")])
    active = BooleanField("Đang hoạt động", default=True)
    version = HiddenField()

    def __init__(self, *args, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._unit = unit

    def validate_name(self, field):
        stmt = select(Unit.id).where(func.lower(Unit.name) == field.data.strip().lower())
        if self._unit is not None:
            stmt = stmt.where(Unit.id != self._unit.id)
        if db.session.scalar(stmt):
            raise ValidationError("Đã có đơn vị mang tên này.")
