"""Deadline reminders: T-14, T-7, T-3, T-1 and due day to bureaus that have not submitted, overdue after.

Working days only (bot/services/deadlines.py schedule): a stage falling on a weekend or holiday goes on the
working day before, T-1 is always the last working day before the due date, overdue the first working day
after it; nothing is pushed on a weekend or holiday. Only the latest stage that is due today is enqueued
(after downtime an older stage is skipped, logged); keys `deadline:<round>:<bureau>:T-<n>` make a second
run add nothing. Next step: the sender pushes the rows.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.services import audience
from bot.services.deadlines import OFFSETS, OVERDUE_DAYS, is_working_day, stage_for, submitted_bureaus
from messages_th.dates import today_bkk
from messages_th.reminders import deadline_card
from models.core import Bureau
from models.rounds import Round
from models.worker import get_setting
from scheduler.quiet import load_holidays, not_before
from scheduler.sends import Send, run_in

__all__ = ["OFFSETS", "plan", "run", "stage_for", "submitted_bureaus"]
log = logging.getLogger("scheduler.reminders")


def run(session: Session, now: datetime, gateway=None, offsets=OFFSETS) -> int:
    """Enqueue today's reminders in this session; returns rows added (tests, CLI; the clock uses plan)."""
    return run_in(session, lambda s, t: plan(s, t, offsets), now, gateway)


def plan(session: Session, now: datetime, offsets=OFFSETS) -> list[Send]:
    """Today's reminders to send. Called daily and once at start (catch-up)."""
    today = today_bkk(now)
    # a stage moved off a weekend/holiday comes up to ~10 days early (Songkran)
    first, last = today - timedelta(days=OVERDUE_DAYS + 14), today + timedelta(days=max(offsets) + 10)
    rounds = session.exec(select(Round).where(Round.due_date >= first, Round.due_date <= last)
                          .order_by(Round.due_date)).all()
    staff_on = bool(get_setting(session, "staff_reminders", False))
    holidays = load_holidays(session, first - timedelta(days=60))
    if rounds and not is_working_day(today, holidays):  # the stages were moved onto working days
        log.info("reminders: %s is a weekend or holiday, nothing sent", today.isoformat())
        return []
    sends: list[Send] = []
    for rnd in rounds:
        stage, skipped = stage_for(today, rnd.due_date, offsets, holidays)
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
            sends += _one(session, now, rnd, bureau, stage, today, staff_on,
                          due_off=not is_working_day(rnd.due_date, holidays))
    return sends


def _one(session, now, rnd, bureau, stage, today, staff_on, due_off=False) -> list[Send]:
    key = f"deadline:{rnd.code}:{bureau.code}:{stage}"
    left = (rnd.due_date - today).days
    last_call = due_off and 0 < left and stage == "T-1"  # the due day is off: this is the last reminder
    urgent = stage in ("T-0", "overdue")
    when = not_before(session, now, urgent=urgent)
    if today_bkk(when) != today:  # weekend/holiday: the next working day's run sends the then-current stage
        log.info("reminder %s deferred: quiet day, next allowed %s", key, when.isoformat())
        return []
    to = audience.reminder_targets(session, bureau.id)
    sends = []
    if to:
        sends.append(Send(key, to, [deadline_card(rnd, left, coordinator=True, last_call=last_call)], not_before=when, urgent=urgent,
                          category="reminder", logger=log,
                          done="reminder %(key)s to %(to)d coordinator(s)/deputies (%(state)s)"))
    else:
        log.info("reminder %s skipped: bureau has no reachable coordinator", key)
    if staff_on and stage != "overdue":
        staff = [u for u in audience.staff_ids(session, [bureau.id], skip_muted=True) if u not in to]
        if staff:
            sends.append(Send(key + ":staff", staff, [deadline_card(rnd, left, coordinator=False, last_call=last_call)],
                              not_before=not_before(session, now), category="reminder", quota_what=key + ":staff",
                              logger=log, done="reminder %(key)s to %(to)d staff (%(state)s)"))
    return sends
