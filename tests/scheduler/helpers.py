"""Fixture data for the worker tests: bureaus, coordinators, staff, a round; times in Bangkok."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import select

from messages_th.dates import BKK
from models.core import OutboxMessage
from models.rounds import Round
from tests.factories import make_bureau, make_user

DUE = date(2027, 4, 1)  # a Thursday: T-14/T-7 Thursdays, T-3 Monday, T-1 Wednesday, overdue Friday


def bkk(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BKK)


def at(day: date, hh=9, mm=0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=BKK)


def make_round(s, due: date = DUE, code: str = "2570-6m") -> Round:
    r = Round(code=code, fy=2570, key="6m", title="รอบ 6 เดือน", period_start=date(2026, 10, 1),
              period_end=date(2027, 3, 31), due_date=due)
    s.add(r)
    s.flush()
    return r


def make_bureau_with(s, n_staff: int = 2, *, code: str | None = None):
    b = make_bureau(s, code=code)
    coord = make_user(s, b, roles=("coordinator",))
    staff = [make_user(s, b) for _ in range(n_staff)]
    return b, coord, staff


def outbox_rows(db, prefix: str = ""):
    with db() as s:
        rows = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [r for r in rows if r.key.startswith(prefix)]


def keys(db, prefix: str = "") -> list[str]:
    return [r.key for r in outbox_rows(db, prefix)]


def bulk_staff(s, bureau, n: int, prefix: str = "S") -> list[str]:
    """n registered, consenting, following staff in one executemany; returns their LINE ids."""
    from sqlalchemy import insert

    from models.core import User, utcnow
    now = utcnow()
    ids = [f"U{prefix}{bureau.id:04d}{i:026x}" for i in range(n)]
    s.execute(insert(User), [dict(line_user_id=u, display_name="ทดสอบ", full_name="ทดสอบ", bureau_id=bureau.id,
                                  status="registered", following=True, consent_at=now, registered_at=now,
                                  mute_reminders=False, created_at=now, updated_at=now) for u in ids])
    return ids
