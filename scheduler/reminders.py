"""Deadline reminders: T-14, T-7, T-3, T-1 and due day to bureaus that have not submitted, overdue the day after.

Only the latest stage that is due today is enqueued (after downtime an older stage is skipped, logged);
keys `deadline:<round>:<bureau>:T-<n>` make a second run add nothing. Next step: the sender pushes the rows.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot.line.outbox import enqueue
from messages_th.dates import today_bkk
from messages_th.reminders import deadline_card
from models.core import Bureau
from models.rounds import Round, RoundReport
from models.worker import get_setting
from bot.services import audience
from scheduler.quiet import not_before
from scheduler.quota import allow

log = logging.getLogger("scheduler.reminders")
OFFSETS = (14, 7, 3, 1, 0)   # days before the due date
OVERDUE_DAYS = 1            # the overdue notice goes out this many days after the due date


def stage_for(today: date, due: date, offsets=OFFSETS) -> tuple[str | None, list[str]]:
    """(the stage due today or most recently, older stages it supersedes) for a round due on `due`."""
    left = (due - today).days
    if left < 0:
        late = -left - OVERDUE_DAYS  # a worker that was down may still send it for two more days
        return ("overdue" if 0 <= late <= 2 else None), []
    passed = sorted(o for o in offsets if o >= left)  # stages whose day has come
    if not passed:
        return None, []
    return f"T-{passed[0]}", [f"T-{o}" for o in passed[1:]]


def submitted_bureaus(session: Session, round_id: int) -> set[int]:
    q = select(RoundReport.bureau_id).where(RoundReport.round_id == round_id,
                                            RoundReport.status == "submitted").distinct()
    return set(session.exec(q))


def run(session: Session, now: datetime, gateway=None, offsets=OFFSETS) -> int:
    """Enqueue today's reminders; returns rows added. Called daily and once at start (catch-up)."""
    today = today_bkk(now)
    first, last = today - timedelta(days=OVERDUE_DAYS + 7), today + timedelta(days=max(offsets))
    rounds = session.exec(select(Round).where(Round.due_date >= first, Round.due_date <= last)
                          .order_by(Round.due_date)).all()
    staff_on = bool(get_setting(session, "staff_reminders", False))
    added = 0
    for rnd in rounds:
        stage, skipped = stage_for(today, rnd.due_date, offsets)
        for old in skipped:
            log.info("reminder %s %s skipped: stale, superseded by %s", rnd.code, old, stage)
        if stage is None:
            if rnd.due_date < today:
                log.info("reminder %s skipped: deadline %s passed", rnd.code, rnd.due_date)
            continue
        done = submitted_bureaus(session, rnd.id)
        for bureau in session.exec(select(Bureau).where(Bureau.active == True).order_by(Bureau.code)):  # noqa: E712
            if bureau.id in done:
                log.info("reminder %s %s %s skipped: submitted", rnd.code, bureau.code, stage)
                continue
            added += _one(session, now, gateway, rnd, bureau, stage, today, staff_on)
    return added


def _one(session, now, gateway, rnd, bureau, stage, today, staff_on) -> int:
    key = f"deadline:{rnd.code}:{bureau.code}:{stage}"
    left = (rnd.due_date - today).days
    urgent = stage in ("T-0", "overdue")
    when = not_before(session, now, urgent=urgent)
    if today_bkk(when) != today:  # weekend/holiday: the next working day's run sends the then-current stage
        log.info("reminder %s deferred: quiet day, next allowed %s", key, when.isoformat())
        return 0
    to = audience.reminder_targets(session, bureau.id)
    added = 0
    if to:
        added += enqueue(session, key, to, [deadline_card(rnd, left, coordinator=True)],
                         not_before=when, urgent=urgent, category="reminder")
        log.info("reminder %s to %d coordinator(s)/deputies (%s)", key, len(to), "new" if added else "exists")
    else:
        log.info("reminder %s skipped: bureau has no reachable coordinator", key)
    if staff_on and stage != "overdue":
        staff = [u for u in audience.staff_ids(session, [bureau.id], skip_muted=True) if u not in to]
        if staff and allow(session, gateway, len(staff), now, key + ":staff"):
            n = enqueue(session, key + ":staff", staff, [deadline_card(rnd, left, coordinator=False)],
                        not_before=not_before(session, now), category="reminder")
            log.info("reminder %s:staff to %d staff (%s)", key, len(staff), "new" if n else "exists")
            added += n
    return added
