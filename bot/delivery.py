"""Getting a handler's answer to the user: a free reply while the token is fresh, else a push via the outbox."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from bot import outbox
from bot.gateway import GatewayError
from models.core import InboxEvent, OutboxMessage, utcnow
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
        t = InboxEvent.__table__  # a table-level UPDATE: same SQL as the ORM one, half the CPU
        s.connection().execute(update(t).where(t.c.id == inbox_id, t.c.status == "handled").values(status="done"))
    if to_push and uid and gateway is not None:
        # send_due sends whatever is due first, not necessarily our rows. Another thread may take ours while its
        # own claim, with a `now` read before our row existed, finds nothing due: our row then waited for the
        # worker (or forever without one). Measured: 1 of 240 fallback users unanswered (BENCHMARKS.md
        # "Webhook"). So: try again, a few times, while our rows were never attempted.
        keys = [f"reply:{event.get('webhookEventId')}" + (f":{n}" if n else "")
                for n in range(len(batches) - len(to_push), len(batches))]
        for _ in range(3):
            outbox.send_due(dispatcher.engine, gateway, now=utcnow(), limit=len(to_push))
            if not _never_attempted(dispatcher.engine, keys):
                break


def _never_attempted(engine, keys: list[str]) -> bool:
    t = OutboxMessage.__table__
    with session_scope(engine, readonly=True) as s:
        return s.connection().execute(select(t.c.id).where(
            t.c.key.in_(keys), t.c.status == "pending", t.c.attempts == 0).limit(1)).first() is not None
