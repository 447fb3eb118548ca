"""Vietnamese for WTForms' built-in messages (WTForms ships no Vietnamese catalogue).

Installed once on FlaskForm.Meta so that every form, including ones a field's default message
reaches (a bad choice, a non-number), speaks Vietnamese without each form repeating it.
"""
from flask_wtf import FlaskForm

MESSAGES = {
    "This field is required.": "Vui lòng nhập trường này.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Lựa chọn không hợp lệ.",
    "Not a valid integer value.": "Giá trị phải là số nguyên.",
    "Not a valid decimal value.": "Giá trị phải là một số.",
    "Not a valid float value.": "Giá trị phải là một số.",
    "Not a valid date value.": "Ngày không hợp lệ (định dạng dd/mm/yyyy).",
    "Not a valid datetime value.": "Thời gian không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Invalid URL.": "Địa chỉ web không hợp lệ.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Giá trị phải trùng với trường %(other_name)s.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải trong khoảng %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày phải từ %(min)s trở đi.",
    "Date must be at most %(max)s.": "Ngày không được sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải trong khoảng %(min)s đến %(max)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải có đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải có đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Cần từ %(min)d đến %(max)d ký tự.",
    "The CSRF token is missing.": "Biểu mẫu đã hết hạn, vui lòng tải lại trang.",
    "The CSRF token is invalid.": "Biểu mẫu đã hết hạn, vui lòng tải lại trang.",
    "The CSRF token has expired.": "Biểu mẫu đã hết hạn, vui lòng tải lại trang.",
}


class VietnameseTranslations:
    def gettext(self, string):
        return MESSAGES.get(string, string)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


_TRANSLATIONS = VietnameseTranslations()


def install() -> None:
    FlaskForm.Meta.get_translations = lambda self, form: _TRANSLATIONS
