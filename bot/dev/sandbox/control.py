"""``/_sandbox/*`` control endpoints for tests, benchmarks and the browser chat simulator (no auth)."""
from __future__ import annotations

import base64
import dataclasses

from flask import Blueprint, Response, current_app, jsonify, request

from . import webhook
from .shared import get_state, json_body
from .errors import ApiError
from .events import new_message_id
from .faults import FaultConfig

control = Blueprint("line_sandbox_control", __name__, url_prefix="/_sandbox")
_FAULT_KEYS = {f.name for f in dataclasses.fields(FaultConfig)}


@control.get("/deliveries")
def deliveries():
    since = request.args.get("since", default=0, type=int)
    found = get_state().deliveries_since(since, request.args.get("user") or None)
    last = found[-1].seq if found else since
    return jsonify({"deliveries": [d.to_dict() for d in found], "lastSeq": last})


@control.post("/reset")
def reset():
    get_state().reset()
    return jsonify({})


@control.post("/faults")
def faults():
    body = request.get_json(silent=True) or {}
    unknown = set(body) - _FAULT_KEYS
    if unknown:
        raise ApiError(400, f"unknown fault settings: {sorted(unknown)}")
    return jsonify(dataclasses.asdict(get_state().set_faults(**body)))


@control.post("/quota")
def quota():
    limit = json_body().get("limit")
    get_state().set_quota(None if limit is None else int(limit))
    return jsonify(get_state().quota())


@control.post("/profile")
def profile():
    body = json_body()
    get_state().set_profile(body["userId"], body["displayName"], body.get("pictureUrl"))
    return jsonify(get_state().profile(body["userId"]))


@control.post("/reply-token")
def reply_token():
    return jsonify({"replyToken": get_state().issue_reply_token(json_body()["userId"])})


@control.post("/reply-tokens")
def reply_tokens():
    users = json_body().get("users")
    if not isinstance(users, list) or not all(isinstance(u, str) and u for u in users):
        raise ApiError(400, "users must be a list of user ids")
    return jsonify({"replyTokens": get_state().issue_reply_tokens(users)})


@control.post("/content")
def content():
    if request.files:
        upload = next(iter(request.files.values()))
        message_id = request.form.get("messageId") or new_message_id()
        data, ctype = upload.read(), upload.mimetype or "application/octet-stream"
    else:
        body = json_body()
        message_id = str(body.get("messageId") or new_message_id())
        data, ctype = base64.b64decode(body["base64"]), body.get("contentType", "image/jpeg")
    get_state().put_content(message_id, data, ctype)
    return jsonify({"messageId": message_id, "size": len(data)})


@control.post("/config")
def config():
    body = json_body()
    if "webhookUrl" in body:
        current_app.config["SANDBOX_WEBHOOK_URL"] = body["webhookUrl"]
    if "channelSecret" in body:
        current_app.config["SANDBOX_CHANNEL_SECRET"] = body["channelSecret"]
    return jsonify({"webhookUrl": current_app.config["SANDBOX_WEBHOOK_URL"]})


def _menu_view(menu_id: str | None, source: str | None = None) -> dict:
    if menu_id is None:
        return {"richMenuId": None, "richMenu": None, "imageUrl": None, "source": None}
    menus = get_state().richmenus
    return {"richMenuId": menu_id, "richMenu": menus.get(menu_id), "source": source,
            "imageUrl": f"/_sandbox/richmenu/{menu_id}/image" if menu_id in menus.images else None}


@control.get("/richmenu/user/<user_id>")
def user_menu(user_id):
    menus = get_state().richmenus
    linked = menus.links.get(user_id)
    return jsonify(_menu_view(linked or menus.default, "user" if linked else "default"))


@control.get("/richmenu/alias/<alias_id>")
def alias_menu(alias_id):
    return jsonify(_menu_view(get_state().richmenus.alias(alias_id)["richMenuId"], "alias"))


@control.get("/richmenu/<menu_id>")
def menu(menu_id):
    return jsonify(_menu_view(menu_id, "id"))


@control.get("/richmenu/<menu_id>/image")
def menu_image(menu_id):
    data, ctype = get_state().richmenus.image(menu_id)
    return Response(data, mimetype=ctype)


@control.post("/webhook")
def send_webhook():
    state = get_state()
    event = webhook.build_event(state, json_body())
    url = current_app.config.get("SANDBOX_WEBHOOK_URL")
    if not url:
        raise ApiError(409, "No webhook URL configured (create_sandbox_app(webhook_url=...))")
    try:
        status = webhook.post_events(state, [event], url, current_app.config["SANDBOX_CHANNEL_SECRET"])
    except Exception as exc:  # connection refused, timeout: tell the simulator, keep serving
        return jsonify({"status": None, "error": str(exc), "event": event}), 502
    return jsonify({"status": status, "event": event})
