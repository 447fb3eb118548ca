"""Forms carry what was typed; the rules (and their Vietnamese messages) live in services, so a
record made by another area through record_finding is checked exactly like one typed here."""
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from portal.accounts.models import Unit, User
from portal.catalogue.services import current_catalogue
from portal.extensions import db
from portal.web.dates import DateField
from portal.web.params import db_int

from . import owners
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


class OwnerField(SelectField):
    """A remedy's owner: a token naming a person or a unit (owners.py). The choices are read when
    the field is first drawn, not when the form is built: a POST that saves and moves on never
    reads every person and unit."""

    def __init__(self, label=None, **kwargs):
        self._choices = None
        self.keep = None  # a remedy whose current owner stays listed even if no longer active
        super().__init__(label, validate_choice=False, **kwargs)

    @property
    def choices(self):
        if self._choices is None:
            self._choices = owners.choices(keep=self.keep)
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = value


class _RemedyFields(FlaskForm):
    """What to do, who does it (a person or a unit: owners.py) and by when."""

    action = TextAreaField("Biện pháp khắc phục")
    owner_id = OwnerField("Người hoặc đơn vị thực hiện")
    deadline = DateField("Thời hạn", message="Thời hạn không hợp lệ (dd/mm/yyyy).")

    def __init__(self, *args, keep=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.keep = keep
        self.owner_options_url = None

    def load_owners_later(self, *, person=None, unit=None):
        """List only the pre-filled owner (`person` or `unit`, already loaded) in the page; the
        page then fetches every person and unit with a request of its own (htmx), so a page
        showing one form per finding costs no query for them."""
        from flask import url_for

        self.owner_id.choices = owners.initial_choices(person=person, unit=unit)
        self.owner_options_url = url_for("findings.owner_options", chon=self.owner_id.data or "")
        return self

    def remedy_values(self) -> dict:
        """Keyword arguments for services.add_remedy / update_remedy."""
        person_id, unit_id = owners.parse(self.owner_id.data)
        return {"action": self.action.data, "owner_id": person_id, "owner_unit_id": unit_id,
                "deadline": self.deadline.data}


class RemedyForm(_RemedyFields):
    version = HiddenField()


class FirstRemedyForm(_RemedyFields):
    """The first remedy, asked with every new finding (round review, ad-hoc, higher level) and
    under each ISO nonconformity: one form for all of them (template findings/_first_remedy.html).

    Its fields are named remedy_action, remedy_owner_id, remedy_deadline, so it sits inside
    another form. It has no CSRF field of its own: the app's CSRFProtect checks every POST, with
    the token of the enclosing form (or a csrf_token input beside it when it stands alone).
    `owner` is the pre-filled owner token and `action` the pre-filled text; the deadline is
    pre-filled from the ward setting."""

    action = TextAreaField("Việc cần làm (biện pháp khắc phục đầu tiên)")

    def __init__(self, formdata=_Auto, *, owner: str = "", action: str = "", **kwargs):
        from portal.settings.models import get_settings

        self.default_days = get_settings().remedy_deadline_days
        kwargs.setdefault("prefix", "remedy_")
        kwargs.setdefault("meta", {"csrf": False})
        kwargs.setdefault("data", {"action": action, "owner_id": owner,
                                   "deadline": owners.default_deadline()})
        super().__init__(formdata, **kwargs)


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
