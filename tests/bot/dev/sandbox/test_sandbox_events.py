"""Webhook event builders match webhook.yml; signatures; the /_sandbox control endpoints."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re

import pytest

from bot.dev.sandbox import ApiError
from bot.dev.sandbox import events as ev
from bot.dev.sandbox.webhook import prepare_callback

U1 = "U" + "1" * 32


def all_events():
    return [
        ev.text_event(U1, "บันทึกความดี"),
        ev.postback_event(U1, "v=1&a=deed.date", {"date": "2026-11-20"}),
        ev.image_event(U1),
        ev.sticker_event(U1),
        ev.location_event(U1, title="ศาลากลาง"),
        ev.follow_event(U1),
        ev.unfollow_event(U1),
    ]


def test_every_builder_validates_against_webhook_yml():
    ev.validate_callback(ev.callback_body(all_events()))
    ev.validate_callback(ev.callback_body([]))  # LINE's verification call


def test_validate_callback_catches_bad_shapes():
    broken = ev.text_event(U1, "x")
    del broken["message"]["quoteToken"]
    with pytest.raises(ApiError) as info:
        ev.validate_callback(ev.callback_body([broken]))
    assert info.value.details[0]["property"] == "events[0].message.quoteToken"
    with pytest.raises(ApiError):
        ev.validate_callback(ev.callback_body([ev.text_event(U1, "x")], destination="Uxxxx"))


def test_event_details():
    text = ev.text_event(U1, "hi", reply_token="rt", redelivery=True, timestamp_ms=1700000000000, event_id="E")
    assert text["replyToken"] == "rt" and text["deliveryContext"] == {"isRedelivery": True}
    assert text["timestamp"] == 1700000000000 and text["webhookEventId"] == "E"
    assert text["mode"] == "active" and text["source"] == {"type": "user", "userId": U1}
    assert text["message"]["id"].isdigit() and text["message"]["quoteToken"]
    assert ev.image_event(U1, message_id="42")["message"]["contentProvider"] == {"type": "line"}
    assert "replyToken" not in ev.unfollow_event(U1)
    assert ev.postback_event(U1, "d")["postback"] == {"data": "d"}


def test_webhook_event_id_is_ulid_like():
    ids = {ev.webhook_event_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", i) for i in ids)
    assert ev.webhook_event_id(1000) < ev.webhook_event_id(2000)  # time-ordered


def test_signature_is_base64_hmac_sha256():
    body = json.dumps(ev.callback_body([ev.text_event(U1, "ไทย")]), ensure_ascii=False).encode()
    expected = base64.b64encode(hmac.new(b"s3cret", body, hashlib.sha256).digest()).decode()
    assert ev.sign(body, "s3cret") == expected


def test_prepare_callback_registers_tokens(api, state):
    event = ev.text_event(U1, "hi")
    body, headers = prepare_callback(state, [event, ev.unfollow_event(U1)], "secret")
    assert headers["X-Line-Signature"] == ev.sign(body, "secret")
    assert json.loads(body)["events"][0] == event
    r = api.post("/v2/bot/message/reply", json={"replyToken": event["replyToken"],
                                                "messages": [{"type": "text", "text": "ok"}]})
    assert r.status_code == 200


def test_control_deliveries_poll_and_reset(api, state):
    client = api.raw
    for i in range(3):
        api.post("/v2/bot/message/push", json={"to": U1, "messages": [{"type": "text", "text": str(i)}]})
    api.post("/v2/bot/message/push", json={"to": "U2", "messages": [{"type": "text", "text": "x"}]})
    first = client.get(f"/_sandbox/deliveries?user={U1}").get_json()
    assert [d["messages"][0]["text"] for d in first["deliveries"]] == ["0", "1", "2"]
    since = first["deliveries"][1]["seq"]
    later = client.get(f"/_sandbox/deliveries?user={U1}&since={since}").get_json()
    assert [d["messages"][0]["text"] for d in later["deliveries"]] == ["2"]
    assert later["lastSeq"] == first["lastSeq"]
    assert client.post("/_sandbox/reset").status_code == 200
    assert client.get("/_sandbox/deliveries").get_json()["deliveries"] == []


def test_control_quota_faults_content(api, state):
    client = api.raw
    assert client.post("/_sandbox/quota", json={"limit": 5}).get_json() == {"type": "limited", "value": 5}
    assert client.post("/_sandbox/faults", json={"fail_rate": 0.5, "seed": 1}).get_json()["fail_rate"] == 0.5
    assert client.post("/_sandbox/faults", json={"nope": 1}).status_code == 400
    client.post("/_sandbox/faults", json={})
    r = client.post("/_sandbox/content", json={"messageId": "77", "base64": base64.b64encode(b"abc").decode(),
                                               "contentType": "image/jpeg"})
    assert r.get_json()["messageId"] == "77"
    assert api.get("/v2/bot/message/77/content").data == b"abc"
    import io
    r = client.post("/_sandbox/content", data={"messageId": "78", "file": (io.BytesIO(b"png"), "a.png", "image/png")},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and state.content("78") == (b"png", "image/png")


def test_control_webhook_without_url_is_an_error(api):
    r = api.raw.post("/_sandbox/webhook", json={"type": "text", "userId": U1, "text": "hi"})
    assert r.status_code == 409


def test_build_event_for_the_simulator(state):
    from bot.dev.sandbox.webhook import build_event
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    image = build_event(state, {"type": "image", "userId": U1, "imageBase64": png, "contentType": "image/png"})
    assert state.content(image["message"]["id"]) == (base64.b64decode(png), "image/png")
    placeholder = build_event(state, {"type": "image", "userId": U1})
    assert state.content(placeholder["message"]["id"])[1] == "image/png"
    postback = build_event(state, {"type": "postback", "userId": U1, "data": "a=1", "params": {"date": "2026-11-20"}})
    assert postback["postback"]["params"] == {"date": "2026-11-20"}
    build_event(state, {"type": "unfollow", "userId": U1})
    assert U1 in state.blocked
    build_event(state, {"type": "follow", "userId": U1})
    assert U1 not in state.blocked
    ev.validate_callback(ev.callback_body([image, postback]))
    with pytest.raises(ApiError):
        build_event(state, {"type": "video", "userId": U1})
