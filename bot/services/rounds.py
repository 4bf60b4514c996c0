"""Fiscal-year reporting rounds and the bureaus' round reports (service functions, no LINE, no Thai text).

A round is open for reports from `period_start`; its due date ends 23:59:59 Asia/Bangkok. A report is a
draft (version 0) until submitted; each submission is a new version (1, 2, ...), marked late after the due.
Public for the worker: `current_rounds`, `next_due`, `rounds_due_between`, `round_status`, `report_status_table`.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services.membership import get_bureau  # noqa: F401 - the report flow asks for it here
from messages_th.dates import end_of_day_bkk, fiscal_year_bounds
from messages_th.reference_data import round_title  # the stored Thai title of a new round
from models.core import Bureau, utcnow
from models.enums import ReportStatus, RoundState
from models.rounds import ROUND_KEYS, Round, RoundReport

# key → (period start (month, day), period end (month, day), due (month, day)); months ≥ 10 are in the FY's
# first calendar year. The titles live in messages_th.rounds (they are Thai text).
PATTERN = {
    "6m": ((10, 1), (3, 31), (3, 20)),
    "9m": ((4, 1), (6, 30), (6, 20)),
    "12m": ((7, 1), (9, 30), (9, 10)),
    "moral-org": ((10, 1), (6, 30), (6, 30)),
    "bureau-eval": ((10, 1), (9, 30), (7, 30)),
}
STATUSES = tuple(RoundState)  # in display order; labels: messages_th.rounds.STATUS_TH


def _fy_day(fy_be: int, month_day: tuple[int, int]) -> date:
    start, end = fiscal_year_bounds(fy_be)
    month, day = month_day
    return date(start.year if month >= 10 else end.year, month, day)


def code_for(fy_be: int, key: str) -> str:
    return f"{fy_be}-{key}"


def planned_rounds(session: Session, fy_be: int) -> list[tuple[Round, bool]]:
    """The FY's rounds in the plan's order as (round, exists): the stored ones, and for the missing ones a new
    round from the pattern that is NOT added to the session (the clock plans in a read session)."""
    out = []
    for key in ROUND_KEYS:
        rnd = get_round(session, code_for(fy_be, key))
        if rnd is None:
            start, end, due = PATTERN[key]
            out.append((Round(code=code_for(fy_be, key), fy=fy_be, key=key, title=round_title(key, fy_be),
                              period_start=_fy_day(fy_be, start), period_end=_fy_day(fy_be, end),
                              due_date=_fy_day(fy_be, due)), False))
        else:
            out.append((rnd, True))
    return out


def open_fy(session: Session, fy_be: int) -> list[Round]:
    """Create the FY's rounds from the plan's pattern; rounds that exist are left as they are (idempotent)."""
    out = []
    for rnd, exists in planned_rounds(session, fy_be):
        if not exists:
            session.add(rnd)
            session.flush()
        out.append(rnd)
    return out


def add_round(session: Session, fy_be: int, key: str, title: str, start: date, end: date, due: date) -> Round:
    if get_round(session, code_for(fy_be, key)) is not None:
        raise ValueError(f"round {code_for(fy_be, key)} exists")
    if not start <= end:
        raise ValueError("period start is after its end")
    rnd = Round(code=code_for(fy_be, key), fy=fy_be, key=key, title=title, period_start=start,
                period_end=end, due_date=due)
    session.add(rnd)
    session.flush()
    return rnd


def set_due(session: Session, code: str, due: date) -> Round:
    rnd = get_round(session, code)
    if rnd is None:
        raise LookupError(code)
    rnd.due_date = due
    session.add(rnd)
    session.flush()
    return rnd


def set_title(session: Session, code: str, title: str) -> Round:
    """Rename a round (the console's round editor; the chat changes due dates only)."""
    rnd = get_round(session, code)
    if rnd is None:
        raise LookupError(code)
    if not title.strip():
        raise ValueError("empty title")
    rnd.title = title.strip()
    session.add(rnd)
    session.flush()
    return rnd


def get_round(session: Session, code: str | None) -> Round | None:
    return session.exec(select(Round).where(Round.code == code)).first() if code else None


def rounds_of_fy(session: Session, fy_be: int) -> list[Round]:
    return list(session.exec(select(Round).where(Round.fy == fy_be).order_by(Round.due_date, Round.id)))


def current_rounds(session: Session, today: date) -> list[Round]:
    """Rounds one can report on today: started, and not past both their period end and due date."""
    rows = session.exec(select(Round).where(Round.period_start <= today).order_by(Round.due_date, Round.id))
    return [r for r in rows if today <= max(r.period_end, r.due_date)]


def default_round(session: Session, today: date) -> Round | None:
    """The open round with the nearest due date still ahead; else the latest one already due."""
    rounds = current_rounds(session, today)
    ahead = [r for r in rounds if r.due_date >= today]
    return ahead[0] if ahead else (rounds[-1] if rounds else None)


def next_due(session: Session, today: date) -> Round | None:
    return session.exec(select(Round).where(Round.due_date >= today)
                        .order_by(Round.due_date, Round.id)).first()


def rounds_due_between(session: Session, first: date, last: date) -> list[Round]:
    """Rounds whose due date falls in [first, last] (for reminders and the digest)."""
    return list(session.exec(select(Round).where(Round.due_date >= first, Round.due_date <= last)
                             .order_by(Round.due_date, Round.id)))


def is_late(rnd: Round, at: datetime) -> bool:
    return at > end_of_day_bkk(rnd.due_date)


# ---- reports -----------------------------------------------------------------------------------

def versions(session: Session, round_id: int, bureau_id: int) -> list[RoundReport]:
    """Submitted versions, oldest first."""
    return list(session.exec(select(RoundReport).where(
        RoundReport.round_id == round_id, RoundReport.bureau_id == bureau_id,
        RoundReport.status == ReportStatus.SUBMITTED).order_by(RoundReport.version)))


def latest_submitted(session: Session, round_id: int, bureau_id: int) -> RoundReport | None:
    subs = versions(session, round_id, bureau_id)
    return subs[-1] if subs else None


def get_draft(session: Session, round_id: int, bureau_id: int) -> RoundReport | None:
    return session.exec(select(RoundReport).where(
        RoundReport.round_id == round_id, RoundReport.bureau_id == bureau_id,
        RoundReport.version == 0)).first()


def open_draft(session: Session, rnd: Round, bureau_id: int, author_id: int | None) -> RoundReport:
    """The bureau's draft for the round; a new one starts from the last submitted version's answers."""
    draft = get_draft(session, rnd.id, bureau_id)
    if draft is None:
        last = latest_submitted(session, rnd.id, bureau_id)
        prev = (last.data or {}) if last else {}
        data = {"items": dict(prev.get("items", {})), "uploads": dict(prev.get("uploads", {}))} if last else {"items": {}}
        draft = RoundReport(round_id=rnd.id, bureau_id=bureau_id, version=0, status=ReportStatus.DRAFT, data=data,
                            author_id=author_id)
        session.add(draft)
        session.flush()
    return draft


def save_draft(session: Session, draft: RoundReport, data: dict) -> None:
    draft.data = dict(data)  # a new dict: JSON columns notice replacement only
    draft.updated_at = utcnow()
    session.add(draft)
    session.flush()


def note_upload(session: Session, draft: RoundReport, path: str, user_id: int) -> None:
    """Remember who added a photo to the report (data["uploads"]: path → user id), so that erasing that
    person's data (bot/services/privacy.py) removes their photos and nobody else's."""
    data = dict(draft.data or {})
    data["uploads"] = {**data.get("uploads", {}), path: user_id}
    save_draft(session, draft, data)


def submit(session: Session, rnd: Round, bureau_id: int, author_id: int | None, now: datetime,
           counts: dict | None = None) -> RoundReport:
    """Turn the draft into the next submitted version (late after the due date); the draft is removed."""
    draft = get_draft(session, rnd.id, bureau_id)
    if draft is None:
        raise LookupError("no draft")
    top = session.exec(select(func.max(RoundReport.version)).where(
        RoundReport.round_id == rnd.id, RoundReport.bureau_id == bureau_id)).one() or 0
    data = {"items": (draft.data or {}).get("items", {}), "counts": counts or {},
            "uploads": (draft.data or {}).get("uploads", {})}
    report = RoundReport(round_id=rnd.id, bureau_id=bureau_id, version=top + 1, status=ReportStatus.SUBMITTED,
                         late=is_late(rnd, now), data=data, author_id=author_id, submitted_at=now, updated_at=now)
    session.delete(draft)
    session.flush()
    session.add(report)
    session.flush()
    return report


def status_of(submitted: bool, late: bool, has_draft: bool, rnd: Round, now: datetime) -> RoundState:
    """The one rule behind every status shown (status view, digest, export): submitted | late (last
    submission after the due) | overdue (past the due, not sent) | draft | not_started."""
    if submitted:
        return RoundState.LATE if late else RoundState.SUBMITTED
    if now > end_of_day_bkk(rnd.due_date):
        return RoundState.OVERDUE
    return RoundState.DRAFT if has_draft else RoundState.NOT_STARTED


def round_status(session: Session, rnd: Round, bureau: Bureau | int, now: datetime) -> str:
    bureau_id = bureau if isinstance(bureau, int) else bureau.id
    last = latest_submitted(session, rnd.id, bureau_id)
    return status_of(last is not None, bool(last and last.late),
                     get_draft(session, rnd.id, bureau_id) is not None, rnd, now)


def report_status_table(session: Session, rnd: Round, now: datetime) -> list[tuple[Bureau, str]]:
    """Every active bureau with its status for the round (status view and export)."""
    bureaus = session.exec(select(Bureau).where(Bureau.active == True).order_by(Bureau.code))  # noqa: E712
    return [(b, round_status(session, rnd, b.id, now)) for b in bureaus]
