"""POST /callback: verify, store, answer 200, hand off. Nothing slow happens before the answer."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError

from bot.pipeline.consumer import notify
from bot.pipeline.inbox import store_events

log = logging.getLogger("bot.web.webhook")
bp = Blueprint("webhook", __name__)


def signature_ok(secret: str, body: bytes, signature: str | None) -> bool:
    if not signature or not secret:
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), signature.strip())


def _valid_event(ev) -> bool:
    """Storable at all: the id the inbox dedupes on fits its column as plain ASCII."""
    return (isinstance(ev, dict) and isinstance(ev.get("webhookEventId"), str) and 0 < len(ev["webhookEventId"]) <= 64
            and ev["webhookEventId"].isascii() and ev["webhookEventId"].isprintable() and isinstance(ev.get("type"), str))


@bp.post("/callback")
def callback():
    cfg = current_app.config["BOT"]
    length = request.content_length
    if length is not None and length > cfg.MAX_BODY_BYTES:
        abort(413)
    body = request.get_data(cache=False)  # Werkzeug caps it at MAX_CONTENT_LENGTH (413) when length is unknown
    # Flask's headers are case-insensitive: x-line-signature, X-LINE-SIGNATURE ... all match.
    if not signature_ok(cfg.LINE_CHANNEL_SECRET, body, request.headers.get("X-Line-Signature")):
        log.warning("webhook rejected: bad or missing signature (%d bytes)", len(body))
        abort(400, description="invalid signature")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested thousands deep
        abort(400, description="malformed JSON")
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        abort(400, description="not a LINE callback")
    # Each event on its own: one that cannot even be stored (no id) is skipped, and the others still are
    # (their content is checked by store_events). Nothing usable at all: not a LINE callback.
    usable = [ev for ev in events if _valid_event(ev)]
    if len(usable) < len(events):
        log.warning("webhook: %d of %d events have no usable webhookEventId or type; skipped",
                    len(events) - len(usable), len(events))
        if not usable:
            abort(400, description="not a LINE callback")
        events = usable
    state = current_app.extensions["bot"]
    try:
        fresh = store_events(state.engine, events)
    except DBAPIError as exc:
        # Database away or locked too long: nothing was stored, so say so and LINE redelivers (not a 500).
        log.error("webhook could not store %d events: %s", len(events), type(exc.orig).__name__)
        return jsonify(error="temporarily unavailable"), 503, {"Retry-After": "5"}
    if fresh:
        if cfg.INBOX_HANDLERS == "external":
            notify(state.engine)  # handler processes take them (bot/pipeline/consumer.py)
            if cfg.WEBHOOK_BACKLOG:
                state.pipeline.backlog.hold(cfg.WEBHOOK_BACKLOG, cfg.WEBHOOK_HOLD_S)
        else:
            state.dispatcher.submit(fresh)
            if cfg.WEBHOOK_BACKLOG:
                state.dispatcher.hold_while_backlogged(cfg.WEBHOOK_BACKLOG, cfg.WEBHOOK_HOLD_S)
    return jsonify({}), 200
