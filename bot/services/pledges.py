"""The pledge "ปัญหาที่อยากแก้ / ความดีที่อยากทำ": one per bureau per FY plus the organization's (bureau None).

Coordinators may edit their bureau's items until the FY's first round due date; then the pledge is locked
unless an admin unlocks it. Counts the bot already knows pre-fill the round reports.

A new fiscal year (the clock's rollover on 1 October, scheduler/fiscal_year.py) offers each bureau its last
year's items as drafts, concretely: `carry_over` copies last FY's items (the bureau's and the organization's)
into a new pledge of the new FY, as ordinary items the coordinator edits, removes or adds to until the new
FY's lock date (its first due date), like any pledge; the coordinators are told. The copies are new rows
(progress deeds stay with last year's items), and only a bureau with no pledge row for the new FY gets them,
so running it every day never re-adds items a coordinator removed. No schema change: "draft" is the
editable-until-the-lock-date state every pledge already has.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services.membership import bureau_name  # noqa: F401 - the pledge flow asks for it here
from messages_th.dates import end_of_day_bkk, start_of_day_bkk
from messages_th.virtues import BY_KEY, VIRTUES
from models.campaigns import Campaign, CampaignResponse
from models.core import Bureau, User
from models.deeds import Deed
from models.rounds import Pledge, PledgeItem, Round

CSV_COLUMNS = ("bureau_code", "problem", "good_deed", "virtue", "indicator", "target")
ITEM_FIELDS = ("problem", "good_deed", "virtue", "indicator", "target")


def item_dict(item: PledgeItem) -> dict:
    """The plain dict messages_th builders take."""
    return {"id": item.id, "position": item.position, **{f: getattr(item, f) for f in ITEM_FIELDS}}


def item_with_pledge(session: Session, item_id: int | None) -> tuple[PledgeItem | None, Pledge | None]:
    """The item and its pledge; (None, None) when it is gone."""
    item = session.get(PledgeItem, item_id) if item_id else None
    return item, (session.get(Pledge, item.pledge_id) if item else None)


def progress_count(session: Session, user_id: int, item_id: int) -> int:
    """A person's live progress reports (deeds) on an item."""
    return int(session.exec(select(func.count()).select_from(Deed).where(
        Deed.user_id == user_id, Deed.pledge_item_id == item_id, Deed.deleted_at.is_(None))).one())


def get_pledge(session: Session, fy_be: int, bureau_id: int | None, create: bool = False) -> Pledge | None:
    q = select(Pledge).where(Pledge.fy == fy_be)
    q = q.where(Pledge.bureau_id.is_(None)) if bureau_id is None else q.where(Pledge.bureau_id == bureau_id)
    pledge = session.exec(q).first()
    if pledge is None and create:
        pledge = Pledge(fy=fy_be, bureau_id=bureau_id)
        session.add(pledge)
        session.flush()
    return pledge


def items_of(session: Session, pledge: Pledge | None) -> list[PledgeItem]:
    if pledge is None:
        return []
    return list(session.exec(select(PledgeItem).where(PledgeItem.pledge_id == pledge.id)
                             .order_by(PledgeItem.position, PledgeItem.id)))


def items_for(session: Session, fy_be: int, bureau_id: int | None) -> list[PledgeItem]:
    return items_of(session, get_pledge(session, fy_be, bureau_id))


def report_items(session: Session, fy_be: int, bureau_id: int) -> list[PledgeItem]:
    """What a bureau reports on: its own items, or the organization's when it wrote none."""
    return items_for(session, fy_be, bureau_id) or items_for(session, fy_be, None)


def lock_date(session: Session, fy_be: int) -> date | None:
    return session.exec(select(func.min(Round.due_date)).where(Round.fy == fy_be)).one()


def is_locked(session: Session, fy_be: int, bureau_id: int | None, today: date) -> bool:
    pledge = get_pledge(session, fy_be, bureau_id)
    if pledge is not None and pledge.unlocked:
        return False
    first_due = lock_date(session, fy_be)
    return first_due is not None and today > first_due


def add_item(session: Session, fy_be: int, bureau_id: int | None, *, problem: str, good_deed: str, virtue: str,
             indicator: str, target: str | None) -> PledgeItem:
    pledge = get_pledge(session, fy_be, bureau_id, create=True)
    position = len(items_of(session, pledge)) + 1
    item = PledgeItem(pledge_id=pledge.id, position=position, problem=problem, good_deed=good_deed,
                      virtue=virtue, indicator=indicator, target=target or None)
    session.add(item)
    session.flush()
    return item


def update_item(session: Session, item: PledgeItem, **fields) -> PledgeItem:
    for name in ITEM_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(item, name, (value or None) if name == "target" else value)
    session.add(item)
    session.flush()
    return item


def remove_item(session: Session, item: PledgeItem) -> int:
    """Delete an item nobody has reported progress on, renumbering the ones after it. Returns the progress
    count instead (> 0: not removed), since progress deeds point at the item."""
    used = session.exec(select(func.count()).select_from(Deed).where(Deed.pledge_item_id == item.id)).one()
    if used:
        return int(used)
    later = [i for i in items_of(session, session.get(Pledge, item.pledge_id)) if i.position > item.position]
    session.delete(item)
    for i in later:
        i.position -= 1
        session.add(i)
    session.flush()
    return 0


def unlock(session: Session, fy_be: int, bureau_id: int | None) -> Pledge:
    pledge = get_pledge(session, fy_be, bureau_id, create=True)
    pledge.unlocked = True
    session.add(pledge)
    session.flush()
    return pledge


def relock(session: Session, fy_be: int, bureau_id: int | None) -> Pledge | None:
    """Undo `unlock`: the pledge follows its lock date again (locked once the FY's first due date passed)."""
    pledge = get_pledge(session, fy_be, bureau_id)
    if pledge is not None and pledge.unlocked:
        pledge.unlocked = False
        session.add(pledge)
        session.flush()
    return pledge


TARGET_MAX = 200  # PledgeItem.target's column length


def check_row(row: dict, bureau_ids: dict[str, int]) -> tuple[dict | None, list[tuple[str, str]]]:
    """One load row (CSV_COLUMNS) read: (the add_item values with `bureau_id`, []) or (None, [(column, problem)])
    with problem one of "unknown_bureau", "unknown_virtue", "required", "too_long". `bureau_ids`: code → id.
    The CLI's `load_csv` and the console's import share it, so both accept exactly the same rows."""
    by_name = {v.name: v.key for v in VIRTUES}
    cell = {c: str(row.get(c) if row.get(c) is not None else "").strip() for c in CSV_COLUMNS}
    errors: list[tuple[str, str]] = []
    bureau_id = None
    if cell["bureau_code"]:
        bureau_id = bureau_ids.get(cell["bureau_code"])
        if bureau_id is None:
            errors.append(("bureau_code", "unknown_bureau"))
    for column in ("problem", "good_deed"):
        if not cell[column]:
            errors.append((column, "required"))
    virtue = cell["virtue"] if cell["virtue"] in BY_KEY else by_name.get(cell["virtue"])
    if virtue is None:
        errors.append(("virtue", "required" if not cell["virtue"] else "unknown_virtue"))
    if len(cell["target"]) > TARGET_MAX:
        errors.append(("target", "too_long"))
    if errors:
        return None, errors
    return {"bureau_id": bureau_id, "problem": cell["problem"], "good_deed": cell["good_deed"], "virtue": virtue,
            "indicator": cell["indicator"], "target": cell["target"]}, []


def bureau_codes(session: Session) -> dict[str, int]:
    return {b.code: b.id for b in session.exec(select(Bureau))}


def load_csv(session: Session, text: str, fy_be: int) -> int:
    """Add the rows of a CSV (columns CSV_COLUMNS; empty bureau_code = organization). Errors name the line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"missing columns: {', '.join(sorted(missing))}")
    codes = bureau_codes(session)
    count = 0
    for line, row in enumerate(reader, start=2):
        values, errors = check_row(row, codes)
        if errors:
            column, problem = errors[0]
            raise ValueError(f"line {line}: {column} {problem.replace('_', ' ')} {row.get(column)!r}")
        bureau_id = values.pop("bureau_id")
        add_item(session, fy_be, bureau_id, **values)
        count += 1
    return count


def prefill_counts(session: Session, rnd: Round, bureau_id: int, item: PledgeItem) -> dict:
    """What the bot knows for an item in the round's period: deeds of its virtue by the bureau's staff,
    personal progress reports on the item, campaign check-ins of the bureau's staff."""
    period = (Deed.deed_date >= rnd.period_start, Deed.deed_date <= rnd.period_end, Deed.deleted_at.is_(None))
    deeds = session.exec(select(func.count()).select_from(Deed).where(
        Deed.bureau_id == bureau_id, Deed.virtue == item.virtue, *period)).one()
    progress = session.exec(select(func.count()).select_from(Deed).join(User, User.id == Deed.user_id).where(
        Deed.pledge_item_id == item.id, Deed.source == "pledge", User.bureau_id == bureau_id, *period)).one()
    return {"deeds": int(deeds), "progress": int(progress), "attendance": campaign_attendance(session, rnd, bureau_id)}


def prefill_counts_many(session: Session, rnd: Round, bureau_id: int, items: list[PledgeItem]) -> dict[int, dict]:
    """`prefill_counts` of several items at once, item id → counts: the same rule in three queries whatever the
    number of items (the console's report page over a million deeds)."""
    if not items:
        return {}
    period = (Deed.deed_date >= rnd.period_start, Deed.deed_date <= rnd.period_end, Deed.deleted_at.is_(None))
    deeds = dict(session.exec(select(Deed.virtue, func.count()).where(
        Deed.bureau_id == bureau_id, Deed.virtue.in_({i.virtue for i in items}), *period)
        .group_by(Deed.virtue)).all())
    progress = dict(session.exec(select(Deed.pledge_item_id, func.count()).join(User, User.id == Deed.user_id).where(
        Deed.pledge_item_id.in_([i.id for i in items]), Deed.source == "pledge", User.bureau_id == bureau_id, *period)
        .group_by(Deed.pledge_item_id)).all())
    attendance = campaign_attendance(session, rnd, bureau_id)
    return {i.id: {"deeds": int(deeds.get(i.virtue, 0)), "progress": int(progress.get(i.id, 0)),
                   "attendance": attendance} for i in items}


def campaign_attendance(session: Session, rnd: Round, bureau_id: int) -> int:
    """Check-ins of the bureau's staff at campaigns held in the round's period."""
    return int(session.exec(select(func.count()).select_from(CampaignResponse)
                            .join(Campaign, Campaign.id == CampaignResponse.campaign_id)
                            .join(User, User.id == CampaignResponse.user_id).where(
        User.bureau_id == bureau_id, CampaignResponse.checked_in_at.is_not(None),
        Campaign.starts_at >= start_of_day_bkk(rnd.period_start),
        Campaign.starts_at <= end_of_day_bkk(rnd.period_end))).one())


def carry_over_plan(session: Session, fy_be: int) -> dict[int | None, list[PledgeItem]]:
    """Last FY's items per owner (bureau id, None = the organization) that `carry_over` would copy: owners
    with items last year, no pledge row this year, and (bureaus) still active."""
    out: dict[int | None, list[PledgeItem]] = {}
    for old in session.exec(select(Pledge).where(Pledge.fy == fy_be - 1).order_by(Pledge.id)):
        if old.bureau_id is not None:
            bureau = session.get(Bureau, old.bureau_id)
            if bureau is None or not bureau.active:
                continue
        items = items_of(session, old)
        if items and get_pledge(session, fy_be, old.bureau_id) is None:
            out[old.bureau_id] = items
    return out


def carry_over(session: Session, fy_be: int) -> dict[int | None, int]:
    """Copy last FY's items into new pledges of `fy_be` (see the module docstring); idempotent. Returns the
    items copied per owner."""
    copied = {}
    for owner, items in carry_over_plan(session, fy_be).items():
        pledge = get_pledge(session, fy_be, owner, create=True)
        for n, old in enumerate(items, start=1):
            session.add(PledgeItem(pledge_id=pledge.id, position=n, **{f: getattr(old, f) for f in ITEM_FIELDS}))
        copied[owner] = len(items)
    session.flush()
    return copied
