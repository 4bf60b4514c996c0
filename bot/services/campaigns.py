"""Campaign rules the chat, the CLI and the worker share: create, who is invited, answers, one-tap check-in."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from bot.services import audience
from bot.services.deeds import record_deed
from messages_th.dates import today_bkk
from models.campaigns import Campaign, CampaignResponse
from models.core import Bureau, User
from models.enums import CampaignAnswer, CampaignStatus

CHECKIN_WINDOW = timedelta(days=1)


def create(session: Session, *, title: str, starts_at: datetime, now: datetime, description: str = "",
           place: str = "", bureau_ids: list[int] | None = None, creator_id: int | None = None,
           remind_minutes: list[int] | None = None, virtue: str | None = None) -> Campaign:
    """A confirmed campaign (flushed, so it has an id); the worker's campaign job enqueues the invite.
    `bureau_ids` None means every bureau; remind_minutes / virtue None keep the table's defaults."""
    extra = {k: v for k, v in (("remind_minutes", remind_minutes), ("virtue", virtue)) if v is not None}
    camp = Campaign(title=title, description=description, place=place, starts_at=starts_at, bureau_ids=bureau_ids,
                    creator_id=creator_id, status=CampaignStatus.CONFIRMED, confirmed_at=now, **extra)
    session.add(camp)
    session.flush()
    return camp


def targets(session: Session, camp: Campaign, *, skip_muted: bool = False, exclude: set[int] = frozenset()):
    """LINE ids of the reachable staff a campaign invites, minus the user ids in `exclude`."""
    ids = audience.staff_ids(session, camp.bureau_ids, skip_muted=skip_muted)
    if exclude:
        gone = set(session.exec(select(User.line_user_id).where(User.id.in_(exclude))))
        ids = [i for i in ids if i not in gone]
    return ids


def answered(session: Session, camp_id: int, answer: str) -> set[int]:
    """User ids whose latest answer to the campaign is `answer`."""
    return set(session.exec(select(CampaignResponse.user_id).where(
        CampaignResponse.campaign_id == camp_id, CampaignResponse.answer == answer)))


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
    q = (select(R.campaign_id, func.sum(case((R.answer == CampaignAnswer.JOIN, 1), else_=0)),
                func.sum(case((R.answer == CampaignAnswer.DECLINE, 1), else_=0)), func.count(R.checked_in_at))
         .where(R.campaign_id.in_(camp_ids)).group_by(R.campaign_id))
    return {cid: (int(j), int(d), int(c)) for cid, j, d, c in session.exec(q)}


def check_in(session: Session, camp: Campaign, user: User, now: datetime, *, description: str) -> str:
    """'ok' | 'already' | 'declined' | 'early' | 'closed' | 'not_target'; on 'ok' a deed with `description`
    (the caller's Thai text) is recorded once. Whoever answered "decline" must answer "join" first: a
    check-in is a deed, and the answer they gave stands until they change it."""
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
    if row is not None and row.answer == CampaignAnswer.DECLINE:
        return "declined"
    row = row or CampaignResponse(campaign_id=camp.id, user_id=user.id)
    row.answer, row.checked_in_at, row.updated_at = CampaignAnswer.JOIN, now, now
    session.add(row)
    session.flush()  # the unique (campaign, user) row is ours before the deed is written
    row.deed_id = _record_deed(session, camp, user, now, description)
    session.add(row)
    return "ok"


def _record_deed(session: Session, camp: Campaign, user: User, now: datetime, description: str) -> int | None:
    deed = record_deed(session, user, camp.virtue, description, today_bkk(camp.starts_at),
                       source="campaign", campaign_id=camp.id, now=now, enforce_limits=False)
    return deed.id


# ---- what the chat flow reads (handlers/campaigns.py) ------------------------------------------------

def get_confirmed(session: Session, camp_id: int) -> Campaign | None:
    """A campaign staff may still answer or check in to; None when gone, a draft or cancelled."""
    camp = session.get(Campaign, camp_id)
    return camp if camp is not None and camp.status == CampaignStatus.CONFIRMED else None


def upcoming_for(session: Session, user: User, now: datetime) -> list[Campaign]:
    """Confirmed campaigns still ahead that invite this user, soonest first."""
    camps = session.exec(select(Campaign).where(Campaign.status == CampaignStatus.CONFIRMED,
                                                Campaign.starts_at > now).order_by(Campaign.starts_at))
    return [c for c in camps if in_target(c, user)]


def created_by(session: Session, user_id: int, limit: int = 10) -> list[Campaign]:
    """A creator's latest campaigns, newest start first."""
    return list(session.exec(select(Campaign).where(Campaign.creator_id == user_id)
                             .order_by(Campaign.starts_at.desc()).limit(limit)))


def active_bureaus(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every active bureau, by name: the buttons a creator picks the audience with."""
    return list(session.exec(select(Bureau.id, Bureau.name).where(Bureau.active == True)  # noqa: E712
                             .order_by(Bureau.name)).all())


def active_bureau_codes(session: Session) -> list[str]:
    return list(session.exec(select(Bureau.code).where(Bureau.active == True)))  # noqa: E712


def bureau_ids_by_code(session: Session, codes: list[str]) -> dict[str, int]:
    """code (as stored) → id for the codes given, compared case-insensitively."""
    return dict(session.exec(select(Bureau.code, Bureau.id).where(func.upper(Bureau.code).in_(codes))).all())
