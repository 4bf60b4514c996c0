"""The rollover's notices: Thai dates with the weekday, the plan's words, the way to change a due date; LINE limits."""
from __future__ import annotations

from datetime import date

from messages_th import fiscal_year as th


def test_admin_notice_lists_the_rounds_and_how_to_change_a_due_date():
    msg = th.fy_opened(2570, [("รอบ 6 เดือน", date(2027, 3, 20))], 5, 3, date(2027, 3, 20))
    said = msg["text"]
    assert "ปีงบประมาณ 2570" in said and "วันเสาร์ที่ 20 มี.ค. 2570" in said and "5 รอบ" in said
    assert "3 สำนัก" in said and "แก้กำหนดส่ง" in said and "พันธะ" not in said
    assert msg["quickReply"]["items"][0]["action"]["text"] == "แก้กำหนดส่ง"


def test_coordinator_notice_shows_the_copied_items_and_stays_short():
    msg = th.pledge_drafts(2570, "สำนักนวัตกรรม", [f"ความดี {n} " + "ก" * 300 for n in range(25)], date(2027, 3, 20))
    said = msg["text"]
    assert "ปัญหาที่อยากแก้ / ความดีที่อยากทำ" in said and "25 ข้อ" in said and "อีก 15 ข้อ" in said
    assert "20 มี.ค. 2570" in said and len(said) < 5000
