"""Who may use each ISO route: every route, every kind of user."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.findings.models import Finding
from portal.iso.models import Holiday, Procedure, SampleCheck

from tests.support import login_as

MANAGERS = {"admin", "vhxh.ha"}
INSPECTOR = {"vp.viet"}
LEADER = {"chutich"}
STAFF = {"tt.tam"}
EVERYONE = MANAGERS | INSPECTOR | LEADER | STAFF
READ_CHECKS = MANAGERS | INSPECTOR | LEADER

# method, URL template, who may
ROUTES = [
    ("GET", "/iso/quy-trinh/", EVERYONE),
    ("GET", "/iso/quy-trinh/{p}", EVERYONE),
    ("GET", "/iso/quy-trinh/danh-muc.xlsx", EVERYONE),
    ("GET", "/iso/quy-trinh/moi", MANAGERS),
    ("POST", "/iso/quy-trinh/moi", MANAGERS),
    ("GET", "/iso/quy-trinh/{p}/sua", MANAGERS),
    ("POST", "/iso/quy-trinh/{p}/sua", MANAGERS),
    ("GET", "/iso/quy-trinh/{p}/phien-ban-moi", MANAGERS),
    ("POST", "/iso/quy-trinh/{p}/phien-ban-moi", MANAGERS),
    ("GET", "/iso/quy-trinh/nhap", MANAGERS),
    ("POST", "/iso/quy-trinh/nhap", MANAGERS),
    ("GET", "/iso/ngay-nghi", MANAGERS),
    ("POST", "/iso/ngay-nghi", MANAGERS),
    ("POST", "/iso/ngay-nghi/{h}/xoa", MANAGERS),
    ("GET", "/iso/boc-mau/", READ_CHECKS),
    ("GET", "/iso/boc-mau/moi", MANAGERS),
    ("POST", "/iso/boc-mau/moi", MANAGERS),
    ("GET", "/iso/boc-mau/{c}", READ_CHECKS),
    ("GET", "/iso/boc-mau/{c}/lich-su", READ_CHECKS),
    ("POST", "/iso/boc-mau/{c}/ho-so", MANAGERS),
    ("POST", "/iso/boc-mau/{c}/ho-so/{d}/xoa", MANAGERS),
    ("POST", "/iso/boc-mau/{c}/nhap", MANAGERS),
    ("GET", "/iso/boc-mau/{c}/danh-sach.xlsx", READ_CHECKS),
    ("POST", "/iso/boc-mau/{c}/rut-mau", MANAGERS),
    ("GET", "/iso/boc-mau/{c}/ho-so/{d}", READ_CHECKS),
    ("POST", "/iso/boc-mau/{c}/ho-so/{d}/buoc/{s}", INSPECTOR),
    ("POST", "/iso/boc-mau/{c}/hoan-thanh", INSPECTOR),
    ("GET", "/iso/boc-mau/{c}/ton-tai/{f}/bien-phap", INSPECTOR | MANAGERS),
    ("POST", "/iso/boc-mau/{c}/ton-tai/{f}/bien-phap", INSPECTOR | MANAGERS),
    ("GET", "/iso/boc-mau/{c}/ket-qua.pdf", READ_CHECKS),
    ("GET", "/iso/boc-mau/{c}/ket-qua.docx", READ_CHECKS),
]


def _ids():
    check = db.session.scalar(select(SampleCheck))
    d = check.sampled[0]
    finding = db.session.scalar(select(Finding).where(Finding.source == "iso", Finding.source_id == check.id))
    return {"p": db.session.scalar(select(Procedure.id)), "h": db.session.scalar(select(Holiday.id)),
            "c": check.id, "d": d.id, "s": d.proc_version.steps[0].id, "f": finding.id if finding else 0}


def test_every_iso_route_is_listed(app):
    rules = {(m, r.rule) for r in app.url_map.iter_rules() if r.endpoint.startswith("iso.")
             for m in r.methods - {"HEAD", "OPTIONS"}}
    listed = {(m, url.replace("{p}", "<int:proc_id>").replace("{h}", "<int:holiday_id>")
               .replace("{c}", "<int:check_id>").replace("{d}", "<int:dossier_id>").replace("{s}", "<int:step_id>")
               .replace("{f}", "<int:finding_id>"))
              for m, url, _ in ROUTES}
    assert rules == listed


@pytest.mark.parametrize("method, url, allowed", ROUTES, ids=[f"{m} {u}" for m, u, _ in ROUTES])
def test_route_permissions(app, method, url, allowed):
    target = url.format(**_ids())
    for username in sorted(EVERYONE):
        client = login_as(app, username)
        response = client.open(target, method=method, data={})
        if username in allowed:
            assert response.status_code != 403 and response.status_code < 500, (username, response.status_code)
        else:
            assert response.status_code == 403, (username, response.status_code)
    anonymous = app.test_client().open(target, method=method)
    assert anonymous.status_code == 302 and "/dang-nhap" in anonymous.headers["Location"]


def test_nav_entries_follow_roles(app):
    staff = login_as(app, "tt.tam").get("/").get_data(as_text=True)
    assert "Quy trình ISO" in staff and "Bóc mẫu hồ sơ" not in staff and "Ngày nghỉ lễ, Tết" not in staff
    leader = login_as(app, "chutich").get("/").get_data(as_text=True)
    assert "Bóc mẫu hồ sơ" in leader and "Ngày nghỉ lễ, Tết" not in leader
    manager = login_as(app, "vhxh.ha").get("/").get_data(as_text=True)
    assert "Ngày nghỉ lễ, Tết" in manager
