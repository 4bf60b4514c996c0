"""Public holidays (วันหยุดราชการ): the one rule for adding, renaming and removing them, shared by the console
page and `flask holidays`. The scheduler reads them (bot/services/quiet_hours.py): no non-urgent pushes and no
reminder due on such a day.

Every change is written to the audit log in the caller's transaction; the actor is the console viewer, or None
for the CLI (a shell on the server is already an admin's).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from bot.services import audit
from bot.services.console_access import Viewer, require_admin
from messages_th.dates import fiscal_year_be, fiscal_year_bounds, today_bkk
from models.worker import Holiday

NAME_MAX = 200  # Holiday.name's column


class HolidayError(ValueError):
    """A refused change; `code`: exists | missing | name_empty | name_long."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class YearView:
    fy_be: int
    first: date
    last: date
    holidays: list[Holiday]


def _check(actor: Viewer | None) -> int | None:
    if actor is not None:
        require_admin(actor)
        return actor.user_id
    return None


def clean_name(name: str | None) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise HolidayError("name_empty")
    if len(text) > NAME_MAX:
        raise HolidayError("name_long")
    return text


def of_fiscal_year(s: Session, actor: Viewer | None, fy_be: int) -> YearView:
    _check(actor)
    first, last = fiscal_year_bounds(fy_be)
    rows = s.exec(select(Holiday).where(Holiday.day >= first, Holiday.day <= last).order_by(Holiday.day)).all()
    return YearView(fy_be, first, last, list(rows))


def all_holidays(s: Session) -> list[Holiday]:
    return list(s.exec(select(Holiday).order_by(Holiday.day)).all())


def fiscal_years(s: Session, now: datetime) -> list[int]:
    """The years worth offering: those with holidays, and this and next fiscal year (to enter them ahead)."""
    this = fiscal_year_be(today_bkk(now))
    earliest, latest = s.exec(select(Holiday.day).order_by(Holiday.day).limit(1)).first(), \
        s.exec(select(Holiday.day).order_by(Holiday.day.desc()).limit(1)).first()
    low = min(this, fiscal_year_be(earliest)) if earliest else this
    high = max(this + 1, fiscal_year_be(latest)) if latest else this + 1
    return list(range(high, low - 1, -1))


def add(s: Session, actor: Viewer | None, day: date, name: str, now: datetime) -> Holiday:
    actor_id = _check(actor)
    text = clean_name(name)
    if s.get(Holiday, day) is not None:
        raise HolidayError("exists")
    row = Holiday(day=day, name=text)
    s.add(row)
    audit.record(s, actor_id, "holiday.add", f"holiday:{day.isoformat()}", now, after={"day": day, "name": text})
    return row


def rename(s: Session, actor: Viewer | None, day: date, name: str, now: datetime) -> Holiday:
    actor_id = _check(actor)
    row = s.get(Holiday, day)
    if row is None:
        raise HolidayError("missing")
    text = clean_name(name)
    before = row.name
    if text != before:
        row.name = text
        s.add(row)
        audit.record(s, actor_id, "holiday.rename", f"holiday:{day.isoformat()}", now,
                     before={"name": before}, after={"name": text})
    return row


def remove(s: Session, actor: Viewer | None, day: date, now: datetime) -> Holiday:
    actor_id = _check(actor)
    row = s.get(Holiday, day)
    if row is None:
        raise HolidayError("missing")
    gone = {"day": row.day, "name": row.name}
    s.delete(row)
    audit.record(s, actor_id, "holiday.remove", f"holiday:{day.isoformat()}", now, before=gone)
    return row
