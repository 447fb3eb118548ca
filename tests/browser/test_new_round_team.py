"""New round: the team fields follow the kind chosen (htmx swap of the team fields only)."""
from playwright.sync_api import expect
from sqlalchemy import select

from portal.rounds.models import Round
from tests.browser.conftest import login
from tests.rounds_factory import person


def test_changing_the_kind_fills_in_that_kinds_previous_team(page, live_server, app):
    from portal.extensions import db

    first = db.session.scalar(select(Round).where(Round.kind == "6thang"))
    first.leader, first.members = person("vp.viet"), [person("kt.duc")]
    second = db.session.scalar(select(Round).where(Round.kind == "cuoinam"))
    second.leader, second.members = person("vhxh.nhung"), [person("vp.khoa")]
    db.session.commit()
    login(page, live_server, "vhxh.ha")
    page.goto(f"{live_server}/dot-kiem-tra/moi")
    page.get_by_label("Tên đợt kiểm tra").fill("Đợt 1 - Kiểm tra 6 tháng đầu năm 2027")
    expect(page.get_by_label("Trưởng đoàn")).to_have_value(str(person("vhxh.nhung").id))
    expect(page.get_by_role("checkbox", name="Trần Đình Khoa")).to_be_checked()
    page.get_by_label("Loại đợt").select_option("6thang")
    expect(page.locator("#team-source")).to_contain_text(first.name)
    expect(page.get_by_label("Trưởng đoàn")).to_have_value(str(person("vp.viet").id))
    expect(page.get_by_role("checkbox", name="Hoàng Minh Đức")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Trần Đình Khoa")).not_to_be_checked()
    expect(page.get_by_label("Kế thừa báo cáo từ đợt")).to_have_value(str(first.id))
    expect(page.get_by_label("Tên đợt kiểm tra")).to_have_value("Đợt 1 - Kiểm tra 6 tháng đầu năm 2027")
