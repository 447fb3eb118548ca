"""Dates are typed and shown as dd/mm/yyyy even in an English-language browser (where a native
date input would read 05/11/2026 as May 11)."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.iso.models import Holiday
from tests.browser.conftest import login


@pytest.fixture
def en_page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_date_typed_in_english_browser_is_day_first(en_page, live_server, app):
    page = en_page
    db.session.commit()
    login(page, live_server, "admin")
    page.goto(f"{live_server}/iso/ngay-nghi?nam=2026")
    day = page.get_by_label(re.compile(r"^Ngày nghỉ"))
    expect(day).to_have_attribute("placeholder", "dd/mm/yyyy")
    assert day.get_attribute("type") == "text"
    day.fill("05/11/2026")
    page.get_by_label("Tên ngày nghỉ").fill("Ngày nghỉ thử nghiệm")
    page.get_by_role("button", name="Thêm", exact=True).click()
    row = page.locator("#holiday-list tr", has_text="Ngày nghỉ thử nghiệm")
    expect(row).to_contain_text("05/11/2026")

    db.session.remove()
    saved = db.session.scalar(select(Holiday).where(Holiday.name == "Ngày nghỉ thử nghiệm"))
    assert saved.date == date(2026, 11, 5)


def test_calendar_button_writes_the_day_back_as_dd_mm_yyyy(en_page, live_server, app):
    page = en_page
    db.session.commit()
    login(page, live_server, "admin")
    page.goto(f"{live_server}/iso/ngay-nghi?nam=2026")
    button = page.get_by_role("button", name="Chọn trên lịch: Ngày nghỉ")
    expect(button).to_be_visible()
    # The browser's own picker cannot be driven headless; pick through its hidden input instead.
    page.locator("input.date-native").first.evaluate(
        "el => { el.value = '2026-12-24'; el.dispatchEvent(new Event('change', {bubbles: true})); }")
    expect(page.get_by_label(re.compile(r"^Ngày nghỉ"))).to_have_value("24/12/2026")
