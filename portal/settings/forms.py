from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp


class SettingsForm(FlaskForm):
    ward_name = StringField("Tên phường", validators=[DataRequired("Vui lòng nhập tên phường."), Length(max=120)])
    province = StringField("Tỉnh, thành phố", validators=[Optional(), Length(max=120)])
    issuer_parent = StringField("Cơ quan chủ quản (dòng trên, có thể để trống)", validators=[Optional(), Length(max=200)])
    issuer_name = TextAreaField("Tên cơ quan ban hành (in hoa, có thể xuống dòng)",
                                validators=[DataRequired("Vui lòng nhập tên cơ quan ban hành."), Length(max=200)])
    issuer_short = StringField("Chữ viết tắt trong số, ký hiệu (ví dụ UBND)",
                               validators=[DataRequired("Vui lòng nhập chữ viết tắt."), Length(max=30)])
    place_name = StringField("Địa danh ghi ngày tháng", validators=[DataRequired("Vui lòng nhập địa danh."), Length(max=120)])
    chairman_name = StringField("Chủ tịch UBND", validators=[Optional(), Length(max=120)])
    sign_on_behalf = StringField("Thẩm quyền ký (TM.)", validators=[Optional(), Length(max=120)])
    sign_for = StringField("Ký thay (KT.)", validators=[Optional(), Length(max=120)])
    signer_title = StringField("Chức vụ người ký", validators=[Optional(), Length(max=120)])
    signer_name = StringField("Họ tên người ký", validators=[Optional(), Length(max=120)])
    secretariat_unit_code = StringField("Ký hiệu đơn vị soạn thảo (dòng Lưu)", validators=[Optional(), Length(max=30)])
    default_recipients = TextAreaField("Nơi nhận mặc định (mỗi dòng một nơi)", validators=[Optional(), Length(max=2000)])
    upload_max_mb = IntegerField("Dung lượng tối đa mỗi tệp minh chứng (MB)", validators=[
        DataRequired("Vui lòng nhập dung lượng tối đa."),
        NumberRange(min=1, max=50, message="Dung lượng phải từ 1 đến 50 MB.")])
    report_deadline_days = IntegerField("Hạn nộp báo cáo: số ngày trước đợt kiểm tra", validators=[
        DataRequired("Vui lòng nhập số ngày."), NumberRange(min=0, max=60, message="Số ngày phải từ 0 đến 60.")])
    remedy_deadline_days = IntegerField("Thời hạn mặc định của biện pháp khắc phục (ngày)",
                                        # no InputRequired: a form from before this field existed
                                        # sends none and keeps the stored value; "" is not a number
                                        validators=[NumberRange(min=1, max=365, message="Số ngày phải từ 1 đến 365.")])
    session_idle_minutes = IntegerField("Tự đăng xuất sau bao nhiêu phút không thao tác", validators=[
        InputRequired("Vui lòng nhập số phút."), NumberRange(min=5, max=1440, message="Số phút phải từ 5 đến 1440.")])
    session_max_hours = IntegerField("Thời hạn tối đa của một lần đăng nhập (giờ)", validators=[
        InputRequired("Vui lòng nhập số giờ."), NumberRange(min=1, max=168, message="Số giờ phải từ 1 đến 168.")])
    remember_days = IntegerField("“Ghi nhớ đăng nhập” giữ tối đa (ngày; 0 là không cho ghi nhớ)", validators=[
        InputRequired("Vui lòng nhập số ngày."), NumberRange(min=0, max=90, message="Số ngày phải từ 0 đến 90.")])
    version = HiddenField()
    # Empty means the usual 07:00 (forms written before this field existed send none).
    reminders_at = StringField("Giờ gửi nhắc việc và thư tổng hợp hằng ngày (giờ:phút)",
                               filters=[lambda v: (v or "").strip() or "07:00"], validators=[
        Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message="Giờ gửi phải có dạng giờ:phút, ví dụ 07:00.")])


def document_profiles_form(ward):
    """One set of fields per document type (portal.settings.documents), named "<type>__<field>"."""
    from . import documents as D

    class DocumentProfilesForm(FlaskForm):
        pass

    for kind in D.TYPES:
        for name, label in D.FIELDS.items():
            multi = name in ("issuer", "sign_lines", "recipients")
            cls = TextAreaField if multi else StringField
            setattr(DocumentProfilesForm, f"{kind}__{name}",
                    cls(label, default=D.stored_value(ward, kind, name),
                        validators=[Optional(), Length(max=1000 if multi else 200, message="Nội dung quá dài.")]))
    return DocumentProfilesForm()
