"""The report-deadline reminder schedule: which stage (T-14 … due day, overdue) is due, and who already sent.

Reminders count working days (no weekend, no holiday): a stage whose day (due − n) is not a working day goes
on the working day before; "T-1" therefore always lands on the last working day before the due date. The
due-day stage "T-0" is sent only when the due day is itself a working day (otherwise T-1 was the last one);
"overdue" goes on the first working day after the due date. Stages that land on one day: the nearest one is
sent, the others are superseded. Cards always state the real due date.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from sqlmodel import Session, select

from models.enums import ReportStatus
from models.rounds import RoundReport

OFFSETS = (14, 7, 3, 1, 0)   # days before the due date
OVERDUE_DAYS = 1            # the overdue notice goes out this many days after the due date (or the next working day)
CATCH_UP_DAYS = 2           # a worker that was down may still send the overdue notice this many days later


def is_working_day(day: date, holidays: Iterable[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def working_day_on_or_before(day: date, holidays: Iterable[date] = ()) -> date:
    holidays = set(holidays)
    for _ in range(60):  # Songkran plus a weekend is far below 60 days
        if is_working_day(day, holidays):
            return day
        day -= timedelta(days=1)
    raise ValueError("no working day within 60 days: check the holiday list")


def working_day_on_or_after(day: date, holidays: Iterable[date] = ()) -> date:
    holidays = set(holidays)
    for _ in range(60):
        if is_working_day(day, holidays):
            return day
        day += timedelta(days=1)
    raise ValueError("no working day within 60 days: check the holiday list")


def schedule(due: date, offsets=OFFSETS, holidays: Iterable[date] = ()) -> list[tuple[date, str, list[str]]]:
    """[(day, stage, stages it supersedes)] in date order: one stage per working day, overdue last."""
    holidays = set(holidays)
    by_day: dict[date, list[int]] = {}
    for n in sorted(set(offsets), reverse=True):
        if n == 0 and not is_working_day(due, holidays):
            continue  # a due date on a weekend/holiday: the last working day before it had the last one
        by_day.setdefault(working_day_on_or_before(due - timedelta(days=n), holidays), []).append(n)
    out = [(day, f"T-{min(ns)}", [f"T-{n}" for n in sorted(ns, reverse=True) if n != min(ns)])
           for day, ns in sorted(by_day.items())]
    out.append((working_day_on_or_after(due + timedelta(days=OVERDUE_DAYS), holidays), "overdue", []))
    return out


def stage_for(today: date, due: date, offsets=OFFSETS, holidays: Iterable[date] = ()) -> tuple[str | None, list[str]]:
    """(the stage due today or most recently, older stages it supersedes) for a round due on `due`."""
    plan = schedule(due, offsets, holidays)
    passed = [i for i, (day, _, _) in enumerate(plan) if day <= today]
    if not passed:
        return None, []
    day, stage, merged = plan[passed[-1]]
    if stage == "overdue":
        return ("overdue" if (today - day).days <= CATCH_UP_DAYS else None), []
    if today > due:  # past the due date, before the overdue notice's day (a weekend): nothing to say yet
        return None, []
    older = [s for _, s, m in plan[:passed[-1]] for s in (m + [s])]
    return stage, sorted(set(merged + older), key=lambda s: -int(s[2:]))


def submitted_bureaus(session: Session, round_id: int) -> set[int]:
    q = select(RoundReport.bureau_id).where(RoundReport.round_id == round_id,
                                            RoundReport.status == ReportStatus.SUBMITTED).distinct()
    return set(session.exec(q))
