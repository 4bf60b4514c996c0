"""The report-deadline reminder schedule: which stage (T-14 … due day, overdue) is due, and who already sent."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models.enums import ReportStatus
from models.rounds import RoundReport

OFFSETS = (14, 7, 3, 1, 0)   # days before the due date
OVERDUE_DAYS = 1            # the overdue notice goes out this many days after the due date


def stage_for(today: date, due: date, offsets=OFFSETS) -> tuple[str | None, list[str]]:
    """(the stage due today or most recently, older stages it supersedes) for a round due on `due`."""
    left = (due - today).days
    if left < 0:
        late = -left - OVERDUE_DAYS  # a worker that was down may still send it for two more days
        return ("overdue" if 0 <= late <= 2 else None), []
    passed = sorted(o for o in offsets if o >= left)  # stages whose day has come
    if not passed:
        return None, []
    return f"T-{passed[0]}", [f"T-{o}" for o in passed[1:]]


def submitted_bureaus(session: Session, round_id: int) -> set[int]:
    q = select(RoundReport.bureau_id).where(RoundReport.round_id == round_id,
                                            RoundReport.status == ReportStatus.SUBMITTED).distinct()
    return set(session.exec(q))
