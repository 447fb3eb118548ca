"""Forms carry what was typed; the rules (and their Vietnamese messages) live in services, so a
record made by another area through record_finding is checked exactly like one typed here."""
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from portal.accounts.models import Unit, User
from portal.catalogue.services import current_catalogue
from portal.extensions import db
from portal.web.dates import DateField
from portal.web.params import db_int

from .models import CAUSES
from .services import OWNER_STATUSES


def int_or_none(value):
    """Lenient coercion: a tampered id becomes -1, which the service reports in Vietnamese."""
    if value in (None, "", "0", 0):
        return None
    try:
        return db_int(value)
    except (TypeError, ValueError):
        return -1


def people_choices(blank="— Không xác định —"):
    users = db.session.scalars(select(User).where(User.active).order_by(User.full_name)
                               .options(joinedload(User.unit)))  # not one query per person's unit
    return {"": blank} | {u.id: f"{u.full_name}{' — ' + u.unit.short_name if u.unit else ''}" for u in users}


def unit_choices(blank="— Không xác định —"):
    units = db.session.scalars(select(Unit).where(Unit.active).order_by(Unit.position, Unit.name))
    return {"": blank} | {u.id: u.name for u in units}


def _catalogue(year=None):
    """The catalogue of the year the record belongs to (another year's areas would not match
    its saved ids, and saving the form unchanged would wipe them)."""
    from portal.catalogue.services import catalogue_for_year

    return (catalogue_for_year(year) if year else None) or current_catalogue()


def area_choices(blank="— Không xác định —", year=None):
    catalogue = _catalogue(year)
    return {"": blank} | ({a.id: a.label for a in catalogue.areas} if catalogue else {})


def criterion_choices(blank="— Không xác định —", year=None):
    catalogue = _catalogue(year)
    out = {"": blank}
    if catalogue:
        for area in catalogue.areas:
            for c in area.criteria:
                text = c.text if len(c.text) <= 110 else c.text[:107] + "…"
                out[c.id] = f"{c.code}. {text}"
    return out


def _select(label, **kw):
    return SelectField(label, coerce=int_or_none, validate_choice=False, **kw)


class FindingForm(FlaskForm):
    version = HiddenField()
    found_on = DateField("Ngày phát hiện", message="Ngày phát hiện không hợp lệ (dd/mm/yyyy).")
    source_ref = StringField("Văn bản, nguồn chỉ ra",
                             render_kw={"placeholder": "Ví dụ: Kết luận số 12/KL-SNV ngày 05/11/2026 của Sở Nội vụ"})
    area_id = _select("Lĩnh vực")
    criterion_id = _select("Nội dung kiểm tra")
    unit_id = _select("Đơn vị")
    person_id = _select("Cán bộ, công chức")
    description = TextAreaField("Nội dung tồn tại, hạn chế")
    cause = RadioField("Nguyên nhân", choices=CAUSES, default="chu_quan", validate_choice=False)
    cause_detail = TextAreaField("Phân tích nguyên nhân")
    recommendation = TextAreaField("Kiến nghị")

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = area_choices(year=year)
        self.criterion_id.choices = criterion_choices(year=year)
        self.unit_id.choices = unit_choices()
        self.person_id.choices = people_choices()

    def values(self) -> dict:
        return {k: getattr(self, k).data for k in (
            "found_on", "source_ref", "area_id", "criterion_id", "unit_id", "person_id",
            "description", "cause", "cause_detail", "recommendation")}


class RemedyForm(FlaskForm):
    version = HiddenField()
    action = TextAreaField("Biện pháp khắc phục")
    owner_id = _select("Người thực hiện")
    deadline = DateField("Thời hạn", message="Thời hạn không hợp lệ (dd/mm/yyyy).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = people_choices("— Chọn người thực hiện —")


class ProgressForm(FlaskForm):
    status = RadioField("Tình trạng", choices=OWNER_STATUSES, default="doing", validate_choice=False)
    text = TextAreaField("Nội dung đã thực hiện")
    files = MultipleFileField("Tài liệu kiểm chứng (nếu có)")


class NoteForm(FlaskForm):
    note = TextAreaField("Ghi chú")


class ReInspectionForm(FlaskForm):
    inspected_on = DateField("Ngày tái kiểm tra", message="Ngày tái kiểm tra không hợp lệ (dd/mm/yyyy).")
    result = TextAreaField("Kết quả tái kiểm tra")
    passed = RadioField("Kết luận", choices={"1": "Đạt — đã khắc phục", "0": "Chưa đạt — tiếp tục khắc phục"},
                        default="1", validate_choice=False)
