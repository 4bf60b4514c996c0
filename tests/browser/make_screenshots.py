"""Regenerate docs/simulator-desktop.png and docs/simulator-phone.png (headless Debian Chromium, in-process stack).

    .venv/bin/python tests/browser/make_screenshots.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE)]

from conftest import CHROMIUM, CHROMIUM_ARGS, Stack  # noqa: E402

from bot.dev.demo.seed import fake_line_id  # noqa: E402


def settle(page, seconds: float = 1.6) -> None:
    time.sleep(seconds)  # the page polls every second


def act(page, step: str) -> None:
    if step.startswith("qr:"):
        page.locator("[data-testid=quick-reply]", has_text=step[3:]).first.click()
    elif step.startswith("btn:"):
        page.locator("[data-testid=flex-button]", has_text=step[4:]).last.click()
    else:
        page.get_by_test_id("composer-input").fill(step)
        page.get_by_test_id("composer-input").press("Enter")
    settle(page)


def main() -> None:
    from playwright.sync_api import sync_playwright

    stack = Stack(Path(tempfile.mkdtemp()))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            scenes = (
                ("desktop", {"width": 1280, "height": 900}, "staff-commu-2",
                 ["บันทึกความดี", "qr:จิตอาสา", "ช่วยจัดโต๊ะรับบริจาคโลหิตหน้าอาคารรัฐสภา", "qr:วันนี้", "qr:ข้าม",
                  "12", "2", "btn:ยืนยัน", "qr:สมุดความดีของฉัน"], 0),
                ("phone", {"width": 390, "height": 844}, "staff-resou-2",
                 ["บันทึกความดี", "qr:สุจริต", "คืนเงินทอนที่ร้านค้าให้เกินมา", "qr:วันนี้", "qr:ข้าม"], 1),
            )
            for name, viewport, key, steps, scale in scenes:
                ctx = browser.new_context(viewport=viewport, device_scale_factor=1 + scale, locale="th-TH",
                                          timezone_id="Asia/Bangkok")
                page = ctx.new_page()
                page.goto(stack.url + "/")
                page.locator(f"[data-testid=persona][data-user-id={fake_line_id(key)}]").click()
                settle(page, 1.0)
                for step in steps:
                    try:
                        act(page, step)
                    except Exception:
                        page.screenshot(path=f"/tmp/failed-{name}.png")
                        raise
                if name == "phone" and page.locator("#menu-panel").is_visible():
                    page.locator("#chatbar").click()  # fold the rich menu, as after typing on a phone
                    settle(page, 0.5)
                if name == "desktop":  # start the view at the deed book's summary bubble
                    page.locator("[data-testid=bot-message]", has_text="สมุดความดีของฉัน").last.evaluate(
                        "e => e.scrollIntoView({block: 'start'})")
                    settle(page, 0.3)
                out = ROOT / "docs" / f"simulator-{name}.png"
                page.screenshot(path=str(out))
                print(out.relative_to(ROOT))
                ctx.close()
            browser.close()
    finally:
        stack.close()


if __name__ == "__main__":
    main()
