"""The secretariat's console in headless Chromium (issue 15): an admin signs in from the chat's link (through
the simulator and the sandbox LINE platform), opens the next fiscal year, moves a due date typed in พ.ศ.,
creates an invite and opens its card, approves a registration, downloads a round's XLSX; a coordinator sees
only their own bureau; the pages fit a phone. With CONSOLE_SCREENSHOTS=1 it also writes docs/console/*.png."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlmodel import select

from bot.dev.demo.seed import fake_line_id
from messages_th.dates import fiscal_year_be, today_bkk
from models.core import User, utcnow
from models.db import session_scope

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 15_000
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"


def shot(page: Page, name: str) -> None:
    if os.environ.get("CONSOLE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture()
def context_at(browser):
    contexts = []

    def _open(viewport: dict):
        context = browser.new_context(viewport=viewport, locale="th-TH", timezone_id="Asia/Bangkok",
                                      accept_downloads=True)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context

    yield _open
    for c in contexts:
        c.close()


def _sign_in_as(context, stack, key: str) -> Page:
    """The sandbox's one-click sign-in (the demo's): a one-time link like the chat's, for the persona."""
    page = context.new_page()
    page.goto(stack.url + "/console/dev/personas")
    with stack.app.app_context():
        with session_scope(stack.app.extensions["bot"].engine) as s:
            name = s.exec(select(User).where(User.line_user_id == fake_line_id(key))).one().full_name
    page.get_by_role("button", name=name, exact=False).click()
    expect(page.locator("h1")).to_contain_text("ภาพรวม")
    return page


def _pending_registration(stack) -> str:
    from bot.services import membership
    with session_scope(stack.app.extensions["bot"].engine) as s:
        user = User(line_user_id="U" + "e" * 32, display_name="ผู้สมัคร ทดลอง")
        s.add(user)
        s.flush()
        bureau = membership.active_bureaus(s)[0]
        membership.request_approval(s, user, bureau.id, "นางสาวทดลอง สมัครใหม่", "นักทรัพยากรบุคคล", utcnow())
    return "นางสาวทดลอง สมัครใหม่"


def test_admin_runs_the_year_from_the_console(stack, browser, context_at):
    fy = fiscal_year_be(today_bkk(utcnow()))
    context = context_at(DESKTOP)
    sim = context.new_page()
    sim.goto(stack.url + "/")
    sim.locator(f"[data-testid=persona][data-user-id={fake_line_id('admin')}]").click()
    sim.get_by_test_id("composer-input").fill("แดชบอร์ด")
    sim.get_by_test_id("composer-input").press("Enter")
    button = sim.locator("[data-testid=flex-button]", has_text="เปิดแดชบอร์ด").last
    with context.expect_page() as opened:
        button.click()
    page = opened.value
    expect(page.locator("h1")).to_contain_text(f"ภาพรวมปีงบประมาณ พ.ศ. {fy}")
    expect(page.locator("header.top")).to_contain_text("ผู้ดูแลระบบ")
    shot(page, "overview")

    # open the next fiscal year from the plan's pattern
    page.goto(f"{stack.url}/console/rounds/?fy={fy + 1}")
    page.get_by_role("button", name=f"เปิดรอบรายงานปีงบประมาณ พ.ศ. {fy + 1}").click()
    expect(page.locator(".flash").first).to_contain_text(f"เปิดรอบรายงานปีงบประมาณ พ.ศ. {fy + 1} แล้ว")
    # move the 6-month round's due date, typed in พ.ศ. with Thai digits
    page.locator("tr", has_text="6 เดือน").get_by_role("link", name="แก้ไขชื่อ/กำหนดส่ง").click()
    page.locator("#due").fill("๑๙ มี.ค. " + "".join("๐๑๒๓๔๕๖๗๘๙"[int(c)] for c in str(fy + 1)))
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator(".flash").first).to_contain_text(f"กำหนดส่ง 19 มี.ค. {fy + 1}")
    expect(page.locator("tr", has_text="6 เดือน")).to_contain_text(f"19 มี.ค. {fy + 1}")
    shot(page, "rounds")

    # a due date typed in ค.ศ. the wrong way is refused next to the field, nothing changed
    page.locator("tr", has_text="9 เดือน").get_by_role("link", name="แก้ไขชื่อ/กำหนดส่ง").click()
    page.locator("#due").fill("20/6/2027")
    page.get_by_role("button", name="บันทึก").click()
    expect(page.locator(".field.has-error")).to_contain_text("ค.ศ.")

    # create an invite code and open its printable card
    page.goto(f"{stack.url}/console/people/invites")
    page.locator("#bureau").select_option(index=1)
    page.locator("#uses").fill("5")
    page.locator("#days").fill("7")
    page.get_by_role("button", name="สร้างรหัสเชิญ").click()
    expect(page.locator(".flash").first).to_contain_text("สร้างรหัสเชิญ")  # then its printable card opens
    expect(page.locator("h1")).to_contain_text("เชิญลงทะเบียน")
    expect(page.locator("svg").first).to_be_visible()  # the add-friend QR
    shot(page, "invite-card")
    page.goto(f"{stack.url}/console/people/invites")
    expect(page.get_by_role("link", name="พิมพ์บัตรเชิญ").first).to_be_visible()
    shot(page, "people-invites")

    # approve a registration waiting for an admin
    name = _pending_registration(stack)
    page.goto(f"{stack.url}/console/people/registrations")
    row = page.locator("tr", has_text=name)
    row.get_by_role("button", name="อนุมัติ", exact=True).click()
    expect(page.locator(".flash").first).to_be_visible()
    expect(page.locator("tr", has_text=name)).to_have_count(0)
    with session_scope(stack.app.extensions["bot"].engine) as s:
        assert s.exec(select(User).where(User.full_name == name)).one().status == "registered"

    # download this year's 6-month round as XLSX
    page.goto(f"{stack.url}/console/rounds/{fy}-6m")
    with page.expect_download() as dl:
        page.get_by_role("link", name="XLSX", exact=False).first.click()
    wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    assert wb.sheetnames[0] == "สรุป" and len(wb.sheetnames) >= 4  # the summary and one sheet per bureau
    shot(page, "round-detail")

    for path, name in (("/console/pledges/", "pledges"), ("/console/people/", "people"),
                       ("/console/campaigns/", "campaigns"), ("/console/deeds/", "deeds"),
                       ("/console/register/", "register"), ("/console/holidays/", "holidays"),
                       ("/console/system/", "system"), ("/console/system/audit", "audit")):
        page.goto(stack.url + path)
        expect(page.locator("h1")).to_be_visible()
        shot(page, name)
    page.goto(stack.url + "/console/system/audit")
    expect(page.locator("main")).to_contain_text("อนุมัติการลงทะเบียน")  # the writes above are in the audit log
    expect(page.locator("main")).to_contain_text("ทั้งหมด 4 รายการ")  # open year, due date, invite, approval


def test_coordinator_sees_only_their_bureau(stack, context_at):
    page = _sign_in_as(context_at(DESKTOP), stack, "coord-innov")
    nav = page.locator("nav.pages")
    expect(nav.get_by_role("link", name="ระบบ", exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="กิจกรรม", exact=True)).to_have_count(0)
    page.goto(stack.url + "/console/people/")
    expect(page.locator("main")).to_contain_text("นายภูมิพัฒน์")       # own bureau's staff
    expect(page.locator("main")).not_to_contain_text("นายกิตติศักดิ์")  # another bureau's
    with session_scope(stack.app.extensions["bot"].engine) as s:
        from models.core import Bureau
        other = s.exec(select(Bureau).where(Bureau.code == "COMMU")).one().id
    fy = fiscal_year_be(today_bkk(utcnow()))
    resp = page.goto(f"{stack.url}/console/rounds/{fy}-6m/bureau/{other}")
    assert resp.status == 403
    expect(page.locator("h1")).to_contain_text("ไม่มีสิทธิ์")
    shot(page, "coordinator-forbidden")


def test_console_pages_fit_a_phone(stack, context_at):
    page = _sign_in_as(context_at(PHONE), stack, "committee1")
    for path in ("/console/", "/console/rounds/", "/console/deeds/", "/console/people/"):
        page.goto(stack.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    page.goto(stack.url + "/console/")
    shot(page, "overview-phone")
