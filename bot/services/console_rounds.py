"""The console's rounds page (issue 15), as service functions: a fiscal year's rounds with each bureau's status,
opening a year from the plan's pattern, a round's title and due date, a bureau's report read or edited, the
"remind now" audience and the round export. Every function takes the Viewer and checks it first; the rules
themselves are the chat's and the worker's (bot/services/rounds.py, report_forms.py, deadlines.py,
audience.py), called here, not copied. Each write is audited in the caller's transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services import table_import
from bot.services import audience, audit, deadlines, export
from bot.services import report_forms as forms
from bot.services import rounds as svc
from bot.services.console_access import (Viewer, bureau_scope, require_admin, require_edit_bureau,
                                         require_read_bureau, require_sees_all)
from bot.services.quiet_hours import not_before
from messages_th.dates import fiscal_year_be, fiscal_year_bounds, today_bkk
from models.core import Bureau
from models.enums import ReportStatus
from models.rounds import Round, RoundReport
from models.worker import Holiday

ANSWER_FIELDS = ("done", "result", "problems")
# an activity's answers (report_forms.STEPS["activity"]): its status, the texts, and three numbers
ACTIVITY_FIELDS = ("status", "done", "result", "result_value", "participants", "budget_spent", "problems")
NUMBER_FIELDS = {"result_value": float, "participants": int, "budget_spent": float}
FORM_FIELDS = tuple(dict.fromkeys(ANSWER_FIELDS + ACTIVITY_FIELDS))


class ReportInputError(ValueError):
    """`problems`: "<field>-<item id>" → code ("number", "negative", "status"); nothing was saved."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Incomplete:
    """What `save_report(send=True)` returns when items are unanswered (an activity with no status, an item
    with nothing done): the answers were saved, the report was not sent."""
    positions: list[str]


def _activity_value(field: str, raw: str):
    """A typed activity answer as stored (the chat's types); ValueError(code) when it cannot be."""
    raw = (raw or "").strip()
    if field == "status":
        if raw and raw not in forms.ACTIVITY_STATUSES:
            raise ValueError("status")
        return raw or None
    if field in NUMBER_FIELDS:
        value = table_import.parse_number(raw)  # "1,500", "๑๒", "" → None
        if value is None:
            return None
        cast = NUMBER_FIELDS[field]
        if cast is int and value != int(value):
            raise ValueError("number")
        return cast(value)
    return raw[:ANSWER_LIMIT] or None
ANSWER_LIMIT = 2000  # the chat keeps this much of a typed answer (handlers/reports.py)
TITLE_LIMIT = 200    # Round.title's column length


class NotFound(LookupError):
    """No such round or bureau (the page answers 404)."""


class AlreadySubmitted(Exception):
    """The report was submitted and no draft is open: it is read-only in the console."""


# ---- the year ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DueFlag:
    """Why a due date is not a working day: "weekend" or "holiday" (with the holiday's name)."""
    kind: str
    name: str | None = None


def due_flag(session: Session, day: date) -> DueFlag | None:
    """The reminders' working-day rule (bot/services/deadlines.py) applied to one due date."""
    holiday = session.get(Holiday, day)
    if holiday is not None:
        return DueFlag("holiday", holiday.name)
    if not deadlines.is_working_day(day):
        return DueFlag("weekend")
    return None


@dataclass
class RoundRow:
    round: Round
    exists: bool
    flag: DueFlag | None
    counts: dict[str, int] = field(default_factory=dict)   # status → bureaus (the viewer's bureaus only)
    mine: dict[int, str] = field(default_factory=dict)      # a coordinator's bureau id → status


@dataclass
class YearView:
    fy: int
    years: list[int]       # fiscal years with rounds, plus this one and the next (to open it)
    rows: list[RoundRow]
    missing: int           # rounds of the plan's pattern not yet opened
    can_open: bool
    can_edit: bool


def fiscal_years(session: Session, today: date) -> list[int]:
    current = fiscal_year_be(today)
    stored = set(session.exec(select(Round.fy).distinct()))
    return sorted(stored | {current, current + 1})


def _bureaus(session: Session, viewer: Viewer) -> list[Bureau]:
    q = select(Bureau).where(Bureau.active == True).order_by(Bureau.code)  # noqa: E712
    scope = bureau_scope(viewer)
    if scope is not None:
        q = q.where(Bureau.id.in_(scope or [-1]))
    return list(session.exec(q))


def status_grid(session: Session, rounds: list[Round], bureau_ids: list[int], now: datetime) -> dict[tuple[int, int], str]:
    """(round id, bureau id) → status by the one rule (rounds.status_of), from one query over the reports
    (a few rows per bureau and round, never the deeds)."""
    ids = [r.id for r in rounds if r.id is not None]
    seen: dict[tuple[int, int], dict] = {}
    if ids and bureau_ids:
        q = select(RoundReport.round_id, RoundReport.bureau_id, RoundReport.version, RoundReport.late).where(
            RoundReport.round_id.in_(ids), RoundReport.bureau_id.in_(bureau_ids))
        for round_id, bureau_id, version, late in session.exec(q):
            cell = seen.setdefault((round_id, bureau_id), {"draft": False, "top": 0, "late": False})
            if version == 0:
                cell["draft"] = True
            elif version > cell["top"]:
                cell["top"], cell["late"] = version, bool(late)
    out = {}
    for rnd in rounds:
        if rnd.id is None:
            continue
        for b in bureau_ids:
            cell = seen.get((rnd.id, b), {"draft": False, "top": 0, "late": False})
            out[(rnd.id, b)] = svc.status_of(cell["top"] > 0, cell["late"], cell["draft"], rnd, now)
    return out


def year_view(session: Session, viewer: Viewer, fy: int, now: datetime) -> YearView:
    planned = svc.planned_rounds(session, fy)
    known = {r.code for r, _ in planned}
    # the pattern's five, then rounds added by hand (`rounds add`)
    listed = planned + [(r, True) for r in svc.rounds_of_fy(session, fy) if r.code not in known]
    bureaus = _bureaus(session, viewer)
    grid = status_grid(session, [r for r, exists in listed if exists], [b.id for b in bureaus], now)
    rows = []
    for rnd, exists in listed:
        row = RoundRow(rnd, exists, due_flag(session, rnd.due_date))
        for b in bureaus if exists else ():
            st = grid[(rnd.id, b.id)]
            row.counts[st] = row.counts.get(st, 0) + 1
            if not viewer.sees_all:
                row.mine[b.id] = st
        rows.append(row)
    missing = sum(1 for _, exists in planned if not exists)
    return YearView(fy, fiscal_years(session, today_bkk(now)), rows, missing,
                    can_open=viewer.is_admin and missing > 0, can_edit=viewer.is_admin)


def open_year(session: Session, viewer: Viewer, fy: int, now: datetime) -> list[str]:
    """Open the FY's missing rounds from the plan's pattern (rounds.open_fy, the clock's rollover uses it too);
    returns the codes opened. Last year's pledge items are left to the rollover on 1 October, which copies
    them and tells the coordinators (opening early here would leave it nothing to tell)."""
    require_admin(viewer)
    current = fiscal_year_be(today_bkk(now))
    if not current - 1 <= fy <= current + 1:
        raise ValueError("fiscal year out of range")
    opened = [r.code for r, exists in svc.planned_rounds(session, fy) if not exists]
    svc.open_fy(session, fy)
    if opened:
        audit.record(session, viewer.user_id, "round.open_fy", f"fy:{fy}", now, after={"opened": opened})
    return opened


def get_round(session: Session, viewer: Viewer, code: str) -> Round:
    """Any console viewer may look at a round (the bureaus' rows are filtered by their scope)."""
    rnd = svc.get_round(session, code)
    if rnd is None:
        raise NotFound(code)
    return rnd


def due_limits(rnd: Round) -> tuple[date, date]:
    """A due date the page accepts: from the period's start to half a year after the fiscal year ends (a typo
    such as 3113 is refused instead of stored)."""
    _, fy_end = fiscal_year_bounds(rnd.fy)
    return rnd.period_start, fy_end + timedelta(days=183)


def edit_round(session: Session, viewer: Viewer, code: str, title: str, due: date, now: datetime) -> tuple[Round, DueFlag | None]:
    """Change a round's title and due date (rounds.set_title / set_due, as the chat and CLI do); returns the
    round and the due date's weekend/holiday flag (a warning: the reminders move to the working day before)."""
    require_admin(viewer)
    rnd = get_round(session, viewer, code)
    title = (title or "").strip()
    earliest, latest = due_limits(rnd)
    if not title or len(title) > TITLE_LIMIT or not earliest <= due <= latest:
        raise ValueError("bad round edit")
    before = {"title": rnd.title, "due_date": rnd.due_date}
    if title != rnd.title:
        svc.set_title(session, code, title)
    if due != rnd.due_date:
        svc.set_due(session, code, due)
    after = {"title": rnd.title, "due_date": rnd.due_date}
    if after != before:
        audit.record(session, viewer.user_id, "round.edit", f"round:{rnd.id}", now, before=before, after=after)
    return rnd, due_flag(session, rnd.due_date)


@dataclass
class BureauStatus:
    bureau: Bureau
    status: str
    version: int | None
    submitted_at: datetime | None


def round_view(session: Session, viewer: Viewer, code: str, now: datetime) -> tuple[Round, list[BureauStatus]]:
    """A round with the viewer's bureaus' statuses (a coordinator sees their own bureau only)."""
    rnd = get_round(session, viewer, code)
    bureaus = _bureaus(session, viewer)
    grid = status_grid(session, [rnd], [b.id for b in bureaus], now)
    tops = {}
    if bureaus:
        q = (select(RoundReport.bureau_id, func.max(RoundReport.version), func.max(RoundReport.submitted_at))
             .where(RoundReport.round_id == rnd.id, RoundReport.status == ReportStatus.SUBMITTED,
                    RoundReport.bureau_id.in_([b.id for b in bureaus]))
             .group_by(RoundReport.bureau_id))
        tops = {b: (v, at) for b, v, at in session.exec(q)}
    return rnd, [BureauStatus(b, grid[(rnd.id, b.id)], *tops.get(b.id, (None, None))) for b in bureaus]


# ---- a bureau's report -------------------------------------------------------------------------

@dataclass
class ReportView:
    round: Round
    bureau: Bureau
    status: str
    items: list[dict]                 # report_forms.item_view of each item
    answers: dict[str, dict]          # item id (str) → {"done", "result", "problems", "photos"}
    counts: dict[str, dict]           # item id → what the bot knows (deeds, progress, attendance)
    version: int | None               # the latest submitted version shown (None: a draft or nothing yet)
    versions: list[tuple[int, bool, datetime | None]]  # (version, late, submitted at), oldest first
    has_draft: bool
    editable: bool
    late_now: bool                    # submitting now would be marked late


def _bureau(session: Session, bureau_id: int) -> Bureau:
    bureau = session.get(Bureau, bureau_id)
    if bureau is None:
        raise NotFound(bureau_id)
    return bureau


def report_view(session: Session, viewer: Viewer, code: str, bureau_id: int, now: datetime) -> ReportView:
    """The bureau's report: its open draft if there is one, else its latest submitted version. Readable by
    the bureau's coordinator, the committee and admins; editable by whoever may send it in chat (the bureau's
    coordinator, or an admin: bot.conversation.auth.coordinator_of) until it is submitted."""
    rnd = get_round(session, viewer, code)
    require_read_bureau(viewer, bureau_id)
    bureau = _bureau(session, bureau_id)
    items = forms.report_items(session, rnd, bureau_id)
    draft = svc.get_draft(session, rnd.id, bureau_id)
    subs = svc.versions(session, rnd.id, bureau_id)
    latest = subs[-1] if subs else None
    shown = draft or latest
    data = (shown.data or {}) if shown else {}
    stored_counts = data.get("counts") or {}
    # a submitted version shows the counts it was sent with; a draft (or nothing yet) what the bot knows now
    counts = ({str(it.id): stored_counts.get(str(it.id)) or {} for it in items}
              if draft is None and latest is not None else forms.known_counts_many(session, rnd, bureau_id, items))
    return ReportView(rnd, bureau, svc.round_status(session, rnd, bureau_id, now),
                      [forms.item_view(it) for it in items], dict(data.get("items") or {}), counts,
                      None if draft is not None or latest is None else latest.version,
                      [(r.version, r.late, r.submitted_at) for r in subs], draft is not None,
                      editable=viewer.can_edit_bureau(bureau_id) and (draft is not None or latest is None)
                      and bool(items),
                      late_now=svc.is_late(rnd, now))


def save_report(session: Session, viewer: Viewer, code: str, bureau_id: int, answers: dict[str, dict],
                now: datetime, *, send: bool = False):
    """Save the typed answers into the bureau's draft (rounds.open_draft / save_draft, the chat's), keeping
    the photos and the chat's place in the flow; with `send`, submit it as the next version (rounds.submit,
    with the counts the chat stores). Returns the submitted report, None when only saved, or `Incomplete`
    (saved, not sent) when items are unanswered; `ReportInputError` (nothing saved) for a bad number."""
    rnd = get_round(session, viewer, code)
    require_edit_bureau(viewer, bureau_id)
    _bureau(session, bureau_id)
    items = forms.report_items(session, rnd, bureau_id)
    if not items:
        raise ValueError("no items to report on")
    if svc.get_draft(session, rnd.id, bureau_id) is None and svc.latest_submitted(session, rnd.id, bureau_id):
        raise AlreadySubmitted(code)
    draft = svc.open_draft(session, rnd, bureau_id, viewer.user_id)
    data = dict(draft.data or {})
    stored = dict(data.get("items") or {})
    changed, problems = [], {}
    for it in items:
        key = str(it.id)
        typed = answers.get(key) or {}
        old = dict(stored.get(key) or {})
        new = dict(old)
        fields = ACTIVITY_FIELDS if forms.kind(it) == "activity" else ANSWER_FIELDS
        for f in fields:
            if f not in typed:
                continue
            try:
                value = _activity_value(f, typed[f]) if forms.kind(it) == "activity" else \
                    ((typed[f] or "").strip()[:ANSWER_LIMIT] or None)
            except ValueError as exc:
                problems[f"{f}-{key}"] = str(exc)
                continue
            if value is None:
                new.pop(f, None)
            else:
                new[f] = value
        if new != old:
            stored[key] = new
            changed.append(key)
    if problems:
        raise ReportInputError(problems)
    data["items"] = stored
    svc.save_draft(session, draft, data)
    target = f"report:{rnd.id}:{bureau_id}"
    if changed:
        audit.record(session, viewer.user_id, "report.save", target, now, after={"items": changed})
    if not send:
        return None
    missing = forms.unanswered(items, stored)
    if missing:  # the chat's rule: a round is sent with every part answered
        return Incomplete([forms.item_view(items[i]).get("code") or str(items[i].position) for i in missing])
    counts = forms.known_counts_many(session, rnd, bureau_id, items)  # what the chat's submit stores
    report = svc.submit(session, rnd, bureau_id, viewer.user_id, now, counts)
    audit.record(session, viewer.user_id, "report.submit", target, now,
                 after={"version": report.version, "late": report.late})
    return report


# ---- remind now --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReminderTarget:
    bureau_id: int
    code: str
    name: str
    status: str
    recipients: tuple[str, ...]  # LINE ids, for the outbox only (never shown or logged)
    key: str                     # the outbox key: one "remind now" per bureau and round per day


@dataclass(frozen=True)
class ReminderPlan:
    round: Round
    targets: list[ReminderTarget]
    days_left: int
    not_before: datetime         # quiet hours and holidays hold it (bot/services/quiet_hours.py)
    urgent: bool

    @property
    def recipients(self) -> int:
        """What LINE bills: one message per recipient."""
        return sum(len(t.recipients) for t in self.targets)

    @property
    def unreachable(self) -> list[ReminderTarget]:
        return [t for t in self.targets if not t.recipients]


def reminder_plan(session: Session, viewer: Viewer, code: str, now: datetime) -> ReminderPlan:
    """The bureaus that have not submitted and who the worker's deadline reminders would go to
    (audience.reminder_targets: coordinators, or their deputies); admins only."""
    require_admin(viewer)
    rnd = get_round(session, viewer, code)
    today = today_bkk(now)
    done = deadlines.submitted_bureaus(session, rnd.id)
    bureaus = [b for b in _bureaus(session, viewer) if b.id not in done]
    grid = status_grid(session, [rnd], [b.id for b in bureaus], now)
    days_left = (rnd.due_date - today).days
    urgent = days_left <= 0  # as the worker's due-day and overdue stages
    targets = [ReminderTarget(b.id, b.code, b.name, grid[(rnd.id, b.id)], tuple(audience.reminder_targets(session, b.id)),
                              f"deadline-now:{rnd.code}:{b.code}:{today.isoformat()}") for b in bureaus]
    return ReminderPlan(rnd, targets, days_left, not_before(session, now, urgent=urgent), urgent)


def record_reminder(session: Session, viewer: Viewer, plan: ReminderPlan, added: int, now: datetime) -> None:
    require_admin(viewer)
    audit.record(session, viewer.user_id, "round.remind", f"round:{plan.round.id}", now,
                 after={"bureaus": [t.bureau_id for t in plan.targets if t.recipients],
                        "recipients": plan.recipients, "rows_added": added})


# ---- export ------------------------------------------------------------------------------------

def round_export(session: Session, viewer: Viewer, code: str, now: datetime) -> export.RoundExport:
    """The round's XLSX content (`flask export-round`'s): every bureau's report, so admins and the committee."""
    require_sees_all(viewer)
    try:
        return export.round_export(session, code, now)
    except LookupError:
        raise NotFound(code) from None

