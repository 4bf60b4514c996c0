"""Through a real socket: run_in_thread + requests, line-bot-sdk v3's own client, webhook round trip."""
from __future__ import annotations

import json
import uuid

import pytest
import requests
from flask import Flask, request

from bot.dev.sandbox import SandboxState, create_sandbox_app, run_in_thread
from bot.dev.sandbox import events as ev

U1 = "U" + "1" * 32


@pytest.fixture
def served():
    state = SandboxState()
    app = create_sandbox_app(state, channel_secret="secret")
    handle = run_in_thread(app)
    yield handle, state, app
    state.reset()  # wake anything hanging in an injected timeout before shutting down
    handle.shutdown()


def test_requests_against_threaded_server(served):
    handle, state, _ = served
    assert handle.url == f"http://127.0.0.1:{handle.port}"
    r = requests.post(f"{handle.url}/v2/bot/message/push", timeout=5,
                      headers={"Authorization": "Bearer x", "X-Line-Retry-Key": str(uuid.uuid4())},
                      json={"to": U1, "messages": [{"type": "text", "text": "hello"}]})
    assert r.status_code == 200 and r.headers["x-line-request-id"]
    assert state.messages_for(U1) == [{"type": "text", "text": "hello"}]


def test_line_bot_sdk_v3_client_is_accepted(served, image_bytes):
    from linebot.v3.messaging import (
        ApiClient, Configuration, FlexContainer, FlexMessage, MessagingApi, MessagingApiBlob,
        PostbackAction, PushMessageRequest, QuickReply, QuickReplyItem, ReplyMessageRequest,
        RichMenuRequest, TextMessage)
    from linebot.v3.messaging.exceptions import ApiException

    handle, state, _ = served
    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [
        {"type": "text", "text": "ความดี", "wrap": True},
        {"type": "separator"},
        {"type": "button", "action": {"type": "postback", "label": "ตกลง", "data": "v=1&a=ok"}}]}}
    quick = QuickReply(items=[QuickReplyItem(action=PostbackAction(label="ส่ง", data="v=1&a=send",
                                                                   display_text="ส่ง"))])
    with ApiClient(Configuration(host=handle.url, access_token="x")) as client:
        api = MessagingApi(client)
        token = state.issue_reply_token(U1)
        resp = api.reply_message_with_http_info(ReplyMessageRequest(reply_token=token, messages=[
            TextMessage(text="สวัสดี", quick_reply=quick),
            FlexMessage(alt_text="การ์ด", contents=FlexContainer.from_dict(bubble))]))
        assert resp.status_code == 200 and len(resp.data.sent_messages) == 2

        key = str(uuid.uuid4())
        resp = api.push_message_with_http_info(
            PushMessageRequest(to=U1, messages=[TextMessage(text="push")]), x_line_retry_key=key)
        assert resp.status_code == 200
        with pytest.raises(ApiException) as info:
            api.push_message_with_http_info(
                PushMessageRequest(to=U1, messages=[TextMessage(text="push")]), x_line_retry_key=key)
        assert info.value.status == 409
        assert info.value.headers["x-line-accepted-request-id"] == resp.headers["x-line-request-id"]

        menu = RichMenuRequest.from_dict({
            "size": {"width": 1200, "height": 810}, "selected": False, "name": "m", "chatBarText": "เมนู",
            "areas": [{"bounds": {"x": 0, "y": 0, "width": 600, "height": 810},
                       "action": {"type": "postback", "data": "a=1"}}]})
        menu_id = api.create_rich_menu(menu).rich_menu_id
        MessagingApiBlob(client).set_rich_menu_image(
            menu_id, body=image_bytes(1200, 810), _headers={"Content-Type": "image/png"})
        api.link_rich_menu_id_to_user(U1, menu_id)
        assert api.get_rich_menu_id_of_user(U1).rich_menu_id == menu_id
        assert api.get_profile(U1).display_name
    assert [d.kind for d in state.deliveries_for(U1)] == ["reply", "push"]


def test_webhook_round_trip_to_a_bot(served):
    """/_sandbox/webhook signs an event, the bot checks it and replies with the issued token."""
    handle, state, sandbox_app = served
    bot = Flask("tiny-bot")
    seen = []

    @bot.post("/callback")
    def callback():
        raw = request.get_data()
        if request.headers.get("X-Line-Signature") != ev.sign(raw, "secret"):
            return "bad signature", 400
        body = json.loads(raw)
        ev.validate_callback(body)
        seen.append(body)
        for event in body["events"]:
            requests.post(f"{handle.url}/v2/bot/message/reply", timeout=5, headers={"Authorization": "Bearer x"},
                          json={"replyToken": event["replyToken"],
                                "messages": [{"type": "text", "text": "echo " + event["message"]["text"]}]})
        return "OK"

    bot_handle = run_in_thread(bot)
    try:
        sandbox_app.config["SANDBOX_WEBHOOK_URL"] = f"{bot_handle.url}/callback"
        r = requests.post(f"{handle.url}/_sandbox/webhook", json={"type": "text", "userId": U1, "text": "hi"},
                          timeout=15)
        assert r.status_code == 200 and r.json()["status"] == 200
        assert r.json()["event"]["message"]["text"] == "hi"
        assert state.messages_for(U1) == [{"type": "text", "text": "echo hi"}]
        assert seen[0]["events"][0]["replyToken"] == r.json()["event"]["replyToken"]
    finally:
        bot_handle.shutdown()
