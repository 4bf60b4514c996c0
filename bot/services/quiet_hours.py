"""Quiet hours: no pushes 20:00–08:00 Bangkok, nor on weekends and holidays (urgent ones only wait for morning).

A rule, so it lives in the services: the worker's jobs (through `scheduler.quiet`, which re-exports it) and
a chat handler that pushes to someone else (an admin told of an approval request) hold pushes the same way.

`next_allowed_time(now, holidays)` is used when a job enqueues: the row's `not_before` is the first moment
a push may go out; the sender then sends it. Next step: the job passes the result to `bot.line.outbox.enqueue`.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable

from sqlmodel import Session, select

from messages_th.dates import BKK
from models.worker import Holiday

log = logging.getLogger("scheduler.quiet")  # the name the worker's logs always used
DAY_START = time(8, 0)
DAY_END = time(20, 0)


def load_holidays(session: Session, start: date | None = None) -> set[date]:
    """Holidays from `start` on (default: all), as a set of Bangkok calendar days."""
    q = select(Holiday.day)
    if start is not None:
        q = q.where(Holiday.day >= start)
    return set(session.exec(q))


def is_working_day(day: date, holidays: Iterable[date]) -> bool:
    return day.weekday() < 5 and day not in set(holidays)


def next_allowed_time(now: datetime, holidays: Iterable[date] = (), *, urgent: bool = False) -> datetime:
    """The first moment at or after `now` (aware) when a push may go out, as aware UTC.

    Normal pushes: a working day between 08:00 and 20:00 Bangkok. Urgent pushes skip the weekend/holiday
    rule but still wait for 08:00 (nobody needs a buzz at 3 a.m.).
    """
    holidays = set(holidays)
    local = now.astimezone(BKK)
    for _ in range(60):  # Songkran plus a weekend is far below 60 days
        day = local.date()
        ok_day = urgent or is_working_day(day, holidays)
        if ok_day and local.time() < DAY_END:
            start = datetime.combine(day, DAY_START, tzinfo=BKK)
            return max(local, start).astimezone(timezone.utc)
        local = datetime.combine(day + timedelta(days=1), DAY_START, tzinfo=BKK)
    raise ValueError("no allowed time within 60 days: check the holiday list")


def not_before(session: Session, now: datetime, *, urgent: bool = False) -> datetime:
    """next_allowed_time with the holiday list read from the database."""
    local_day = now.astimezone(BKK).date()
    when = next_allowed_time(now, load_holidays(session, local_day), urgent=urgent)
    if when > now:
        log.info("quiet hours: push held until %s (urgent=%s)", when.isoformat(), urgent)
    return when
