"""Campaign jobs and actions: invite fan-out, reminders, check-in prompt; answers and one-tap check-in.

Jobs only enqueue (keys `campaign:<id>:invite`, `campaign:<id>:remind:<m>m`, `campaign:<id>:checkin`);
the sender multicasts the ≤500-recipient chunks. Next step after check-in: the deed is in the ledger.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from bot.line.outbox import enqueue
from messages_th import campaigns as th
from messages_th.dates import today_bkk
from models.campaigns import Campaign, CampaignResponse
from models.core import OutboxMessage, User
from bot.services import audience
from scheduler.quiet import not_before
from scheduler.quota import allow

log = logging.getLogger("scheduler.campaigns")
CHECKIN_WINDOW = timedelta(days=1)


def targets(session: Session, camp: Campaign, *, skip_muted: bool = False, exclude: set[int] = frozenset()):
    ids = audience.staff_ids(session, camp.bureau_ids, skip_muted=skip_muted)
    if exclude:
        gone = set(session.exec(select(User.line_user_id).where(User.id.in_(exclude))))
        ids = [i for i in ids if i not in gone]
    return ids


def _exists(session: Session, key: str) -> bool:
    return session.exec(select(OutboxMessage.id).where(OutboxMessage.key == key)).first() is not None


def _answers(session: Session, camp_id: int, answer: str) -> set[int]:
    return set(session.exec(select(CampaignResponse.user_id).where(
        CampaignResponse.campaign_id == camp_id, CampaignResponse.answer == answer)))


def run(session: Session, now: datetime, gateway=None) -> int:
    """Invites, reminders and check-in prompts that are due now; returns rows added."""
    added = 0
    for camp in session.exec(select(Campaign).where(Campaign.status == "confirmed",
                                                    Campaign.starts_at > now - CHECKIN_WINDOW)):
        added += invite(session, camp, now, gateway) + remind(session, camp, now, gateway)
        added += checkin_prompt(session, camp, now)
    return added


def invite(session: Session, camp: Campaign, now: datetime, gateway=None) -> int:
    key = f"campaign:{camp.id}:invite"
    if _exists(session, key):
        return 0
    if camp.starts_at <= now:
        log.info("%s skipped: the event already started", key)
        return 0
    to = targets(session, camp)
    if not to or not allow(session, gateway, len(to), now, key):
        log.info("%s not enqueued (%d recipients)", key, len(to))
        return 0
    n = enqueue(session, key, to, [th.invite_card(camp)], not_before=not_before(session, now), category="multicast")
    log.info("%s to %d staff in %d chunk(s)", key, len(to), n)
    return n


def remind(session: Session, camp: Campaign, now: datetime, gateway=None) -> int:
    due = sorted(m for m in camp.remind_minutes or [] if camp.starts_at - timedelta(minutes=m) <= now)
    if not due or camp.starts_at <= now:
        return 0
    for old in due[1:]:
        log.info("campaign:%s:remind:%sm skipped: stale, superseded by %sm", camp.id, old, due[0])
    key = f"campaign:{camp.id}:remind:{due[0]}m"
    if _exists(session, key):
        return 0
    when = not_before(session, now)
    if when >= camp.starts_at:
        log.info("%s skipped: quiet hours last until the event starts", key)
        return 0
    to = targets(session, camp, skip_muted=True, exclude=_answers(session, camp.id, "decline"))
    if not to or not allow(session, gateway, len(to), now, key):
        return 0
    n = enqueue(session, key, to, [th.reminder_card(camp, now)], not_before=when, category="multicast")
    log.info("%s to %d staff (muted and declined left out)", key, len(to))
    return n


def checkin_prompt(session: Session, camp: Campaign, now: datetime) -> int:
    key = f"campaign:{camp.id}:checkin"
    if not (camp.starts_at <= now < camp.starts_at + CHECKIN_WINDOW) or _exists(session, key):
        return 0
    joined = _answers(session, camp.id, "join")
    to = [u.line_user_id for u in session.exec(select(User).where(User.id.in_(joined), audience.reachable()))]
    if not to:
        return 0
    n = enqueue(session, key, to, [th.checkin_card(camp)], not_before=not_before(session, now, urgent=True),
                category="multicast")
    log.info("%s to %d participant(s)", key, len(to))
    return n


# ---- actions the chat handlers call ------------------------------------------------------------

def in_target(camp: Campaign, user: User) -> bool:
    return user.registered and (camp.bureau_ids is None or user.bureau_id in camp.bureau_ids)


def respond(session: Session, camp: Campaign, user: User, answer: str, now: datetime) -> bool:
    """Record join/decline; True when it changed anything (a second tap is harmless)."""
    row = session.exec(select(CampaignResponse).where(CampaignResponse.campaign_id == camp.id,
                                                      CampaignResponse.user_id == user.id)).first()
    if row is not None and row.answer == answer:
        return False
    row = row or CampaignResponse(campaign_id=camp.id, user_id=user.id)
    row.answer, row.updated_at = answer, now
    session.add(row)
    session.flush()
    return True


def answer_counts(session: Session, camp_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """campaign id → (join, decline, checked in), one GROUP BY."""
    R = CampaignResponse
    q = (select(R.campaign_id, func.sum(case((R.answer == "join", 1), else_=0)),
                func.sum(case((R.answer == "decline", 1), else_=0)), func.count(R.checked_in_at))
         .where(R.campaign_id.in_(camp_ids)).group_by(R.campaign_id))
    return {cid: (int(j), int(d), int(c)) for cid, j, d, c in session.exec(q)}


def check_in(session: Session, camp: Campaign, user: User, now: datetime) -> str:
    """'ok' | 'already' | 'early' | 'closed' | 'not_target'; on 'ok' a deed is recorded once."""
    if not in_target(camp, user):
        return "not_target"
    if now < camp.starts_at:
        return "early"
    if now > camp.starts_at + CHECKIN_WINDOW:
        return "closed"
    row = session.exec(select(CampaignResponse).where(CampaignResponse.campaign_id == camp.id,
                                                      CampaignResponse.user_id == user.id)
                       .with_for_update()).first()
    if row is not None and row.checked_in_at is not None:
        return "already"
    row = row or CampaignResponse(campaign_id=camp.id, user_id=user.id)
    row.answer, row.checked_in_at, row.updated_at = "join", now, now
    session.add(row)
    session.flush()  # the unique (campaign, user) row is ours before the deed is written
    row.deed_id = _record_deed(session, camp, user, now)
    session.add(row)
    return "ok"


def _record_deed(session: Session, camp: Campaign, user: User, now: datetime) -> int | None:
    from bot.services.deeds import record_deed  # the deeds flow owns deeds and the ledger
    deed = record_deed(session, user, camp.virtue, th.deed_text(camp), today_bkk(camp.starts_at),
                       source="campaign", campaign_id=camp.id, now=now, enforce_limits=False)
    return deed.id
