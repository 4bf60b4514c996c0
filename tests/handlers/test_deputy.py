"""A coordinator names a deputy in chat: found by name within the bureau, told, and then the one who gets the
deadline reminders; clearing gives them back. Others cannot, and forged choices are refused."""
from __future__ import annotations

import pytest

from bot.line import outbox
from bot.conversation.postback import encode
from models.core import User
from bot.services.audience import reminder_targets
from tests.conftest import postbacks, texts_to
from tests.factories import make_bureau, make_user


@pytest.fixture()
def office(db):
    with db() as s:
        b, other = make_bureau(s), make_bureau(s)
        coord = make_user(s, b, roles=("coordinator",), full_name="สมชาย ประสานดี")
        mates = [make_user(s, b, full_name=f"สมหญิง ใจงาม {i}") for i in range(14)]
        outsider = make_user(s, other, full_name="สมหญิง ต่างสำนัก")
        staff = make_user(s, b, full_name="มานี มีนา")
        return dict(bureau=b.id, coord=coord.line_user_id, mates=[(m.id, m.line_user_id) for m in mates],
                    outsider=outsider.id, staff=staff.line_user_id)


def targets(db, bureau_id) -> list[str]:
    with db() as s:
        return reminder_targets(s, bureau_id)


def test_coordinator_names_a_deputy_by_name_and_the_reminders_go_there(office, send, line, db, bot):
    coord = office["coord"]
    assert targets(db, office["bureau"]) == [coord]
    send("text", coord, "ผู้รับแจ้งเตือนแทน")
    send("text", coord, "ใจงาม")
    choices = postbacks(line.messages_for(coord)[-1])
    assert len(choices) == 12 and "หลายคน" in texts_to(line, coord)[-1]  # 14 match: 12 shown, told to narrow
    send("text", coord, "ใจงาม 13")
    [(action, params)] = postbacks(line.messages_for(coord)[-1])
    send("postback", coord, encode(action, **params))
    deputy_id, deputy_line = office["mates"][13]
    assert params["id"] == str(deputy_id)
    assert "สมหญิง ใจงาม 13" in texts_to(line, coord)[-1]
    assert outbox.drain(bot.engine, bot.gateway)["sent"] == 1  # what the worker's sender does every few seconds
    assert "สมชาย ประสานดี" in texts_to(line, deputy_line)[-1]  # the deputy is told, by push
    assert targets(db, office["bureau"]) == [deputy_line]
    send("text", coord, "ยกเลิกผู้แทน")
    assert "ตามเดิม" in texts_to(line, coord)[-1]
    assert targets(db, office["bureau"]) == [coord]


def test_no_match_says_so_and_waits_for_another_name(office, send, line):
    coord = office["coord"]
    send("text", coord, "ตั้งผู้แทน")
    send("text", coord, "ไม่มีใครชื่อนี้ 😀")
    assert "ไม่พบ" in texts_to(line, coord)[-1]
    send("text", coord, "มานี")
    assert len(postbacks(line.messages_for(coord)[-1])) == 1


def test_staff_cannot_and_forged_choices_are_refused(office, send, line, db):
    send("text", office["staff"], "ผู้รับแจ้งเตือนแทน")
    assert "ผู้ประสานงาน" in texts_to(line, office["staff"])[-1]
    coord = office["coord"]
    with db() as s:
        me = s.query(User).filter(User.line_user_id == coord).one().id
    for forged in (office["outsider"], me, 999999, "x"):
        send("postback", coord, encode("deputy.set", id=forged))
        assert "เลือกบุคคลนี้ไม่ได้" in texts_to(line, coord)[-1]
    assert targets(db, office["bureau"]) == [coord]


def test_a_deputy_who_left_hands_the_reminders_back(office, send, line, db):
    coord = office["coord"]
    deputy_id, deputy_line = office["mates"][0]
    send("postback", coord, encode("deputy.set", id=deputy_id))
    assert targets(db, office["bureau"]) == [deputy_line]
    send("unfollow", deputy_line)  # the deputy blocked the account
    assert targets(db, office["bureau"]) == [coord]
