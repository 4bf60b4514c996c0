"""A newcomer's path through the chat simulator in headless Chromium: every tap goes through the real webhook
(page → /sim/api → sandbox LINE platform → signed POST /callback → bot → sandbox → page)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from bot.dev.demo.seed import fake_line_id

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 15_000


@pytest.fixture()
def page_at(stack, browser):
    pages = []

    def _open(viewport: dict) -> Page:
        context = browser.new_context(viewport=viewport, locale="th-TH", timezone_id="Asia/Bangkok")
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        page.goto(stack.url + "/")
        expect(page.locator("[data-testid=persona]").first).to_be_visible()
        pages.append(page)
        return page

    yield _open
    for page in pages:
        assert not page.js_errors, f"JavaScript errors on the page: {page.js_errors}"
        page.context.close()


def bot_messages(page: Page):
    return page.locator("[data-testid=bot-message]")


def pick(page: Page, key: str) -> str:
    user_id = fake_line_id(key)
    page.locator(f"[data-testid=persona][data-user-id={user_id}]").click()
    expect(page.get_by_test_id("composer-input")).to_be_visible()
    return user_id


def say(page: Page, text: str) -> None:
    """Type and send; wait for the bot's next message."""
    before = bot_messages(page).count()
    page.get_by_test_id("composer-input").fill(text)
    page.get_by_test_id("composer-input").press("Enter")
    expect(page.locator("[data-testid=user-message]").last).to_contain_text(text)
    expect(bot_messages(page)).not_to_have_count(before)


def tap_quick_reply(page: Page, label: str) -> None:
    before = bot_messages(page).count()
    page.locator("[data-testid=quick-reply]", has_text=label).first.click()
    expect(bot_messages(page)).not_to_have_count(before)


def test_staff_chats_taps_a_quick_reply_and_sees_the_answer(page_at, stack):
    page = page_at(DESKTOP)
    user_id = pick(page, "staff-innov-1")
    expect(page.get_by_test_id("who")).to_contain_text("นายภูมิพัฒน์")

    say(page, "เมนู")
    answer = bot_messages(page).last
    expect(answer).to_contain_text("เมนู")
    expect(page.locator("[data-testid=quick-reply]").first).to_be_visible()

    tap_quick_reply(page, "ช่วยเหลือ")
    expect(page.locator("[data-testid=user-message]").last).to_contain_text("ช่วยเหลือ")
    expect(bot_messages(page).last).to_contain_text("พิมพ์")

    # What the page shows is what the sandbox LINE platform recorded as replies to this user.
    kinds = {d.kind for d in stack.line.deliveries_for(user_id)}
    assert kinds == {"reply"}
    assert len(stack.line.deliveries_for(user_id)) == bot_messages(page).count()


def test_rich_menu_is_shown_and_its_areas_tap(page_at, stack):
    if "richmenu-deploy" not in stack.app.cli.list_commands(None):
        pytest.skip("no richmenu-deploy command in this checkout")
    page = page_at(DESKTOP)
    pick(page, "staff-commu-1")
    menu = page.get_by_test_id("richmenu")
    expect(menu).to_be_visible()
    image = menu.locator("img.menu-img")
    expect(image).to_be_visible()
    page.wait_for_function("() => { const i = document.querySelector('img.menu-img');"
                           " return i && i.complete && i.naturalWidth > 0; }")
    assert page.evaluate("document.querySelector('img.menu-img').naturalWidth") >= 800  # the uploaded image
    areas = page.locator("[data-testid=richmenu-area]")
    assert areas.count() >= 2
    before = bot_messages(page).count()
    areas.nth(1).click()  # a postback area (ความดีของฉัน on the staff menu)
    expect(bot_messages(page)).not_to_have_count(before)


def test_new_unregistered_user_follows_and_gets_a_greeting(page_at, stack):
    page = page_at(DESKTOP)
    page.get_by_test_id("new-user").click()
    expect(page.locator(".note").first).to_contain_text("เพื่อน")
    expect(bot_messages(page).first).to_be_visible()
    user_id = page.evaluate("window.LineSim.state.current")
    assert re.fullmatch(r"U[0-9a-f]{32}", user_id)
    assert stack.line.deliveries_for(user_id), "the follow event got no answer through the sandbox"


def test_phone_viewport_one_screen_at_a_time(page_at):
    page = page_at(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_test_id("composer-input")).to_be_hidden()
    pick(page, "staff-resou-1")
    expect(page.get_by_test_id("personas")).to_be_hidden()

    say(page, "ช่วยเหลือ")
    expect(page.locator("[data-testid=quick-reply]").first).to_be_visible()
    label = page.locator("[data-testid=quick-reply]").first.inner_text()
    tap_quick_reply(page, label)
    box = bot_messages(page).last.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.locator("#back").click()
    expect(page.get_by_test_id("personas")).to_be_visible()


def _fy_deeds(stack, key: str) -> int:
    from bot.services.deed_stats import fy_count
    from models.core import User, utcnow
    from models.db import session_scope
    from sqlmodel import select

    with session_scope(stack.app.extensions["bot"].engine, readonly=True) as s:
        user = s.exec(select(User).where(User.line_user_id == fake_line_id(key))).one()
        return fy_count(s, user, utcnow())


def test_log_a_deed_with_quick_replies_and_see_it_counted(page_at, stack):
    key = "staff-innov-2"
    before = _fy_deeds(stack, key)
    page = page_at(DESKTOP)
    pick(page, key)

    say(page, "บันทึกความดี")
    tap_quick_reply(page, "วินัย")
    say(page, "ช่วยเพื่อนร่วมงานจัดเอกสารการประชุมให้เสร็จทันเวลา")
    tap_quick_reply(page, "วันนี้")
    tap_quick_reply(page, "ข้าม")
    confirm = page.locator("[data-testid=flex-button]", has_text="ยืนยัน").last
    n = bot_messages(page).count()
    confirm.click()
    expect(bot_messages(page)).not_to_have_count(n)
    expect(bot_messages(page).last).to_contain_text("เรียบร้อย")
    assert _fy_deeds(stack, key) == before + 1

    tap_quick_reply(page, "สมุดความดีของฉัน")
    book = bot_messages(page).filter(has_text="สมุดความดีของฉัน").last
    expect(book).to_contain_text("รวม")
    total = re.search(r"รวม\s*(\d+)\s*ครั้ง", book.inner_text())
    assert total and int(total.group(1)) == before + 1, book.inner_text()


def test_pushes_from_the_worker_appear_without_reload(page_at, stack):
    from bot.line.outbox import enqueue, send_due
    from models.db import session_scope

    state = stack.app.extensions["bot"]
    page = page_at(DESKTOP)
    me, other = fake_line_id("coord-innov"), fake_line_id("committee2")
    pick(page, "coord-innov")
    before = bot_messages(page).count()
    with session_scope(state.engine) as s:  # what a scheduler job does: rows in the outbox
        enqueue(s, "browser-test:reminder", [me, other],
                [{"type": "text", "text": "แจ้งเตือน: ใกล้ถึงกำหนดส่งรายงานรอบ ๖ เดือนแล้วครับ"}])
    send_due(state.engine, state.gateway)  # the worker's sender: a multicast through the sandbox
    expect(bot_messages(page)).to_have_count(before + 1)
    expect(bot_messages(page).last).to_contain_text("ใกล้ถึงกำหนดส่งรายงาน")
    expect(bot_messages(page).last.locator(".push-tag")).to_be_visible()
    badge = page.locator(f"[data-testid=persona][data-user-id={other}] .badge")
    expect(badge).to_have_text("1")


def test_rich_menu_tabs_switch_through_aliases(page_at, stack):
    if "richmenu-deploy" not in stack.app.cli.list_commands(None):
        pytest.skip("no richmenu-deploy command in this checkout")
    page = page_at(DESKTOP)
    user_id = pick(page, "coord-commu")
    tabs = page.locator("[data-testid=richmenu-area][data-action-type=richmenuswitch]")
    expect(tabs.first).to_be_attached()  # the coordinator's menu has two pages (staff / coordinator)
    image = page.locator("img.menu-img")
    expect(image).to_be_visible()
    first_src = image.get_attribute("src")
    sent = len(stack.line.deliveries_for(user_id))
    tabs.last.click()  # the tab of the other page
    expect(image).not_to_have_attribute("src", first_src)
    # LINE also sends the switch as a postback (params.newRichMenuAliasId); the bot need not answer it.
    page.wait_for_timeout(1500)
    assert not page.locator(".note.error").count()
    assert len(stack.line.deliveries_for(user_id)) - sent <= 1


def test_date_picker_sends_the_chosen_day_as_postback_params(page_at, stack):
    page = page_at(DESKTOP)
    pick(page, "coord-resou")
    say(page, "บันทึกความดี")
    tap_quick_reply(page, "กตัญญู")
    say(page, "ช่วยดูแลผู้สูงอายุในชุมชนใกล้สำนักงาน")
    picker = page.locator("[data-testid=quick-reply][data-action-type=datetimepicker]")
    expect(picker.first).to_be_visible()
    picker.first.click()
    expect(page.locator("#picker")).to_be_visible()
    day = page.evaluate("document.getElementById('picker-input').max || document.getElementById('picker-input').value")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day or ""), "the date action gives no initial/max day"
    page.locator("#picker-input").fill(day)
    before = bot_messages(page).count()
    page.locator("#picker-ok").click()
    expect(page.locator("[data-testid=user-message]").last).to_contain_text(day)
    expect(bot_messages(page)).not_to_have_count(before)
    expect(bot_messages(page).last).to_contain_text("รูป")  # the next step of the deed flow: photos


def test_sending_an_image_file_reaches_the_bot(page_at, stack, tmp_path):
    from PIL import Image

    photo = tmp_path / "deed.jpg"
    Image.new("RGB", (1600, 1200), (250, 200, 40)).save(photo, "JPEG")
    page = page_at(DESKTOP)
    pick(page, "committee1")
    say(page, "บันทึกความดี")
    tap_quick_reply(page, "จิตอาสา")
    say(page, "ร่วมปลูกต้นไม้ริมคลองกับชุมชน")
    tap_quick_reply(page, "วันนี้")
    before = bot_messages(page).count()
    page.locator("#file").set_input_files(str(photo))
    expect(page.locator("[data-testid=user-message] img")).to_have_count(1)
    expect(bot_messages(page)).not_to_have_count(before)
    stored = [c for c in stack.line.contents.values() if c[1] == "image/jpeg"]
    assert stored, "the photo did not reach the sandbox's content store"
    expect(bot_messages(page).last).to_contain_text("รูป")  # e.g. "ได้รับรูปที่ 1/3 แล้ว"
