"""Scenario: an admin changes a due date in the chat ("แก้กำหนดส่ง": pick round → date picker → confirm)."""
from __future__ import annotations

from datetime import date

from bot.services import rounds as svc
from bot.conversation.postback import encode
from tests.conftest import texts_to
from tests.bot.services.test_rounds_support import FY, JAN, seed

R6 = f"{FY}-6m"


def _due(db):
    with db() as s:
        return svc.get_round(s, R6).due_date


def test_admin_changes_a_due_date_in_chat(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    send("text", w.admin, "แก้กำหนดส่ง")
    picker = line.messages_for(w.admin)[-1]
    assert "20 มี.ค. 2569" in picker["text"]
    items = picker["quickReply"]["items"]
    assert len(items) == 5 and all(len(i["action"]["label"]) <= 20 for i in items)
    send("postback", w.admin, encode("rounds.pick", r=R6))
    card = line.messages_for(w.admin)[-1]
    action = card["contents"]["footer"]["contents"][0]["action"]
    assert action["type"] == "datetimepicker" and action["initial"] == "2026-03-20"
    send("postback", w.admin, action["data"], params={"date": "2026-03-27"})
    confirm = line.messages_for(w.admin)[-1]
    assert "27 มี.ค. 2569" in confirm["altText"]
    assert _due(db) == date(2026, 3, 20)  # nothing changes before the confirmation
    send("postback", w.admin, confirm["contents"]["footer"]["contents"][0]["action"]["data"])
    assert "27 มี.ค. 2569" in texts_to(line, w.admin)[-1]
    assert _due(db) == date(2026, 3, 27)


def test_only_admins_change_due_dates(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    send("text", w.coord, "แก้กำหนดส่ง")
    send("postback", w.committee, encode("rounds.setdue", r=R6, d="2026-04-30"))  # forged
    assert "สำหรับผู้ดูแลระบบ" in texts_to(line, w.coord)[-1]
    assert "สำหรับผู้ดูแลระบบ" in texts_to(line, w.committee)[-1]
    assert _due(db) == date(2026, 3, 20)
    send("postback", w.admin, encode("rounds.pick", r="2569-nope"))
    assert "ปุ่มนี้เก่า" in texts_to(line, w.admin)[-1]
