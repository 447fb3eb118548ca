"""A year's records keep their year's catalogue: next year's import changes nothing in them,
re-importing a year never changes an opened round, "current year" is the working year, a year
nobody uses can be deleted, and every import refusal is a message (SQLite and PostgreSQL)."""
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import select

from portal.assignments.models import Assignment
from portal.catalogue import services as catalogue_services
from portal.catalogue.models import Catalogue, Criterion
from portal.extensions import db
from portal.findings.models import Finding, Remedy
from portal.rounds import services as S
from portal.rounds.models import Report, Round

from tests.rounds_factory import make_round, person
from tests.support import login_as

DATA = Path(__file__).resolve().parent.parent / "portal" / "catalogue" / "data" / "thanh_sen_2026.yaml"


class _FormReader(HTMLParser):
    """What a browser would send for the first form matching `selector` (fields as shown)."""

    def __init__(self, action_part: str):
        super().__init__()
        self.action_part, self.inside, self.done = action_part, False, False
        self.fields: list[tuple[str, str]] = []
        self._select = None
        self._select_first = None
        self._select_chosen = False
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and self.action_part in (a.get("action") or "__self__"):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.fields.append((self._select, a.get("value", "")))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def _resave(client, url, action_part="__self__", extra=None):
    """Open an edit page and save it unchanged, as a person pressing "Lưu" would."""
    page = client.get(url)
    assert page.status_code == 200, url
    reader = _FormReader(action_part)
    reader.feed(page.get_data(as_text=True))
    assert reader.fields, f"no form on {url}"
    data: dict = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    data.update(extra or {})
    return client.post(url, data=data)


def _import(client, raw: str, name="bo.yaml"):
    return client.post("/bo-noi-dung/nhap", data={"file": (io.BytesIO(raw.encode()), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def _yaml_2026() -> str:
    return DATA.read_text(encoding="utf-8")


def _db_state():
    findings = db.session.execute(select(Finding.id, Finding.area_id, Finding.criterion_id, Finding.unit_id,
                                         Finding.person_id, Finding.description).order_by(Finding.id)).all()
    remedies = db.session.execute(select(Remedy.id, Remedy.owner_id, Remedy.owner_unit_id, Remedy.deadline, Remedy.action)
                                  .order_by(Remedy.id)).all()
    assignments = db.session.execute(select(Assignment.id, Assignment.criterion_id, Assignment.lead_person_id,
                                            Assignment.lead_unit_id).order_by(Assignment.id)).all()
    reports = db.session.execute(select(Report.id, Report.criterion_id, Report.done_text, Report.status)
                                 .order_by(Report.id)).all()
    return findings, remedies, assignments, reports


def test_next_years_import_leaves_every_2026_record_unchanged_when_saved(app):
    manager = login_as(app, "vhxh.ha")
    raw_2027 = _yaml_2026().replace("year: 2026", "year: 2027").replace("năm 2026", "năm 2027")
    page = _import(manager, raw_2027).get_data(as_text=True)
    assert "Đã nhập bộ nội dung năm 2027" in page
    assert catalogue_services.current_catalogue().year == 2026  # the working year, not the newest
    # an open 2026 round for the report form
    rnd = make_round(state="open", deadline=__import__("datetime").date(2099, 1, 1),
                     start=__import__("datetime").date(2099, 1, 5), end=__import__("datetime").date(2099, 1, 9))
    rep = S.my_reports(person("vp.thu"), rnd.id)[0]
    db.session.expire_all()
    before = _db_state()
    finding = db.session.scalar(select(Finding).where(Finding.criterion_id.is_not(None)).order_by(Finding.id))
    remedy = db.session.scalar(select(Remedy).where(Remedy.confirmed_at.is_(None)).order_by(Remedy.id))
    assignment = db.session.scalar(select(Assignment).order_by(Assignment.id))
    assert finding.year == 2026 and finding.area_id
    for url in (f"/ton-tai/{finding.id}/sua", f"/ton-tai/bien-phap/{remedy.id}/sua",
                f"/phan-cong/noi-dung/{assignment.criterion_id}/sua"):
        r = _resave(manager, url, action_part="/sua" if "phan-cong" in url else "__self__")
        assert r.status_code in (200, 302, 303), (url, r.status_code)
    thu = login_as(app, "vp.thu")
    r = _resave(thu, f"/dot-kiem-tra/bao-cao/{rep.id}", action_part=f"/dot-kiem-tra/bao-cao/{rep.id}",
                extra={"action": "save"})
    assert r.status_code == 303
    db.session.expire_all()
    assert _db_state() == before
    # the edit forms offer the record's year only
    page = manager.get(f"/ton-tai/{finding.id}/sua").get_data(as_text=True)
    ids_2027 = set(db.session.scalars(select(Criterion.id).join(Catalogue).where(Catalogue.year == 2027)))
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', page.split('name="criterion_id"')[1].split("</select>")[0])}
    assert offered and not offered & ids_2027


def test_reimporting_the_year_never_changes_an_opened_round(app):
    manager = login_as(app, "vhxh.ha")
    closed = db.session.scalar(select(Round).where(Round.state == "closed"))
    rep = db.session.scalar(select(Report).where(Report.round_id == closed.id).order_by(Report.id))
    code, old_text = rep.criterion.code, rep.criterion.text
    raw = _yaml_2026()
    assert old_text in raw
    raw = raw.replace(old_text, "Nội dung đã được viết lại trong lần nhập sau.")
    page = _import(manager, raw).get_data(as_text=True)
    assert "Đã nhập bộ nội dung năm 2026" in page
    db.session.expire_all()
    assert db.session.scalar(select(Criterion.text).where(Criterion.code == code, Criterion.catalogue_id == closed.catalogue_id)) \
        == "Nội dung đã được viết lại trong lần nhập sau."
    # the report as shown (the change log below it is the audit area's: it names rows as they read now)
    shown = manager.get(f"/dot-kiem-tra/bao-cao/{rep.id}").get_data(as_text=True).split('<details class="history">')[0]
    assert old_text in shown and "viết lại trong lần nhập sau" not in shown
    queue = manager.get(f"/dot-kiem-tra/{closed.id}/tham-dinh").get_data(as_text=True)
    assert "viết lại trong lần nhập sau" not in queue
    from portal.rounds import selfreport

    context = selfreport.build_context(closed, None)
    assert "viết lại trong lần nhập sau" not in repr(context)


def test_dropping_a_used_area_is_a_message_not_a_500(app):
    manager = login_as(app, "vhxh.ha")
    raw = _yaml_2026()
    start = raw.index('  - code: "1.2"')
    end = raw.index('  - code: "1.3"')
    response = _import(manager, raw[:start] + raw[end:])
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Không thể bỏ" in text and "Chưa nhập gì" in text
    db.session.expire_all()
    assert db.session.scalar(select(Criterion.id).where(Criterion.code == "1.2.1")) is not None


def test_a_year_nobody_uses_can_be_deleted_a_used_one_cannot(app):
    manager = login_as(app, "vhxh.ha")
    _import(manager, _yaml_2026().replace("year: 2026", "year: 2030"))
    page = manager.get("/bo-noi-dung/?nam=2030").get_data(as_text=True)
    assert 'id="delete-year-form"' in page
    assert login_as(app, "vp.thu").post("/bo-noi-dung/2030/xoa").status_code == 403
    r = manager.post("/bo-noi-dung/2030/xoa", follow_redirects=True)
    assert r.status_code == 200 and "Đã xóa bộ nội dung “Kế hoạch kiểm tra CCHC năm 2030”" in r.get_data(as_text=True)
    assert catalogue_services.catalogue_for_year(2030) is None
    page = manager.get("/bo-noi-dung/?nam=2026").get_data(as_text=True)
    assert 'id="delete-year-form"' not in page and "Không thể xóa bộ nội dung “Kế hoạch kiểm tra CCHC năm 2026”" in page
    r = manager.post("/bo-noi-dung/2026/xoa", follow_redirects=True)
    assert r.status_code == 200 and "Không thể xóa bộ nội dung “Kế hoạch kiểm tra CCHC năm 2026”" in r.get_data(as_text=True)
    assert catalogue_services.catalogue_for_year(2026) is not None
    assert manager.post("/bo-noi-dung/1999/xoa").status_code == 404


def test_opening_a_round_freezes_its_criteria(app):
    rnd = make_round(count=3)
    rows = {r.criterion_id: r for r in S.round_reports(rnd.id)}
    assert all(r.frozen is not None and r.item.text == r.criterion.text for r in rows.values())
    crit = next(iter(rows.values())).criterion
    crit.text = "Đổi sau khi mở đợt."
    db.session.commit()
    db.session.expire_all()
    rep = db.session.get(Report, next(iter(rows.values())).id)
    assert rep.item.text != "Đổi sau khi mở đợt." and rep.item.code == crit.code
    assert rep.item.area.label.startswith(crit.area.code)
