"""No lost update: two admins save the same account, unit or ward settings from forms opened at
the same version; the first is saved, the second gets 409 saying who changed what."""
import re

from portal.accounts.models import Unit
from portal.accounts.services import find_user
from portal.extensions import db
from portal.settings.models import get_settings
from tests.support import login_as


def _form_data(html: str) -> dict:
    """The values a browser would send back from the page's main form (inputs and textareas)."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data.setdefault(name, value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        data[name] = value.strip("\n")
    return data


def _version(html: str) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html).group(1)


def test_two_stale_saves_of_a_user(app):
    first, second = login_as(app, "admin"), login_as(app, "admin")
    user = find_user("vp.thu")
    url = f"/quan-tri/nguoi-dung/{user.id}"
    version = _version(first.get(url).get_data(as_text=True))
    assert _version(second.get(url).get_data(as_text=True)) == version
    base = {"username": "vp.thu", "full_name": user.full_name, "email": user.email, "phone": user.phone, "unit_id": str(user.unit_id),
            "position_title": user.position_title, "active": "y", "version": version}
    db.session.rollback()
    roles = sorted(user.roles)
    ok = first.post(url, data={**base, "roles": roles + ["inspector"]})  # adds a role
    stale = second.post(url, data={**base, "roles": roles, "phone": "0900000000"})  # would take it away
    assert ok.status_code == 302 and stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Nguyễn Văn Quản" in html and "Vai trò" in html and "chưa được lưu" in html
    db.session.expire_all()
    assert find_user("vp.thu").roles == set(roles) | {"inspector"} and find_user("vp.thu").phone == user.phone


def test_two_stale_saves_of_a_unit(app):
    first, second = login_as(app, "vhxh.ha"), login_as(app, "admin")
    unit = db.session.scalar(db.select(Unit).order_by(Unit.id))
    url = f"/quan-tri/don-vi/{unit.id}"
    forms = [_form_data(c.get(url).get_data(as_text=True)) for c in (first, second)]
    db.session.rollback()
    ok = first.post(url, data={**forms[0], "name": "Văn phòng HĐND và UBND phường", "kind": unit.kind, "active": "y"})
    stale = second.post(url, data={**forms[1], "short_name": "VP-X", "kind": unit.kind, "active": "y"})
    assert ok.status_code == 302 and stale.status_code == 409
    assert "Tên đơn vị" in stale.get_data(as_text=True) and "Võ Thị Hà" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).short_name != "VP-X"


def test_two_stale_saves_of_the_ward_settings(app):
    first, second = login_as(app, "vhxh.ha"), login_as(app, "admin")
    forms = [_form_data(c.get("/cai-dat/").get_data(as_text=True)) for c in (first, second)]
    assert forms[0]["version"] == forms[1]["version"]
    ok = first.post("/cai-dat/", data={**forms[0], "upload_max_mb": "5"})
    stale = second.post("/cai-dat/", data={**forms[1], "chairman_name": "Người Khác"})
    assert ok.status_code == 302 and stale.status_code == 409
    assert "Dung lượng tối đa" in stale.get_data(as_text=True)
    db.session.expire_all()
    ward = get_settings()
    assert ward.upload_max_mb == 5 and ward.chairman_name != "Người Khác"
    # Reloading gives the new version, and then the save goes through.
    fresh = _form_data(second.get("/cai-dat/").get_data(as_text=True))
    db.session.rollback()
    assert second.post("/cai-dat/", data={**fresh, "chairman_name": "Người Khác"}).status_code == 302


def test_a_stale_lock_click_does_not_undo_another_admins_lock(app):
    first, second = login_as(app, "admin"), login_as(app, "admin")
    user = find_user("tt.tam")
    version = user.version
    heir = find_user("tt.mai").id  # tt.tam has open work: locking asks who receives it (issue 10)
    db.session.rollback()
    data = {"version": version, "nhan_ban_giao": heir}
    assert first.post(f"/quan-tri/nguoi-dung/{user.id}/khoa", data=data).status_code == 302
    assert second.post(f"/quan-tri/nguoi-dung/{user.id}/khoa", data=data).status_code == 409
    db.session.expire_all()
    assert not find_user("tt.tam").active
