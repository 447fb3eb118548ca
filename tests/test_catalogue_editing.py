"""The office edits the catalogue in the portal: add, edit, reorder criteria, groups, points
and targets; stale versions are a 409; a catalogue used by a round under way keeps its texts,
one used by a closed round is read-only; only managers edit."""
from datetime import date

from sqlalchemy import select

from portal.catalogue import services
from portal.catalogue.models import AreaGroup, Criterion
from portal.extensions import db
from portal.rounds import services as RS
from tests.support import login_as


def crit(code):
    cat = services.catalogue_for_year(2026)
    return db.session.scalar(select(Criterion).where(Criterion.catalogue_id == cat.id, Criterion.code == code))


def _fields(c, **changes):
    base = {"code": c.code, "text": c.text, "unit": c.indicator_unit, "target": "", "max_points": "",
            "rule": "", "thresholds": "", "partial": "", "version": services.catalogue_for_year(2026).version}
    return {**base, **changes}


def _free_catalogue():
    """The demo's rounds use the 2026 catalogue; set them aside so it is freely editable."""
    from portal.rounds.models import Round

    for rnd in db.session.scalars(select(Round)):
        rnd.state = "draft"
    db.session.commit()


def test_edit_points_rule_and_target(app):
    _free_catalogue()
    client = login_as(app, "vhxh.ha")
    c = crit("1.3.7")
    page = client.get(f"/bo-noi-dung/noi-dung/{c.id}/sua")
    assert page.status_code == 200 and "Sửa nội dung 1.3.7" in page.get_data(as_text=True)
    r = client.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data=_fields(
        c, unit="%", target="60", max_points="2", rule="proportional", text=c.text + " (sửa)"))
    assert r.status_code == 303, r.get_data(as_text=True)
    db.session.expire_all()
    c = crit("1.3.7")
    assert (c.indicator_target, c.max_points, c.scoring_rule) == (60, 2, "proportional") and c.text.endswith("(sửa)")


def test_bad_input_gives_messages_not_500(app):
    _free_catalogue()
    client = login_as(app, "vhxh.ha")
    c = crit("1.1.1")
    r = client.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data=_fields(
        c, code="1.1.2", max_points="nhiều", text="x" * 2001, rule="thresholds"))
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "tối đa 2000" in html and "phải là một số" in html and "chấm theo ngưỡng cần ngưỡng" in html
    r = client.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data=_fields(c, code="1.1.2"))
    assert r.status_code == 422 and "Mã “1.1.2” đã có trong bộ nội dung này." in r.get_data(as_text=True)
    r = client.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data=_fields(c, code="9.9.9"))
    assert r.status_code == 422 and "không thuộc lĩnh vực" in r.get_data(as_text=True)


def test_stale_version_is_409(app):
    _free_catalogue()
    client = login_as(app, "vhxh.ha")
    c = crit("1.1.1")
    stale = _fields(c)
    assert client.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data=_fields(c, max_points="1")).status_code == 303
    r = client.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data={**stale, "max_points": "3"})
    assert r.status_code == 409
    db.session.expire_all()
    assert crit("1.1.1").max_points == 1


def test_add_and_reorder_and_group(app):
    _free_catalogue()
    client = login_as(app, "vhxh.ha")
    cat = services.catalogue_for_year(2026)
    area = cat.areas[0]
    r = client.post(f"/bo-noi-dung/linh-vuc/{area.id}/them", data={
        "code": "1.1.8", "text": "Nội dung mới của phường", "version": cat.version})
    assert r.status_code == 303
    new = crit("1.1.8")
    assert new is not None and new.area_id == area.id
    before = [c.code for c in services.search_criteria(services.catalogue_for_year(2026), "", area.id)]
    assert before[-1] == "1.1.8"
    r = client.post(f"/bo-noi-dung/noi-dung/{new.id}/di-chuyen",
                    data={"huong": "len", "version": services.catalogue_for_year(2026).version})
    assert r.status_code == 303
    db.session.expire_all()
    after = [c.code for c in services.search_criteria(services.catalogue_for_year(2026), "", area.id)]
    assert after[-2:] == ["1.1.8", "1.1.7"]
    # the next area still comes after this one
    assert services.search_criteria(services.catalogue_for_year(2026))[len(after)].code.startswith("1.2.")
    r = client.post(f"/bo-noi-dung/linh-vuc/{area.id}/nhom", data={
        "code": "1.1.a", "name": "Nhóm thử", "version": services.catalogue_for_year(2026).version})
    assert r.status_code == 303
    assert db.session.scalar(select(AreaGroup).where(AreaGroup.code == "1.1.a")).name == "Nhóm thử"


def test_round_under_way_keeps_texts_closed_round_locks_all(app):
    from portal.rounds.models import Round

    cat = services.catalogue_for_year(2026)
    rounds = db.session.scalars(select(Round).where(Round.catalogue_id == cat.id)).all()
    for rnd in rounds:
        rnd.state = "draft"
    rounds[0].state = "open"
    db.session.commit()
    client = login_as(app, "vhxh.ha")
    c = crit("1.1.2")
    r = client.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data=_fields(c, text="Câu chữ khác"))
    assert r.status_code == 422 and "chỉ sửa điểm, chỉ tiêu và cách chấm" in r.get_data(as_text=True)
    assert client.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data=_fields(c, max_points="2")).status_code == 303
    rounds[0].state = "closed"
    db.session.commit()
    c = crit("1.1.2")
    r = client.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data=_fields(c, max_points="3"))
    assert r.status_code == 422 and "đã kết thúc nên không sửa được" in r.get_data(as_text=True)


def test_only_managers_edit(app):
    c = crit("1.1.1")
    staff = login_as(app, "vp.thu")
    assert staff.get(f"/bo-noi-dung/noi-dung/{c.id}/sua").status_code == 403
    assert staff.post(f"/bo-noi-dung/noi-dung/{c.id}/sua", data=_fields(c)).status_code == 403
    assert staff.post(f"/bo-noi-dung/noi-dung/{c.id}/di-chuyen", data={"huong": "len"}).status_code == 403
    assert "+ Thêm nội dung" not in staff.get("/bo-noi-dung/").get_data(as_text=True)
    assert "Sắp xếp thứ tự" not in staff.get("/bo-noi-dung/?sap_xep=1").get_data(as_text=True)
    assert "/di-chuyen" not in staff.get("/bo-noi-dung/?sap_xep=1").get_data(as_text=True)
    _free_catalogue()
    assert "+ Thêm nội dung" in login_as(app, "vhxh.ha").get("/bo-noi-dung/").get_data(as_text=True)
    assert login_as(app, "vhxh.ha").get("/bo-noi-dung/noi-dung/999999/sua").status_code == 404


def test_a_year_a_closed_round_used_shows_no_edit_buttons(app):
    """The demo's 2026 catalogue carries the closed 6-month round: read-only, said once at the top."""
    manager = login_as(app, "vhxh.ha")
    page = manager.get("/bo-noi-dung/?nam=2026").get_data(as_text=True)
    assert 'id="read-only"' in page and "đã kết thúc nên chỉ xem" in page
    for control in ("+ Thêm nội dung", "/sua\"", "Sắp xếp thứ tự", 'id="sua-nhom"', "/di-chuyen"):
        assert control not in page, control
    assert "/di-chuyen" not in manager.get("/bo-noi-dung/?nam=2026&sap_xep=1").get_data(as_text=True)
    _free_catalogue()
    page = manager.get("/bo-noi-dung/?nam=2026").get_data(as_text=True)
    assert 'id="read-only"' not in page and "+ Thêm nội dung" in page and 'id="sua-nhom"' in page


def test_the_reading_page_has_one_edit_link_a_row_and_the_sorting_mode_the_arrows(app):
    import re

    _free_catalogue()
    manager = login_as(app, "vhxh.ha")
    reading = manager.get("/bo-noi-dung/").get_data(as_text=True)
    rows = len(re.findall(r'<tr id="c-\d+"', reading))
    assert rows == 69 and reading.count("aria-label=\"Sửa nội dung ") == rows
    assert "/di-chuyen" not in reading and "Sắp xếp thứ tự nội dung" in reading
    sorting = manager.get("/bo-noi-dung/?sap_xep=1").get_data(as_text=True)
    assert sorting.count("/di-chuyen") == rows and sorting.count('value="len"') == rows
    assert "aria-label=\"Sửa nội dung " not in sorting and "Xong sắp xếp" in sorting
    # the filter form keeps the mode; a move goes back to the mode, at the moved row
    assert '<input type="hidden" name="sap_xep" value="1">' in sorting
    c = crit("1.1.3")
    r = manager.post(f"/bo-noi-dung/noi-dung/{c.id}/di-chuyen",
                     data={"huong": "len", "version": services.catalogue_for_year(2026).version})
    assert r.status_code == 303 and "sap_xep=1" in r.location and r.location.endswith(f"#c-{c.id}")
    # a stale version is refused with the message, nothing moved
    before = crit("1.1.3").position
    r = manager.post(f"/bo-noi-dung/noi-dung/{c.id}/di-chuyen", data={"huong": "len", "version": "1"})
    assert r.status_code == 409 and "vừa được người khác cập nhật" in r.get_data(as_text=True)
    db.session.expire_all()
    assert crit("1.1.3").position == before


def test_after_a_save_the_catalogue_opens_on_the_page_holding_the_criterion(app):
    from tests.test_catalogue import _big_catalogue

    _big_catalogue()
    manager = login_as(app, "vhxh.ha")
    cat = services.catalogue_for_year(2030)
    last = db.session.scalars(select(Criterion).where(Criterion.catalogue_id == cat.id)
                              .order_by(Criterion.position.desc(), Criterion.id.desc())).first()
    assert services.page_of(last, 100) == 7
    r = manager.post(f"/bo-noi-dung/noi-dung/{last.id}/di-chuyen", data={"huong": "len", "version": cat.version})
    assert r.status_code == 303 and "page=7" in r.location and "nam=2030" in r.location
    assert f'<tr id="c-{last.id}"' in manager.get(r.location).get_data(as_text=True)
    first = db.session.scalars(select(Criterion).where(Criterion.catalogue_id == cat.id)
                               .order_by(Criterion.position, Criterion.id)).first()
    assert services.page_of(first, 100) == 1
