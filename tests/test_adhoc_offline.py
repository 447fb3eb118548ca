"""The ad-hoc log's offline outbox, server side: one entry per client id whatever the number of
sends, refusals as JSON the phone can show, session and CSRF checked; the service worker and the
web app manifest."""
import io
import json
import uuid

import pytest
from sqlalchemy import func, select

from portal.adhoc.models import AdhocEntry
from portal.evidence.demo_files import demo_photo
from portal.extensions import db
from tests.rounds_factory import person
from tests.support import login_as


def _entry(client_id, **extra):
    data = {"client_id": client_id, "inspected_on": "05/11/2026", "subject_kind": "discipline",
            "subject": "Kiểm tra giờ làm việc", "person_id": str(person("vp.thu").id),
            "lead_id": str(person("vhxh.nhung").id), "content": "Kiểm tra việc chấp hành giờ làm việc."}
    return {**data, **extra}


def _count(client_id):
    return db.session.scalar(select(func.count()).select_from(AdhocEntry).where(AdhocEntry.client_id == client_id))


def test_the_same_entry_sent_twice_is_stored_once(app):
    client = login_as(app, "vhxh.nhung")
    cid = str(uuid.uuid4())
    first = client.post("/kiem-tra-dot-xuat/dong-bo", content_type="multipart/form-data",
                        data={**_entry(cid), "photos": (io.BytesIO(demo_photo()), "anh.png")})
    assert first.status_code == 201 and first.json["url"].startswith("/kiem-tra-dot-xuat/")
    again = client.post("/kiem-tra-dot-xuat/dong-bo", data=_entry(cid))
    assert again.status_code == 200 and again.json["duplicate"] and again.json["id"] == first.json["id"]
    assert _count(cid) == 1
    entry = db.session.get(AdhocEntry, first.json["id"])
    assert [f.original_name for f in entry.files] == ["anh.png"] and entry.inspected_on.day == 5


def test_refusals_are_json_and_nothing_is_stored(app):
    client = login_as(app, "vhxh.nhung")
    cid = str(uuid.uuid4())
    r = client.post("/kiem-tra-dot-xuat/dong-bo", data=_entry(cid, inspected_on="31/02/2026"))
    assert r.status_code == 422 and "inspected_on" in r.json["errors"]
    r = client.post("/kiem-tra-dot-xuat/dong-bo", data=_entry(cid, subject_kind=""))
    assert r.status_code == 422 and "subject_kind" in r.json["errors"]
    assert _count(cid) == 0
    r = client.post("/kiem-tra-dot-xuat/dong-bo", data=_entry("not-a-uuid"))
    assert r.status_code == 400 and "mã đồng bộ" in r.json["message"]
    bad = client.post("/kiem-tra-dot-xuat/dong-bo", content_type="multipart/form-data",
                      data={**_entry(cid), "photos": (io.BytesIO(b"MZ\x90\x00 not a photo"), "anh.png")})
    assert bad.status_code == 422 and "photos" in bad.json["errors"] and _count(cid) == 0


def test_another_persons_client_id_is_a_conflict(app):
    cid = str(uuid.uuid4())
    assert login_as(app, "vhxh.nhung").post("/kiem-tra-dot-xuat/dong-bo", data=_entry(cid)).status_code == 201
    r = login_as(app, "vhxh.ha").post("/kiem-tra-dot-xuat/dong-bo", data=_entry(cid))
    assert r.status_code == 409 and _count(cid) == 1


@pytest.mark.parametrize("username", [None, "vp.thu"])
def test_sync_needs_a_session_and_the_right_role(app, username):
    client = login_as(app, username) if username else app.test_client()
    r = client.post("/kiem-tra-dot-xuat/dong-bo", data=_entry(str(uuid.uuid4())))
    assert r.status_code in ((302,) if username is None else (403,))
    assert client.get("/kiem-tra-dot-xuat/dong-bo").status_code in ((302,) if username is None else (403,))


def test_sync_checks_csrf_with_a_token_it_hands_out(app):
    client = login_as(app, "vhxh.nhung")
    app.config["WTF_CSRF_ENABLED"] = True  # (the fixture puts the test settings back afterwards)
    cid = str(uuid.uuid4())
    assert client.post("/kiem-tra-dot-xuat/dong-bo", data=_entry(cid)).status_code == 400
    token = client.get("/kiem-tra-dot-xuat/dong-bo").json["csrf_token"]
    r = client.post("/kiem-tra-dot-xuat/dong-bo", data=_entry(cid), headers={"X-CSRFToken": token})
    assert r.status_code == 201 and _count(cid) == 1


def test_service_worker_and_manifest_are_served(app):
    client = app.test_client()
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw.mimetype == "text/javascript"
    assert sw.headers["Service-Worker-Allowed"] == "/" and "/kiem-tra-dot-xuat/moi" in sw.get_data(as_text=True)
    manifest = json.loads(client.get("/static/manifest.webmanifest").get_data(as_text=True))
    assert manifest["display"] == "standalone" and {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in ("icon-192.png", "icon-512.png"):
        assert client.get(f"/static/icons/{icon}").status_code == 200
    page = login_as(app, "vhxh.nhung").get("/kiem-tra-dot-xuat/moi").get_data(as_text=True)
    assert 'rel="manifest"' in page and 'data-sw="/sw.js"' in page and 'id="offline-outbox"' in page
    assert "data-offline-form" in page and 'name="photos"' in page
