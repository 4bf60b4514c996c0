"""The simulator's newcomer box in headless Chromium: an invite code read off the page registers a brand-new user,
and "รันงานตามเวลาเดี๋ยวนี้" brings the worker's pushes (the weekly digest) into a committee member's chat."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from bot.dev.demo.seed import fake_line_id
from tests.browser.test_simulator import (DESKTOP, bot_messages, page_at, pick, say,  # noqa: F401 - fixture
                                         tap_quick_reply)


def test_an_invite_code_on_the_page_registers_a_new_user(page_at, stack):  # noqa: F811
    from models.core import Bureau, User
    from models.db import session_scope

    page = page_at(DESKTOP)
    box = page.get_by_test_id("demo-box")
    expect(box).to_contain_text("ลงทะเบียน")
    row = page.locator("[data-testid=invite][data-bureau-code=RESOU]")
    expect(row).to_contain_text("สำนักบริหารทรัพยากรพอเพียง")
    code = row.get_by_test_id("invite-code").inner_text().strip()
    assert code

    page.get_by_test_id("new-user").click()
    expect(bot_messages(page).first).to_be_visible()
    user_id = page.evaluate("window.LineSim.state.current")
    say(page, "ลงทะเบียน")
    n = bot_messages(page).count()
    page.locator("[data-testid=flex-button]", has_text=re.compile(r"^\s*ยินยอม\s*$")).last.click()
    expect(bot_messages(page)).not_to_have_count(n)
    expect(bot_messages(page).last).to_contain_text("รหัสเชิญ")
    row.get_by_test_id("invite-code").click()  # tapping the code fills the composer
    expect(page.get_by_test_id("composer-input")).to_have_value(code)
    n = bot_messages(page).count()
    page.get_by_test_id("composer-input").press("Enter")
    expect(bot_messages(page)).not_to_have_count(n)
    say(page, "ทดลอง รหัสจากหน้าเว็บ")
    tap_quick_reply(page, "นาย")  # the title (คำนำหน้า) step's button
    say(page, "นักวิเคราะห์ทดลองงาน")
    n = bot_messages(page).count()
    page.locator("[data-testid=flex-button]", has_text="ยืนยัน").last.click()
    expect(bot_messages(page)).not_to_have_count(n)
    expect(page.get_by_test_id("chat-log")).to_contain_text("ลงทะเบียนเรียบร้อย")

    with session_scope(stack.app.extensions["bot"].engine, readonly=True) as s:
        u = s.exec(select(User).where(User.line_user_id == user_id)).one()
        assert u.status == "registered" and s.get(Bureau, u.bureau_id).code == "RESOU"


def test_run_jobs_now_shows_the_digest_in_the_committee_chat(page_at, stack):  # noqa: F811
    page = page_at(DESKTOP)
    pick(page, "committee1")
    before = bot_messages(page).count()
    page.get_by_test_id("run-jobs").click()
    expect(page.get_by_test_id("run-jobs-result")).to_contain_text("ส่งแล้ว")
    expect(bot_messages(page)).not_to_have_count(before)
    expect(bot_messages(page).last.locator(".push-tag")).to_be_visible()
    assert any(d.kind in ("push", "multicast") for d in stack.line.deliveries_for(fake_line_id("committee1")))

    page.get_by_test_id("run-jobs").click()  # the worker's outbox keys: a second run adds nothing
    expect(page.get_by_test_id("run-jobs-result")).to_contain_text("ไม่มีข้อความใหม่")
