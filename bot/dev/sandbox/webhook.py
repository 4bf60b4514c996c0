"""Deliver webhook events to the bot as the LINE platform would: register tokens, sign, POST."""
from __future__ import annotations

import base64
import io
import json

from . import events as ev
from .errors import ApiError
from .state import SandboxState


def prepare_callback(state: SandboxState, events: list[dict], channel_secret: str,
                     destination: str = ev.DESTINATION) -> tuple[bytes, dict]:
    """Register the events' reply tokens in ``state``; return (raw body, headers) ready to POST."""
    for event in events:
        if "replyToken" in event:
            state.issue_reply_token(event["source"]["userId"], event["replyToken"])
    body = json.dumps(ev.callback_body(events, destination), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8",
               "X-Line-Signature": ev.sign(body, channel_secret or ""),
               "User-Agent": "LineBotWebhook/2.0"}
    return body, headers


def _placeholder_png() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (6, 199, 85)).save(buf, "PNG")
    return buf.getvalue()


def build_event(state: SandboxState, spec: dict) -> dict:
    """Event for the control endpoint ``{"type": "text"|"postback"|"image"|"follow"|"unfollow", ...}``."""
    kind, user = spec.get("type"), spec.get("userId")
    if not user or not isinstance(user, str):
        raise ApiError(400, "userId is required")
    opts = {"redelivery": bool(spec.get("redelivery", False))}
    if kind == "text":
        return ev.text_event(user, str(spec.get("text", "")), **opts)
    if kind == "postback":
        return ev.postback_event(user, str(spec.get("data", "")), spec.get("params"), **opts)
    if kind == "image":
        event = ev.image_event(user, **opts)
        if spec.get("imageBase64"):
            data, ctype = base64.b64decode(spec["imageBase64"]), spec.get("contentType") or "image/jpeg"
        else:
            data, ctype = _placeholder_png(), "image/png"
        state.put_content(event["message"]["id"], data, ctype)
        return event
    if kind == "follow":
        state.set_blocked(user, False)
        return ev.follow_event(user, **opts)
    if kind == "unfollow":
        state.set_blocked(user, True)  # LINE stops delivering (and billing) pushes to blockers
        return ev.unfollow_event(user, **opts)
    raise ApiError(400, f"unsupported event type {kind!r}")


def post_events(state: SandboxState, events: list[dict], webhook_url: str,
                channel_secret: str, timeout: float = 10.0) -> int:
    """POST a signed callback to the bot; returns the bot's HTTP status."""
    import requests

    body, headers = prepare_callback(state, events, channel_secret)
    resp = requests.post(webhook_url, data=body, headers=headers, timeout=timeout)
    return resp.status_code
