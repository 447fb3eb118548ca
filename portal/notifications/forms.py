from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from .models import EMAIL_MODES


class PreferenceForm(FlaskForm):
    email_mode = RadioField("Nhận thư điện tử thông báo", choices=EMAIL_MODES,
                            validators=[InputRequired("Vui lòng chọn cách nhận thư.")])
