"""Campaign jobs: invite fan-out, reminders before the event, the check-in prompt when it starts.

Jobs only plan sends (keys `campaign:<id>:invite`, `campaign:<id>:remind:<m>m`, `campaign:<id>:checkin`);
the sender multicasts the ≤500-recipient chunks. The chat actions (answer, check in) are bot.services.campaigns.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.services import audience
from bot.services.campaigns import CHECKIN_WINDOW, answered, targets
from messages_th import campaigns as th
from models.campaigns import Campaign
from models.core import User
from models.enums import CampaignAnswer, CampaignStatus
from scheduler.quiet import not_before
from scheduler.sends import Send, enqueued, run_in

log = logging.getLogger("scheduler.campaigns")


def run(session: Session, now: datetime, gateway=None) -> int:
    """Enqueue what is due in this session; returns rows added (tests, CLI; the clock uses plan)."""
    return run_in(session, plan, now, gateway)


def plan(session: Session, now: datetime) -> list[Send]:
    """Invites, reminders and check-in prompts that are due now."""
    sends: list[Send] = []
    for camp in session.exec(select(Campaign).where(Campaign.status == CampaignStatus.CONFIRMED,
                                                    Campaign.starts_at > now - CHECKIN_WINDOW)):
        sends += invite(session, camp, now) + remind(session, camp, now) + checkin_prompt(session, camp, now)
    return sends


def invite(session: Session, camp: Campaign, now: datetime) -> list[Send]:
    key = f"campaign:{camp.id}:invite"
    if enqueued(session, key):
        return []
    if camp.starts_at <= now:
        log.info("%s skipped: the event already started", key)
        return []
    to = targets(session, camp)
    if not to:
        log.info("%s not enqueued (no recipients)", key)
        return []
    return [Send(key, to, [th.invite_card(camp)], not_before=not_before(session, now), category="multicast",
                 quota_what=key, logger=log, done="%(key)s to %(to)d staff in %(n)d chunk(s)")]


def remind(session: Session, camp: Campaign, now: datetime) -> list[Send]:
    due = sorted(m for m in camp.remind_minutes or [] if camp.starts_at - timedelta(minutes=m) <= now)
    if not due or camp.starts_at <= now:
        return []
    for old in due[1:]:
        log.info("campaign:%s:remind:%sm skipped: stale, superseded by %sm", camp.id, old, due[0])
    key = f"campaign:{camp.id}:remind:{due[0]}m"
    if enqueued(session, key):
        return []
    when = not_before(session, now)
    if when >= camp.starts_at:
        log.info("%s skipped: quiet hours last until the event starts", key)
        return []
    to = targets(session, camp, skip_muted=True, exclude=answered(session, camp.id, CampaignAnswer.DECLINE))
    if not to:
        return []
    return [Send(key, to, [th.reminder_card(camp, now)], not_before=when, category="multicast", quota_what=key,
                 logger=log, done="%(key)s to %(to)d staff (muted and declined left out)")]


def checkin_prompt(session: Session, camp: Campaign, now: datetime) -> list[Send]:
    key = f"campaign:{camp.id}:checkin"
    if not (camp.starts_at <= now < camp.starts_at + CHECKIN_WINDOW) or enqueued(session, key):
        return []
    joined = answered(session, camp.id, CampaignAnswer.JOIN)
    to = [u.line_user_id for u in session.exec(select(User).where(User.id.in_(joined), audience.reachable()))]
    if not to:
        return []
    return [Send(key, to, [th.checkin_card(camp)], not_before=not_before(session, now, urgent=True),
                 category="multicast", logger=log, done="%(key)s to %(to)d participant(s)")]
