"""LINE message endpoints: reply, push, multicast, quota, profile, content, loading animation, bot info."""
from __future__ import annotations

import re

from flask import Blueprint, Response, g, jsonify, request

from . import validate
from .shared import get_state, json_body, line_api_guard
from .errors import ApiError

messages = Blueprint("line_messages", __name__)
messages.before_request(line_api_guard)

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _retry_key() -> str | None:
    key = request.headers.get("X-Line-Retry-Key")
    if key is not None and not _UUID.match(key):
        raise ApiError(400, "The value for the 'X-Line-Retry-Key' header is invalid")
    return key


@messages.post("/v2/bot/message/reply")
def reply():
    body = json_body()
    validate.check("reply", body)
    sent = get_state().reply(body["replyToken"], body["messages"], g.request_id)
    return jsonify({"sentMessages": sent})


@messages.post("/v2/bot/message/push")
def push():
    key = _retry_key()
    body = json_body()
    validate.check("push", body)
    sent = get_state().send("push", [body["to"]], body["messages"], g.request_id, key)
    return jsonify({"sentMessages": sent})


@messages.post("/v2/bot/message/multicast")
def multicast():
    key = _retry_key()
    body = json_body()
    validate.check("multicast", body)
    get_state().send("multicast", list(body["to"]), body["messages"], g.request_id, key)
    return jsonify({})


@messages.get("/v2/bot/message/quota")
def quota():
    return jsonify(get_state().quota())


@messages.get("/v2/bot/message/quota/consumption")
def consumption():
    return jsonify({"totalUsage": get_state().consumption()})


@messages.get("/v2/bot/profile/<user_id>")
def profile(user_id):
    return jsonify(get_state().profile(user_id))


@messages.get("/v2/bot/message/<message_id>/content")
def content(message_id):
    data, ctype = get_state().content(message_id)
    return Response(data, mimetype=ctype)


@messages.post("/v2/bot/chat/loading/start")
def loading():
    body = json_body()
    validate.check("loading", body)
    get_state().record_loading(body["chatId"], body.get("loadingSeconds", 20))
    return jsonify({}), 202


# The sandbox account's profile (invented, demo only): its basicId makes the console's add-friend QR.
BOT_INFO = {"userId": "U" + "0" * 31 + "b", "basicId": "@000sandbox", "displayName": "บอตทดลอง (แซนด์บ็อกซ์)",
            "chatMode": "bot", "markAsReadMode": "auto"}


@messages.get("/v2/bot/info")
def bot_info():
    return jsonify(BOT_INFO)
