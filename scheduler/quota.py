"""Quota guard: before a send to more than 100 people, make sure this month's LINE quota can take it.

When it cannot, nothing is enqueued, admins get one push per day (idempotent key) and the job tries again
on its next tick. LINE is asked once per job run, outside any transaction (`read`); `allow` then decides
inside the short write session, against the rows pending at that moment.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from bot.line.outbox import enqueue
from bot.services import audience
from bot.services.deadlines import OFFSETS, submitted_bureaus
from messages_th.dates import to_bkk, today_bkk
from messages_th.reminders import quota_alert
from models.campaigns import Campaign
from models.core import Bureau, OutboxMessage
from models.enums import CampaignStatus, OutboxStatus, Role
from models.rounds import Round
from scheduler.quiet import not_before

log = logging.getLogger("scheduler.quota")
BIG_SEND = 100


@dataclass
class Reading:
    """LINE's answer: monthly limit (None = unlimited) and use so far; `error` when LINE could not be asked."""

    limit: int | None = None
    used: int = 0
    error: Exception | None = None


def pending_recipients(session: Session) -> int:
    """Recipients in rows not yet sent: they will consume quota soon."""
    q = select(func.coalesce(func.sum(OutboxMessage.recipient_count), 0)).where(
        OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
    return int(session.exec(q).one())


def limits(gateway) -> tuple[int | None, int]:
    """(monthly limit or None when unlimited, used this month) from LINE."""
    quota = gateway.get_quota() or {}
    limit = quota.get("value") if quota.get("type") == "limited" else None
    if limit is None:
        return None, 0
    usage = gateway.get_consumption() or {}
    used = int(usage.get("totalUsage", usage.get("total_usage", 0)) or 0)
    return (int(limit) if limit is not None else None), used


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
    return False


def forecast(session: Session, now: datetime) -> dict:
    """Recipients likely billed before the month ends: pending rows + reminders and campaigns still to come."""
    today = today_bkk(now)
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    reminders = 0
    for rnd in session.exec(select(Round).where(Round.due_date >= today - timedelta(days=1))):
        days = [rnd.due_date - timedelta(days=o) for o in OFFSETS] + [rnd.due_date + timedelta(days=1)]
        stages = sum(1 for d in days if today < d <= month_end)
        if stages:
            done = submitted_bureaus(session, rnd.id)
            people = sum(len(audience.reminder_targets(session, b)) for b in session.exec(
                select(Bureau.id).where(Bureau.active == True)) if b not in done)  # noqa: E712
            reminders += stages * people
    campaigns = 0
    queued = set(session.exec(select(OutboxMessage.key).where(OutboxMessage.key.like("campaign:%"))))
    for camp in session.exec(select(Campaign).where(Campaign.status == CampaignStatus.CONFIRMED,
                                                    Campaign.starts_at > now)):
        keys = [f"campaign:{camp.id}:invite"] + [f"campaign:{camp.id}:remind:{m}m" for m in camp.remind_minutes or []
                                                 if today_bkk(camp.starts_at - timedelta(minutes=m)) <= month_end]
        campaigns += len(audience.staff_ids(session, camp.bureau_ids)) * sum(1 for k in keys if k not in queued)
    pending = pending_recipients(session)
    return {"pending": pending, "reminders": reminders, "campaigns": campaigns,
            "total": pending + reminders + campaigns, "month_end": month_end}
