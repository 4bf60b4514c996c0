"""The bot is for one-to-one chats: in a group or room it never shows personal data and runs no flow."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.conversation.postback import encode
from bot.dev.sandbox import events as ev
from models.core import ConversationState
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)


@pytest.fixture()
def member(db, clock):
    clock.set(NOW)
    with db() as s:
        u = make_user(s, make_bureau(s), full_name="ทดลอง กลุ่มแชต", position="นักทรัพยากรบุคคล")
        return u.line_user_id


def in_group(event: dict, kind: str = "group") -> dict:
    uid = event["source"]["userId"]
    key = "groupId" if kind == "group" else "roomId"
    return {**event, "source": {"type": kind, key: "C" + "1" * 32, "userId": uid}}


@pytest.mark.parametrize("kind", ["group", "room"])
def test_my_data_typed_in_a_group_shows_nothing_personal(kind, member, send, line, db):
    for event in (ev.text_event(member, "ข้อมูลของฉัน"), ev.text_event(member, "บันทึกความดี"),
                  ev.postback_event(member, encode("profile.show"))):
        send(in_group(event, kind))
    sent = json.dumps(line.messages_for(member), ensure_ascii=False)
    assert "ทดลอง" not in sent and "นักทรัพยากรบุคคล" not in sent and member not in sent
    assert len(line.messages_for(member)) == 3 and "แชตส่วนตัว" in sent  # one short note each
    with db() as s:
        st = s.get(ConversationState, member)
        assert st is None or st.flow is None  # no flow was started from the group


def test_ordinary_group_chatter_gets_no_answer(member, send, line):
    send(in_group(ev.text_event(member, "ประชุมกี่โมงครับ")))
    send(in_group(ev.sticker_event(member)))
    assert line.messages_for(member) == []
