"""Issue 10: every finding carries its first remedy (what to do, a person or a unit, a deadline
defaulting to the ward's setting): the round review's finding form, the ad-hoc / higher-level
finding form and each ISO nonconformity, through one form, fragment and service; a unit's
remedy reaches its members' to-do lists and its head's messages, and is followed to closure."""
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.accounts.models import Unit
from portal.adhoc.models import AdhocEntry
from portal.extensions import db
from portal.findings.models import Finding, Remedy
from portal.notifications.models import Notification
from portal.rounds import services as RS
from portal.settings.models import get_settings
from portal.timeutil import today

from tests.findings_support import chosen_owner, demo_ids, uid, user
from tests.rounds_factory import make_round, person
from tests.support import HTMX, login_as

PAST = date(2026, 1, 5)


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _unit(short: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.short_name == short))


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _first(action="Ban hành kế hoạch khắc phục", owner=None, days=20) -> dict:
    return {"remedy_action": action, **({"remedy_owner_id": owner} if owner is not None else {}),
            "remedy_deadline": _dmy(today() + timedelta(days=days))}


# -- the three kinds of finding ------------------------------------------------------------------

def _round_report(author="vp.thu"):
    rnd = make_round(state="review", deadline=PAST, start=date(2026, 1, 10), count=1, authors=(author,))
    return RS.round_reports(rnd.id)[0]


def _post_round(client, rep, data, headers=None):
    base = {"description": "Chưa ban hành kế hoạch.", "cause": "chu_quan", "recommendation": ""}
    return client.post(f"/dot-kiem-tra/bao-cao/{rep.id}/ton-tai", data={**base, **data}, headers=headers or {})


def _post_new(client, data, entry_id=None):
    base = {"description": "Công chức không đeo thẻ", "source_ref": "Văn bản 5/SNV", "found_on": _dmy(today()),
            "cause": "chu_quan"}
    url = f"/ton-tai/moi?dot_xuat={entry_id}" if entry_id else "/ton-tai/moi"
    return client.post(url, data={**base, **data})


def _iso_finding():
    """A nonconformity of the demo's completed sample check, without a remedy."""
    finding = db.session.scalar(select(Finding).where(Finding.source == "iso", ~Finding.remedies.any())
                                .order_by(Finding.id))
    assert finding is not None, "the demo's sample check should have nonconformities"
    return finding


def _post_iso(client, finding, data, headers=None):
    return client.post(f"/iso/boc-mau/{finding.source_id}/ton-tai/{finding.id}/bien-phap", data=data,
                       headers=headers or {})


def test_round_finding_with_a_unit_owner_reaches_the_unit(app):
    rep = _round_report("vp.thu")
    kt = _unit("KTHTĐT")
    r = _post_round(login_as(app, "vp.viet"), rep, _first(owner=f"u{kt.id}", days=5))  # due soon: on the to-do
    assert r.status_code == 303, r.text[:400]
    remedy = db.session.scalar(select(Remedy).join(Finding).where(Finding.source_id == rep.id,
                                                                  Finding.source == "round"))
    assert (remedy.owner_id, remedy.owner_unit_id, remedy.owner_name) == (None, kt.id, kt.name)
    # the head hears of it (kt.duc, Trưởng phòng); the members see it among their own work
    told = {n.user.username for n in db.session.scalars(select(Notification).where(
        Notification.key == f"remedy:{remedy.id}:owner:u{kt.id}"))}
    assert told == {"kt.duc"}
    lan = login_as(app, "kt.lan")
    assert f"#bien-phap-{remedy.id}" in lan.get("/viec-can-lam").text  # "Việc của tôi"
    assert f"giao {kt.name}" in lan.get("/").text  # the home panel "Biện pháp khắc phục của tôi"
    page = lan.get(f"/ton-tai/{remedy.finding_id}").text
    assert f"/ton-tai/bien-phap/{remedy.id}/bao-cao" in page and "Đơn vị thực hiện" in page
    assert f'href="/ton-tai/{remedy.finding_id}"' in lan.get("/ton-tai/").text
    # someone from another unit neither sees nor reports it
    tam = login_as(app, "tt.tam")
    assert tam.get(f"/ton-tai/{remedy.finding_id}").status_code == 403
    assert tam.post(f"/ton-tai/bien-phap/{remedy.id}/bao-cao", data={"status": "done", "text": "x"}).status_code == 403
    # followed to closure: a member reports it done, the team confirms, the finding closes
    assert lan.post(f"/ton-tai/bien-phap/{remedy.id}/bao-cao",
                    data={"status": "done", "text": "Đã ban hành kế hoạch."}).status_code == 303
    assert login_as(app, "kt.duc").post(f"/ton-tai/bien-phap/{remedy.id}/xac-nhan",
                                        data={"note": "Đạt"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Finding, remedy.finding_id).closed_at is not None
    settled = db.session.scalars(select(Notification).where(Notification.key == f"remedy:{remedy.id}:settled")).all()
    assert [n.user.username for n in settled] == []  # the head confirmed it himself: nobody else to tell


def test_round_finding_person_owner_and_the_report_without_author(app):
    rep = _round_report("vp.khoa")
    viet = login_as(app, "vp.viet")
    page = viet.get(f"/dot-kiem-tra/bao-cao/{rep.id}").text
    assert chosen_owner(page) == f"p{person('vp.khoa').id}"
    assert "Biện pháp khắc phục đầu tiên" in page
    r = _post_round(viet, rep, _first(owner=f"p{uid('kt.lan')}"))
    assert r.status_code == 303
    remedy = db.session.scalar(select(Remedy).join(Finding).where(Finding.source_id == rep.id,
                                                                  Finding.source == "round"))
    assert (remedy.owner_id, remedy.owner_unit_id) == (uid("kt.lan"), None)
    # the report's page lists the finding with its remedy
    page = viet.get(f"/dot-kiem-tra/bao-cao/{rep.id}").text
    assert f"#bien-phap-{remedy.id}" in page and "Nguyễn Thị Lan" in page
    # a report with no author (a unit-only assignment): the owner is pre-filled with its unit
    rep.author_id = None
    db.session.commit()
    page = viet.get(f"/dot-kiem-tra/bao-cao/{rep.id}").text
    assert chosen_owner(page) == f"u{rep.unit_id}"


def test_adhoc_and_higher_findings_carry_their_first_remedy(app):
    ids = demo_ids()
    ha = login_as(app, "vhxh.ha")
    entry = db.session.get(AdhocEntry, ids["e2"])
    page = ha.get(f"/ton-tai/moi?dot_xuat={entry.id}").text
    expected = f"p{entry.person_id}" if entry.person_id else f"u{entry.unit_id}"
    assert chosen_owner(page) == expected  # the person (else the unit) inspected
    assert f'value="{_dmy(today() + timedelta(days=30))}"' in page  # the ward's default, 30 days
    r = _post_new(ha, {**_first(owner=f"u{_unit('TTPVHCC').id}")}, entry_id=entry.id)
    assert r.status_code == 303
    finding = db.session.get(Finding, int(r.headers["Location"].rsplit("/", 1)[1]))
    assert finding.source == "adhoc" and [x.owner_unit_id for x in finding.remedies] == [_unit("TTPVHCC").id]
    r = _post_new(ha, _first(owner=f"p{uid('tt.tam')}"))
    assert r.status_code == 303
    finding = db.session.get(Finding, int(r.headers["Location"].rsplit("/", 1)[1]))
    assert finding.source == "higher" and [x.owner_id for x in finding.remedies] == [uid("tt.tam")]
    assert page.count('name="remedy_action"') == 1 and chosen_owner(ha.get("/ton-tai/moi").text) == ""


def _iso_form_url(finding) -> str:
    return f"/iso/boc-mau/{finding.source_id}/ton-tai/{finding.id}/bien-phap"


def test_iso_nonconformity_asks_for_its_first_remedy_htmx(app):
    finding = _iso_finding()
    viet = login_as(app, "vp.viet")
    page = viet.get(f"/iso/boc-mau/{finding.source_id}").text
    assert f'id="ton-tai-{finding.id}"' in page and "chưa có biện pháp khắc phục" in page
    item = page.split(f'id="ton-tai-{finding.id}"')[1].split("</li>")[0]
    # the page carries no form: under each finding, a button opens its own in place
    assert 'name="remedy_action"' not in page and "Giao biện pháp khắc phục…" in item
    url = _iso_form_url(finding)
    assert f'hx-get="{url}"' in item and f'hx-target="#ton-tai-{finding.id}"' in item
    opened = viet.get(url, headers=HTMX)
    assert opened.status_code == 200 and "<html" not in opened.text and f'id="ton-tai-{finding.id}"' in opened.text
    item = opened.text
    assert item.count('name="remedy_action"') == 1 and f'action="{url}"' in item
    assert chosen_owner(item) == (f"p{finding.person_id}" if finding.person_id else f"u{finding.unit_id}")
    assert finding.recommendation and finding.recommendation.split(",")[0] in item  # what to do, pre-filled
    # one form opened on demand lists every active person and unit at once, the pre-filled one chosen
    assert f'value="u{_unit("KTHTĐT").id}"' in item and f'value="p{uid("kt.lan")}"' in item
    assert item.count(" selected") == 1
    # "Hủy" closes it again: the button is back, the focus goes to it
    closed = viet.get(url + "?dong=1", headers=HTMX)
    assert closed.status_code == 200 and 'name="remedy_action"' not in closed.text
    assert f'id="giao-{finding.id}"' in closed.text and f'data-focus="#giao-{finding.id}"' in item
    # errors come back in the fragment, with what was typed
    r = _post_iso(viet, finding, {"remedy_action": "Chấn chỉnh bước 2", "remedy_owner_id": "u999999",
                                  "remedy_deadline": _dmy(today() - timedelta(days=1))}, headers=HTMX)
    assert r.status_code == 422 and "<html" not in r.text and f'id="ton-tai-{finding.id}"' in r.text
    assert "Đơn vị thực hiện không tồn tại hoặc đã ngừng hoạt động." in r.text
    assert "Thời hạn đã qua" in r.text and "Chấn chỉnh bước 2" in r.text
    r = _post_iso(viet, finding, _first("Chấn chỉnh bước 2", owner=f"u{_unit('TTPVHCC').id}"), headers=HTMX)
    assert r.status_code == 200 and "Đã giao biện pháp khắc phục." in r.text and "<form" not in r.text
    db.session.expire_all()
    [remedy] = db.session.get(Finding, finding.id).remedies
    assert (remedy.action, remedy.owner_unit_id) == ("Chấn chỉnh bước 2", _unit("TTPVHCC").id)
    # a second first remedy is refused (another inspector was quicker)
    r = _post_iso(viet, finding, _first("Lần nữa", owner=f"p{uid('tt.tam')}"), headers=HTMX)
    assert r.status_code == 422 and "đã có biện pháp khắc phục" in r.text
    # the remedy follows the usual road to closure: the unit (tt.mai, its deputy head, who is told) reports
    told = {n.user.username for n in db.session.scalars(select(Notification).where(
        Notification.key.like(f"remedy:{remedy.id}:owner:%")))}
    assert told == {"tt.mai"}  # no "Giám đốc" recorded: the deputy stands for the unit
    assert login_as(app, "tt.tam").post(f"/ton-tai/bien-phap/{remedy.id}/bao-cao",
                                        data={"status": "done", "text": "Đã chấn chỉnh."}).status_code == 303
    assert viet.post(f"/ton-tai/bien-phap/{remedy.id}/xac-nhan", data={"note": ""}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).closed_at is not None


def test_iso_first_remedy_without_htmx_and_permissions(app):
    finding = _iso_finding()
    data = _first("Chấn chỉnh", owner=f"p{uid('tt.tam')}")
    for username in ("tt.tam", "chutich", "yt.huong"):
        reader = login_as(app, username)
        assert _post_iso(reader, finding, data).status_code == 403
        assert reader.get(_iso_form_url(finding), headers=HTMX).status_code == 403
    # readers of the check see that a remedy is missing, with no button to give one
    page = login_as(app, "chutich").get(f"/iso/boc-mau/{finding.source_id}").text
    assert "Chưa có biện pháp khắc phục" in page and "Giao biện pháp khắc phục…" not in page
    ha = login_as(app, "vhxh.ha")
    # without JavaScript the button is a link: the check's page comes back with that one form open
    opened = ha.get(_iso_form_url(finding))
    assert opened.status_code == 200 and "<html" in opened.text and opened.text.count('name="remedy_action"') == 1
    assert f'action="{_iso_form_url(finding)}"' in opened.text
    ha = login_as(app, "vhxh.ha")
    bad = _post_iso(ha, finding, {**data, "remedy_action": "  "})
    assert bad.status_code == 422 and "<html" in bad.text and "Vui lòng nhập biện pháp khắc phục." in bad.text
    r = _post_iso(ha, finding, data)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"#ton-tai-{finding.id}")
    # a finding of another source, or of another check, is not found here
    other = db.session.scalar(select(Finding).where(Finding.source != "iso"))
    assert ha.post(f"/iso/boc-mau/{finding.source_id}/ton-tai/{other.id}/bien-phap", data=data).status_code == 404
    assert ha.post(f"/iso/boc-mau/999999/ton-tai/{finding.id}/bien-phap", data=data).status_code == 404
    assert ha.get(f"/iso/boc-mau/{finding.source_id}/ton-tai/{other.id}/bien-phap").status_code == 404
    assert ha.get(f"/iso/boc-mau/999999/ton-tai/{finding.id}/bien-phap", headers=HTMX).status_code == 404
    # once given, opening the form again shows the remedy instead (htmx) or goes back to the page
    gone = ha.get(_iso_form_url(finding), headers=HTMX)
    assert gone.status_code == 200 and 'name="remedy_action"' not in gone.text and "Biện pháp khắc phục:" in gone.text
    back = ha.get(_iso_form_url(finding))
    assert back.status_code == 303 and back.headers["Location"].endswith(f"/iso/boc-mau/{finding.source_id}#ton-tai-{finding.id}")


# -- bad input, the same everywhere ---------------------------------------------------------------

BAD = [
    ("past deadline", {"remedy_deadline": _dmy(date(2026, 1, 1))}, "Thời hạn"),
    ("unknown person", {"remedy_owner_id": "p999999"}, "Người thực hiện không tồn tại hoặc đã bị khóa."),
    ("unknown unit", {"remedy_owner_id": "u999999"}, "Đơn vị thực hiện không tồn tại hoặc đã ngừng hoạt động."),
    ("garbage owner", {"remedy_owner_id": "x<script>"}, "Người thực hiện không tồn tại hoặc đã bị khóa."),
    ("no owner", {"remedy_owner_id": ""}, "Vui lòng chọn người hoặc đơn vị thực hiện."),
    ("empty action", {"remedy_action": "   "}, "Vui lòng nhập biện pháp khắc phục."),
    ("bad date", {"remedy_deadline": "31/02/2027"}, "Thời hạn không hợp lệ (dd/mm/yyyy)."),
    ("deactivated", {"remedy_owner_id": "DEACTIVATED"}, "Người thực hiện không tồn tại hoặc đã bị khóa."),
]


def _bad_data(data):
    if data.get("remedy_owner_id") == "DEACTIVATED":
        lan = user("kt.lan")
        lan.active = False
        db.session.commit()
        return {**data, "remedy_owner_id": f"p{lan.id}"}
    return data


@pytest.mark.parametrize("case, data, message", BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("kind", ["round", "adhoc", "iso"])
def test_bad_first_remedy_is_a_vietnamese_message(app, kind, case, data, message):
    findings, remedies = _count(Finding), _count(Remedy)
    good = _first("Khắc phục ngay", owner=f"p{uid('tt.tam')}")
    if kind == "round":
        rep = _round_report()
        findings = _count(Finding)
        r = _post_round(login_as(app, "vp.viet"), rep, {**good, **_bad_data(data)}, headers=HTMX)
        assert "<html" not in r.text and 'id="findings"' in r.text  # the section alone, typed text kept
        assert "Chưa ban hành kế hoạch." in r.text
    elif kind == "adhoc":
        r = _post_new(login_as(app, "vhxh.ha"), {**good, **_bad_data(data)}, entry_id=demo_ids()["e2"])
        assert "Công chức không đeo thẻ" in r.text
    else:
        finding = _iso_finding()
        r = _post_iso(login_as(app, "vp.viet"), finding, {**good, **_bad_data(data)}, headers=HTMX)
    assert r.status_code == 422, r.text[:300]
    assert message in r.text
    db.session.expire_all()
    assert (_count(Finding), _count(Remedy)) == (findings, remedies)  # nothing half-saved


def test_finding_and_remedy_errors_are_told_together(app):
    r = _post_new(login_as(app, "vhxh.ha"), {"description": "", "remedy_action": "", "remedy_owner_id": ""})
    assert r.status_code == 422
    for message in ("Vui lòng nhập nội dung tồn tại, hạn chế.", "Vui lòng nhập biện pháp khắc phục.",
                    "Vui lòng chọn người hoặc đơn vị thực hiện."):
        assert message in r.text


def test_who_may_record_a_finding_with_its_remedy(app):
    rep = _round_report()  # in review: the round's team records findings
    for username in ("vp.thu", "chutich", "tt.tam"):
        assert _post_round(login_as(app, username), rep, _first(owner=f"p{uid('tt.tam')}")).status_code == 403
    for username in ("chutich", "tt.tam", "vp.viet", "kt.duc"):
        assert _post_new(login_as(app, username), _first(owner=f"p{uid('tt.tam')}")).status_code == 403
    assert login_as(app, "tt.tam").get("/ton-tai/nguoi-thuc-hien").status_code == 200  # names only
    assert app.test_client().get("/ton-tai/nguoi-thuc-hien").status_code == 302


# -- the ward setting -------------------------------------------------------------------------------

def _settings_form(client) -> dict:
    from tests.test_catalogue_years import _FormReader

    reader = _FormReader("__self__")
    reader.feed(client.get("/cai-dat/").text)
    return dict(reader.fields)


def test_default_deadline_follows_the_ward_setting(app):
    ha = login_as(app, "vhxh.ha")
    page = ha.get("/cai-dat/").text
    assert "Thời hạn mặc định của biện pháp khắc phục" in page and 'value="30"' in page
    for bad, message in (("0", "Số ngày phải từ 1 đến 365."), ("366", "Số ngày phải từ 1 đến 365."),
                         ("mười", "Giá trị phải là số nguyên.")):
        r = ha.post("/cai-dat/", data={**_settings_form(ha), "remedy_deadline_days": bad})
        assert r.status_code == 422 and message in r.text
    assert ha.post("/cai-dat/", data={**_settings_form(ha), "remedy_deadline_days": "45"}).status_code == 302
    db.session.expire_all()
    assert get_settings().remedy_deadline_days == 45
    history = ha.get("/cai-dat/").text  # the change log names the setting, the values and who
    assert re.search(r'Thời hạn mặc định của biện pháp khắc phục \(ngày\)</span>: <del>30</del> → <ins>45</ins>',
                     history) and "Võ Thị Hà" in history
    # every finding form now pre-fills 45 days
    want = f'value="{_dmy(today() + timedelta(days=45))}"'
    rep = _round_report()
    assert want in login_as(app, "vp.viet").get(f"/dot-kiem-tra/bao-cao/{rep.id}").text
    assert want in ha.get("/ton-tai/moi").text
    finding = _iso_finding()
    assert want in login_as(app, "vp.viet").get(_iso_form_url(finding), headers=HTMX).text
    # a form from before the setting existed (no such field) keeps it
    old = {k: v for k, v in _settings_form(ha).items() if k != "remedy_deadline_days"}
    assert ha.post("/cai-dat/", data=old).status_code == 302
    db.session.expire_all()
    assert get_settings().remedy_deadline_days == 45


# -- everything that lists remedies handles a unit owner ----------------------------------------------

def _unit_remedy(days_left=2) -> Remedy:
    from portal.findings import services as S

    finding = db.session.get(Finding, demo_ids()["f"])
    remedy = S.add_remedy(finding, action="Rà soát toàn bộ hồ sơ trễ hạn", owner_unit_id=_unit("KTHTĐT").id,
                          deadline=today() + timedelta(days=days_left))
    db.session.commit()
    return remedy


def test_unit_remedy_in_todo_lists_exports_and_dashboard(app):
    remedy = _unit_remedy()
    unit = _unit("KTHTĐT")
    lan = login_as(app, "kt.lan")
    todo = lan.get("/viec-can-lam").text
    assert "Biện pháp khắc phục (của đơn vị): Rà soát toàn bộ hồ sơ trễ hạn" in todo
    assert "Rà soát toàn bộ hồ sơ trễ hạn" not in login_as(app, "yt.huong").get("/viec-can-lam").text
    ws = load_workbook(io.BytesIO(login_as(app, "vhxh.ha").get("/ton-tai/xuat-excel?trang_thai=all").data)).active
    cells = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert f"Rà soát toàn bộ hồ sơ trễ hạn ({unit.name}, hạn" in cells
    drill = login_as(app, "chutich").get(f"/bang-dieu-khien/chi-tiet?loai=bien-phap&nam={remedy.finding.year}&loc=open")
    assert drill.status_code == 200 and unit.name in drill.text
    from portal.reports import exports

    book = load_workbook(io.BytesIO(exports.findings(remedy.finding.year)))
    assert unit.name in [c.value for row in book["Biện pháp khắc phục"].iter_rows() for c in row]


def test_unit_remedy_reminders_go_to_its_head(app):
    from portal.findings.reminders import overdue_reminders
    from portal.notifications.reminders import remedy_deadlines

    remedy = _unit_remedy(days_left=3)
    due = [r for r in remedy_deadlines(today()) if f"remedy:{remedy.id}:" in r.key]
    assert [r.user.username for r in due] == ["kt.duc"]
    late = [r for r in overdue_reminders(remedy.deadline + timedelta(days=1)) if f":{remedy.id}:" in r.key]
    assert [r.user.username for r in late] == ["kt.duc"]
    digest = [r for r in overdue_reminders(remedy.deadline + timedelta(days=1)) if "digest" in r.key][0]
    assert f"- {_unit('KTHTĐT').name}: Rà soát toàn bộ hồ sơ trễ hạn" in digest.body


def test_remedy_edit_form_offers_units_and_keeps_the_owner(app):
    remedy = _unit_remedy()
    ha = login_as(app, "vhxh.ha")
    page = ha.get(f"/ton-tai/bien-phap/{remedy.id}/sua").text
    assert chosen_owner(page, "owner_id") == f"u{_unit('KTHTĐT').id}"
    r = ha.post(f"/ton-tai/bien-phap/{remedy.id}/sua", data={
        "action": remedy.action, "owner_id": f"p{uid('kt.lan')}", "deadline": _dmy(remedy.deadline),
        "version": remedy.version})
    assert r.status_code == 303
    db.session.expire_all()
    assert (remedy.owner_id, remedy.owner_unit_id) == (uid("kt.lan"), None)


# -- a 2027 catalogue import changes nothing in 2026 records, unit owners included ---------------------

def test_saving_unit_and_late_remedies_unchanged_changes_nothing(app):
    from tests.test_catalogue_years import _import, _resave, _yaml_2026

    ha = login_as(app, "vhxh.ha")
    raw_2027 = _yaml_2026().replace("year: 2026", "year: 2027").replace("năm 2026", "năm 2027")
    assert "Đã nhập bộ nội dung năm 2027" in _import(ha, raw_2027).text
    unit_remedy = _unit_remedy()
    late = db.session.scalar(select(Remedy).where(Remedy.deadline < today(), Remedy.confirmed_at.is_(None)))
    assert late is not None, "the demo has an overdue remedy"
    late.owner.active = False  # its owner has left since
    db.session.commit()

    def state():
        return db.session.execute(select(Remedy.id, Remedy.owner_id, Remedy.owner_unit_id, Remedy.deadline,
                                         Remedy.action, Remedy.version).order_by(Remedy.id)).all()

    db.session.expire_all()
    before = state()
    for remedy_id in (unit_remedy.id, late.id):
        r = _resave(ha, f"/ton-tai/bien-phap/{remedy_id}/sua")
        assert r.status_code == 303, (remedy_id, r.text[:500])
    db.session.expire_all()
    assert state() == before


def test_csrf_guards_every_first_remedy_form(app):
    from flask import g

    from tests.test_findings_web import login_as_csrf

    rep = _round_report()
    finding = _iso_finding()
    app.config["WTF_CSRF_ENABLED"] = True
    data = _first("Khắc phục", owner=f"p{uid('tt.tam')}")
    posts = [("vp.viet", f"/dot-kiem-tra/bao-cao/{rep.id}", f"/dot-kiem-tra/bao-cao/{rep.id}/ton-tai",
              {"description": "Thiếu", "cause": "chu_quan"}),
             ("vhxh.ha", "/ton-tai/moi", "/ton-tai/moi", {"description": "Thiếu", "source_ref": "CV 1",
                                                           "cause": "chu_quan", "found_on": _dmy(today())}),
             ("vp.viet", _iso_form_url(finding), _iso_form_url(finding), {})]
    for username, page_url, url, extra in posts:
        g.pop("csrf_token", None)  # the tests share one app context: no token left from another client
        client = login_as_csrf(app, username)
        refused = client.post(url, data={**data, **extra})
        assert refused.status_code == 400 and "Phiên làm việc đã hết hạn" in refused.text, url
        # the form on the page carries the token of the client's session
        page = client.get(page_url).text
        at = f'action="{url}"' if f'action="{url}"' in page else '<form method="post" novalidate class="grid-form">'
        form = page[page.index(at):]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form[:form.index("</form>")]).group(1)
        ok = client.post(url, data={**data, **extra, "csrf_token": token})
        assert ok.status_code == 303, (url, ok.status_code)
