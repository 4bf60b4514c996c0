"""Conversation plumbing every flow relies on: cancel, expiry, steps, hints, postback parsing."""
from __future__ import annotations


import pytest

from bot.conversation.postback import PostbackError, decode, encode
from bot.dev.sandbox import events as ev
from tests.conftest import texts_to

U = "U" + "b" * 32


@pytest.fixture()
def echo_flow(bot):
    """A two-step test flow: "เริ่ม" → asks a name (text only) → says it back."""
    def start(ctx):
        ctx.start("echo", "name")
        return [{"type": "text", "text": "ชื่ออะไร"}]

    def name(ctx):
        if ctx.text is None:
            return None
        ctx.end()
        return [{"type": "text", "text": f"สวัสดี {ctx.text}"}]

    bot.router.text("เริ่ม", start)
    bot.router.step("echo", "name", name, hint="พิมพ์ชื่อของคุณ")
    bot.router.postback("echo.go", start)


def test_step_gets_the_next_text(echo_flow, send, line):
    send("text", U, "เริ่ม")
    send("text", U, "สมชาย 😀")
    assert texts_to(line, U) == ["ชื่ออะไร", "สวัสดี สมชาย 😀"]


def test_sticker_in_a_text_step_gets_the_step_hint_and_keeps_the_flow(echo_flow, send, line):
    send("text", U, "เริ่ม")
    send(ev.sticker_event(U))
    send("text", U, "สมหญิง")
    replies = texts_to(line, U)
    assert "พิมพ์ชื่อของคุณ" in replies[1]
    assert replies[2] == "สวัสดี สมหญิง"


def test_sticker_in_a_step_without_a_hint_still_gets_a_whole_sentence(bot, send, line):
    bot.router.text("เริ่มเงียบ", lambda ctx: ctx.start("quiet", "one") or [{"type": "text", "text": "ส่งมาเลย"}])
    bot.router.step("quiet", "one", lambda ctx: None)  # a step with no hint (some flows have none)
    send("text", U, "เริ่มเงียบ")
    send(ev.sticker_event(U))
    reply = texts_to(line, U)[1]
    assert "ต้องการ\n" not in reply and "ยังใช้สิ่งที่ส่งมาไม่ได้" in reply and "ยกเลิก" in reply


def test_sticker_location_or_photo_outside_any_flow_says_how_to_go_on(send, line):
    """No flow is waiting: nothing to cancel, so the hint points at the menu and the keyword list."""
    send(ev.sticker_event(U))
    send(ev.location_event(U))
    for reply in texts_to(line, U):
        assert "ยกเลิก" not in reply and "เมนู" in reply and "ช่วยเหลือ" in reply
    assert [d.messages[0]["quickReply"]["items"][0]["action"]["text"] for d in line.deliveries_for(U)] == ["เมนู"] * 2


def test_cancel_leaves_any_flow(echo_flow, send, line):
    send("text", U, "เริ่ม")
    send("text", U, "ยกเลิก")
    send("text", U, "สมชาย")  # no longer in the flow: not greeted
    replies = texts_to(line, U)
    assert "ยกเลิก" in replies[1]
    assert replies[2] != "สวัสดี สมชาย"


def test_idle_flow_expires_politely(echo_flow, send, line, clock):
    send("text", U, "เริ่ม")
    clock.advance(minutes=31)
    send("text", U, "สมชาย")
    replies = texts_to(line, U)
    assert "หมดเวลา" in replies[1]
    assert "สวัสดี สมชาย" not in replies


def test_postback_routes_and_bad_data_gets_help(echo_flow, send, line):
    send("postback", U, encode("echo.go"))
    send("postback", U, "action=buy&itemid=111")  # not ours / old format
    send("postback", U, encode("no.such.action"))
    replies = texts_to(line, U)
    assert replies[0] == "ชื่ออะไร"
    assert len(replies) == 3 and "เมนู" in replies[1] and "เมนู" in replies[2]


def test_postback_format_round_trip_and_rejects():
    data = encode("deed.virtue", v2="honesty", id=12)
    assert decode(data) == ("deed.virtue", {"v2": "honesty", "id": "12"})
    for bad in ("", "v=2&a=x", "a=x", "v=1", "v=1&a=x&a=y", "x" * 301, "%%%"):
        with pytest.raises(PostbackError):
            decode(bad)
    with pytest.raises(ValueError):
        encode("x", blob="ก" * 200)


def test_every_keyword_the_help_lists_is_answered_by_a_flow(bot):
    from messages_th.common import DEFAULT_HELP
    listed = {word for word, _ in DEFAULT_HELP}
    assert listed - bot.router.keywords == set()


def test_text_nobody_understood_gets_what_this_user_can_do(send, line, db):
    from tests.factories import make_bureau, make_user
    stranger, member = "U" + "3" * 32, "U" + "4" * 32
    with db() as s:
        make_user(s, make_bureau(s), line_user_id=member)
    send("text", stranger, "สวัสดีครับ 😀")
    send("text", member, "สวัสดีครับ 😀")
    first = line.messages_for(stranger)[-1]
    assert "ลงทะเบียน" in first["text"]  # not yet registered: register, or read the virtues
    assert [i["action"]["label"] for i in first["quickReply"]["items"]] == ["ลงทะเบียน", "อ่านหลักคุณธรรม"]
    assert "พิมพ์คำต่อไปนี้" in texts_to(line, member)[-1]  # registered: every keyword there is


def test_help_lists_each_roles_own_words_and_every_one_is_answered(send, line, db, bot):
    """Issue 14: "ช่วยเหลือ" showed the same staff list to admins, committee and coordinators."""
    from messages_th.common import ROLE_HELP
    from tests.factories import make_bureau, make_user
    for words in ROLE_HELP.values():
        assert {w for w, _ in words} - bot.router.keywords == set()
    who = {role: "U" + str(i) * 32 for i, role in enumerate(("staff", "coordinator", "committee", "admin"), 1)}
    with db() as s:
        b = make_bureau(s)
        for role, uid in who.items():
            make_user(s, b, line_user_id=uid, roles=() if role == "staff" else (role,))
    seen = {}
    for role, uid in who.items():
        send("text", uid, "ช่วยเหลือ")
        seen[role] = texts_to(line, uid)[-1]
    assert "ส่งรายงาน" not in seen["staff"] and "สร้างกิจกรรม" not in seen["staff"]
    assert "ส่งรายงาน" in seen["coordinator"] and "สร้างกิจกรรม" not in seen["coordinator"]
    assert "สร้างกิจกรรม" in seen["committee"] and "อนุมัติ –" not in seen["committee"]
    assert "อนุมัติ –" in seen["admin"] and "สร้างกิจกรรม" in seen["admin"]
    assert len(set(seen.values())) == 4
