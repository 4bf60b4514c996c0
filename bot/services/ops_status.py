"""Read-only health numbers for the console's ระบบ page (admin): the worker's heartbeat, the outbox by status
and its dead letters, LINE's monthly quota and this month's forecast, the last webhook and the inbox backlog,
and the audit log with its actors.

Every query is a count, a GROUP BY or one page of rows, so the page stays fast with a large outbox and inbox.
The quota forecast lives here (scheduler/quota.py re-exports it for the clock's big-send guard and `flask
quota`), so the console and the worker count the same way. LINE's own numbers are read by the caller through
the gateway it passes in (this module imports nothing of bot.line) and kept for a few minutes in
`WorkerSetting`, so a page view does not ask LINE each time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services import audience, audit
from bot.services.console_access import Viewer, require_admin
from bot.services.deadlines import OFFSETS, submitted_bureaus
from messages_th.dates import today_bkk
from models.campaigns import Campaign
from models.core import Bureau, InboxEvent, OutboxMessage, User
from models.enums import CampaignStatus, InboxStatus, OutboxStatus, UserStatus
from models.rounds import Round
from models.worker import get_setting, set_setting

HEARTBEAT_KEY = "worker_heartbeat"
HEARTBEAT_EVERY = timedelta(minutes=1)
HEARTBEAT_STALE = timedelta(minutes=3)  # three missed beats: the worker is down or stuck
QUOTA_KEY = "line_quota"
QUOTA_FRESH = timedelta(minutes=10)
PAGE_SIZE = 50
_LINE_ID = re.compile(r"U[0-9a-f]{32}")
ERROR_MAX = 300


# -- worker heartbeat -------------------------------------------------------------------------------------
def write_heartbeat(s: Session, now: datetime, host: str, pid: int) -> None:
    """Called by each worker's scheduler every minute: one small row rewritten in place."""
    set_setting(s, HEARTBEAT_KEY, {"at": now.isoformat(), "host": host[:80], "pid": int(pid)})


@dataclass(frozen=True)
class Heartbeat:
    at: datetime | None
    host: str | None
    pid: int | None
    minutes_ago: int | None
    alive: bool


def heartbeat(s: Session, now: datetime) -> Heartbeat:
    beat = get_setting(s, HEARTBEAT_KEY) or {}
    try:
        at = datetime.fromisoformat(beat["at"])
    except (KeyError, TypeError, ValueError):
        return Heartbeat(None, None, None, None, False)
    age = max(now - at, timedelta(0))
    return Heartbeat(at, beat.get("host"), beat.get("pid"), int(age.total_seconds() // 60), age <= HEARTBEAT_STALE)


# -- outbox -----------------------------------------------------------------------------------------------
def redact(text: str | None) -> str:
    """An error as shown to admins: no LINE user ids, not too long."""
    clean = _LINE_ID.sub("U…", text or "")
    return clean if len(clean) <= ERROR_MAX else clean[:ERROR_MAX] + "…"


@dataclass(frozen=True)
class StatusCount:
    status: str
    rows: int
    recipients: int | None  # None for sent rows: LINE's own count of this month is the quota reading


def outbox_counts(s: Session) -> list[StatusCount]:
    """Rows per status, every status listed (zero too), in the rows' life order. Rows are counted from the
    (status, next_attempt_at) index; recipients are summed only for the rows not sent, which are few, so the
    page does not read the whole table as the sent rows pile up."""
    rows = dict(s.exec(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    unsent = [st for st in rows if st != OutboxStatus.SENT]
    people = dict(s.exec(select(OutboxMessage.status, func.sum(OutboxMessage.recipient_count))
                         .where(OutboxMessage.status.in_(unsent)).group_by(OutboxMessage.status)).all()) if unsent else {}
    order = [str(st) for st in OutboxStatus] + sorted(set(rows) - {str(st) for st in OutboxStatus})
    return [StatusCount(st, int(rows.get(st, 0)), None if st == OutboxStatus.SENT else int(people.get(st) or 0))
            for st in order]


@dataclass(frozen=True)
class DeadLetter:
    id: int
    category: str
    created_at: datetime
    attempts: int
    recipients: int
    error: str
    can_retry: bool


@dataclass(frozen=True)
class DeadPage:
    rows: list[DeadLetter]
    total: int
    page: int
    pages: int


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def dead_letters(s: Session, viewer: Viewer, page: int = 1) -> DeadPage:
    require_admin(viewer)
    total = int(s.exec(select(func.count()).select_from(OutboxMessage)
                       .where(OutboxMessage.status == OutboxStatus.DEAD)).one())
    page = min(max(page, 1), _pages(total))
    cols = (OutboxMessage.id, OutboxMessage.category, OutboxMessage.created_at, OutboxMessage.attempts,
            OutboxMessage.recipient_count, OutboxMessage.last_error, OutboxMessage.recipients,
            OutboxMessage.messages)
    rows = s.exec(select(*cols).where(OutboxMessage.status == OutboxStatus.DEAD)
                  .order_by(OutboxMessage.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return DeadPage([DeadLetter(i, cat, created, attempts, n, redact(err), bool(to) and bool(msgs))
                     for i, cat, created, attempts, n, err, to, msgs in rows], total, page, _pages(total))


# -- LINE quota -------------------------------------------------------------------------------------------
def pending_recipients(session: Session) -> int:
    """Recipients in rows not yet sent: they will consume quota soon."""
    q = select(func.coalesce(func.sum(OutboxMessage.recipient_count), 0)).where(
        OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
    return int(session.exec(q).one())


def limits(gateway) -> tuple[int | None, int]:
    """(monthly limit or None when unlimited, used this month), asked of LINE through `gateway`."""
    quota = gateway.get_quota() or {}
    limit = quota.get("value") if quota.get("type") == "limited" else None
    if limit is None:
        return None, 0
    usage = gateway.get_consumption() or {}
    used = int(usage.get("totalUsage", usage.get("total_usage", 0)) or 0)
    return (int(limit) if limit is not None else None), used


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


@dataclass(frozen=True)
class QuotaReading:
    at: datetime
    limit: int | None   # None: no monthly limit
    used: int
    ok: bool            # False: LINE could not be asked at `at`


def cached_quota(s: Session, now: datetime) -> QuotaReading | None:
    """The last reading if it is fresh enough to show; None when LINE should be asked again."""
    raw = get_setting(s, QUOTA_KEY) or {}
    try:
        reading = QuotaReading(datetime.fromisoformat(raw["at"]), raw.get("limit"), int(raw.get("used") or 0),
                               bool(raw.get("ok")))
    except (KeyError, TypeError, ValueError):
        return None
    return reading if now - reading.at < QUOTA_FRESH else None


def ask_line(gateway, now: datetime) -> QuotaReading:
    """LINE's numbers now (call with no transaction open: it may wait for a timeout)."""
    try:
        limit, used = limits(gateway)
    except Exception:  # noqa: BLE001 - LINE unreachable: the page says so instead of failing
        return QuotaReading(now, None, 0, False)
    return QuotaReading(now, limit, used, True)


def keep_quota(s: Session, reading: QuotaReading) -> None:
    set_setting(s, QUOTA_KEY, {"at": reading.at.isoformat(), "limit": reading.limit, "used": reading.used,
                               "ok": reading.ok})


@dataclass(frozen=True)
class QuotaStatus:
    reading: QuotaReading
    forecast: dict
    left: int | None          # after the forecast; None when unlimited or unknown
    short: bool               # the forecast does not fit in what is left


def quota_status(s: Session, viewer: Viewer, reading: QuotaReading, now: datetime) -> QuotaStatus:
    require_admin(viewer)
    f = forecast(s, now)
    left = reading.limit - reading.used - f["total"] if reading.ok and reading.limit is not None else None
    return QuotaStatus(reading, f, left, left is not None and left < 0)


# -- inbox ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InboxStatusView:
    last_received_at: datetime | None
    backlog: int        # stored, not yet answered
    failed: int


def inbox_status(s: Session, viewer: Viewer) -> InboxStatusView:
    require_admin(viewer)
    # the newest row by primary key (indexed) rather than max(received_at), which would scan the inbox
    last = s.exec(select(InboxEvent.received_at).order_by(InboxEvent.id.desc()).limit(1)).first()
    counts = dict(s.exec(select(InboxEvent.status, func.count()).where(InboxEvent.status.in_(
        (InboxStatus.PENDING, InboxStatus.HANDLED, InboxStatus.FAILED))).group_by(InboxEvent.status)).all())
    return InboxStatusView(last, int(counts.get(InboxStatus.PENDING, 0)) + int(counts.get(InboxStatus.HANDLED, 0)),
                           int(counts.get(InboxStatus.FAILED, 0)))


# -- overview ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Overview:
    heartbeat: Heartbeat
    outbox: list[StatusCount]
    inbox: InboxStatusView


def overview(s: Session, viewer: Viewer, now: datetime) -> Overview:
    require_admin(viewer)
    return Overview(heartbeat(s, now), outbox_counts(s), inbox_status(s, viewer))


# -- audit log --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    user_id: int
    title: str | None
    full_name: str | None
    erased: bool


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_id: int | None      # None: the CLI (a shell on the server)
    actor: Actor | None
    action: str
    target: str
    before: dict | None
    after: dict | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def audit_log(s: Session, viewer: Viewer, page: int = 1) -> AuditPage:
    """One page of the audit log, newest first, with the actors looked up now (an erased person shows as
    erased, never by a name kept from before)."""
    require_admin(viewer)
    page = max(page, 1)
    found = audit.recent(s, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    total = found.total
    if page > _pages(total):  # a page number past the end (the log is short or was typed): the last page
        page = _pages(total)
        found = audit.recent(s, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    entries = found.entries
    ids = {e.actor_user_id for e in entries if e.actor_user_id is not None}
    actors = {uid: Actor(uid, title, name, status == UserStatus.ERASED)
              for uid, title, name, status in s.exec(select(User.id, User.title, User.full_name, User.status)
                                                     .where(User.id.in_(ids))).all()} if ids else {}
    rows = [AuditRow(e.id, e.at, e.actor_user_id, actors.get(e.actor_user_id), e.action, e.target, e.before, e.after)
            for e in entries]
    return AuditPage(rows, total, page, _pages(total))
