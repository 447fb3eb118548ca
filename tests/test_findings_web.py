"""Findings pages over HTTP: permissions on every route, bad input, escaping, ad-hoc findings."""
import re
from datetime import timedelta
from io import BytesIO

import pytest

from portal.extensions import db
from portal.findings import services as S
from portal.findings.models import Finding
from portal.timeutil import today

from tests.findings_support import demo_ids, uid
from tests.support import HTMX, login_as

USERS = ["admin", "chutich", "vhxh.ha", "kt.duc", "tt.tam", "tt.mai", "yt.huong"]
MANAGERS = {"admin", "vhxh.ha"}
TEAM = MANAGERS | {"kt.duc"}
READ_ALL = TEAM | {"chutich"}


def _remedy_data(ids):
    return {"action": "Bổ sung hồ sơ", "owner_id": uid("kt.lan"),
            "deadline": ids["found_on"].replace(year=ids["found_on"].year + 1).isoformat()}


def _first_remedy(owner="tt.tam", days=30):
    """The first remedy a new finding carries (issue 10): what to do, who, by when."""
    return {"remedy_action": "Chấn chỉnh, báo cáo kết quả", "remedy_owner_id": f"p{uid(owner)}",
            "remedy_deadline": (today() + timedelta(days=days)).strftime("%d/%m/%Y")}


# (method, url template, data builder or None, who may) — every route of the findings area.
ROUTES = [
    ("get", "/ton-tai/", None, set(USERS)),
    ("get", "/ton-tai/xuat-excel", None, set(USERS)),  # each sees only their own rows (tested below)
    ("get", "/ton-tai/{f}", None, READ_ALL | {"tt.tam", "tt.mai"}),
    ("get", "/ton-tai/{fa}", None, READ_ALL | {"tt.tam"}),
    # the history panels: whoever may open the finding (tt.tam and tt.mai own its remedies)
    ("get", "/ton-tai/{f}/lich-su", None, READ_ALL | {"tt.tam", "tt.mai"}),
    ("get", "/ton-tai/{fa}/lich-su", None, READ_ALL | {"tt.tam"}),
    ("get", "/ton-tai/bien-phap/{r_tam}/lich-su", None, READ_ALL | {"tt.tam", "tt.mai"}),
    ("get", "/ton-tai/moi", None, MANAGERS),
    ("get", "/ton-tai/moi?dot_xuat={e}", None, MANAGERS),
    ("post", "/ton-tai/moi", lambda ids: {"description": "Tồn tại mới", "source_ref": "Văn bản 1/SNV",
                                          "found_on": "2026-05-05", "cause": "chu_quan", **_first_remedy()},
     MANAGERS),
    ("get", "/ton-tai/{f}/sua", None, MANAGERS),
    ("post", "/ton-tai/{f}/bien-phap", _remedy_data, MANAGERS),
    ("get", "/ton-tai/bien-phap/{r_tam}/sua", None, MANAGERS),
    ("post", "/ton-tai/bien-phap/{r_tam}/bao-cao", lambda ids: {"status": "doing", "text": "Đang làm"}, {"tt.tam"}),
    ("post", "/ton-tai/bien-phap/{r_mai}/bao-cao", lambda ids: {"status": "done", "text": "Xong"}, {"tt.mai"}),
    ("post", "/ton-tai/bien-phap/{r_tam}/xac-nhan", lambda ids: {"note": ""}, TEAM),
    ("post", "/ton-tai/bien-phap/{r_tam}/kien-nghi", lambda ids: {"note": "Vượt thẩm quyền"}, TEAM),
    ("post", "/ton-tai/bien-phap/{r_tam}/tai-kiem-tra",
     lambda ids: {"inspected_on": "2026-12-01", "passed": "1", "result": "Đạt"}, TEAM),
]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("method, url, data, allowed", ROUTES, ids=[f"{m} {u}" for m, u, _d, _a in ROUTES])
def test_permissions(app, username, method, url, data, allowed):
    ids = demo_ids()
    client = login_as(app, username)
    target = url.format(**ids)
    if method == "get":
        response = client.get(target)
        expected = 200
    else:
        response = client.post(target, data=data(ids))
        expected = 303
    assert response.status_code == (expected if username in allowed else 403), (target, response.text[:300])


def test_edit_finding_post_permissions(app):
    ids = demo_ids()
    f = db.session.get(Finding, ids["f"])
    data = {"description": "Sửa lại", "source_ref": f.source_ref, "found_on": f.found_on.isoformat(),
            "cause": "khach_quan", "version": f.version}
    assert login_as(app, "chutich").post(f"/ton-tai/{f.id}/sua", data=data).status_code == 403
    assert login_as(app, "tt.tam").post(f"/ton-tai/{f.id}/sua", data=data).status_code == 403
    assert login_as(app, "vhxh.ha").post(f"/ton-tai/{f.id}/sua", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Finding, f.id).cause == "khach_quan"
    # a second save from the same stale form is refused, nothing saved
    r = login_as(app, "vhxh.ha").post(f"/ton-tai/{f.id}/sua", data={**data, "description": "Ghi đè"})
    assert r.status_code == 409 and "người khác cập nhật" in r.text


def test_staff_list_shows_only_their_findings(app):
    ids = demo_ids()
    yt = login_as(app, "yt.huong").get("/ton-tai/?trang_thai=all")
    assert "Không có tồn tại, hạn chế nào" in yt.text
    mai = login_as(app, "tt.mai").get("/ton-tai/?trang_thai=all")
    assert f'href="/ton-tai/{ids["f"]}"' in mai.text and f'href="/ton-tai/{ids["fa"]}"' not in mai.text
    boss = login_as(app, "chutich").get("/ton-tai/?trang_thai=all")
    assert f'href="/ton-tai/{ids["f"]}"' in boss.text and f'href="/ton-tai/{ids["fa"]}"' in boss.text


def test_owner_sees_report_form_only_on_own_remedy(app):
    ids = demo_ids()
    page = login_as(app, "tt.mai").get(f"/ton-tai/{ids['f']}").text
    assert f"/ton-tai/bien-phap/{ids['r_mai']}/bao-cao" in page
    assert f"/ton-tai/bien-phap/{ids['r_tam']}/bao-cao" not in page
    assert "/xac-nhan" not in page
    leader = login_as(app, "chutich").get(f"/ton-tai/{ids['f']}").text
    assert not re.search(r"/ton-tai/bien-phap/\d+/bao-cao", leader)
    assert "/xac-nhan" not in leader and "Thêm biện pháp" not in leader


# -- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("data, message", [
    ({"description": ""}, "Vui lòng nhập nội dung tồn tại, hạn chế."),
    ({"description": "a" * 10_000}, "tối đa 5.000 ký tự"),
    ({"source_ref": ""}, "Vui lòng nhập văn bản, nguồn chỉ ra."),
    ({"person_id": "99999"}, "Cán bộ, công chức không tồn tại"),
    ({"person_id": "abc"}, "Cán bộ, công chức không tồn tại"),
    ({"area_id": "-5"}, "Lĩnh vực không tồn tại."),
    ({"found_on": "hôm qua"}, "Ngày phát hiện không hợp lệ"),
    ({"cause": "xyz"}, "chủ quan hoặc khách quan"),
])
def test_new_finding_bad_input(app, data, message):
    client = login_as(app, "vhxh.ha")
    before = db.session.query(Finding).count()
    base = {"description": "Tồn tại", "source_ref": "Văn bản 1", "found_on": "2026-05-05", "cause": "chu_quan",
            **_first_remedy()}
    r = client.post("/ton-tai/moi", data={**base, **data})
    assert r.status_code == 422 and message in r.text
    assert db.session.query(Finding).count() == before


@pytest.mark.parametrize("data, message", [
    ({"deadline": "2000-01-01"}, "Thời hạn không được trước ngày phát hiện tồn tại"),
    ({"owner_id": "424242"}, "Người thực hiện không tồn tại hoặc đã bị khóa."),
    ({"owner_id": ""}, "Vui lòng chọn người hoặc đơn vị thực hiện."),
    ({"action": "   "}, "Vui lòng nhập biện pháp khắc phục."),
    ({"action": "b" * 10_000}, "tối đa 5.000 ký tự"),
    ({"deadline": ""}, "Vui lòng nhập thời hạn."),
])
def test_add_remedy_bad_input(app, data, message):
    ids = demo_ids()
    r = login_as(app, "vhxh.ha").post(f"/ton-tai/{ids['f']}/bien-phap", data={**_remedy_data(ids), **data})
    assert r.status_code == 422 and message in r.text


def test_bad_input_on_team_and_owner_forms(app):
    ids = demo_ids()
    r = login_as(app, "tt.tam").post(f"/ton-tai/bien-phap/{ids['r_tam']}/bao-cao", data={"status": "doing", "text": ""})
    assert r.status_code == 422 and "Vui lòng nhập nội dung báo cáo." in r.text
    r = login_as(app, "tt.tam").post(f"/ton-tai/bien-phap/{ids['r_tam']}/bao-cao", data={"status": "escalated", "text": "x"})
    assert r.status_code == 422 and "Trạng thái báo cáo không hợp lệ." in r.text
    r = login_as(app, "kt.duc").post(f"/ton-tai/bien-phap/{ids['r_tam']}/kien-nghi", data={"note": ""})
    assert r.status_code == 422 and "Vui lòng nhập nội dung kiến nghị cấp có thẩm quyền." in r.text
    r = login_as(app, "kt.duc").post(f"/ton-tai/bien-phap/{ids['r_tam']}/tai-kiem-tra",
                                     data={"inspected_on": "31/02/2026", "passed": "1", "result": "x"})
    assert r.status_code == 422 and "Ngày tái kiểm tra không hợp lệ" in r.text
    r = login_as(app, "tt.tam").post(f"/ton-tai/bien-phap/{ids['r_tam']}/bao-cao", content_type="multipart/form-data",
                                     data={"status": "doing", "text": "x", "files": (BytesIO(b""), "rỗng.pdf")})
    assert r.status_code == 422 and "rỗng" in r.text


def test_html_is_escaped_everywhere(app):
    client = login_as(app, "vhxh.ha")
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = client.post("/ton-tai/moi", data={"description": evil, "source_ref": evil, "found_on": "2026-05-05",
                                          "cause": "chu_quan", "recommendation": evil,
                                          **_first_remedy(), "remedy_action": evil})
    assert r.status_code == 303
    fid = int(r.headers["Location"].rsplit("/", 1)[1])
    r = client.post(f"/ton-tai/{fid}/bien-phap", data={"action": evil, "owner_id": uid("tt.tam"),
                                                       "deadline": _first_remedy()["remedy_deadline"]})
    assert r.status_code == 303
    for page in (f"/ton-tai/{fid}", "/ton-tai/?trang_thai=all"):
        text = client.get(page).text
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(" in text
    assert db.session.get(Finding, fid).description == evil


def test_unknown_ids_are_404(app):
    client = login_as(app, "admin")
    for url in ("/ton-tai/99999", "/ton-tai/99999/sua", "/ton-tai/bien-phap/99999/sua", "/ton-tai/moi?dot_xuat=99999"):
        assert client.get(url).status_code == 404
    assert client.post("/ton-tai/bien-phap/99999/xac-nhan").status_code == 404


# -- the ad-hoc source ----------------------------------------------------------------------

def test_adhoc_finding_in_lists_and_figure(app):
    ids = demo_ids()
    client = login_as(app, "vhxh.ha")
    before = S.findings_figure()
    r = client.post(f"/ton-tai/moi?dot_xuat={ids['e2']}", data={
        "description": "Công chức không đeo thẻ trong giờ làm việc", "found_on": "2026-10-26", "cause": "chu_quan",
        "unit_id": "", "person_id": str(uid("tt.tam")), **_first_remedy()})
    assert r.status_code == 303
    fid = int(r.headers["Location"].rsplit("/", 1)[1])
    finding = db.session.get(Finding, fid)
    assert (finding.source, finding.source_id) == ("adhoc", ids["e2"])
    after = S.findings_figure()
    assert after.total == before.total + 1 and after.open == before.open + 1
    listing = client.get("/ton-tai/?nguon=adhoc&q=the trong gio", headers=HTMX).text
    assert f'href="/ton-tai/{fid}"' in listing
    assert login_as(app, "vhxh.ha").get(f"/kiem-tra-dot-xuat/{ids['e2']}").text.count(f'/ton-tai/{fid}"') == 1
    # closing it (its first remedy confirmed) moves the figure
    rid = db.session.get(Finding, fid).remedies[0].id
    assert login_as(app, "kt.duc").post(f"/ton-tai/bien-phap/{rid}/xac-nhan", data={"note": ""}).status_code == 303
    db.session.expire_all()
    final = S.findings_figure()
    assert final.remedied == before.remedied + 1
    assert f'href="/ton-tai/{fid}"' in client.get("/ton-tai/?trang_thai=closed&nguon=adhoc").text


@pytest.mark.parametrize("params, shown, hidden", [
    ({"q": "VAN BAN XIN LOI"}, "f", "fa"),
    ({"q": "phieu xin loi"}, "fa", "f"),
    ({"nguon": "higher"}, "f", "fa"),
    ({"nguoi": "tt.mai"}, None, "fa"),
    ({"trang_thai": "overdue"}, "f", "fa"),
])
def test_filter_fragments(app, params, shown, hidden):
    ids = demo_ids()
    if params.get("nguoi"):
        params = {**params, "nguoi": uid(params["nguoi"])}
    r = login_as(app, "chutich").get("/ton-tai/", query_string=params, headers=HTMX)
    assert r.status_code == 200 and "<html" not in r.text and r.text.lstrip().startswith("{#") is False
    if shown:
        assert f'href="/ton-tai/{ids[shown]}"' in r.text
    assert f'href="/ton-tai/{ids[hidden]}"' not in r.text


def test_filter_by_area_and_unit(app):
    ids = demo_ids()
    f = db.session.get(Finding, ids["f"])
    client = login_as(app, "chutich")
    r = client.get("/ton-tai/", query_string={"linh_vuc": f.area_id}, headers=HTMX)
    assert f'href="/ton-tai/{f.id}"' in r.text and f'href="/ton-tai/{ids["fa"]}"' not in r.text
    r = client.get("/ton-tai/", query_string={"don_vi": f.unit_id, "page": "abc"}, headers=HTMX)
    assert f'href="/ton-tai/{f.id}"' in r.text


def test_pagination(app):
    for n in range(30):
        S.record_finding(source="iso", description=f"Hồ sơ mẫu số {n} thiếu phiếu kiểm soát", found_on="2026-04-01")
    db.session.commit()
    client = login_as(app, "chutich")
    p1 = client.get("/ton-tai/?nguon=iso").text
    assert "Trang 1 / 2" in p1
    p2 = client.get("/ton-tai/?nguon=iso&page=2", headers=HTMX).text
    assert "Trang 2 / 2" in p2 and "<html" not in p2


def test_home_panels(app):
    ids = demo_ids()
    assert "Quá hạn" in login_as(app, "tt.tam").get("/").text
    secretariat = login_as(app, "vhxh.ha").get("/").text
    assert "biện pháp quá hạn" in secretariat and "trang_thai=overdue" in secretariat
    assert "Khắc phục tồn tại" not in login_as(app, "yt.huong").get("/").text
    assert ids


def test_year_filter_and_figure(app):
    S.record_finding(source="iso", description="Hồ sơ năm trước thiếu phiếu", found_on="2025-04-01")
    db.session.commit()
    r = login_as(app, "chutich").get("/ton-tai/?nam=2025&trang_thai=all", headers=HTMX)
    assert "1 tồn tại, hạn chế" in r.text and "Hồ sơ năm trước" in r.text
    assert "0,0%" in r.text and "chỉ tiêu 100%" in r.text
    page = login_as(app, "chutich").get("/ton-tai/").text
    assert '<option value="2025"' in page


def test_changes_are_kept_and_shown(app):
    ids = demo_ids()
    login_as(app, "tt.tam").post(f"/ton-tai/bien-phap/{ids['r_tam']}/bao-cao", data={"status": "doing", "text": "Bắt đầu rà soát"})
    f = db.session.get(Finding, ids["f"])
    login_as(app, "vhxh.ha").post(f"/ton-tai/{f.id}/sua", data={
        "description": f.description, "source_ref": f.source_ref, "found_on": f.found_on.isoformat(),
        "cause": "khach_quan", "version": f.version, "unit_id": f.unit_id, "person_id": f.person_id})
    chutich = login_as(app, "chutich")
    page = chutich.get(f"/ton-tai/{f.id}").text
    # the page's panels load the finding's and each remedy's history when opened
    assert f'hx-get="/ton-tai/{f.id}/lich-su"' in page and f'hx-get="/ton-tai/bien-phap/{ids["r_tam"]}/lich-su"' in page
    finding_history = chutich.get(f"/ton-tai/{f.id}/lich-su", headers=HTMX).text
    remedy_history = chutich.get(f"/ton-tai/bien-phap/{ids['r_tam']}/lich-su", headers=HTMX).text
    # Issue 17: the history speaks the forms' words, not column names and stored codes.
    assert '<span class="field-name">Tình trạng</span>: <del>Chưa thực hiện</del> → <ins>Đang thực hiện</ins>' in remedy_history
    assert '<span class="field-name">Nguyên nhân</span>: <del>Chủ quan</del> → <ins>Khách quan</ins>' in finding_history
    assert "Võ Thị Hà" in finding_history  # who made the change


def test_settled_remedy_cannot_be_edited(app):
    ids = demo_ids()
    assert login_as(app, "kt.duc").post(f"/ton-tai/bien-phap/{ids['r_tam']}/xac-nhan", data={"note": "ok"}).status_code == 303
    from portal.findings.models import Remedy

    r = db.session.get(Remedy, ids["r_tam"])
    data = {"action": "Đổi", "owner_id": uid("kt.lan"), "deadline": "2027-01-01", "version": r.version}
    resp = login_as(app, "vhxh.ha").post(f"/ton-tai/bien-phap/{r.id}/sua", data=data)
    assert resp.status_code == 422 and "không sửa được nữa" in resp.text
    again = login_as(app, "kt.duc").post(f"/ton-tai/bien-phap/{r.id}/xac-nhan", data={"note": ""})
    assert again.status_code == 422 and "đã được xác nhận trước đó" in again.text


def test_source_link_only_for_those_who_may_open_it(app):
    ids = demo_ids()
    link = f'/kiem-tra-dot-xuat/{ids["e"]}"'
    assert link in login_as(app, "chutich").get(f"/ton-tai/{ids['fa']}").text
    assert link in login_as(app, "tt.tam").get(f"/ton-tai/{ids['fa']}").text  # the person inspected


def test_reminder_provider_registers_when_notifications_exist(app, monkeypatch):
    import sys
    import types

    from portal.findings import reminders

    got = []
    fake = types.ModuleType("portal.notifications.registry")
    fake.register_provider = got.append
    monkeypatch.setitem(sys.modules, "portal.notifications", types.ModuleType("portal.notifications"))
    monkeypatch.setitem(sys.modules, "portal.notifications.registry", fake)
    reminders.register()
    assert got == [reminders.overdue_reminders]
    monkeypatch.setitem(sys.modules, "portal.notifications.registry", None)  # absent: no error
    reminders.register()


def test_forms_carry_csrf(app):
    """With CSRF on, the forms on the record page post successfully (token present) and a
    tokenless post is refused with a Vietnamese message."""
    import re

    ids = demo_ids()
    app.config["WTF_CSRF_ENABLED"] = True
    client = login_as_csrf(app, "vhxh.ha")
    page = client.get(f"/ton-tai/{ids['f']}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post(f"/ton-tai/{ids['f']}/bien-phap", data={**_remedy_data(ids), "csrf_token": token})
    assert ok.status_code == 303
    bad = client.post(f"/ton-tai/{ids['f']}/bien-phap", data=_remedy_data(ids))
    assert bad.status_code == 400 and "Phiên làm việc đã hết hạn" in bad.text


def login_as_csrf(app, username):
    import re

    from portal.demo import DEMO_PASSWORD

    client = app.test_client()
    page = client.get("/dang-nhap").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = client.post("/dang-nhap", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    return client


def test_excel_export_follows_filters_and_visibility(app):
    import io

    from openpyxl import load_workbook

    ids = demo_ids()

    def rows(username, query=""):
        r = login_as(app, username).get("/ton-tai/xuat-excel" + query)
        assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
        ws = load_workbook(io.BytesIO(r.data)).active
        values = list(ws.iter_rows(values_only=True))
        start = next(i for i, row in enumerate(values) if row[0] == "STT")
        return values[0], values[1], values[start + 1:]

    title, figure, data = rows("chutich", "?trang_thai=all")
    assert title[0].startswith("DANH SÁCH TỒN TẠI") and "chỉ tiêu 100%" in figure[0]
    assert {row[1] for row in data} >= {ids["f"], ids["fa"]}
    higher = next(row for row in data if row[1] == ids["f"])
    assert "quá hạn" in higher[9] and "Lê Văn Tâm" in higher[9] and higher[3].startswith("Cấp trên chỉ ra")
    _t, _f, only_adhoc = rows("chutich", "?nguon=adhoc")
    assert [row[1] for row in only_adhoc] == [ids["fa"]]
    _t, _f, nothing = rows("yt.huong", "?trang_thai=all")
    assert nothing == []


def test_leader_home_shows_the_figure_with_target(app):
    from portal.timeutil import today

    S.record_finding(source="iso", description="Thiếu phiếu kiểm soát", found_on=today())
    db.session.commit()
    fig = S.findings_figure(year=today().year)
    text = login_as(app, "chutich").get("/").text
    assert f"Năm {today().year}:" in text and "chỉ tiêu 100%" in text
    assert f"({fig.settled}/{fig.total};" in text


def test_owner_report_on_settled_remedy_says_why(app):
    ids = demo_ids()
    login_as(app, "kt.duc").post(f"/ton-tai/bien-phap/{ids['r_tam']}/kien-nghi", data={"note": "Kiến nghị Sở"})
    r = login_as(app, "tt.tam").post(f"/ton-tai/bien-phap/{ids['r_tam']}/bao-cao", data={"status": "doing", "text": "x"})
    assert r.status_code == 422 and "không cập nhật được nữa" in r.text
