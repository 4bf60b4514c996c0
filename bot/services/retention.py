"""PDPA retention: what the bot keeps of webhook events and sent pushes, and for how long.

Inbox rows keep their webhook event id (LINE redelivers for a while: the id makes a redelivery harmless) and
type, status and times; the raw payload (what people typed, their LINE id), the stored reply and error text
are blanked after `inbox_days`. Finished outbox rows (sent, dead, discarded: their recipients and message
text) are deleted after `outbox_days`; pending ones never. Work goes in batches, each its own short
transaction, so the webhook's inserts never wait long behind the purge.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update, delete

from models.core import InboxEvent, OutboxMessage
from models.db import session_scope
from models.enums import InboxStatus, OutboxStatus

EXPIRED = '{"expired": true}'  # what an inbox payload reads after retention (still valid JSON)
BATCH = 1000
_FINISHED_IN = (InboxStatus.DONE, InboxStatus.IGNORED, InboxStatus.FAILED)
_FINISHED_OUT = (OutboxStatus.SENT, OutboxStatus.DEAD, OutboxStatus.DISCARDED)


def purge(engine, now: datetime, inbox_days: int, outbox_days: int, batch: int = BATCH) -> dict:
    """Blank old inbox payloads and delete old finished outbox rows; returns {"inbox": n, "outbox": m}."""
    out = {"inbox": 0, "outbox": 0}
    if inbox_days > 0:
        cutoff = now - timedelta(days=inbox_days)
        old = (select(InboxEvent.id).where(InboxEvent.status.in_(_FINISHED_IN), InboxEvent.received_at < cutoff,
                                           InboxEvent.payload != EXPIRED).order_by(InboxEvent.id).limit(batch))
        while True:
            with session_scope(engine) as s:
                ids = list(s.scalars(old))
                if ids:
                    s.execute(update(InboxEvent).where(InboxEvent.id.in_(ids))
                              .values(payload=EXPIRED, reply=None, error=None, line_user_id=None)
                              .execution_options(synchronize_session=False))
            out["inbox"] += len(ids)
            if len(ids) < batch:
                break
    if outbox_days > 0:
        cutoff = now - timedelta(days=outbox_days)
        done_at = func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at)
        old = (select(OutboxMessage.id).where(OutboxMessage.status.in_(_FINISHED_OUT), done_at < cutoff)
               .order_by(OutboxMessage.id).limit(batch))
        while True:
            with session_scope(engine) as s:
                ids = list(s.scalars(old))
                if ids:
                    s.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids))
                              .execution_options(synchronize_session=False))
            out["outbox"] += len(ids)
            if len(ids) < batch:
                break
    return out
