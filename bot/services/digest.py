"""The committee's weekly digest numbers, from SQL aggregates (GROUP BY), never a loop over deeds.

`compute(session, now)` returns plain data: the chat (handlers/committee.py), the Monday job
(scheduler/digest.py) and the CLI preview read the same numbers; messages_th.digest renders them.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from bot.services import activities, audience, report_forms, rollup, survey
from bot.services.ledger import head
from bot.services.rounds import STATUSES, default_round, status_of
from messages_th import virtues
from messages_th.dates import today_bkk
from models.campaigns import Campaign
from models.core import Bureau, User
from models.deeds import Deed
from models.enums import CampaignStatus, ReportStatus
from models.rounds import Round, RoundReport

# Bureaus with fewer reachable staff are shown together, never on their own: in a bureau of three, "1 of 3
# took part" tells everyone who did not.
MIN_GROUP = 5
TREND_WEEKS = 4  # last week is compared with the average of the four weeks before it


def week_bounds(now: datetime) -> tuple[date, date, date]:
    """(Monday of last week, Monday of this week, Monday of the week before last) in Bangkok."""
    today = today_bkk(now)
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(days=7), this_monday, this_monday - timedelta(days=14)


def week_key(now: datetime) -> str:
    """This week's ISO code (`2027-W11`): an internal key (outbox keys), never shown to a user."""
    y, w, _ = today_bkk(now).isocalendar()
    return f"{y}-W{w:02d}"


def compute(session: Session, now: datetime) -> dict:
    last, this, _ = week_bounds(now)
    # last week and the TREND_WEEKS before it, oldest first: the committee reads a trend, not one number
    starts = [this - timedelta(days=7 * i) for i in range(TREND_WEEKS + 1, 0, -1)]
    live = and_(Deed.deleted_at.is_(None), Deed.deed_date >= starts[0], Deed.deed_date < this)

    def in_week(i: int):
        return and_(Deed.deed_date >= starts[i], Deed.deed_date < starts[i] + timedelta(days=7))

    per_week = [func.sum(case((in_week(i), 1), else_=0)) for i in range(len(starts))]
    found = {v: [int(n or 0) for n in ns] for v, *ns in session.exec(
        select(Deed.virtue, *per_week).where(live).group_by(Deed.virtue))}
    # all five virtues in the plan's order, zeros included (a virtue nobody practised is news too)
    virtue_weeks = {k: found.pop(k, [0] * len(starts)) for k in virtues.KEYS} | found
    by_virtue = {k: [w[-1], w[-2]] for k, w in virtue_weeks.items()}
    people = session.exec(select(*[func.count(func.distinct(case((in_week(i), Deed.user_id))))
                                   for i in range(len(starts))]).where(live)).one()
    weeks = [{"start": st, "end": st + timedelta(days=6), "deeds": sum(w[i] for w in virtue_weeks.values()),
              "participants": int(people[i])} for i, st in enumerate(starts)]
    in_last = Deed.deed_date >= last
    deeds = {b: (int(n), int(p)) for b, n, p in session.exec(
        select(Deed.bureau_id, func.count(Deed.id), func.count(func.distinct(Deed.user_id)))
        .where(live, in_last).group_by(Deed.bureau_id))}
    staff = dict(session.exec(select(User.bureau_id, func.count(User.id))
                              .where(audience.reachable(), User.bureau_id.is_not(None)).group_by(User.bureau_id)).all())
    bureaus = session.exec(select(Bureau).where(Bureau.active == True).order_by(Bureau.code)).all()  # noqa: E712
    rows = group_small([{"name": b.name, "code": b.code, "id": b.id, "staff": int(staff.get(b.id, 0)),
                         "deeds": deeds.get(b.id, (0, 0))[0], "participants": deeds.get(b.id, (0, 0))[1]}
                        for b in bureaus])
    total_staff = sum(int(v) for v in staff.values())
    return {"week": week_key(now), "last_monday": last, "this_monday": this, "week_end": this - timedelta(days=1),
            "today": today_bkk(now), "by_virtue": by_virtue, "virtue_weeks": virtue_weeks, "weeks": weeks,
            "deeds_last": weeks[-1]["deeds"], "deeds_prev": weeks[-2]["deeds"],
            "bureaus": rows, "min_group": MIN_GROUP, "staff": total_staff, "participants": weeks[-1]["participants"],
            "round": round_status(session, now), "upcoming": upcoming(session, now), "ledger": ledger_head(session),
            "plan_kpi": plan_kpi(session, now), "survey": survey_status(session, now)}


def plan_kpi(session: Session, now: datetime) -> dict | None:
    """The plan's KPI of the current round when it is a 6/9/12-month round and the year has a register
    (bot/services/rollup.py's rule: activities done ÷ planned); None otherwise."""
    rnd = default_round(session, today_bkk(now))
    if rnd is None or not report_forms.uses_activities(rnd) or not activities.list_for(session, rnd.fy):
        return None
    r = rollup.compute(session, rnd.code, now)
    return {"title": rnd.title, "done": r.kpi.done, "planned": r.kpi.planned, "percent": r.kpi.percent}


def survey_status(session: Session, now: datetime) -> dict | None:
    """The ITA survey drive open now (or closed in the last week): who said "ตอบแล้ว" against the reachable
    staff invited, by bureau through the small-group rule; None when there is none."""
    drive = survey.for_digest(session, now)
    if drive is None:
        return None
    rows = group_small(survey.bureau_counts(session, drive))
    return {"title": drive.title, "closes": drive.closes_at, "open": survey.state(drive, now) == "open",
            "answered": sum(r["participants"] for r in rows), "invited": sum(r["staff"] for r in rows),
            "bureaus": rows}


def group_small(rows: list[dict]) -> list[dict]:
    """Bureau rows ({name, code, id, staff, deeds, participants}) with every bureau under MIN_GROUP staff moved
    into one unnamed row at the end (`name` None, `grouped` = how many, `members` = their names or None).
    The digest and the console's overview both show bureaus through this rule."""
    out, other = [], {"name": None, "code": None, "id": None, "staff": 0, "deeds": 0, "participants": 0,
                      "grouped": 0}
    small = []
    for row in rows:
        if row["staff"] < MIN_GROUP:
            for k in ("staff", "deeds", "participants"):
                other[k] += row[k]
            other["grouped"] += 1
            small.append(row["name"])
        else:
            out.append(row)
    if other["grouped"]:
        # Naming the group's bureaus is safe only when the group itself is a crowd: two or more bureaus and
        # at least MIN_GROUP people together. A group of one bureau, or of too few people, would point at
        # the few people whose participation the grouping exists to keep unnamed.
        other["members"] = small if other["grouped"] >= 2 and other["staff"] >= MIN_GROUP else None
        out.append(other)
    return out


def round_status(session: Session, now: datetime) -> dict | None:
    """Per-bureau status of the current round (bot.services.rounds.status_of's rule, from one GROUP BY)."""
    today = today_bkk(now)
    rnd = default_round(session, today) or session.exec(  # else the last round due: who is late
        select(Round).where(Round.due_date < today).order_by(Round.due_date.desc())).first()
    if rnd is None:
        return None
    R = RoundReport
    sub = func.max(case((R.status == ReportStatus.SUBMITTED, 1), else_=0))
    late = func.max(case((and_(R.status == ReportStatus.SUBMITTED, R.late == True), 1), else_=0))  # noqa: E712
    per = {b: (int(s), int(lt)) for b, s, lt in session.exec(
        select(R.bureau_id, sub, late).where(R.round_id == rnd.id).group_by(R.bureau_id))}
    table = []
    for b in session.exec(select(Bureau).where(Bureau.active == True).order_by(Bureau.code)):  # noqa: E712
        s, lt = per.get(b.id, (None, 0))  # s == 0: only drafts
        table.append((b.name, b.id, status_of(bool(s), bool(lt), s == 0, rnd, now)))
    counts = {k: sum(1 for *_, st in table if st == k) for k in STATUSES}
    return {"code": rnd.code, "title": rnd.title, "due": rnd.due_date, "table": table, "counts": counts}


def upcoming(session: Session, now: datetime, days: int = 30) -> dict:
    """Round due dates and confirmed campaigns in the next `days` days; the next due date always, even if later
    (the committee should see what comes next, not an empty list in a quiet month)."""
    today = today_bkk(now)
    rounds = session.exec(select(Round.title, Round.due_date).where(Round.due_date >= today)
                          .order_by(Round.due_date, Round.id)).all()
    rounds = [tuple(r) for i, r in enumerate(rounds) if i == 0 or r[1] <= today + timedelta(days=days)]
    camps = session.exec(select(Campaign.title, Campaign.starts_at).where(
        Campaign.status == CampaignStatus.CONFIRMED, Campaign.starts_at >= now,
        Campaign.starts_at <= now + timedelta(days=days)).order_by(Campaign.starts_at)).all()
    return {"rounds": rounds, "campaigns": [tuple(c) for c in camps], "days": days}


def ledger_head(session: Session) -> tuple[int, str]:
    return head(session)
