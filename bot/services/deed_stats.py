"""Good deeds, read side: this fiscal year's totals, weekly streaks, the book's pages, bureau participation."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from messages_th.dates import fiscal_year_be, fiscal_year_bounds, today_bkk
from models.core import User
from models.deeds import Deed, DeedHistory
from models.enums import UserStatus


def _fy_range(now: datetime) -> tuple[int, date, date]:
    fy = fiscal_year_be(today_bkk(now))
    return (fy, *fiscal_year_bounds(fy))


def fy_totals(session: Session, user: User, now: datetime) -> dict[str, int]:
    """Live deeds of this fiscal year by virtue."""
    _, start, end = _fy_range(now)
    rows = session.execute(select(Deed.virtue, func.count()).where(
        Deed.user_id == user.id, Deed.deleted_at.is_(None), Deed.deed_date >= start, Deed.deed_date <= end)
        .group_by(Deed.virtue)).all()
    return {v: n for v, n in rows}


def fy_count(session: Session, user: User, now: datetime) -> int:
    return sum(fy_totals(session, user, now).values())


def streak_weeks(session: Session, user: User, now: datetime) -> int:
    """Weeks in a row (Mon–Sun, Bangkok) with ≥1 deed, ending this week (or last week while this one is open)."""
    today = today_bkk(now)
    this_monday = today - timedelta(days=today.weekday())
    days = session.scalars(select(Deed.deed_date).distinct().where(
        Deed.user_id == user.id, Deed.deleted_at.is_(None), Deed.deed_date >= this_monday - timedelta(weeks=160)))
    weeks = {d - timedelta(days=d.weekday()) for d in days}
    monday = this_monday if this_monday in weeks else this_monday - timedelta(weeks=1)
    n = 0
    while monday in weeks:
        n, monday = n + 1, monday - timedelta(weeks=1)
    return n


def recent(session: Session, user: User, *, offset: int = 0, limit: int = 10) -> list[Deed]:
    return list(session.scalars(select(Deed).where(Deed.user_id == user.id, Deed.deleted_at.is_(None))
                                .order_by(Deed.deed_date.desc(), Deed.id.desc()).offset(offset).limit(limit)))


def participation(session: Session, bureau_id: int, start: date, end: date) -> tuple[int, int, int]:
    """(registered staff of the bureau with ≥1 live deed dated start..end, registered staff, those deeds)."""
    staff = select(User.id).where(User.bureau_id == bureau_id, User.status == UserStatus.REGISTERED)
    active = session.scalar(select(func.count()).select_from(staff.subquery())) or 0
    part, deeds = session.execute(select(func.count(Deed.user_id.distinct()), func.count(Deed.id)).where(
        Deed.user_id.in_(staff), Deed.deleted_at.is_(None), Deed.deed_date >= start, Deed.deed_date <= end)).one()
    return int(part or 0), int(active), int(deeds or 0)


def edited_ids(session: Session, deed_ids: list[int]) -> set[int]:
    """Which of these deeds were ever edited (the book marks them)."""
    if not deed_ids:
        return set()
    return set(session.scalars(select(DeedHistory.deed_id).where(
        DeedHistory.deed_id.in_(deed_ids), DeedHistory.action == "edit")))
