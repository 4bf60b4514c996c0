"""Menu words and rich-menu tiles in the middle of a deed: each does what it does outside a flow, the draft
is parked, and "ทำรายการค้างต่อ" brings the user back to the same step with nothing typed lost."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from bot.conversation.postback import encode
from messages_th.menu import ACTIONS, STAFF
from models.core import ConversationState
from models.deeds import Deed
from tests.factories import make_bureau, make_user
from tests.handlers.test_record import actions

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in Bangkok
DESCRIPTION = "ช่วยเพื่อนร่วมงานยกเอกสารขึ้นชั้นสาม 😊"


@pytest.fixture()
def uid(db, clock):
    clock.set(NOW)
    with db() as s:
        return make_user(s, make_bureau(s)).line_user_id


def tap(send, line, uid, key: str) -> list[dict]:
    """Tap a staff menu tile (a postback, or the keyword it types); the messages of that one reply."""
    before = len(line.messages_for(uid))
    action = ACTIONS[key][3]
    if action.startswith("text:"):
        send("text", uid, action[5:])
    else:
        send("postback", uid, encode(action))
    return line.messages_for(uid)[before:]


def say(send, line, uid, kind, value) -> list[dict]:
    before = len(line.messages_for(uid))
    send(kind, uid, value)
    return line.messages_for(uid)[before:]


def to_when_step(send, uid):
    send("text", uid, "บันทึกความดี")
    send("postback", uid, encode("deed.virtue", k="honesty"))
    send("text", uid, DESCRIPTION)


def state(db, uid) -> ConversationState:
    with db() as s:
        return s.get(ConversationState, uid)


def shape(messages: list[dict]) -> list[tuple]:
    """What the user sees of a reply, without quick replies and the parked-flow card."""
    return [(m["type"], m.get("text") or m.get("altText")) for m in messages
            if "ทำค้างไว้" not in (m.get("text") or m.get("altText") or "")]


def resume_id(messages: list[dict]) -> str:
    found = [p["p"] for p in actions_in(messages, "flow.resume")]
    assert found, "no ทำรายการค้างต่อ offered"
    return found[-1]


def actions_in(messages, name):
    class _Line:  # actions() walks what a sandbox recorded; hand it just this reply
        def messages_for(self, _uid):
            return messages
    return actions(_Line(), "", name)


@pytest.mark.parametrize("key", [k for k in STAFF if k != "deed"])
def test_each_staff_tile_mid_deed_answers_as_outside_and_the_draft_resumes(key, uid, send, line, db):
    outside = tap(send, line, uid, key)
    to_when_step(send, uid)
    assert (state(db, uid).flow, state(db, uid).step) == ("deed", "when")

    inside = tap(send, line, uid, key)
    assert shape(inside) == shape(outside)  # the tile does what it does outside a flow
    parked_id = resume_id(inside)
    if state(db, uid).flow is None:  # a tile that opened no flow of its own
        back = say(send, line, uid, "postback", encode("flow.resume", p=parked_id))
        assert actions_in(back, "deed.when")  # the when step's question again, with its buttons
        st = state(db, uid)
        assert (st.flow, st.step, st.draft["description"]) == ("deed", "when", DESCRIPTION)
        send("postback", uid, encode("deed.when", d="today"))
        send("text", uid, "ข้าม")
        nonce = actions(line, uid, "deed.confirm")[-1]["n"]
        send("postback", uid, encode("deed.confirm", n=nonce))
        with db() as s:
            assert [d.description for d in s.exec(select(Deed))] == [DESCRIPTION]


def test_typing_record_mid_deed_starts_a_new_one_and_the_first_is_offered_back(uid, send, line, db):
    to_when_step(send, uid)
    fresh = say(send, line, uid, "text", "บันทึกความดี")
    assert actions_in(fresh, "deed.virtue")  # a new deed: the virtue question, not "this step needs ..."
    assert (state(db, uid).flow, state(db, uid).step) == ("deed", "virtue")
    cancelled = say(send, line, uid, "text", "ยกเลิก")
    back = say(send, line, uid, "postback", encode("flow.resume", p=resume_id(cancelled)))
    assert actions_in(back, "deed.when")
    assert state(db, uid).draft["description"] == DESCRIPTION


def test_discarding_the_parked_draft_and_a_stale_resume(uid, send, line, db):
    to_when_step(send, uid)
    parked_id = resume_id(say(send, line, uid, "text", "เมนู"))
    gone = say(send, line, uid, "postback", encode("flow.discard", p=parked_id))
    assert "ทิ้งรายการ" in gone[0]["text"] and state(db, uid).parked is None
    again = say(send, line, uid, "postback", encode("flow.resume", p=parked_id))  # a double tap / old button
    assert "ไม่มีแล้ว" in again[0]["text"] and state(db, uid).flow is None


def test_a_sticker_at_the_virtue_step_re_asks_with_the_buttons(uid, send, line, db):
    send("text", uid, "บันทึกความดี")
    reply = say(send, line, uid, "sticker", None)
    assert "คุณธรรม" in reply[-1]["text"]  # the hint
    assert actions_in(reply, "deed.virtue")  # and the virtue buttons again
    assert (state(db, uid).flow, state(db, uid).step) == ("deed", "virtue")
