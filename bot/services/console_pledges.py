"""The console's pledge page (issue 15): each bureau's "ปัญหาที่อยากแก้ / ความดีที่อยากทำ" items for a fiscal
year; add, edit, remove, lock/unlock, and an all-or-nothing import of a CSV/XLSX with `flask pledge load`'s
columns. The rules are the chat's (bot/services/pledges.py: the lock date, items nobody reported progress on
may be removed, check_row for a loaded row); this module adds who may do what and the audit entries.

Owners: a bureau id, or None for the organization's pledge (the admins'; everyone in the console reads it,
since bureaus without items of their own report on it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from bot.services import table_import
from bot.services import audit, pledges
from bot.services.console_access import Forbidden, Viewer, bureau_scope, require_admin, require_edit_bureau
from models.core import Bureau
from models.deeds import Deed
from models.rounds import Pledge, PledgeItem

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
TEXT_LIMIT = 2000  # problem, good deed and indicator: as long as the chat keeps


class NotFound(LookupError):
    """No such bureau or item (404)."""


class Locked(Exception):
    """The pledge is past its lock date and not unlocked: nobody edits it until an admin unlocks it."""

    def __init__(self, lock_date: date | None):
        super().__init__("locked")
        self.lock_date = lock_date


def _require_read(viewer: Viewer, owner: int | None) -> None:
    if owner is not None and not viewer.can_read_bureau(owner):
        raise Forbidden("not this bureau")


def _owner_bureau(session: Session, owner: int | None) -> Bureau | None:
    if owner is None:
        return None
    bureau = session.get(Bureau, owner)
    if bureau is None:
        raise NotFound(owner)
    return bureau


@dataclass
class OwnerRow:
    owner: int | None          # bureau id, None: the organization
    code: str | None
    name: str | None
    items: int
    locked: bool
    unlocked: bool             # an admin reopened it after the lock date


@dataclass
class YearView:
    fy: int
    lock_date: date | None
    rows: list[OwnerRow]


def year_view(session: Session, viewer: Viewer, fy: int, today: date) -> YearView:
    """The organization's pledge and each bureau's the viewer may read, with item counts (one GROUP BY)."""
    counts = dict(session.exec(select(Pledge.bureau_id, func.count(PledgeItem.id))
                               .join(PledgeItem, PledgeItem.pledge_id == Pledge.id, isouter=True)
                               .where(Pledge.fy == fy).group_by(Pledge.bureau_id)).all())
    reopened = {p.bureau_id for p in session.exec(select(Pledge).where(Pledge.fy == fy, Pledge.unlocked == True))}  # noqa: E712
    lock = pledges.lock_date(session, fy)
    past = lock is not None and today > lock
    q = select(Bureau).where(Bureau.active == True).order_by(Bureau.code)  # noqa: E712
    scope = bureau_scope(viewer)
    if scope is not None:
        q = q.where(Bureau.id.in_(scope or [-1]))
    rows = [OwnerRow(None, None, None, counts.get(None, 0), past and None not in reopened, None in reopened)]
    rows += [OwnerRow(b.id, b.code, b.name, counts.get(b.id, 0), past and b.id not in reopened, b.id in reopened)
             for b in session.exec(q)]
    return YearView(fy, lock, rows)


@dataclass
class PledgeView:
    fy: int
    owner: int | None
    bureau: Bureau | None
    items: list[PledgeItem]
    lock_date: date | None
    locked: bool
    unlocked: bool
    can_edit: bool             # may change items now (not locked, and the viewer edits this owner)
    can_lock: bool             # admins: unlock / lock again
    progress: dict[int, int] = field(default_factory=dict)  # item id → progress reports (not removable)


def pledge_view(session: Session, viewer: Viewer, fy: int, owner: int | None, today: date) -> PledgeView:
    _require_read(viewer, owner)
    bureau = _owner_bureau(session, owner)
    pledge = pledges.get_pledge(session, fy, owner)
    items = pledges.items_of(session, pledge)
    locked = pledges.is_locked(session, fy, owner, today)
    used = dict(session.exec(select(Deed.pledge_item_id, func.count()).where(
        Deed.pledge_item_id.in_([i.id for i in items])).group_by(Deed.pledge_item_id)).all()) if items else {}
    return PledgeView(fy, owner, bureau, items, pledges.lock_date(session, fy), locked,
                      bool(pledge and pledge.unlocked), viewer.can_edit_bureau(owner) and not locked,
                      viewer.is_admin, {k: int(v) for k, v in used.items()})


def _require_editable(session: Session, viewer: Viewer, fy: int, owner: int | None, today: date) -> None:
    require_edit_bureau(viewer, owner)
    _owner_bureau(session, owner)
    if pledges.is_locked(session, fy, owner, today):
        raise Locked(pledges.lock_date(session, fy))


def _values(item: PledgeItem) -> dict:
    return {f: getattr(item, f) for f in pledges.ITEM_FIELDS}


def add_item(session: Session, viewer: Viewer, fy: int, owner: int | None, values: dict, now: datetime,
             today: date) -> PledgeItem:
    _require_editable(session, viewer, fy, owner, today)
    item = pledges.add_item(session, fy, owner, **{f: values.get(f) for f in pledges.ITEM_FIELDS})
    audit.record(session, viewer.user_id, "pledge.add", f"pledge_item:{item.id}", now,
                 after={"fy": fy, "bureau_id": owner, **_values(item)})
    return item


def get_item(session: Session, viewer: Viewer, item_id: int) -> tuple[PledgeItem, Pledge]:
    item, pledge = pledges.item_with_pledge(session, item_id)
    if item is None:
        raise NotFound(item_id)
    _require_read(viewer, pledge.bureau_id)
    return item, pledge


def update_item(session: Session, viewer: Viewer, item_id: int, values: dict, now: datetime, today: date) -> PledgeItem:
    item, pledge = get_item(session, viewer, item_id)
    _require_editable(session, viewer, pledge.fy, pledge.bureau_id, today)
    before = _values(item)
    pledges.update_item(session, item, **{f: values[f] for f in pledges.ITEM_FIELDS if f in values})
    after = _values(item)
    if after != before:
        audit.record(session, viewer.user_id, "pledge.edit", f"pledge_item:{item.id}", now, before=before, after=after)
    return item


def remove_item(session: Session, viewer: Viewer, item_id: int, now: datetime, today: date) -> tuple[Pledge, int, int]:
    """(the pledge, the removed item's position, progress reports): > 0 reports means not removed (the
    chat's rule: progress deeds point at the item)."""
    item, pledge = get_item(session, viewer, item_id)
    _require_editable(session, viewer, pledge.fy, pledge.bureau_id, today)
    before, position = _values(item), item.position
    used = pledges.remove_item(session, item)
    if not used:
        audit.record(session, viewer.user_id, "pledge.remove", f"pledge_item:{item_id}", now,
                     before={"fy": pledge.fy, "bureau_id": pledge.bureau_id, "position": position, **before})
    return pledge, position, used


def set_unlocked(session: Session, viewer: Viewer, fy: int, owner: int | None, unlocked: bool, now: datetime) -> None:
    """Admins: reopen a pledge after its lock date (pledges.unlock, `flask pledge unlock`), or lock it again."""
    require_admin(viewer)
    _owner_bureau(session, owner)
    pledge = pledges.get_pledge(session, fy, owner)
    was = bool(pledge and pledge.unlocked)
    if unlocked:
        pledges.unlock(session, fy, owner)
    else:
        pledges.relock(session, fy, owner)
    if was != unlocked:
        audit.record(session, viewer.user_id, "pledge.unlock" if unlocked else "pledge.lock",
                     f"pledge:{fy}:{'org' if owner is None else owner}", now,
                     before={"unlocked": was}, after={"unlocked": unlocked})


# ---- import ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    row: int            # the spreadsheet's row number (the header is row 1)
    column: str | None  # one of pledges.CSV_COLUMNS, None for the whole file
    problem: str        # pledges.check_row's codes, plus "not_yours", "locked", "too_long", file-level codes
    value: str = ""


class FileProblem(ValueError):
    """The file cannot be read as a table: code "type", "size", "encoding", "columns", "empty", "rows"."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code, self.detail = code, detail


def read_table(filename: str, content: bytes) -> list[tuple[int, dict]]:
    """(row number, {column: text}) of a CSV (UTF-8, Excel's BOM allowed) or XLSX's first sheet; blank rows
    are skipped. The header must name every column of `flask pledge load`."""
    if len(content) > MAX_IMPORT_BYTES:
        raise FileProblem("size")
    try:
        table = table_import.cells(content, filename)  # the register's reader: CSV (UTF-8 or cp874) or XLSX
    except ValueError as exc:
        raise FileProblem("type" if str(exc) == "file_type" else "encoding"
                          if (filename or "").lower().endswith(".csv") else "type") from None
    if not table:
        raise FileProblem("empty")
    header = [(h or "").strip() for h in table[0]]
    missing = [c for c in pledges.CSV_COLUMNS if c not in header]
    if missing:
        raise FileProblem("columns", ", ".join(missing))
    rows = []
    for n, cells in enumerate(table[1:], start=2):
        if not any((c or "").strip() for c in cells):
            continue
        rows.append((n, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}))
    if not rows:
        raise FileProblem("empty")
    if len(rows) > MAX_IMPORT_ROWS:
        raise FileProblem("rows", str(MAX_IMPORT_ROWS))
    return rows


def require_importer(viewer: Viewer) -> None:
    """Admins, and coordinators (for their own bureaus' rows); the committee reads only."""
    if not (viewer.is_admin or viewer.bureau_ids):
        raise Forbidden("read only")


@dataclass
class ImportResult:
    added: int
    errors: list[RowError]
    per_owner: dict[int | None, int] = field(default_factory=dict)


def import_rows(session: Session, viewer: Viewer, fy: int, rows: list[tuple[int, dict]], now: datetime,
                today: date) -> ImportResult:
    """Check every row (pledges.check_row, the CLI's rule, then: the viewer edits that bureau, its pledge is
    not locked, texts within the limits); add all of them only when none has an error, so a file is never
    half imported. Coordinators import their own bureau's rows only; an empty bureau_code is the
    organization's (admins)."""
    require_importer(viewer)
    codes = pledges.bureau_codes(session)
    errors: list[RowError] = []
    good: list[dict] = []
    locked: dict[int | None, bool] = {}
    for n, row in rows:
        values, problems = pledges.check_row(row, codes)
        errors += [RowError(n, column, problem, str(row.get(column) or "")[:60]) for column, problem in problems]
        for column in ("problem", "good_deed", "indicator"):
            if len(str(row.get(column) or "").strip()) > TEXT_LIMIT:
                errors.append(RowError(n, column, "too_long"))
        if values is None:
            continue
        owner = values["bureau_id"]
        if not viewer.can_edit_bureau(owner):
            errors.append(RowError(n, "bureau_code", "not_yours", str(row.get("bureau_code") or "")))
            continue
        if owner not in locked:
            locked[owner] = pledges.is_locked(session, fy, owner, today)
        if locked[owner]:
            errors.append(RowError(n, "bureau_code", "locked", str(row.get("bureau_code") or "")))
            continue
        good.append(values)
    if errors:
        return ImportResult(0, errors)
    per_owner: dict[int | None, int] = {}
    for values in good:
        owner = values.pop("bureau_id")
        pledges.add_item(session, fy, owner, **values)
        per_owner[owner] = per_owner.get(owner, 0) + 1
    audit.record(session, viewer.user_id, "pledge.import", f"pledge:{fy}", now,
                 after={"rows": len(good), "per_bureau": {("org" if k is None else str(k)): v
                                                          for k, v in per_owner.items()}})
    return ImportResult(len(good), [], per_owner)
