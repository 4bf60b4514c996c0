"""LINE's webhook endpoint API: get and set the channel's webhook URL, and the test call ("Verify").

The URL is the same setting events from /_sandbox/webhook are delivered to (``SANDBOX_WEBHOOK_URL``); "Use
webhook" is ``SANDBOX_WEBHOOK_ACTIVE`` (a console switch at LINE, with no API, so only tests and the demo set it).
The test call does what LINE does: it POSTs a signed callback with no events to the endpoint and reports the
answer in LINE's words (reason OK, ERROR_STATUS_CODE, COULD_NOT_CONNECT, REQUEST_TIMEOUT).

``SANDBOX_RESOLVE`` ({host: "http://127.0.0.1:port"}) stands in for DNS and the TLS reverse proxy in front of the
bot: a test can give the bot its real public https address and still be reached on a local port. Real LINE accepts
only https endpoints; the sandbox also takes http on a loopback address, which is where the demo's bot listens.
"""
from __future__ import annotations

import ipaddress
import json
from datetime import datetime, timezone
from http import HTTPStatus
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, current_app, jsonify, request

from . import events as ev
from .errors import ApiError, bad_request
from .shared import json_body, line_api_guard
from .validate import schema_errors

channel = Blueprint("line_channel", __name__)
channel.before_request(line_api_guard)

TEST_TIMEOUT_S = 10.0


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _endpoint_or_400(body: dict, component: str, required: bool) -> str | None:
    details = schema_errors(component, body)
    if details:
        raise bad_request(details)
    url = body.get("endpoint")
    if url is None and not required:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        host, parts = "", None
    if not host or parts.scheme not in ("http", "https") or (parts.scheme == "http" and not _loopback(host)):
        raise ApiError(400, "Invalid webhook endpoint URL",
                       [{"message": "must be an https URL", "property": "endpoint"}])
    return url


@channel.get("/v2/bot/channel/webhook/endpoint")
def get_endpoint():
    url = current_app.config.get("SANDBOX_WEBHOOK_URL") or ""
    return jsonify({"endpoint": url, "active": bool(url) and current_app.config.get("SANDBOX_WEBHOOK_ACTIVE", True)})


@channel.put("/v2/bot/channel/webhook/endpoint")
def set_endpoint():
    current_app.config["SANDBOX_WEBHOOK_URL"] = _endpoint_or_400(json_body(), "SetWebhookEndpointRequest", True)
    return jsonify({})


def _target(url: str) -> tuple[str, dict]:
    """Where to connect for `url` (SANDBOX_RESOLVE applied) and the Host header the bot sees."""
    parts = urlsplit(url)
    base = (current_app.config.get("SANDBOX_RESOLVE") or {}).get(parts.hostname or "")
    if not base:
        return url, {}
    local = urlsplit(base)
    return urlunsplit((local.scheme, local.netloc, parts.path, parts.query, "")), {"Host": parts.netloc}


def _result(status: int, reason: str, detail: str) -> dict:
    now = datetime.now(timezone.utc)
    return {"success": reason == "OK", "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
            "statusCode": status, "reason": reason, "detail": detail}


@channel.post("/v2/bot/channel/webhook/test")
def test_endpoint():
    import requests

    raw = request.get_data(cache=True)
    body = json_body() if raw.strip() else {}
    url = _endpoint_or_400(body, "TestWebhookEndpointRequest", False) or current_app.config.get("SANDBOX_WEBHOOK_URL")
    if not url:
        raise ApiError(400, "The webhook endpoint URL is not set")
    payload = json.dumps(ev.callback_body([]), ensure_ascii=False).encode("utf-8")
    target, extra = _target(url)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "LineBotWebhook/2.0",
               "X-Line-Signature": ev.sign(payload, current_app.config.get("SANDBOX_CHANNEL_SECRET") or ""), **extra}
    try:
        resp = requests.post(target, data=payload, headers=headers, timeout=TEST_TIMEOUT_S, allow_redirects=False)
    except requests.Timeout:
        return jsonify(_result(0, "REQUEST_TIMEOUT", "Request timeout"))
    except requests.RequestException:
        return jsonify(_result(0, "COULD_NOT_CONNECT", "Connection failed"))
    if resp.status_code == 200:
        return jsonify(_result(200, "OK", "200"))
    try:
        phrase = HTTPStatus(resp.status_code).phrase
    except ValueError:
        phrase = ""
    return jsonify(_result(resp.status_code, "ERROR_STATUS_CODE",
                           f"The webhook returned an HTTP status code other than 200.({resp.status_code} {phrase})"))
