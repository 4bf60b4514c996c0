"""Getting a handler's answer to the user: a free reply while the token is fresh, else a push via the outbox."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from bot import outbox
from bot.gateway import GatewayError
from models.core import InboxEvent, utcnow
from models.db import session_scope

log = logging.getLogger("bot.delivery")
MAX_PER_CALL = 5


def event_age(event: dict, now: datetime) -> timedelta:
    ts = event.get("timestamp")
    if not isinstance(ts, (int, float)):
        return timedelta(0)
    return now - datetime.fromtimestamp(ts / 1000, timezone.utc)


def deliver_reply(dispatcher, inbox_id: int, event: dict, messages: list[dict], now: datetime,
                  force_push: bool = False) -> None:
    gateway, cfg = dispatcher.gateway, dispatcher.config
    batches = [messages[i:i + MAX_PER_CALL] for i in range(0, len(messages), MAX_PER_CALL)]
    token = event.get("replyToken")
    fresh = event_age(event, now) < timedelta(seconds=cfg.REPLY_TOKEN_MAX_AGE_S)
    to_push = batches
    if batches and token and fresh and not force_push and gateway is not None:
        try:
            gateway.reply(token, batches[0])
            to_push = batches[1:]
        except GatewayError as err:
            log.warning("reply failed for %s (%s); falling back to push", event.get("webhookEventId"), err.kind)
    uid = (event.get("source") or {}).get("userId")
    with session_scope(dispatcher.engine) as s:
        if uid:
            first = len(batches) - len(to_push)
            for n, batch in enumerate(to_push, start=first):
                suffix = f":{n}" if n else ""
                outbox.enqueue(s, f"reply:{event.get('webhookEventId')}{suffix}", uid, batch, urgent=True,
                               category="reply-fallback")
        s.execute(update(InboxEvent).where(InboxEvent.id == inbox_id, InboxEvent.status == "handled")
                  .values(status="done"))
    if to_push and uid and gateway is not None:
        outbox.send_due(dispatcher.engine, gateway, now=utcnow(), limit=len(to_push))
