"""The committee's weekly digest: numbers computed with SQL aggregates (GROUP BY), never a loop over deeds.

`compute(session, now)` returns plain data; messages_th.digest renders it (Flex, chart, plain text).
`run(...)` enqueues it Monday 08:30 (`digest:<YYYY-Www>`). Next step: the sender pushes the rows.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from messages_th.dates import BKK, today_bkk
from models.campaigns import Campaign
from models.core import Bureau, User
from models.deeds import Deed
from models.rounds import Round, RoundReport
from bot.services import audience

log = logging.getLogger("scheduler.digest")
MIN_GROUP = 5  # bureaus with fewer active staff are shown together, never on their own


def week_bounds(now: datetime) -> tuple[date, date, date]:
    """(Monday of last week, Monday of this week, Monday of the week before last) in Bangkok."""
    today = today_bkk(now)
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(days=7), this_monday, this_monday - timedelta(days=14)


def week_key(now: datetime) -> str:
    y, w, _ = today_bkk(now).isocalendar()
    return f"{y}-W{w:02d}"


def compute(session: Session, now: datetime) -> dict:
    last, this, prev = week_bounds(now)
    live = and_(Deed.deleted_at.is_(None), Deed.deed_date >= prev, Deed.deed_date < this)
    in_last = Deed.deed_date >= last
    by_virtue = {v: [int(a), int(b)] for v, a, b in session.exec(
        select(Deed.virtue, func.sum(case((in_last, 1), else_=0)), func.sum(case((in_last, 0), else_=1)))
        .where(live).group_by(Deed.virtue))}
    deeds = {b: (int(n), int(p)) for b, n, p in session.exec(
        select(Deed.bureau_id, func.count(Deed.id), func.count(func.distinct(Deed.user_id)))
        .where(live, in_last).group_by(Deed.bureau_id))}
    staff = dict(session.exec(select(User.bureau_id, func.count(User.id))
                              .where(audience.reachable(), User.bureau_id.is_not(None)).group_by(User.bureau_id)).all())
    bureaus = session.exec(select(Bureau).where(Bureau.active == True).order_by(Bureau.code)).all()  # noqa: E712
    rows, other = [], {"name": None, "code": None, "staff": 0, "deeds": 0, "participants": 0, "grouped": 0}
    for b in bureaus:
        n, p = deeds.get(b.id, (0, 0))
        row = {"name": b.name, "code": b.code, "id": b.id, "staff": int(staff.get(b.id, 0)), "deeds": n,
               "participants": p}
        if row["staff"] < MIN_GROUP:
            for k in ("staff", "deeds", "participants"):
                other[k] += row[k]
            other["grouped"] += 1
        else:
            rows.append(row)
    if other["grouped"]:
        rows.append(other)
    total_staff = sum(int(v) for v in staff.values())
    total_part = int(session.exec(select(func.count(func.distinct(Deed.user_id))).where(live, in_last)).one())
    return {"week": week_key(now), "last_monday": last, "this_monday": this, "by_virtue": by_virtue,
            "deeds_last": sum(v[0] for v in by_virtue.values()), "deeds_prev": sum(v[1] for v in by_virtue.values()),
            "bureaus": rows, "staff": total_staff, "participants": total_part,
            "round": round_status(session, now), "upcoming": upcoming(session, now), "ledger": ledger_head(session)}


def round_status(session: Session, now: datetime) -> dict | None:
    """Per-bureau status of the current round (bot.services.rounds.status_of's rule, from one GROUP BY)."""
    from bot.services.rounds import STATUSES, default_round, status_of
    today = today_bkk(now)
    rnd = default_round(session, today) or session.exec(  # else the last round due: who is late
        select(Round).where(Round.due_date < today).order_by(Round.due_date.desc())).first()
    if rnd is None:
        return None
    R = RoundReport
    sub = func.max(case((R.status == "submitted", 1), else_=0))
    late = func.max(case((and_(R.status == "submitted", R.late == True), 1), else_=0))  # noqa: E712
    per = {b: (int(s), int(lt)) for b, s, lt in session.exec(
        select(R.bureau_id, sub, late).where(R.round_id == rnd.id).group_by(R.bureau_id))}
    table = []
    for b in session.exec(select(Bureau).where(Bureau.active == True).order_by(Bureau.code)):  # noqa: E712
        s, lt = per.get(b.id, (None, 0))  # s == 0: only drafts
        table.append((b.name, b.id, status_of(bool(s), bool(lt), s == 0, rnd, now)))
    counts = {k: sum(1 for *_, st in table if st == k) for k in STATUSES}
    return {"code": rnd.code, "title": rnd.title, "due": rnd.due_date, "table": table, "counts": counts}


def upcoming(session: Session, now: datetime, days: int = 30) -> dict:
    today = today_bkk(now)
    rounds = session.exec(select(Round.title, Round.due_date).where(
        Round.due_date >= today, Round.due_date <= today + timedelta(days=days)).order_by(Round.due_date)).all()
    camps = session.exec(select(Campaign.title, Campaign.starts_at).where(
        Campaign.status == "confirmed", Campaign.starts_at >= now,
        Campaign.starts_at <= now + timedelta(days=days)).order_by(Campaign.starts_at)).all()
    return {"rounds": [tuple(r) for r in rounds], "campaigns": [tuple(c) for c in camps]}


def ledger_head(session: Session) -> tuple[int, str]:
    from bot.services.ledger import head
    return head(session)


def due_now(now: datetime) -> bool:
    """Monday 08:30 onwards; a worker that was down catches up until Tuesday night, later is stale."""
    local_day = today_bkk(now)
    monday = local_day - timedelta(days=local_day.weekday())
    return local_day.weekday() in (0, 1) and now >= datetime.combine(monday, time(8, 30), tzinfo=BKK)


def run(session: Session, now: datetime, config=None, gateway=None) -> int:
    """Enqueue the committee digest and the coordinators' bureau digests for this week (once per week)."""
    from bot.web.media import publish
    from bot.line.outbox import enqueue
    from messages_th import digest as th
    from models.core import OutboxMessage
    from models.worker import get_setting
    from scheduler.quiet import not_before
    from scheduler.quota import allow

    key = f"digest:{week_key(now)}"
    if not due_now(now):
        log.info("%s skipped: not Monday 08:30–Tuesday (stale or early)", key)
        return 0
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.key == key)).first() is not None:
        return 0
    data = compute(session, now)
    when, added = not_before(session, now), 0
    committee = audience.role_ids(session, "committee")
    if committee and allow(session, gateway, len(committee), now, key):
        url = publish(config.MEDIA_DIR, config.PUBLIC_BASE_URL, th.chart_png(data)) if config else None
        added += enqueue(session, key, committee, th.digest_messages(data, url), not_before=when, category="digest")
        log.info("%s to %d committee member(s)", key, len(committee))
    for row in data["bureaus"]:
        if row.get("id") is None:
            continue
        to = [u.line_user_id for u in audience.coordinators(session, row["id"]) if audience._ok(u)
              and not get_setting(session, f"digest_optout:{u.id}", False)]
        if to:
            added += enqueue(session, f"{key}:bureau:{row['code']}", to, [th.bureau_digest(data, row)],
                             not_before=when, category="digest")
    return added
