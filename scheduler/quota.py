"""Quota guard: before a send to more than 100 people, make sure this month's LINE quota can take it.

When it cannot, nothing is enqueued, admins get one push per day (idempotent key) and the job tries again
on its next tick. LINE is asked once per job run, outside any transaction (`read`); `allow` then decides
inside the short write session, against the rows pending at that moment.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.line.outbox import enqueue
from bot.services import alerts, audience
# the console shows the same forecast: one count, kept in the services room
from bot.services.ops_status import forecast, limits, pending_recipients  # noqa: F401
from messages_th.dates import to_bkk
from messages_th import alerts as alert_texts
from messages_th.reminders import quota_alert
from models.enums import Role
from scheduler.quiet import not_before

log = logging.getLogger("scheduler.quota")
BIG_SEND = 100


@dataclass
class Reading:
    """LINE's answer: monthly limit (None = unlimited) and use so far; `error` when LINE could not be asked."""

    limit: int | None = None
    used: int = 0
    error: Exception | None = None


def read(gateway) -> Reading:
    """Ask LINE (call it outside any transaction: it may take up to two timeouts)."""
    try:
        limit, used = limits(gateway)
    except Exception as exc:  # noqa: BLE001 - LINE unreachable: big sends wait for the next tick rather than guess
        return Reading(error=exc)
    return Reading(limit, used)


def allow(session: Session, reading: Reading | None, n: int, now: datetime, what: str) -> bool:
    """True when `n` more recipients fit in the remaining quota (or the send is small / quota unknown)."""
    if n <= BIG_SEND or reading is None:
        return True
    if reading.error is not None:
        log.warning("quota check failed for %s (%d recipients): %s; not enqueued", what, n, reading.error)
        return False
    if reading.limit is None:
        return True
    remaining = reading.limit - reading.used - pending_recipients(session)
    if n <= remaining:
        log.info("quota ok for %s: %d recipients, %d remaining", what, n, remaining)
        return True
    log.warning("quota refused %s: %d recipients, only %d remaining (limit %d, used %d)",
                what, n, remaining, reading.limit, reading.used)
    day = to_bkk(now).date().isoformat()
    enqueue(session, f"quota-alert:{day}", audience.role_ids(session, Role.ADMIN),
            [quota_alert(what, n, remaining, reading.limit)],
            not_before=not_before(session, now, urgent=True), urgent=True, category="alert")
    # also outside LINE: a LINE out of quota may not deliver even the urgent push above
    alerts.current().send("quota", *alert_texts.quota(what, n, remaining, reading.limit),
                          {"recipients": n, "remaining": remaining, "limit": reading.limit}, key=f"quota:{day}")
    return False
