"""What the demo shows a newcomer beside the chat: the invite codes to register with, and the clock's jobs run
now instead of on their schedule (the digest waits for Monday 08:30, quiet hours hold pushes at night).

Demo only: the simulator (SANDBOX=1) and the dev CLI (`jobs run`) call this; the real worker never does.
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from messages_th.dates import BKK, today_bkk
from models.core import Bureau, OutboxMessage, utcnow
from models.db import session_scope
from models.enums import OutboxStatus
from models.onboarding import InviteCode

log = logging.getLogger("bot.dev.demo")

HOW_TO_REGISTER = "พิมพ์ “ลงทะเบียน” ในแชต แตะ “ยินยอม” แล้วพิมพ์รหัสเชิญของสำนัก"


def invites(session: Session, now: datetime) -> list[dict]:
    """Usable invite codes, one row per code, bureaus in name order (the seeded ones and any an admin made)."""
    rows = session.exec(select(InviteCode, Bureau).join(Bureau, Bureau.id == InviteCode.bureau_id)
                        .where(InviteCode.revoked.is_(False)).order_by(Bureau.name, InviteCode.id)).all()
    return [{"code": inv.code, "bureau": b.name, "bureauCode": b.code,
             "expiresAt": inv.expires_at.isoformat() if inv.expires_at else None,
             "usesLeft": None if inv.max_uses is None else inv.max_uses - inv.uses}
            for inv, b in rows if inv.usable(now)]


def job_names(config=None) -> list[str]:
    from scheduler.jobs import jobs
    return list(jobs(config))


def _digest_time(now: datetime) -> datetime:
    """A moment the weekly digest counts as due in this week: now on Monday/Tuesday after 08:30, else this
    Monday 08:30 (same week, so the same outbox key the worker would use)."""
    day = today_bkk(now)
    monday_0830 = datetime.combine(day - timedelta(days=day.weekday()), time(8, 30), tzinfo=BKK)
    return now if day.weekday() in (0, 1) and now >= monday_0830 else monday_0830


def run_now(engine, config, gateway, names: list[str] | None = None, now: datetime | None = None,
            send: bool = True) -> dict:
    """Run the named jobs (default: all) as if it were their time, with quiet hours ignored, then send.

    Returns {"jobs": {name: rows added}, "released": rows that were held for quiet hours, "sent": n}.
    Outbox keys are the worker's own, so a second run adds nothing and the worker never sends twice.
    """
    from scheduler.jobs import jobs
    from scheduler.sends import run_in

    now = now or utcnow()
    plans = jobs(config)
    names = names or list(plans)
    unknown = [n for n in names if n not in plans]
    if unknown:
        raise KeyError(f"no job {', '.join(unknown)} (jobs: {', '.join(plans)})")
    out: dict = {"jobs": {}}
    for name in names:
        plan = plans[name]
        at = _digest_time(now) if name == "digest" else now

        def planned(s, _t, plan=plan, at=at):
            todo = plan(s, at)
            for item in todo:
                item.not_before = now  # quiet hours do not apply in the demo
            return todo

        with session_scope(engine) as s:
            out["jobs"][name] = run_in(s, planned, now, gateway)
    out["released"] = release_held(engine, now)
    out["sent"] = 0
    if send:
        # The demo worker would send within seconds; sending here shows the pushes before the reply returns.
        from bot.line.outbox import send_due
        for _ in range(20):
            stats = send_due(engine, gateway, now=now, limit=100)
            out["sent"] += stats.get("sent", 0)
            if not any(stats.values()):
                break
    log.info("demo jobs run now: %s", out)
    return out


def release_held(engine, now: datetime) -> int:
    """Pending pushes never tried yet and waiting for a later time (quiet hours): due now. Retries keep
    their back-off (attempts > 0)."""
    with engine.begin() as conn:
        res = conn.execute(update(OutboxMessage.__table__)
                           .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts == 0,
                                  OutboxMessage.next_attempt_at > now)
                           .values(next_attempt_at=now))
        return max(res.rowcount or 0, 0)
