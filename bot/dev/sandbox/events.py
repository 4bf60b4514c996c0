"""Webhook events shaped exactly like LINE's (checked against webhook.yml) and their signature."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from .errors import ApiError
from .validate import schema_errors

DESTINATION = "U" + "0123456789abcdef" * 2  # the bot's own user id (pattern U[0-9a-f]{32})
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def webhook_event_id(timestamp_ms: int | None = None) -> str:
    """A ULID (26 chars, Crockford base32: 48-bit ms time + 80 random bits), as LINE uses."""
    ms = int(time.time() * 1000) if timestamp_ms is None else int(timestamp_ms)
    value = (ms << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def new_message_id() -> str:
    return str(secrets.randbelow(9 * 10**17) + 10**17)


def reply_token() -> str:
    return secrets.token_hex(16)


def _base(kind: str, user_id: str, *, reply_token_value=None, redelivery=False,
          timestamp_ms=None, event_id=None, with_token=True) -> dict:
    ts = int(time.time() * 1000) if timestamp_ms is None else int(timestamp_ms)
    event = {
        "type": kind,
        "mode": "active",
        "timestamp": ts,
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": event_id or webhook_event_id(ts),
        "deliveryContext": {"isRedelivery": bool(redelivery)},
    }
    if with_token:
        event["replyToken"] = reply_token_value or reply_token()
    return event


def text_event(user_id, text, *, reply_token=None, redelivery=False, timestamp_ms=None,
               event_id=None, quote_token=None) -> dict:
    event = _base("message", user_id, reply_token_value=reply_token, redelivery=redelivery,
                  timestamp_ms=timestamp_ms, event_id=event_id)
    event["message"] = {"type": "text", "id": new_message_id(), "text": text,
                        "quoteToken": quote_token or secrets.token_urlsafe(24)}
    return event


def postback_event(user_id, data, params=None, *, reply_token=None, redelivery=False,
                   timestamp_ms=None, event_id=None) -> dict:
    event = _base("postback", user_id, reply_token_value=reply_token, redelivery=redelivery,
                  timestamp_ms=timestamp_ms, event_id=event_id)
    event["postback"] = {"data": data}
    if params:
        event["postback"]["params"] = dict(params)
    return event


def image_event(user_id, message_id=None, *, reply_token=None, redelivery=False,
                timestamp_ms=None, event_id=None) -> dict:
    event = _base("message", user_id, reply_token_value=reply_token, redelivery=redelivery,
                  timestamp_ms=timestamp_ms, event_id=event_id)
    event["message"] = {"type": "image", "id": message_id or new_message_id(),
                        "contentProvider": {"type": "line"},
                        "quoteToken": secrets.token_urlsafe(24)}
    return event


def sticker_event(user_id, package_id="446", sticker_id="1988", *, reply_token=None,
                  redelivery=False, timestamp_ms=None, event_id=None) -> dict:
    event = _base("message", user_id, reply_token_value=reply_token, redelivery=redelivery,
                  timestamp_ms=timestamp_ms, event_id=event_id)
    event["message"] = {"type": "sticker", "id": new_message_id(), "packageId": str(package_id),
                        "stickerId": str(sticker_id), "stickerResourceType": "STATIC",
                        "keywords": [], "quoteToken": secrets.token_urlsafe(24)}
    return event


def location_event(user_id, latitude=13.7563, longitude=100.5018, *, title=None, address=None,
                   reply_token=None, redelivery=False, timestamp_ms=None, event_id=None) -> dict:
    event = _base("message", user_id, reply_token_value=reply_token, redelivery=redelivery,
                  timestamp_ms=timestamp_ms, event_id=event_id)
    event["message"] = {"type": "location", "id": new_message_id(),
                        "latitude": float(latitude), "longitude": float(longitude)}
    if title:
        event["message"]["title"] = title
    if address:
        event["message"]["address"] = address
    return event


def follow_event(user_id, *, is_unblocked=False, reply_token=None, redelivery=False,
                 timestamp_ms=None, event_id=None) -> dict:
    event = _base("follow", user_id, reply_token_value=reply_token, redelivery=redelivery,
                  timestamp_ms=timestamp_ms, event_id=event_id)
    event["follow"] = {"isUnblocked": bool(is_unblocked)}
    return event


def unfollow_event(user_id, *, redelivery=False, timestamp_ms=None, event_id=None) -> dict:
    return _base("unfollow", user_id, redelivery=redelivery, timestamp_ms=timestamp_ms,
                 event_id=event_id, with_token=False)


def callback_body(events, destination: str = DESTINATION) -> dict:
    return {"destination": destination, "events": list(events)}


def sign(body_bytes: bytes, channel_secret: str) -> str:
    """``X-Line-Signature``: base64(HMAC-SHA256(channel secret, raw body))."""
    mac = hmac.new(channel_secret.encode("utf-8"), body_bytes, hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def validate_callback(body: dict) -> None:
    """Raise :class:`ApiError` (400, with details) unless ``body`` matches webhook.yml's CallbackRequest."""
    details = schema_errors("CallbackRequest", body, spec_name="webhook")
    if details:
        raise ApiError(400, f"The callback body has {len(details)} error(s)", details)
