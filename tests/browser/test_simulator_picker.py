"""The simulator's date picker looks like LINE's in Thai (day, month name, พ.ศ.) and still sends LINE's params."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_simulator import DESKTOP, bot_messages, page_at, pick, say, tap_quick_reply  # noqa: F401 (fixture)


def _open_deed_date_picker(page):
    pick(page, "coord-resou")
    say(page, "บันทึกความดี")
    tap_quick_reply(page, "กตัญญู")
    say(page, "ช่วยดูแลผู้สูงอายุในชุมชนใกล้สำนักงาน")
    page.locator("[data-testid=quick-reply][data-action-type=datetimepicker]").first.click()
    expect(page.locator("#picker")).to_be_visible()


def test_picker_shows_thai_dates_and_sends_iso_params(page_at, stack):
    page = page_at(DESKTOP)
    _open_deed_date_picker(page)
    shown = page.locator("[data-testid=picker-shown]")
    # "2 ธ.ค. 2569": day, Thai month, พ.ศ.; never the browser's "12/02/2026"
    expect(shown).to_have_text(re.compile(r"^\d{1,2} (ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|"
                                          r"ต\.ค\.|พ\.ย\.|ธ\.ค\.) 25\d\d$"))
    assert page.locator("#picker-year option:checked").inner_text().startswith("25")
    assert page.locator("#picker-month option:checked").inner_text().endswith(("คม", "ยน", "พันธ์"))
    max_day = page.evaluate("document.getElementById('picker-input').max")
    y, m, d = (int(x) for x in max_day.split("-"))
    # type the day before the max in Thai digits and พ.ศ.; the picker re-reads it and sends CE ISO
    from datetime import date, timedelta
    day = date(y, m, d) - timedelta(days=1)
    months = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
    thai = f"{day.day} {months[day.month - 1]} {day.year + 543}"
    page.locator("#picker-input").fill(thai.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")))
    expect(shown).to_have_text(thai)
    before = bot_messages(page).count()
    page.locator("#picker-ok").click()
    mine = page.locator("[data-testid=user-message]").last
    expect(mine).to_contain_text(thai)
    expect(mine).to_contain_text(f"params.date = {day.isoformat()}")
    expect(bot_messages(page)).not_to_have_count(before)
    expect(bot_messages(page).last).to_contain_text("รูป")


def test_picker_refuses_a_day_past_its_max(page_at, stack):
    page = page_at(DESKTOP)
    _open_deed_date_picker(page)
    page.locator("#picker-input").fill("1 ม.ค. 2580")
    page.locator("#picker-ok").click()
    expect(page.locator("#picker")).to_be_visible()
    expect(page.locator("#picker-error")).to_contain_text("เลือกได้ถึง")


def _thai(day) -> str:
    months = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
    return f"{day.day} {months[day.month - 1]} {day.year + 543}"


def test_a_campaign_date_typed_in_พศ_and_one_picked_are_shown_back_in_พศ(page_at, stack):
    from datetime import datetime, timedelta

    from messages_th.dates import BKK
    day = datetime.now(BKK).date() + timedelta(days=10)
    page = page_at(DESKTOP)
    pick(page, "committee1")
    for t in ("สร้างกิจกรรม", "ปลูกต้นไม้ริมคลอง", "-", "จิตอาสา"):
        say(page, t)
    expect(bot_messages(page).last).to_contain_text("ขั้นที่ 4/6")
    say(page, f"{_thai(day)} 09:00")
    expect(bot_messages(page).last).to_contain_text(f"{_thai(day)} เวลา 09:00 น.")
    expect(bot_messages(page).last).to_contain_text("ขั้นที่ 5/6")
    say(page, "ยกเลิก")
    # the picker in datetime mode: Thai on screen, LINE's "YYYY-MM-DDTHH:mm" in the postback
    for t in ("สร้างกิจกรรม", "ปลูกต้นไม้ริมคลอง", "-", "จิตอาสา"):
        say(page, t)
    page.locator("[data-testid=quick-reply][data-action-type=datetimepicker]").first.click()
    expect(page.locator("#picker-time")).to_be_visible()
    page.locator("#picker-input").fill(f"{_thai(day)} 13:30")
    expect(page.locator("[data-testid=picker-shown]")).to_have_text(f"{_thai(day)} 13:30 น.")
    page.locator("#picker-ok").click()
    expect(page.locator("[data-testid=user-message]").last).to_contain_text(
        f"params.datetime = {day.isoformat()}T13:30")
    expect(bot_messages(page).last).to_contain_text(f"{_thai(day)} เวลา 13:30 น.")
