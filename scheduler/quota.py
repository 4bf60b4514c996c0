"""Quota guard: before a send to more than 100 people, make sure this month's LINE quota can take it.

When it cannot, nothing is enqueued, admins get one push per day (idempotent key) and the job tries again
on its next tick. Next step: jobs call `allow(session, gateway, n, now)` and enqueue only when it is True.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from bot.line.outbox import enqueue
from messages_th.dates import to_bkk
from models.core import OutboxMessage, User, UserRole

log = logging.getLogger("scheduler.quota")
BIG_SEND = 100


def pending_recipients(session: Session) -> int:
    """Recipients in rows not yet sent: they will consume quota soon."""
    q = select(func.coalesce(func.sum(OutboxMessage.recipient_count), 0)).where(
        OutboxMessage.status.in_(("pending", "sending")))
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


def admin_ids(session: Session) -> list[str]:
    q = (select(User.line_user_id).join(UserRole, UserRole.user_id == User.id)
         .where(UserRole.role == "admin", User.following == True, User.status == "registered"))  # noqa: E712
    return sorted(set(session.exec(q)))


def allow(session: Session, gateway, n: int, now: datetime, what: str) -> bool:
    """True when `n` more recipients fit in the remaining quota (or the send is small / quota unknown)."""
    if n <= BIG_SEND or gateway is None:
        return True
    try:
        limit, used = limits(gateway)
    except Exception as exc:  # noqa: BLE001 - LINE unreachable: wait for the next tick rather than guess
        log.warning("quota check failed for %s (%d recipients): %s; not enqueued", what, n, exc)
        return False
    if limit is None:
        return True
    remaining = limit - used - pending_recipients(session)
    if n <= remaining:
        log.info("quota ok for %s: %d recipients, %d remaining", what, n, remaining)
        return True
    log.warning("quota refused %s: %d recipients, only %d remaining (limit %d, used %d)",
                what, n, remaining, limit, used)
    from messages_th.reminders import quota_alert
    day = to_bkk(now).date().isoformat()
    from scheduler.quiet import not_before
    enqueue(session, f"quota-alert:{day}", admin_ids(session), [quota_alert(what, n, remaining, limit)],
            not_before=not_before(session, now, urgent=True), urgent=True, category="alert")
    return False


def forecast(session: Session, now: datetime) -> dict:
    """Recipients likely billed before the month ends: pending rows + reminders and campaigns still to come."""
    from datetime import timedelta

    from messages_th.dates import today_bkk
    from models.campaigns import Campaign
    from models.core import Bureau
    from models.rounds import Round
    from bot.services import audience
    from scheduler.reminders import OFFSETS, submitted_bureaus

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
    for camp in session.exec(select(Campaign).where(Campaign.status == "confirmed", Campaign.starts_at > now)):
        keys = [f"campaign:{camp.id}:invite"] + [f"campaign:{camp.id}:remind:{m}m" for m in camp.remind_minutes or []
                                                 if today_bkk(camp.starts_at - timedelta(minutes=m)) <= month_end]
        campaigns += len(audience.staff_ids(session, camp.bureau_ids)) * sum(1 for k in keys if k not in queued)
    pending = pending_recipients(session)
    return {"pending": pending, "reminders": reminders, "campaigns": campaigns,
            "total": pending + reminders + campaigns, "month_end": month_end}
