"""Schema validation and the limits LINE enforces beyond messaging-api.yml (each at its edge)."""
from __future__ import annotations

import pytest

from bot.dev.sandbox import ApiError
from bot.dev.sandbox.validate import check


def text(t="hi", **extra):
    return {"type": "text", "text": t, **extra}


def push(*messages):
    return {"to": "U" + "a" * 32, "messages": list(messages)}


def errors(kind, body):
    with pytest.raises(ApiError) as info:
        check(kind, body)
    assert info.value.status == 400
    return info.value.body()


def props(kind, body):
    return [d["property"] for d in errors(kind, body)["details"]]


def qr(n, label="ok", action=None):
    action = action or {"type": "message", "label": label, "text": "t"}
    return {"items": [{"type": "action", "action": dict(action)} for _ in range(n)]}


def bubble(*contents):
    return {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": list(contents)}}


def flex(contents, alt="alt"):
    return {"type": "flex", "altText": alt, "contents": contents}


def button(label, data="a=1"):
    return {"type": "button", "style": "primary", "action": {"type": "postback", "label": label, "data": data}}


def test_rich_valid_bodies_pass():
    quick = {"items": [
        {"type": "action", "action": {"type": "postback", "label": "ส่ง", "data": "v=1&a=x", "displayText": "ส่ง"}},
        {"type": "action", "action": {"type": "message", "label": "เมนู", "text": "เมนู"}},
        {"type": "action", "action": {"type": "datetimepicker", "label": "วันที่", "data": "d", "mode": "date",
                                      "initial": "2026-11-20", "min": "2026-01-01", "max": "2026-12-31"}},
        {"type": "action", "action": {"type": "uri", "label": "เว็บ", "uri": "https://example.com"}},
    ]}
    card = bubble({"type": "text", "text": "ความดี", "weight": "bold", "wrap": True, "size": "lg"},
                  {"type": "separator", "margin": "md"},
                  {"type": "image", "url": "https://example.com/a.png", "size": "full", "aspectMode": "cover"},
                  {"type": "box", "layout": "horizontal", "contents": [button("ตกลง"), button("ยกเลิก")]})
    card["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [button("ดู")]}
    check("reply", {"replyToken": "t", "messages": [text("สวัสดี", quickReply=quick), flex(card),
                                                    flex({"type": "carousel", "contents": [card, card]})]})
    check("push", push(text(), {"type": "sticker", "packageId": "446", "stickerId": "1988"}))
    check("multicast", {"to": ["U1", "U2"], "messages": [text()], "notificationDisabled": True})


def test_unknown_fields_wrong_types_and_unknown_types_fail():
    assert props("push", push(text(bogus=1))) == ["messages[0].bogus"]
    assert props("push", push(text(5))) == ["messages[0].text"]
    assert props("push", push({"type": "nope"})) == ["messages[0].type"]
    assert props("push", push(flex(bubble({"type": "text", "text": "x", "colour": "#fff"})))) == \
        ["messages[0].contents.body.contents[0].colour"]
    assert props("push", push(flex(bubble({"type": "box", "contents": []})))) == \
        ["messages[0].contents.body.contents[0].layout"]
    assert props("push", push(text(quickReply=qr(1, action={"type": "postback", "label": "x", "data": 3})))) == \
        ["messages[0].quickReply.items[0].action.data"]
    assert props("push", {"messages": [text()]}) == ["to"]


def test_error_shape_over_http(api):
    r = api.post("/v2/bot/message/push", json=push(text("x" * 5001)))
    assert r.status_code == 400
    body = r.get_json()
    assert body["message"].startswith("The request body has 1 error")
    assert body["details"] == [{"message": "Length must be between 0 and 5000", "property": "messages[0].text"}]


def test_at_most_five_messages():
    check("push", push(*[text()] * 5))
    assert props("push", push(*[text()] * 6)) == ["messages"]


def test_text_limit_counts_utf16_units():
    check("push", push(text("a" * 5000)))
    check("push", push(text("😀" * 2500)))  # 2 units each: exactly 5000
    assert props("push", push(text("a" * 5001))) == ["messages[0].text"]
    assert props("push", push(text("😀" * 2500 + "a"))) == ["messages[0].text"]  # only 2501 code points


def test_alt_text_limit():
    check("push", push(flex(bubble(), alt="ก" * 1500)))
    assert props("push", push(flex(bubble(), alt="ก" * 1501))) == ["messages[0].altText"]
    assert props("push", push(flex(bubble(), alt="😀" * 751))) == ["messages[0].altText"]


def test_quick_reply_items_and_label():
    check("push", push(text(quickReply=qr(13, label="ก" * 20))))
    assert props("push", push(text(quickReply=qr(14)))) == ["messages[0].quickReply.items"]
    assert props("push", push(text(quickReply=qr(1, label="ก" * 21)))) == \
        ["messages[0].quickReply.items[0].action.label"]


def test_flex_button_label_40():
    check("push", push(flex(bubble(button("ก" * 40)))))
    assert props("push", push(flex(bubble(button("ก" * 41))))) == \
        ["messages[0].contents.body.contents[0].action.label"]


def test_postback_data_300_bytes():
    check("push", push(flex(bubble(button("x", data="a" * 300)))))
    check("push", push(text(quickReply=qr(1, action={"type": "postback", "label": "x", "data": "ก" * 100}))))
    # 101 Thai characters = 303 bytes: passes the spec's character count, not LINE's byte limit
    assert props("push", push(text(quickReply=qr(1, action={"type": "postback", "label": "x",
                                                              "data": "ก" * 101})))) == \
        ["messages[0].quickReply.items[0].action.data"]


def test_multicast_recipients_1_to_500():
    check("multicast", {"to": [f"U{i}" for i in range(500)], "messages": [text()]})
    assert props("multicast", {"to": [f"U{i}" for i in range(501)], "messages": [text()]}) == ["to"]
    assert props("multicast", {"to": [], "messages": [text()]}) == ["to"]


def test_carousel_at_most_12_bubbles():
    check("push", push(flex({"type": "carousel", "contents": [bubble()] * 12})))
    assert props("push", push(flex({"type": "carousel", "contents": [bubble()] * 13}))) == \
        ["messages[0].contents.contents"]


def test_bubble_30kb_and_carousel_50kb():
    def sized(n_bytes):
        return bubble({"type": "text", "text": "a" * n_bytes})
    check("push", push(flex(sized(29 * 1024))))
    assert props("push", push(flex(sized(31 * 1024)))) == ["messages[0].contents"]
    check("push", push(flex({"type": "carousel", "contents": [sized(9 * 1024)] * 5})))  # ~45 KB
    assert props("push", push(flex({"type": "carousel", "contents": [sized(13 * 1024)] * 4}))) == \
        ["messages[0].contents"]  # ~52 KB, each bubble well under 30 KB


def menu(width=2500, height=1686, areas=1):
    area = {"bounds": {"x": 0, "y": 0, "width": 100, "height": 100},
            "action": {"type": "postback", "data": "a=menu"}}
    return {"size": {"width": width, "height": height}, "selected": True, "name": "main",
            "chatBarText": "เมนู", "areas": [area] * areas}


@pytest.mark.parametrize("width,height", [(800, 250), (2500, 1686), (2500, 843), (1450, 1000)])
def test_richmenu_sizes_ok(width, height):
    check("richmenu", menu(width, height))


@pytest.mark.parametrize("width,height,prop", [
    (799, 250, "size.width"), (2501, 1686, "size.width"), (1000, 249, "size.height"), (1449, 1000, "size"),
])
def test_richmenu_sizes_rejected(width, height, prop):
    assert prop in props("richmenu", menu(width, height))


def test_richmenu_areas_and_required_fields():
    check("richmenu", menu(areas=20))
    assert props("richmenu", menu(areas=21)) == ["areas"]
    body = menu()
    del body["chatBarText"]
    assert props("richmenu", body) == ["chatBarText"]
    body = menu()
    body["areas"][0] = {**body["areas"][0], "action": {"type": "postback", "data": "x" * 301}}
    assert "areas[0].action.data" in props("richmenu", body)


def test_multicast_user_ids_must_be_strings():
    assert props("multicast", {"to": ["U1", "U2", 3], "messages": [text()]}) == ["to[2]"]
    assert props("multicast", {"to": ["U1", "U2"], "messages": [text(bogus=1)]}) == ["messages[0].bogus"]


def test_a_body_found_valid_before_does_not_let_a_changed_one_through():
    """Valid bodies are remembered (a bot repeats its messages); anything that differs is checked again."""
    body = {"replyToken": "t" * 32, "messages": [text("สวัสดี", quickReply=qr(2))]}
    check("reply", body)
    check("reply", dict(body, replyToken="u" * 32))  # another user, same messages: still fine
    assert props("reply", dict(body, replyToken=7)) == ["replyToken"]
    assert props("reply", {**body, "messages": [text("")]}) == ["messages[0].text"]
    assert props("reply", {**body, "notificationDisabled": "yes"}) == ["notificationDisabled"]
