from datetime import date

import pytest

from bot.conversation.postback import decode
from messages_th import common as C
from messages_th import flex as F


def test_text_message_and_quick_reply(line_check):
    qr = C.quick_reply([("เมนู", C.msg_action("x", "เมนู")),
                        ("พอเพียง", C.pb("x", "deed.virtue", virtue="sufficiency")),
                        ("เลือกวัน", C.date_action("x", "a=1", initial=date(2025, 3, 20), max="2025-09-30")),
                        ("ถ่ายรูป", C.camera_action()), ("เลือกรูป", C.camera_roll_action())])
    msg = C.text("สวัสดีครับ", qr)
    line_check(msg)
    actions = [item["action"] for item in msg["quickReply"]["items"]]
    assert actions[0] == {"type": "message", "label": "เมนู", "text": "เมนู"}
    assert decode(actions[1]["data"]) == ("deed.virtue", {"virtue": "sufficiency"})
    assert actions[2]["mode"] == "date" and actions[2]["initial"] == "2025-03-20" and actions[2]["max"] == "2025-09-30"


def test_quick_reply_limits_raise():
    act = C.msg_action("a", "a")
    C.quick_reply([(str(i), act) for i in range(13)])
    with pytest.raises(ValueError):
        C.quick_reply([(str(i), act) for i in range(14)])
    with pytest.raises(ValueError):
        C.quick_reply([])
    with pytest.raises(ValueError):
        C.quick_reply([("ก" * 21, act)])
    with pytest.raises(ValueError):
        C.postback_action("x", "d" * 301)


def test_text_is_clipped_to_5000_utf16_units():
    long = "ทดสอบ😀" * 2000
    msg = C.text(long)
    assert C.utf16_len(msg["text"]) <= 5000 and msg["text"].endswith("…")
    assert C.clip("กี่" * 10, 6) in ("กี่กี่…", "กี่…")          # never leaves a bare tone mark
    assert C.clip("สั้น", 10) == "สั้น"


@pytest.mark.parametrize("build", [
    C.cancelled, C.nothing_to_cancel, C.flow_expired, C.bad_postback, C.help_text, C.not_registered,
    C.server_busy, lambda: C.unexpected_input("ข้อความบรรยายความดี"), lambda: C.not_allowed("ผู้ประสานงานสำนัก"),
    lambda: C.too_long(500, 812),
])
def test_everyday_texts_are_valid(build, line_check):
    msg = build()
    line_check(msg)
    assert msg["text"]


def test_texts_say_what_matters():
    assert "30 นาที" in C.flow_expired()["text"]
    hint = C.unexpected_input("ข้อความ")["text"]
    assert "ข้อความ" in hint and "ยกเลิก" in hint
    assert "เมนู" in C.bad_postback()["text"]
    assert "ลงทะเบียน" in C.not_registered()["text"]
    assert "812" in C.too_long(500, 812)["text"]
    assert C.role_th("committee") == "คณะกรรมการจริยธรรม" and C.role_th("staff") == "บุคลากร"


def test_flex_builders_valid(line_check):
    act = C.msg_action("x", "เมนู")
    card = F.bubble("หัวเรื่อง", [F.txt("เนื้อหา", "sm", "bold", "#111111"), F.separator(),
                                  F.kv_row("สำนัก", "สำนักการประชุม"), F.box([F.txt("ก")], "horizontal")],
                    [F.button("ตกลง", act), F.button("ยกเลิก", act, "secondary")])
    line_check(F.flex("ทดสอบ", card), F.flex("หลายใบ", F.carousel([card] * 12)))


def test_flex_limits_raise():
    card = F.bubble(body=[F.txt("x")])
    with pytest.raises(ValueError):
        F.carousel([card] * 13)
    with pytest.raises(ValueError):
        F.carousel([])
    with pytest.raises(ValueError):
        F.button("ก" * 41, C.msg_action("x", "y"))
    with pytest.raises(ValueError):
        F.txt("x", size="huge")
    with pytest.raises(ValueError):
        F.box([], layout="grid")
    msg = F.flex("ก" * 3000, card)
    assert len(msg["altText"]) <= 1500
