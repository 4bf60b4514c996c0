"""Shared set-up for the rounds / pledge / report tests (no tests here)."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from bot.services import pledges
from bot.services.rounds import open_fy
from tests.factories import make_bureau, make_user

# 10:00 Bangkok on 15 Jan 2026, in FY 2569 (before the 6-month round's due date, 20 Mar 2026). Scenario tests
# fix the clock in the past: conversation state is stamped with the real time, so a clock set in the future
# would make every flow look idle for hours (and expire).
FY = 2569
JAN = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)
# A real 1x1 PNG (Pillow verifies photos now; the earlier bytes had a bad IDAT checksum).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\r\xefF\xb8\x00\x00\x00\x00IEND\xaeB`\x82")


def seed(db, *, items: int = 0, fy: int = FY) -> SimpleNamespace:
    """Two bureaus, a coordinator and a staff member in the first, a coordinator of the second, a committee
    member and an admin; the FY's rounds; `items` pledge items for the first bureau."""
    with db() as s:
        b1 = make_bureau(s, "สำนักทดสอบหนึ่ง", code="B1")
        b2 = make_bureau(s, "สำนักทดสอบสอง", code="B2")
        out = SimpleNamespace(
            b1=b1.id, b2=b2.id,
            coord=make_user(s, b1, roles=("coordinator",), full_name="ผู้ประสาน หนึ่ง").line_user_id,
            staff=make_user(s, b1, full_name="บุคลากร หนึ่ง").line_user_id,
            coord2=make_user(s, b2, roles=("coordinator",), full_name="ผู้ประสาน สอง").line_user_id,
            committee=make_user(s, b2, roles=("committee",), full_name="กรรมการ ดี").line_user_id,
            admin=make_user(s, b2, roles=("admin",), full_name="แอดมิน ระบบ").line_user_id,
        )
        open_fy(s, fy)
        out.items = [pledges.add_item(s, fy, b1.id, problem=f"ปัญหา {n}", good_deed=f"ความดี {n}",
                                      virtue="discipline", indicator="จำนวนบุคลากรที่เข้าร่วม",
                                      target="ร้อยละ 80 ของบุคลากรเข้าร่วม").id for n in range(1, items + 1)]
    return out
