"""Campaign rules the chat, the CLI and the worker share: create, who is invited, answers, one-tap check-in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from bot.services import activities, audience, audit, thai_dates
from bot.services.console_access import Viewer, require_campaigns
from bot.services.deeds import record_deed
from messages_th.dates import BKK, fiscal_year_be, today_bkk
from messages_th.virtues import KEYS as VIRTUE_KEYS
from models.activities import Activity
from models.campaigns import Campaign, CampaignResponse
from models.core import Bureau, User
from models.enums import CampaignAnswer, CampaignStatus, UserStatus

CHECKIN_WINDOW = timedelta(days=1)


def create(session: Session, *, title: str, starts_at: datetime, now: datetime, description: str = "",
           place: str = "", bureau_ids: list[int] | None = None, creator_id: int | None = None,
           remind_minutes: list[int] | None = None, virtue: str | None = None,
           activity_id: int | None = None) -> Campaign:
    """A confirmed campaign (flushed, so it has an id); the worker's campaign job enqueues the invite.
    `bureau_ids` None means every bureau; remind_minutes / virtue None keep the table's defaults;
    `activity_id`: the register's activity it belongs to (its check-ins count as that activity's participants)."""
    extra = {k: v for k, v in (("remind_minutes", remind_minutes), ("virtue", virtue),
                               ("activity_id", activity_id)) if v is not None}
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


# ---- the console's campaign page (issue 15): the same create as the chat's confirm, with its checks -------

DEFAULT_REMIND = (3 * 24 * 60, 60)  # the chat's campaigns remind 3 days and 1 hour before (the table's default)
SAME_SUBMIT = timedelta(minutes=10)  # a confirm sent twice (double click, back and resend) makes one campaign
ROSTER_PAGE = 100


def latest_start_day(now: datetime) -> date:
    """The last day a campaign may start: the end of next fiscal year (the chat's picker stops there too)."""
    return thai_dates.end_of_next_fiscal_year(today_bkk(now))


def start_problem(when: datetime, now: datetime) -> str | None:
    """'past' | 'too_far' | None: the one rule for a campaign's start, in chat and in the console."""
    if when <= now:
        return "past"
    if when.astimezone(BKK).date() > latest_start_day(now):
        return "too_far"
    return None


@dataclass(frozen=True)
class Draft:
    """A campaign as typed in the console, before it is confirmed."""
    title: str
    starts_at: datetime             # aware
    virtue: str
    bureau_ids: list[int] | None    # None: every bureau
    description: str = ""
    place: str = ""
    remind_minutes: tuple[int, ...] = DEFAULT_REMIND
    activity_id: int | None = None  # the register's activity it belongs to (optional)


class DraftError(Exception):
    """`problems`: field name → code ('past', 'too_far', 'bad_virtue', 'no_bureau', 'bad_bureau', 'empty',
    'too_long'); the page words each next to its field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{k}={v}" for k, v in problems.items()))
        self.problems = problems


def check_draft(session: Session, draft: Draft, now: datetime) -> None:
    """DraftError naming every field that is wrong; nothing is written."""
    problems: dict[str, str] = {}
    if not draft.title.strip():
        problems["title"] = "empty"
    elif len(draft.title) > 200:
        problems["title"] = "too_long"
    if len(draft.place) > 300:
        problems["place"] = "too_long"
    if len(draft.description) > 2000:
        problems["description"] = "too_long"
    if draft.virtue not in VIRTUE_KEYS:
        problems["virtue"] = "bad_virtue"
    if (why := start_problem(draft.starts_at, now)) is not None:
        problems["starts_at"] = why
    if draft.bureau_ids is not None:
        active = {b for b, _ in active_bureaus(session)}
        if not draft.bureau_ids:
            problems["bureaus"] = "no_bureau"
        elif set(draft.bureau_ids) - active:
            problems["bureaus"] = "bad_bureau"
    if any(m <= 0 for m in draft.remind_minutes):
        problems["remind"] = "bad_remind"
    if draft.activity_id is not None:
        act = session.get(Activity, draft.activity_id)
        if act is None or act.fy != fiscal_year_be(today_bkk(draft.starts_at or now)):
            problems["activity"] = "bad_activity"  # another year's register, or gone
    if problems:
        raise DraftError(problems)


def activity_choices(session: Session, fy_be: int) -> list[tuple[int, str, str]]:
    """(id, code, name) of the year's register, for linking a campaign to an activity."""
    return [(a.id, a.code, a.name) for a in activities.list_for(session, fy_be)]


def invite_count(session: Session, bureau_ids: list[int] | None) -> int:
    """Who the invite would reach now: the number the chat's confirm card shows (LINE bills each one)."""
    return len(audience.staff_ids(session, bureau_ids))


@dataclass(frozen=True)
class Cost:
    """What a campaign can cost in LINE pushes (each recipient of a multicast is one message)."""
    recipients: int     # the invite's
    reminders: int      # reminder pushes the worker will make (scheduler.campaigns.remind)
    remindable: int     # who a reminder can reach: invitees who did not mute reminders
    most: int           # invite + every reminder + the check-in prompt to everyone who could get it


def cost(session: Session, bureau_ids: list[int] | None, starts_at: datetime, now: datetime,
         remind_minutes=DEFAULT_REMIND) -> Cost:
    """The upper bound the confirm shows (bench.year_cost: the invite alone was a third of what campaigns push).
    Reminders go to the unmuted (declines are not known yet); the check-in prompt to who joins, at most every
    invitee. Reminders whose time has already come go as one push, as the worker sends only the latest due."""
    n = invite_count(session, bureau_ids)
    ahead = {m for m in remind_minutes if starts_at - timedelta(minutes=m) > now}
    k = len(ahead) + (1 if set(remind_minutes) - ahead else 0)
    unmuted = len(audience.staff_ids(session, bureau_ids, skip_muted=True)) if k else 0
    return Cost(n, k, unmuted, n + k * unmuted + n)


def preview(session: Session, viewer: Viewer, draft: Draft, now: datetime) -> Cost:
    """Checks the draft (DraftError) and says what it can cost; the committee and admins only."""
    require_campaigns(viewer)
    check_draft(session, draft, now)
    return cost(session, draft.bureau_ids, draft.starts_at, now, draft.remind_minutes)


def create_confirmed(session: Session, viewer: Viewer, draft: Draft, now: datetime) -> tuple[Campaign, bool]:
    """The console's confirm: the chat's `create` (the worker's campaign job enqueues the invite through the
    outbox on its next tick), audited. (campaign, False) when the same person confirmed the same campaign a
    moment ago (a second click): nothing new is made."""
    require_campaigns(viewer)
    check_draft(session, draft, now)
    twin = session.exec(select(Campaign).where(
        Campaign.creator_id == viewer.user_id, Campaign.title == draft.title.strip(),
        Campaign.starts_at == draft.starts_at, Campaign.status == CampaignStatus.CONFIRMED,
        Campaign.confirmed_at >= now - SAME_SUBMIT)).first()
    if twin is not None:
        return twin, False
    camp = create(session, title=draft.title.strip(), description=draft.description.strip(),
                  place=draft.place.strip(), starts_at=draft.starts_at, bureau_ids=draft.bureau_ids,
                  creator_id=viewer.user_id, now=now, remind_minutes=sorted(draft.remind_minutes, reverse=True),
                  virtue=draft.virtue, activity_id=draft.activity_id)
    audit.record(session, viewer.user_id, "campaign.create", f"campaign:{camp.id}", now,
                 after={"starts_at": camp.starts_at, "virtue": camp.virtue, "bureau_ids": camp.bureau_ids,
                        "activity_id": camp.activity_id, "remind_minutes": camp.remind_minutes,
                        "invite_count": invite_count(session, camp.bureau_ids)})
    return camp, True


def _reachable_by_bureau(session: Session) -> dict[int, int]:
    """bureau id → reachable staff of active bureaus (one GROUP BY; the invite counts of a page of campaigns)."""
    q = (select(User.bureau_id, func.count()).join(Bureau, Bureau.id == User.bureau_id)
         .where(audience.reachable(), Bureau.active == True).group_by(User.bureau_id))  # noqa: E712
    return {bid: int(n) for bid, n in session.exec(q)}


@dataclass(frozen=True)
class Listed:
    camp: Campaign
    invited: int
    joined: int
    declined: int
    checked_in: int


def console_list(session: Session, viewer: Viewer, *, offset: int = 0, limit: int = 50) -> tuple[list[Listed], int]:
    """Campaigns (not drafts), latest start first, with answer counts; and how many there are."""
    require_campaigns(viewer)
    where = Campaign.status != CampaignStatus.DRAFT
    total = int(session.exec(select(func.count()).select_from(Campaign).where(where)).one())
    camps = list(session.exec(select(Campaign).where(where).order_by(Campaign.starts_at.desc(), Campaign.id.desc())
                              .offset(max(0, offset)).limit(limit)))
    counts = answer_counts(session, [c.id for c in camps]) if camps else {}
    per_bureau = _reachable_by_bureau(session) if camps else {}
    rows = []
    for c in camps:
        invited = sum(per_bureau.values()) if c.bureau_ids is None else sum(per_bureau.get(b, 0) for b in c.bureau_ids)
        rows.append(Listed(c, invited, *counts.get(c.id, (0, 0, 0))))
    return rows, total


def get_for_console(session: Session, viewer: Viewer, camp_id: int) -> Campaign | None:
    require_campaigns(viewer)
    camp = session.get(Campaign, camp_id)
    return camp if camp is not None and camp.status != CampaignStatus.DRAFT else None


@dataclass(frozen=True)
class Attendee:
    user_id: int
    title: str | None
    full_name: str | None
    bureau: str | None
    answer: str
    answered_at: datetime
    checked_in_at: datetime | None
    erased: bool


ROSTER_FILTERS = ("all", "join", "decline", "checked_in")


def roster(session: Session, viewer: Viewer, camp: Campaign, *, which: str = "all", offset: int = 0,
           limit: int | None = ROSTER_PAGE) -> tuple[list[Attendee], int]:
    """Who answered (and who checked in), by bureau then name, with their bureau today; and the total."""
    require_campaigns(viewer)
    R = CampaignResponse
    conds = [R.campaign_id == camp.id]
    if which == "join":
        conds.append(R.answer == CampaignAnswer.JOIN)
    elif which == "decline":
        conds.append(R.answer == CampaignAnswer.DECLINE)
    elif which == "checked_in":
        conds.append(R.checked_in_at.is_not(None))
    total = int(session.exec(select(func.count()).select_from(R).where(*conds)).one())
    q = (select(R.user_id, User.title, User.full_name, Bureau.name, R.answer, R.updated_at, R.checked_in_at,
                User.status)
         .join(User, User.id == R.user_id).outerjoin(Bureau, Bureau.id == User.bureau_id).where(*conds)
         .order_by(Bureau.name, User.full_name, R.user_id).offset(max(0, offset)))
    if limit is not None:
        q = q.limit(limit)
    rows = [Attendee(uid, t, n, b, a, at, ci, st == UserStatus.ERASED) for uid, t, n, b, a, at, ci, st in session.exec(q)]
    return rows, total


def form_bureaus(session: Session, viewer: Viewer) -> list[tuple[int, str]]:
    """The bureaus a campaign may invite, by name (the console form's checkboxes); committee and admins only."""
    require_campaigns(viewer)
    return active_bureaus(session)
