"""The change log in people's words: labels, names, dd/mm/yyyy and Vietnam time; who may read
it; its filters and export; and that nothing changes or deletes an entry."""
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import render_template_string
from openpyxl import load_workbook
from sqlalchemy import func, inspect, select

from portal.accounts.services import find_user
from portal.audit import labels as L
from portal.audit.models import ChangeLog
from portal.audit.present import models, present
from portal.audit.recorder import ChangeLogIsReadOnly
from portal.extensions import db
from portal.timeutil import now_utc, to_local
from tests.support import login_as

SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
RAW_ID = re.compile(r"#\s?\d+|\bid\b|\b\w+_id\b")


def visible_text(html: str) -> str:
    import html as htmllib

    html = re.sub(r"(?s)<(script|style|head|select)[^>]*>.*?</\1>", " ", html)
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def assert_readable(text: str, where: str):
    for pattern, what in ((SNAKE, "snake_case"), (ISO, "ISO date"), (RAW_ID, "raw id")):
        found = pattern.findall(text)
        assert not found, f"{where}: {what} in visible text: {found[:5]}"


def _some_people_changes(app):
    """Changes made by people through the portal, so the log holds ids, choices and dates."""
    admin = login_as(app, "admin")
    user = find_user("vp.thu")
    unit = db.session.scalar(select(__import__("portal.accounts.models", fromlist=["Unit"]).Unit)
                             .where(__import__("portal.accounts.models", fromlist=["Unit"]).Unit.id != user.unit_id))
    admin.post(f"/quan-tri/nguoi-dung/{user.id}", data={
        "username": user.username, "full_name": user.full_name, "email": user.email, "phone": "0912345678",
        "unit_id": str(unit.id), "position_title": user.position_title, "roles": ["staff", "inspector"],
        "active": "y", "version": user.version})


def test_every_column_of_every_audited_model_has_a_label(app):
    for table, model in models().items():
        if not getattr(model, "__audit__", True):
            continue
        # A new model or column needs its Vietnamese words in portal/audit/labels.py (MODELS and
        # FIELDS), or a form field of the same name listed in _form_classes: else the change log
        # would show the raw database name.
        assert table in L.MODELS, f"no Vietnamese name for {table}: add it to portal/audit/labels.py MODELS"
        for attr in inspect(model).mapper.column_attrs:
            if attr.columns[0].info.get("audit", True):
                assert attr.key in L.field_labels(table), \
                    f"no label for {table}.{attr.key}: add it to portal/audit/labels.py FIELDS[{table!r}]"


def test_change_log_and_every_history_of_the_demo_ward_read_in_peoples_words(app):
    _some_people_changes(app)
    client = login_as(app, "vhxh.nhung")
    total = db.session.scalar(select(func.count(ChangeLog.id)))
    pages = -(-total // 50)
    for n in range(1, pages + 1):
        response = client.get(f"/nhat-ky/?page={n}")
        assert response.status_code == 200
        assert_readable(visible_text(response.get_data(as_text=True)), f"log page {n}")

    # Every record's history panel, through the one macro every record page uses.
    keys = db.session.execute(select(ChangeLog.object_type, ChangeLog.object_id).distinct()).all()
    checked = 0
    for table, ident in keys:
        model = models().get(table)
        if model is None or "/" in ident:
            continue
        obj = db.session.get(model, int(ident))
        if obj is None:
            continue
        with app.test_request_context("/"):
            html = render_template_string(
                '{% from "_macros.html" import change_history %}{{ change_history(record_history(obj)) }}', obj=obj)
        assert "Lịch sử thay đổi" in html
        assert_readable(visible_text(html), f"history of {table} {ident}")
        checked += 1
    assert checked > 100

    # And at the level of values: no id shown as a bare number, no untranslated choice.
    for view in present(db.session.scalars(select(ChangeLog))):
        for line in view.lines:
            for value in (line.old, line.new):
                if value is not None and line.label in ("Người thực hiện", "Đơn vị", "Người tạo", "Người xác nhận"):
                    assert not value.isdigit(), (view.kind, line.label, value)


def test_ids_become_names_and_times_are_vietnam_times(app):
    _some_people_changes(app)
    entry = db.session.scalars(select(ChangeLog).where(ChangeLog.object_type == "user", ChangeLog.action == "update")
                               .order_by(ChangeLog.id.desc())).first()
    view = present([entry])[0]
    lines = {ln.label: ln for ln in view.lines}
    assert lines["Đơn vị"].new == find_user("vp.thu").unit.name
    assert lines["Điện thoại"].new == "0912345678"
    assert view.who == "Nguyễn Văn Quản" and view.action == "Sửa" and view.kind == "Người dùng"
    assert view.name == "Phạm Thị Thu"
    assert view.when == to_local(entry.at).strftime("%d/%m/%Y %H:%M")
    roles = db.session.scalars(select(ChangeLog).where(ChangeLog.object_type == "user", ChangeLog.action == "roles")
                               .order_by(ChangeLog.id.desc())).first()
    text = present([roles])[0].text()
    assert "Thành viên Đoàn kiểm tra" in text and "inspector" not in text
    remedy = db.session.scalars(select(ChangeLog).where(ChangeLog.object_type == "remedy", ChangeLog.action == "update")
                                .where(ChangeLog.summary.contains(""))).all()
    confirmed = [v for v in present(remedy) if any(ln.label == "Người xác nhận" for ln in v.lines)]
    assert confirmed, "the demo ward confirms a remedy"
    line = next(ln for ln in confirmed[0].lines if ln.label == "Người xác nhận")
    assert line.old == "(trống)" and line.new and not line.new.isdigit()
    when = next(ln for ln in confirmed[0].lines if ln.label == "Thời điểm xác nhận")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", when.new)


@pytest.mark.parametrize("username, status", [("admin", 200), ("vhxh.ha", 200), ("vhxh.nhung", 200),
                                              ("chutich", 200), ("phochutich", 200), ("vp.viet", 403),
                                              ("vp.thu", 403), ("kt.duc", 403)])
def test_who_reads_the_log(app, username, status):
    assert login_as(app, username).get("/nhat-ky/").status_code == status
    assert login_as(app, username).get("/nhat-ky/?xuat=xlsx").status_code == status


def _rows(client, query):
    response = client.get("/nhat-ky/?" + query, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_filters_by_person_kind_dates_and_text_without_accents(app):
    _some_people_changes(app)
    client = login_as(app, "chutich")
    admin = find_user("admin")
    html = _rows(client, f"nguoi={admin.id}")
    assert "Phạm Thị Thu" in html and "Hệ thống" not in html
    html = _rows(client, "loai=holiday")
    assert "Ngày nghỉ" in html and "Tồn tại, hạn chế" not in html
    html = _rows(client, "q=dien+thoai+0912345678")  # "Điện thoại", typed without accents
    assert "0912345678" in html and "mục nhật ký" in html
    assert "1 mục nhật ký" in html
    today = to_local(now_utc()).date()
    assert "0912345678" in _rows(client, f"tu={today:%d/%m/%Y}&den={today:%d/%m/%Y}")
    assert "Không có mục nhật ký" in _rows(client, f"den={today - timedelta(days=400):%Y-%m-%d}")


def test_bad_filters_are_refused_politely(app):
    client = login_as(app, "admin")
    for query in ("tu=31/02/2026", "tu=abc&den=xyz", "nguoi=abc", "nguoi=99999999999999", "loai=<script>",
                  "tu=2026-12-01&den=2026-01-01", "tu=01/01/0001", "den=31/12/9999", "q=" + "x" * 5000, "page=-1"):
        response = client.get("/nhat-ky/?" + query)
        assert response.status_code == 200, query
    assert "không hợp lệ" in client.get("/nhat-ky/?tu=31/02/2026").get_data(as_text=True)
    assert "Từ ngày phải trước" in client.get("/nhat-ky/?tu=2026-12-01&den=2026-01-01").get_data(as_text=True)


def test_export_holds_what_the_filter_shows(app):
    client = login_as(app, "vhxh.ha")
    response = client.get("/nhat-ky/?loai=holiday&xuat=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(response.data)).active
    header = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "Thời gian")
    assert list(header) == ["Thời gian", "Người thực hiện", "Thao tác", "Loại đối tượng", "Đối tượng", "Nội dung thay đổi"]
    rows = [r for r in ws.iter_rows(min_row=ws.freeze_panes and int(ws.freeze_panes[1:]), values_only=True) if r[0]]
    count = db.session.scalar(select(func.count(ChangeLog.id)).where(ChangeLog.object_type == "holiday"))
    assert len(rows) == count and {r[3] for r in rows} == {"Ngày nghỉ"}


def test_a_history_panel_on_every_record_page(app):
    from portal.rounds.models import Report

    report = db.session.scalars(select(Report).where(Report.state == "clarify")).first()
    html = login_as(app, "vhxh.nhung").get(f"/dot-kiem-tra/bao-cao/{report.id}").get_data(as_text=True)
    assert "Lịch sử thay đổi" in html and "Cần giải trình" in html
    html = login_as(app, "vhxh.nhung").get(f"/dot-kiem-tra/{report.round_id}").get_data(as_text=True)
    assert "Lịch sử thay đổi" in html


# -- the log cannot be changed ---------------------------------------------------------------

def test_no_route_changes_or_deletes_a_log_entry(app):
    mutating = {"POST", "PUT", "PATCH", "DELETE"}
    modules = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/nhat-ky"):
            assert not (rule.methods & mutating), f"{rule.rule} accepts {rule.methods & mutating}"
        if rule.methods & mutating:
            modules.add(app.view_functions[rule.endpoint].__module__)
    root = Path(__file__).resolve().parent.parent
    for name in modules:
        source = (root / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8")
        assert not re.search(r"ChangeLog|change_log", source), f"{name} touches the change log table"
    # Nor any code outside the recorder: the only writer is portal/audit/recorder.py (inserts).
    for path in (root / "portal").rglob("*.py"):
        if path.parts[-2] == "audit":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(update|delete)\(\s*ChangeLog|change_log\"?\)?\.(update|delete)", text), path


def test_the_orm_refuses_to_change_or_delete_an_entry(app):
    entry = db.session.scalars(select(ChangeLog)).first()
    entry.summary = "sửa lén"
    with pytest.raises(ChangeLogIsReadOnly):
        db.session.flush()
    db.session.rollback()
    entry = db.session.scalars(select(ChangeLog)).first()
    db.session.delete(entry)
    with pytest.raises(ChangeLogIsReadOnly):
        db.session.flush()
    db.session.rollback()
