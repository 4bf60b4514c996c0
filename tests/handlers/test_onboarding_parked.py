"""A menu word in the middle of registration answers, and "ทำรายการค้างต่อ" brings the user back to the step."""
from __future__ import annotations

from sqlmodel import select

from bot.conversation.postback import encode
from bot.services import membership as registry
from models.core import User, utcnow
from tests.conftest import postbacks, texts_to
from tests.factories import make_bureau

U = "U" + "c" * 32


def test_help_in_the_name_step_then_resume_asks_for_the_name_again(send, line, db):
    with db() as s:
        code = registry.create_invite(s, make_bureau(s, "สำนักนโยบายและแผน", code="PLAN"), utcnow()).code
    line.set_profile(U, "สมหญิง LINE")
    send("follow", U)
    send("postback", U, encode("consent.yes"))
    send("text", U, code)
    assert "ชื่อ-นามสกุล" in texts_to(line, U)[-1]  # the name step

    send("text", U, "ช่วยเหลือ")
    help_reply = line.messages_for(U)[-1]
    assert "พิมพ์คำต่อไปนี้" in help_reply["text"]  # the keyword list, as outside any flow
    labels = [i["action"]["label"] for i in help_reply["quickReply"]["items"]]
    assert labels[-2:] == ["ทำรายการค้างต่อ", "ทิ้งรายการค้าง"]
    [(action, params)] = [p for p in postbacks(help_reply) if p[0] == "flow.resume"]

    send("postback", U, encode(action, **params))
    resumed, prompt = line.messages_for(U)[-2:]
    assert "ลงทะเบียน" in resumed["text"] and "ต่อจากที่ค้างไว้" in resumed["text"]
    assert "ชื่อ-นามสกุล" in prompt["text"]  # the name step's question again, with the LINE name to tap
    assert prompt["quickReply"]["items"][0]["action"]["text"] == "สมหญิง LINE"

    send("text", U, "สมหญิง ใจงาม")  # the draft (the checked invite code) was kept: on to the title
    send("text", U, "นาง")  # then the position
    assert "ตำแหน่ง" in texts_to(line, U)[-1]
    with db() as s:
        state_user = s.exec(select(User).where(User.line_user_id == U)).one()
        assert state_user.status == "consented"
