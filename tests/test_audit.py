from portal.accounts.services import find_user
from portal.audit.models import ChangeLog
from portal.audit.queries import history_for
from portal.extensions import db
from tests.support import login_as


def test_create_update_delete_are_recorded_with_who(app):
    client = login_as(app, "vhxh.ha")
    client.post("/quan-tri/don-vi/moi", data={"name": "Ban Quản lý chợ", "kind": "Khác", "position": "9"})
    unit = db.session.scalar(db.select(__import__("portal.accounts.models", fromlist=["Unit"]).Unit).filter_by(name="Ban Quản lý chợ"))
    client.post(f"/quan-tri/don-vi/{unit.id}", data={"name": "Ban Quản lý chợ Thành Sen", "kind": "Khác", "position": "9",
                                                     "version": unit.version})
    entries = history_for(unit)
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].changes["name"] == ["Ban Quản lý chợ", "Ban Quản lý chợ Thành Sen"]
    assert all(e.user.username == "vhxh.ha" for e in entries)


def test_password_hash_is_masked_in_the_log(app):
    user = find_user("vp.thu")
    user.set_password("MotMatKhauKhac1")
    db.session.commit()
    entry = history_for(user)[0]
    assert entry.changes["password_hash"] == ["***", "***"]


def test_rolled_back_change_leaves_no_trace(app):
    before = db.session.scalar(db.select(db.func.count(ChangeLog.id)))
    find_user("vp.thu").full_name = "Tên Tạm"
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(ChangeLog.id))) == before


def test_change_log_page_is_for_admin_secretariat_and_leaders(app):
    # Issue 17: the secretariat and the leaders read the whole log too (read-only).
    assert login_as(app, "admin").get("/nhat-ky/").status_code == 200
    assert login_as(app, "chutich").get("/nhat-ky/").status_code == 200
    assert login_as(app, "vp.thu").get("/nhat-ky/").status_code == 403
