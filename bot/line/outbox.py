"""The outbox: every push or multicast is a row first, then a sender claims due rows and sends them.

Keys make enqueueing idempotent (a job that runs twice adds nothing). The retry key is stored with the row
and reused on every attempt, so a send that reached LINE before we crashed comes back as 409 = already sent.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot.line.gateway import GatewayError
from messages_th.limits import MESSAGES_PER_CALL, MULTICAST_MAX
from models.core import OutboxMessage, utcnow
from models.db import session_scope
from models.enums import OutboxStatus
from models.sql import insert_ignore

log = logging.getLogger("bot.line.outbox")
STALE_CLAIM = timedelta(minutes=2)   # a sender killed mid-send leaves rows 'sending'; others take them back
RETRY_WINDOW = timedelta(hours=23)   # LINE remembers a retry key 24 h; past that a retry could duplicate
MAX_ATTEMPTS = 12


def chunk_keys(key: str, n: int) -> list[str]:
    return [key if i == 0 else f"{key}#{i}" for i in range(n)]


def _rows(key: str, to: list[str] | str, messages: list[dict], not_before: datetime | None, urgent: bool,
          category: str) -> list[dict]:
    recipients = [to] if isinstance(to, str) else list(dict.fromkeys(to))  # no one twice
    if not recipients or not messages:
        return []
    if len(messages) > MESSAGES_PER_CALL:
        raise ValueError(f"LINE takes at most {MESSAGES_PER_CALL} messages per call")
    chunks = [recipients[i:i + MULTICAST_MAX] for i in range(0, len(recipients), MULTICAST_MAX)]
    now = utcnow()
    return [dict(key=k, recipients=c, recipient_count=len(c), messages=messages, category=category,
                 urgent=urgent, next_attempt_at=not_before or now, retry_key=str(uuid.uuid4()),
                 created_at=now, status=OutboxStatus.PENDING, attempts=0)
            for k, c in zip(chunk_keys(key, len(chunks)), chunks)]


def enqueue(session: Session, key: str, to: list[str] | str, messages: list[dict], *,
            not_before: datetime | None = None, urgent: bool = False, category: str = "push") -> int:
    """Insert one row per ≤500 recipients; rows whose key exists are left alone. Returns rows added."""
    return enqueue_many(session.connection(), [(key, to, messages)], not_before=not_before, urgent=urgent,
                        category=category)


def enqueue_many(conn: Connection, items: list[tuple[str, list[str] | str, list[dict]]], *,
                 not_before: datetime | None = None, urgent: bool = False, category: str = "push") -> int:
    """`enqueue` for several (key, to, messages) on a bare connection. Returns rows added."""
    rows = [r for key, to, messages in items for r in _rows(key, to, messages, not_before, urgent, category)]
    # RETURNING counts the rows really added on both databases (rowcount is -1 on some drivers).
    return len(insert_ignore(conn, OutboxMessage.__table__, rows, "key", returning=("id",)))


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    base = min(5 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=max(base, retry_after or 0))


def claim_due(engine, now: datetime, limit: int, keys: list[str] | None = None) -> list[OutboxMessage]:
    """Mark up to `limit` due rows (only those of `keys`, if given) as ours. SQLite: BEGIN IMMEDIATE;
    PostgreSQL: FOR UPDATE SKIP LOCKED."""
    with session_scope(engine, immediate=True) as s:
        q = (select(OutboxMessage)
             .where(or_(
                 (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
                 (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < now - STALE_CLAIM)))
             .order_by(OutboxMessage.urgent.desc(), OutboxMessage.id).limit(limit))
        if keys is not None:
            q = q.where(OutboxMessage.key.in_(keys))
        if engine.dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        rows = list(s.scalars(q))
        for row in rows:
            row.status, row.claimed_at, row.attempts = OutboxStatus.SENDING, now, row.attempts + 1
        return rows


def _deliver(gateway, row: OutboxMessage):
    if len(row.recipients) == 1 and row.category != "multicast":
        return gateway.push(row.recipients[0], row.messages, row.retry_key)
    return gateway.multicast(row.recipients, row.messages, row.retry_key)


def send_due(engine, gateway, now: datetime | None = None, limit: int = 50, keys: list[str] | None = None) -> dict:
    """Send what is due once (of `keys` only, if given); returns counts by outcome. Safe to run in several
    processes at once."""
    now = now or utcnow()
    stats = {"sent": 0, "retry": 0, "dead": 0}
    dead: list[tuple[str, str]] = []
    dead_categories: set[str] = set()
    for row in claim_due(engine, now, limit, keys):
        update: dict = {}
        try:
            sent = _deliver(gateway, row)
            update = dict(status=OutboxStatus.SENT, sent_at=utcnow(), request_id=sent.request_id, last_error=None)
        except GatewayError as err:
            if err.kind == "conflict":  # LINE already accepted this retry key: it was sent
                update = dict(status=OutboxStatus.SENT, sent_at=utcnow(), request_id=err.accepted_request_id,
                              last_error="409: already accepted")
            elif err.kind == "retry" and row.attempts < MAX_ATTEMPTS and now - row.created_at < RETRY_WINDOW:
                update = dict(status=OutboxStatus.PENDING, next_attempt_at=now + backoff(row.attempts, err.retry_after),
                              last_error=f"{err.status}: {err.message}")
            else:
                update = dict(status=OutboxStatus.DEAD, last_error=f"{err.status}: {err.message}")
        with session_scope(engine) as s:
            fresh = s.get(OutboxMessage, row.id)
            for k, v in update.items():
                setattr(fresh, k, v)
        # outcomes, not statuses: a row put back to pending counts as a retry
        outcome = {OutboxStatus.SENT: "sent", OutboxStatus.PENDING: "retry"}.get(update["status"], "dead")
        stats[outcome] += 1
        # a dead letter is someone who never got their message: WARNING with LINE's reason, not INFO like a send
        log.log(logging.WARNING if outcome == "dead" else logging.INFO,
                "outbox %s id=%s key=%s recipients=%d attempt=%d %s", outcome, row.id, row.key, row.recipient_count,
                row.attempts, update.get("last_error") or "")
        if outcome == "dead":
            dead.append((row.key, update.get("last_error") or ""))
            dead_categories.add(row.category)
    if dead:
        _alert_dead(dead)
        if dead_categories != {"alert"}:  # an alert push that died is not pushed about (the loop would not end)
            _push_dead(engine, dead, now)
    return stats


def _alert_dead(dead: list[tuple[str, str]]) -> None:
    """One alert per sending round (not per row), outside LINE: the channel itself may be what failed."""
    from bot.services import alerts
    from messages_th.alerts import dead_letters
    subject, text = dead_letters(len(dead), [k for k, _ in dead], dead[0][1][:200])
    alerts.current().send("dead_letter", subject, text, {"count": len(dead), "first_key": dead[0][0]},
                          key=f"dead_letter:{dead[0][1][:40]}")


def _push_dead(engine, dead: list[tuple[str, str]], now: datetime) -> None:
    """Admins' LINE hears of dead letters once a day (their push may die too: the channels above remain)."""
    from bot.services import watch
    try:
        raise_alert(engine, watch.dead_letters(len(dead), dead[0][0], dead[0][1], now), now, outside=False)
    except Exception:  # noqa: BLE001 - the rows are marked already; the webhook/e-mail alert went its own way
        log.exception("dead-letter push to admins not queued")


def raise_alert(engine, alert, now: datetime | None = None, *, gateway=None, outside: bool = True) -> bool:
    """Tell the admins of a bot.services.watch Alert: an urgent LINE push through this outbox (key
    "alert:<alert key>", so once per period; quiet hours hold it until 08:00) and, with `outside`, the webhook and
    e-mail channels (bot.services.alerts: they work when LINE does not). Claimed first in the database, so the
    web processes and the worker raising the same alert send it once. `gateway`: send the push now instead of
    leaving it to the worker's sender, for the web process's worker-silent alert (no worker is sending).
    False when the alert was raised already."""
    from bot.services import alerts, audience, watch
    from bot.services.quiet_hours import not_before
    from messages_th import alerts as texts
    from models.enums import Role
    now = now or utcnow()
    key = f"alert:{alert.key}"
    with session_scope(engine) as s:
        if not watch.claim(s, alert, now):
            return False
        rows = enqueue(s, key, audience.role_ids(s, Role.ADMIN), [texts.line_message(alert.kind, alert.fields)],
                       not_before=not_before(s, now, urgent=True), urgent=True, category="alert")
    log.warning("alert %s raised (%s): %d outbox row(s)", alert.kind, alert.key, rows)
    if outside:
        subject, text = texts.words(alert.kind, alert.fields)
        alerts.current().send(alert.kind, subject, text, alert.fields, key=alert.key)
    if gateway is not None and rows:
        send_due(engine, gateway, now, limit=rows, keys=chunk_keys(key, rows))
    return True


def drain(engine, gateway, now: datetime | None = None, max_rounds: int = 1000) -> dict:
    """Send until nothing is due right now (used by the worker loop and tests)."""
    total = {"sent": 0, "retry": 0, "dead": 0}
    for _ in range(max_rounds):
        stats = send_due(engine, gateway, now=now)
        for k in total:
            total[k] += stats[k]
        if not any(stats.values()):
            break
    return total
