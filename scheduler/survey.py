"""ITA survey drive jobs: the invite on the drive's first day, and reminders (REMIND_DAYS before the close, from
09:00) only to the staff who have not tapped "ตอบแล้ว" and have not muted reminders.

Keys `survey:<id>:invite` and `survey:<id>:remind:<n>d`: a second run adds nothing. Pushes wait for working
hours (quiet hours); a reminder whose earliest moment falls after the close is dropped. The chat's "ตอบแล้ว" is
bot.services.survey.mark_done.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, select

from bot.services import survey as svc
from messages_th import survey as th
from messages_th.dates import BKK, today_bkk
from models.recognition import SurveyDrive
from scheduler.quiet import not_before
from scheduler.sends import Send, enqueued, run_in

log = logging.getLogger("scheduler.survey")


def run(session: Session, now: datetime, gateway=None) -> int:
    """Enqueue what is due in this session; returns rows added (tests, CLI; the clock uses plan)."""
    return run_in(session, plan, now, gateway)


def plan(session: Session, now: datetime) -> list[Send]:
    sends: list[Send] = []
    for drive in session.exec(select(SurveyDrive).where(SurveyDrive.status == svc.OPEN, SurveyDrive.opens_at <= now,
                                                        SurveyDrive.closes_at > now).order_by(SurveyDrive.id)):
        sends += invite(session, drive, now) or remind(session, drive, now)
    return sends


def invite(session: Session, drive: SurveyDrive, now: datetime) -> list[Send]:
    key = f"survey:{drive.id}:invite"
    if enqueued(session, key):
        return []
    when = not_before(session, now)
    if when >= drive.closes_at:
        log.info("%s skipped: quiet hours last until the drive closes", key)
        return []
    to = svc.targets(session, drive)
    if not to:
        log.info("%s not enqueued (no recipients)", key)
        return []
    return [Send(key, to, [th.invite_card(drive)], not_before=when, category="multicast", quota_what=key,
                 logger=log, done="%(key)s to %(to)d staff in %(n)d chunk(s)")]


def remind(session: Session, drive: SurveyDrive, now: datetime) -> list[Send]:
    """The latest reminder that is due (an older one missed while the worker was down is stale)."""
    opens, closes = drive.opens_at.astimezone(BKK).date(), drive.closes_at.astimezone(BKK).date()
    due = [d for d in svc.remind_days(opens, closes) if datetime.combine(d, svc.REMIND_AT, BKK) <= now]
    if not due:
        return []
    n = (closes - due[-1]).days
    key = f"survey:{drive.id}:remind:{n}d"
    if enqueued(session, key):
        return []
    when = not_before(session, now)
    if when >= drive.closes_at:
        log.info("%s skipped: quiet hours last until the drive closes", key)
        return []
    to = svc.targets(session, drive, skip_muted=True)
    if not to:
        return []
    left = (closes - today_bkk(when)).days
    return [Send(key, to, [th.reminder_card(drive, left)], not_before=when, category="multicast", quota_what=key,
                 logger=log, done="%(key)s to %(to)d staff (answered and muted left out)")]

