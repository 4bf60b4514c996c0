"""Scenarios (issue 14, dates): the campaign date step reads Thai dates in พ.ศ., shows them back in พ.ศ., refuses the
past and anything after next fiscal year with the reason, and its example is in พ.ศ. and in the future."""
from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from bot.conversation.postback import encode
from bot.services.thai_dates import parse
from models.campaigns import Campaign
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user
from tests.scheduler.helpers import bkk

NOW = bkk(2026, 11, 23, 10, 0)  # FY 2570: campaigns may start up to 30 ก.ย. 2571 (end of FY 2571)


def boss_at_date_step(send, db, clock, now=NOW):
    clock.set(now)
    with db() as s:
        boss = make_user(s, make_bureau(s, code="D1"), roles=("committee",)).line_user_id
    for t in ("สร้างกิจกรรม", "ปลูกต้นไม้ริมคลอง", "-", "จิตอาสา"):
        send("text", boss, t)
    return boss


def finish(send, boss):
    for t in ("สวนหลังอาคาร", "ทุกสำนัก"):
        send("text", boss, t)
    send("postback", boss, encode("campaign.confirm"))


@pytest.mark.parametrize("typed", ["2569-12-10 09:00", "10 ธ.ค. 2569 09:00", "10 ธันวาคม 2569 เวลา 09.00 น.",
                                   "10/12/2569 9:00", "๑๐ ธ.ค. ๒๕๖๙ ๐๙:๐๐"])
def test_a_thai_year_is_read_as_พศ_and_shown_back(send, line, db, clock, typed):
    boss = boss_at_date_step(send, db, clock)
    send("text", boss, typed)
    said = texts_to(line, boss)[-1]
    assert "วันพฤหัสบดีที่ 10 ธ.ค. 2569 เวลา 09:00 น." in said and "3112" not in said and "ค.ศ." not in said
    assert "ขั้นที่ 5/6" in said
    finish(send, boss)
    with db() as s:
        assert s.exec(select(Campaign)).one().starts_at == bkk(2026, 12, 10, 9, 0)
    card = json.dumps(line.messages_for(boss)[-2], ensure_ascii=False)
    assert "10 ธ.ค. 2569 เวลา 09:00 น." in card


def test_a_ce_iso_date_is_accepted_and_said_to_be_read_as_ce(send, line, db, clock):
    boss = boss_at_date_step(send, db, clock)
    send("text", boss, "2026-12-10 09:00")
    said = texts_to(line, boss)[-1]
    assert "10 ธ.ค. 2569 เวลา 09:00 น." in said and "อ่านปี 2026 ที่พิมพ์เป็น ค.ศ." in said


@pytest.mark.parametrize("typed,why", [
    ("1 พ.ย. 2569 09:00", "1 พ.ย. 2569 เวลา 09:00 น. ผ่านมาแล้ว"),
    ("23 พ.ย. 2569 09:59", "ผ่านมาแล้ว"),
    ("1 ต.ค. 2571 09:00", "เกินปีงบประมาณหน้า (สร้างได้ถึง 30 ก.ย. 2571)"),
    ("10 ธ.ค. 2026 09:00", "พ.ศ."),
    ("10/12/69 09:00", "4 หลัก"),
    ("10 ธ.ค. 2569", "เวลาเริ่ม"),
    ("31 ก.พ. 2570 09:00", "ไม่มีวันที่นี้"),
    ("พรุ่งนี้เช้า", "อ่านวันเวลาไม่ออก"),
    ("3112-12-10 09:00", "ปีไม่ถูกต้อง"),
])
def test_refusals_say_why_and_ask_again_with_the_picker(send, line, db, clock, typed, why):
    boss = boss_at_date_step(send, db, clock)
    send("text", boss, typed)
    got = texts_to(line, boss)
    assert got[-2].startswith("วันเวลาไม่ถูกต้อง") and why in got[-2], got[-2]
    assert "ขั้นที่ 4/6" in got[-1]
    assert line.messages_for(boss)[-1]["quickReply"]["items"][0]["action"]["type"] == "datetimepicker"


def test_the_last_day_of_next_fiscal_year_is_accepted_and_the_picker_stops_there(send, line, db, clock):
    boss = boss_at_date_step(send, db, clock)
    action = line.messages_for(boss)[-1]["quickReply"]["items"][0]["action"]
    assert action["min"] == "2026-11-23T10:00" and action["max"] == "2028-09-30T23:59"
    send("postback", boss, encode("campaign.when"), params={"datetime": "2028-10-01T09:00"})
    assert "เกินปีงบประมาณหน้า" in texts_to(line, boss)[-2]
    send("text", boss, "30 ก.ย. 2571 16:30")
    assert "30 ก.ย. 2571 เวลา 16:30 น." in texts_to(line, boss)[-1]


@pytest.mark.parametrize("now", [NOW, bkk(2027, 9, 28, 21, 0), bkk(2028, 2, 29, 8, 0)])
def test_the_prompts_example_is_in_พศ_and_in_the_future(send, line, db, clock, now):
    boss = boss_at_date_step(send, db, clock, now)
    prompt = texts_to(line, boss)[-1]
    assert "2026-12-01" not in prompt
    example = re.search(r"เช่น (.+?)\)", prompt)[1]
    read = parse(example)
    assert not read.was_ce and re.search(r"25\d\d", example)
    assert now < read.at() and read.day.year + 543 in (now.year + 543, now.year + 544)
    send("text", boss, example)  # the example itself is accepted
    assert "ขั้นที่ 5/6" in texts_to(line, boss)[-1]
