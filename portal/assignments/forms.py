from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.web.checklist import CheckListField
from portal.web.forms import VersionedForm

from . import services
from .services import AssignmentData

NONE = {"": "— Chưa chọn —"}


def _people_choices():
    return {str(p.id): f"{p.full_name}{' (' + p.unit.short_name + ')' if p.unit else ''}"
            for p in services.active_people()}


def _unit_choices():
    return {str(u.id): u.name for u in services.active_units()}


def _ids(values) -> list[int]:
    return [int(v) for v in values or [] if str(v).isdigit()]


def _id(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


class _Choices:
    """Fill the select boxes once per form from the active units and people."""

    def fill_choices(self, people=None, units=None):
        people = people if people is not None else _people_choices()
        units = units if units is not None else _unit_choices()
        for name in ("lead_unit", "coordinator_units"):
            if hasattr(self, name):
                getattr(self, name).choices = ({} if "coordinator" in name else dict(NONE)) | units
        for name in ("lead_person", "coordinator_persons", "from_person", "to_person"):
            if hasattr(self, name):
                getattr(self, name).choices = ({} if "coordinator" in name else dict(NONE)) | people
        return self


class AssignmentForm(_Choices, VersionedForm):
    lead_unit = SelectField("Chủ trì (đơn vị)", validators=[Optional()])
    lead_person = SelectField("Người chủ trì", validators=[Optional()])
    coordinator_units = CheckListField("Đơn vị phối hợp", validators=[Optional()])
    coordinator_persons = CheckListField("Người phối hợp", validators=[Optional()])
    product = TextAreaField("Kết quả/sản phẩm", validators=[Length(max=2000)])
    timeframe = StringField("Thời gian", validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    note = StringField("Ghi chú", validators=[Length(max=1000, message="Tối đa 1000 ký tự.")])

    def load(self, assignment):
        if assignment is None:
            self.version.data = "0"
            return self
        self.lead_unit.data = str(assignment.lead_unit_id or "")
        self.lead_person.data = str(assignment.lead_person_id or "")
        self.coordinator_units.data = [str(c.unit_id) for c in assignment.coordinators if c.unit_id]
        self.coordinator_persons.data = [str(c.person_id) for c in assignment.coordinators if c.person_id]
        self.product.data, self.timeframe.data, self.note.data = (
            assignment.product, assignment.timeframe, assignment.note)
        self.version.data = str(assignment.version)
        return self

    def to_data(self, people_units: dict[int, int | None]) -> AssignmentData:
        lead_person = _id(self.lead_person.data)
        lead_unit = _id(self.lead_unit.data) or people_units.get(lead_person)
        return AssignmentData(lead_unit, lead_person, _ids(self.coordinator_units.data),
                              _ids(self.coordinator_persons.data), self.product.data or "",
                              self.timeframe.data or "", self.note.data or "")


class BulkForm(_Choices, FlaskForm):
    criteria = SelectMultipleField("Nội dung đã chọn", coerce=str, validate_choice=False,
                                   validators=[DataRequired("Hãy chọn ít nhất một nội dung kiểm tra.")])
    lead_unit = SelectField("Chủ trì (đơn vị)", validators=[Optional()])
    lead_person = SelectField("Người chủ trì", validators=[Optional()])
    coordinator_persons = CheckListField("Người phối hợp (thay thế danh sách cũ nếu chọn)",
                                              validators=[Optional()])
    timeframe = StringField("Thời gian (để trống: giữ nguyên)", validators=[Length(max=200)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.lead_unit.data and not self.lead_person.data:
            self.lead_person.errors = [*self.lead_person.errors, "Hãy chọn người chủ trì hoặc đơn vị chủ trì."]
            return False
        return ok


class HandoverForm(_Choices, FlaskForm):
    from_person = SelectField("Người bàn giao", validators=[DataRequired("Hãy chọn người bàn giao.")])
    to_person = SelectField("Người nhận bàn giao", validators=[DataRequired("Hãy chọn người nhận bàn giao.")])
    reason = StringField("Lý do", validators=[Length(max=250, message="Tối đa 250 ký tự.")])
    # On by default: a leaver's unsent reports and open remedies go with the assignments.
    move_work = BooleanField("Chuyển cả báo cáo chưa gửi và biện pháp khắc phục đang mở", default=True)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.from_person.data == self.to_person.data:
            self.to_person.errors = ["Người nhận bàn giao phải khác người bàn giao."]
            return False
        return ok


class CopyForm(FlaskForm):
    source = SelectField("Sao chép từ năm", validators=[DataRequired("Hãy chọn năm nguồn.")])
    target = SelectField("Sang bộ nội dung năm", validators=[DataRequired("Hãy chọn năm đích.")])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.source.data == self.target.data:
            self.target.errors = ["Năm đích phải khác năm nguồn."]
            return False
        return ok


class ImportForm(FlaskForm):
    file = FileField("Tệp Excel (.xlsx)", validators=[FileRequired("Vui lòng chọn tệp để nhập.")])


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
