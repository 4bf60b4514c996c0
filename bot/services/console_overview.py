"""The console's overview (ภาพรวม): one fiscal year at a glance, from SQL aggregates only.

Admins and the committee see every bureau; a coordinator the same numbers limited to their own bureau(s), with
no other bureau named. Bureaus are shown through the digest's small-group rule (`digest.group_small`), and the
round status through the digest's GROUP BY of `rounds.status_of`.

Cost with 1,000,000 deeds in a year (partial indexes on live deeds, read without the table): the weekly series
is one range per week (count and distinct people) on `ix_deed_live_date_user`, or `ix_deed_live_bureau` for a
coordinator; by virtue five ranges of `ix_deed_live_virtue` (a coordinator's: `ix_deed_live_bureau`);
participants per bureau walk the staff (2,000 index look-ups), not the deeds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, exists, func, literal_column, select, union_all
from sqlmodel import Session

from bot.services import audience, digest
from bot.services import console_access as access
from messages_th import virtues
from messages_th.dates import fiscal_year_be, fiscal_year_bounds, today_bkk
from models.campaigns import Campaign
from models.core import Bureau, User
from models.deeds import Deed
from models.enums import CampaignStatus

UPCOMING_DAYS = 60  # the console is read at a desk a few times a month: two months ahead


@dataclass(frozen=True)
class Week:
    start: date
    end: date          # the last day counted (Sunday, or today / the year's end for a partial week)
    deeds: int
    participants: int | None  # None when the viewer's bureau is too small to show it (the small-group rule)


def years(session: Session, now: datetime) -> list[int]:
    """Fiscal years (พ.ศ.) one may pick: the current one first, then the years that have deeds, newest first."""
    current = fiscal_year_be(today_bkk(now))
    first = session.execute(select(func.min(Deed.deed_date)).where(Deed.deleted_at.is_(None))).scalar()
    oldest = fiscal_year_be(first) if first else current
    return list(range(current, min(oldest, current) - 1, -1))


def _week_starts(start: date, last: date) -> list[date]:
    monday = start - timedelta(days=start.weekday())
    out = []
    while monday <= last:
        out.append(monday)
        monday += timedelta(days=7)
    return out


def overview(session: Session, viewer: access.Viewer, now: datetime, fy_be: int | None = None) -> dict:
    """Everything the overview page shows, as plain data (the page words it)."""
    require_overview(viewer)
    today = today_bkk(now)
    fy = fy_be or fiscal_year_be(today)
    fy_start, fy_end = fiscal_year_bounds(fy)
    last = min(fy_end, today)
    scope = access.bureau_scope(viewer)
    live = [Deed.deleted_at.is_(None), Deed.deed_date >= fy_start, Deed.deed_date <= last]
    if scope is not None:
        live.append(Deed.bureau_id.in_(sorted(scope)))

    active = Bureau.active == True  # noqa: E712
    bureaus = list(session.execute(select(Bureau.id, Bureau.name, Bureau.code).where(active).order_by(Bureau.code)))
    if scope is not None:
        bureaus = [b for b in bureaus if b.id in scope]
    staff = dict(session.execute(select(User.bureau_id, func.count(User.id))
                                 .where(audience.reachable(), User.bureau_id.is_not(None))
                                 .group_by(User.bureau_id)).all())
    # a coordinator's own bureau under the threshold: its people counts would name who did not take part
    my_staff = sum(int(staff.get(b.id, 0)) for b in bureaus)
    hide_people = scope is not None and my_staff < digest.MIN_GROUP

    weeks = _weeks(session, scope, fy_start, last) if fy_start <= last else []
    if hide_people:
        weeks = [Week(w.start, w.end, w.deeds, None) for w in weeks]

    found = {v: int(n) for v, n in session.execute(select(Deed.virtue, func.count()).where(*live)
                                                   .group_by(Deed.virtue))}
    # all five virtues in the plan's order, zeros included; an unknown stored key (old data) after them
    by_virtue = [(k, found.pop(k, 0)) for k in virtues.KEYS] + sorted(found.items())

    # a participant: one of the bureau's staff now, with a deed this year (whichever bureau it was filed under)
    took_part = exists().where(Deed.user_id == User.id, Deed.deleted_at.is_(None), Deed.deed_date >= fy_start,
                               Deed.deed_date <= last)
    people_q = select(User.bureau_id, func.count(User.id)).where(audience.reachable(), User.bureau_id.is_not(None),
                                                                took_part)
    if scope is not None:
        people_q = people_q.where(User.bureau_id.in_(sorted(scope)))
    people = dict(session.execute(people_q.group_by(User.bureau_id)).all())
    # no deed count per bureau: participation is the measure here, and it would cost another pass over the
    # year's deeds (the deeds page counts a bureau's); "deeds" is there for group_small, never shown
    rows = [{"name": b.name, "code": b.code, "id": b.id, "staff": int(staff.get(b.id, 0)), "deeds": 0,
             "participants": int(people.get(b.id, 0))} for b in bureaus]
    if scope is None:
        rows = digest.group_small(rows)
    else:  # a coordinator's bureaus by name, but no people count of one under the threshold
        rows = [dict(r, participants=None) if hide_people or r["staff"] < digest.MIN_GROUP else r for r in rows]

    # the totals over the rows that show people, so that no hidden bureau is the difference of two numbers
    counted = [r for r in rows if r["participants"] is not None]
    total_staff = sum(r["staff"] for r in counted) if counted else sum(r["staff"] for r in rows)
    total_people = sum(r["participants"] for r in counted) if counted else None
    return {
        "fy": fy, "fy_start": fy_start, "fy_end": fy_end, "today": today, "is_current": fy_start <= today <= fy_end,
        "scope": scope, "hide_people": hide_people, "min_group": digest.MIN_GROUP,
        "deeds": sum(n for _k, n in by_virtue), "participants": total_people, "staff": total_staff,
        "weeks": weeks, "by_virtue": by_virtue, "bureaus": rows,
        "round": _round(session, now, scope), "upcoming": _upcoming(session, now, scope),
    }


def _weeks(session: Session, scope: frozenset[int] | None, first: date, last: date) -> list[Week]:
    """Monday-to-Sunday weeks from the year's first day to `last`, each from its own index range (one round
    trip): a GROUP BY on a computed week number would sort every deed instead."""
    starts = _week_starts(first, last)
    bounds = [(max(m, first), min(m + timedelta(days=6), last)) for m in starts]
    params = {f"lo{i}": lo for i, (lo, _hi) in enumerate(bounds)} | {f"hi{i}": hi for i, (_lo, hi) in enumerate(bounds)}
    if scope is not None:
        params["bureaus"] = sorted(scope)
    got = {int(i): (int(n), int(p)) for i, n, p in session.execute(_weeks_stmt(len(bounds), scope is not None),
                                                                    params)}
    return [Week(lo, hi, *got.get(i, (0, 0))) for i, (lo, hi) in enumerate(bounds)]


@lru_cache(maxsize=16)
def _weeks_stmt(n: int, scoped: bool):
    """The n-week statement, built once: building and keying 53 SELECTs anew cost more than running them.
    Only the week's own bounds in each part: with the year's too, SQLite may scan the year for every week."""
    parts = []
    for i in range(n):
        where = [Deed.deleted_at.is_(None), Deed.deed_date >= bindparam(f"lo{i}"),
                 Deed.deed_date <= bindparam(f"hi{i}")]
        if scoped:
            where.append(Deed.bureau_id.in_(bindparam("bureaus", expanding=True)))
        parts.append(select(literal_column(str(i)).label("i"), func.count().label("n"),
                            func.count(func.distinct(Deed.user_id)).label("p")).where(*where))
    return union_all(*parts)


def _round(session: Session, now: datetime, scope: frozenset[int] | None) -> dict | None:
    rnd = digest.round_status(session, now)
    if rnd is None or scope is None:
        return rnd
    table = [row for row in rnd["table"] if row[1] in scope]
    return dict(rnd, table=table, counts={k: sum(1 for *_, st in table if st == k) for k in rnd["counts"]})


def _upcoming(session: Session, now: datetime, scope: frozenset[int] | None) -> dict:
    """Due dates (the digest's rule: the next one always) and confirmed campaigns open to the viewer's bureaus."""
    rounds = digest.upcoming(session, now, days=UPCOMING_DAYS)["rounds"]
    camps = session.execute(select(Campaign.id, Campaign.title, Campaign.starts_at, Campaign.bureau_ids).where(
        Campaign.status == CampaignStatus.CONFIRMED, Campaign.starts_at >= now,
        Campaign.starts_at <= now + timedelta(days=UPCOMING_DAYS)).order_by(Campaign.starts_at)).all()
    if scope is not None:  # a campaign for other bureaus only is not this coordinator's business
        camps = [c for c in camps if c.bureau_ids is None or scope & set(c.bureau_ids)]
    return {"rounds": rounds, "campaigns": [(c.title, c.starts_at) for c in camps], "days": UPCOMING_DAYS}


def require_overview(viewer: access.Viewer) -> None:
    """Every console role reads the overview (a coordinator their own bureau's); staff never reach the console."""
    if not (viewer.sees_all or viewer.bureau_ids):
        raise access.Forbidden("no bureau to show")
