"""The console's deed browser (issue 15, page "ความดี"): filters, keyset pages, export rows, photo links, and the
ledger check run from the console. Role rules: admins and the committee see every bureau, a coordinator only
their own (another bureau's id → Forbidden).

Speed with a million deeds: the only index that orders deeds by date is (bureau_id, deed_date), so a page is
one index walk per bureau in scope ("newest deed date first", LIMIT page + 1 each) merged in SQL; the next page
starts after the last row's (deed_date, id) (keyset: no OFFSET to skip). Counting a large match exactly would
read every row, so the count stops at COUNT_CAP ("more than …")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, literal_column, or_, union_all
from sqlmodel import Session, select

from bot.services import audit, ledger, photo_links
from bot.services.console_access import Viewer, require_read_bureau, require_sees_all
from models.core import Bureau, User
from models.deeds import VIRTUES, Deed
from models.enums import UserStatus

PAGE = 50
COUNT_CAP = 2_000
EXPORT_CAP = 50_000  # the newest rows of a wider match: a file a spreadsheet opens comfortably
PHOTO_TTL = timedelta(hours=2)  # a console page's thumbnails; a fresh page gives fresh links


class BadFilter(ValueError):
    """`field`, `code`: a filter that cannot apply ('bad_virtue', 'bad_bureau', 'range')."""

    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field, self.code = field, code


@dataclass(frozen=True)
class Filters:
    bureau_id: int | None = None
    virtue: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Row:
    id: int
    deed_date: date
    created_at: datetime
    virtue: str
    description: str
    bureau_id: int | None
    bureau: str | None
    title: str | None
    full_name: str | None
    erased_person: bool
    beneficiaries: int | None
    hours: float | None
    source: str
    photos: list
    photo_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    count: int          # capped at COUNT_CAP
    more_than: bool     # the match is larger than `count`
    next_after: tuple[date, int] | None  # the keyset of the next page, None on the last


def scope(session: Session, viewer: Viewer, f: Filters) -> list[int | None]:
    """The bureau ids the query walks (None stands for deeds without a bureau); Forbidden for another
    bureau's id; BadFilter for a virtue, bureau or range that cannot be."""
    if f.virtue is not None and f.virtue not in VIRTUES:
        raise BadFilter("virtue", "bad_virtue")
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise BadFilter("date_to", "range")
    if f.bureau_id is not None:
        require_read_bureau(viewer, f.bureau_id)
        if session.get(Bureau, f.bureau_id) is None:
            raise BadFilter("bureau", "bad_bureau")
        return [f.bureau_id]
    if viewer.sees_all:
        return [*session.exec(select(Bureau.id).order_by(Bureau.id)), None]
    require_read_bureau(viewer, next(iter(viewer.bureau_ids), None))
    return sorted(viewer.bureau_ids)


def _conds(f: Filters, bureau_id: int | None):
    out = [Deed.bureau_id == bureau_id if bureau_id is not None else Deed.bureau_id.is_(None),
           Deed.deleted_at.is_(None), Deed.erased_at.is_(None)]
    if f.virtue:
        out.append(Deed.virtue == f.virtue)
    if f.date_from:
        out.append(Deed.deed_date >= f.date_from)
    if f.date_to:
        out.append(Deed.deed_date <= f.date_to)
    return out


def _ids(bureaus: list[int | None], f: Filters, after: tuple[date, int] | None, limit: int):
    """The ids of the newest `limit` matching deeds: one index walk per bureau, merged."""
    parts = []
    for b in bureaus:
        conds = _conds(f, b)
        if after is not None:
            # "after (date, id)" with its range part alone first: `deed_date <= d` lets PostgreSQL walk the
            # (bureau, date) index down from d; the OR then drops only the same day's rows already shown
            conds += [Deed.deed_date <= after[0],
                      or_(Deed.deed_date < after[0], and_(Deed.deed_date == after[0], Deed.id < after[1]))]
        parts.append(select(Deed.id, Deed.deed_date).where(*conds)
                     .order_by(Deed.deed_date.desc(), Deed.id.desc()).limit(limit).subquery().select())
    merged = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    return select(merged.c.id).order_by(merged.c.deed_date.desc(), merged.c.id.desc()).limit(limit)


def _count(session: Session, bureaus: list[int | None], f: Filters, every: bool) -> tuple[int, bool]:
    """How many match, stopping at COUNT_CAP: one scan that ends at the cap (`every`: no bureau condition)."""
    conds = _conds(f, None)[1:]
    if not every:
        ids = [b for b in bureaus if b is not None]
        conds.append(Deed.bureau_id.in_(ids) if ids else Deed.bureau_id.is_(None))
    inner = select(literal_column("1")).select_from(Deed).where(*conds).limit(COUNT_CAP + 1).subquery()
    total = int(session.exec(select(func.count()).select_from(inner)).one())
    return min(total, COUNT_CAP), total > COUNT_CAP


def _rows(session: Session, ids: list[int]) -> list[Row]:
    if not ids:
        return []
    q = (select(Deed.id, Deed.deed_date, Deed.created_at, Deed.virtue, Deed.description, Deed.bureau_id, Bureau.name,
                User.title, User.full_name, User.status, Deed.beneficiaries, Deed.hours, Deed.source, Deed.photos)
         .join(User, User.id == Deed.user_id).outerjoin(Bureau, Bureau.id == Deed.bureau_id)
         .where(Deed.id.in_(ids)))
    by_id = {r[0]: Row(*r[:9], r[9] == UserStatus.ERASED, *r[10:]) for r in session.exec(q)}
    return [by_id[i] for i in ids if i in by_id]


def _with_photos(rows: list[Row], photo_base: str, secret: str, now: datetime) -> list[Row]:
    """Signed, expiring links to each deed's private photos (the chat's "my record" serves them the same way)."""
    out = []
    for r in rows:
        urls = tuple(u for u in (photo_links.signed_url(photo_base, secret, p.get("path", ""), now, PHOTO_TTL)
                                 for p in r.photos or []) if u)
        out.append(Row(**{**r.__dict__, "photo_urls": urls}))
    return out


def browse(session: Session, viewer: Viewer, f: Filters, now: datetime, *, after: tuple[date, int] | None = None,
           photo_base: str = "/", secret: str = "") -> Page:
    """One page of deeds, newest deed date first, with photo links; the viewer may read every row shown
    (the scope is their bureaus), so every row's photos are theirs to see."""
    bureaus = scope(session, viewer, f)
    ids = list(session.exec(_ids(bureaus, f, after, PAGE + 1)))
    rows = _rows(session, ids[:PAGE])
    count, more = _count(session, bureaus, f, viewer.sees_all and f.bureau_id is None)
    nxt = (rows[-1].deed_date, rows[-1].id) if len(ids) > PAGE and rows else None
    return Page(_with_photos(rows, photo_base, secret, now), count, more, nxt)


def export_rows(session: Session, viewer: Viewer, f: Filters, *, cap: int = EXPORT_CAP) -> tuple[list[Row], bool]:
    """The filtered rows for a file, newest first, at most `cap`; True when more matched than fit."""
    bureaus = scope(session, viewer, f)
    ids = list(session.exec(_ids(bureaus, f, None, cap + 1)))
    rows: list[Row] = []
    for start in range(0, min(len(ids), cap), 5_000):  # IN lists of a size every driver takes
        rows += _rows(session, ids[start:start + 5_000])
    return rows[:cap], len(ids) > cap


# ---- the ledger check from the console (what `flask ledger-verify` does) --------------------------------

@dataclass(frozen=True)
class LedgerCheck:
    at: datetime
    actor_user_id: int | None
    ok: bool
    count: int
    head: str
    broken_seq: int | None
    deed_id: int | None
    reason: str
    anchors: int


def head(session: Session, viewer: Viewer) -> tuple[int, str]:
    """(entries, head hash): what `flask ledger-head` signs."""
    require_sees_all(viewer)
    return ledger.head(session)


def run_ledger_check(session: Session, viewer: Viewer, now: datetime, *, key, media_dir: str | None,
                     anchors=()) -> LedgerCheck:
    """Verify the whole chain, the deed and history rows and the photo files, as `flask ledger-verify`; the run
    and its verdict are audited (admins and the committee)."""
    require_sees_all(viewer)
    v = ledger.verify(session, key, media_dir=media_dir, anchors=anchors)
    result = {"ok": v.ok, "count": v.count, "head": v.head, "broken_seq": v.broken_seq, "deed_id": v.deed_id,
              "reason": v.reason, "anchors": v.anchors}
    audit.record(session, viewer.user_id, "ledger.verify", "ledger", now, after=result)
    return LedgerCheck(now, viewer.user_id, **result)


def last_ledger_check(session: Session, viewer: Viewer) -> LedgerCheck | None:
    """The latest console run, read back from the audit log (the page shows it after the redirect)."""
    require_sees_all(viewer)
    page = audit.recent(session, limit=1, action="ledger.verify")
    if not page.entries:
        return None
    e, a = page.entries[0], page.entries[0].after or {}
    return LedgerCheck(e.at, e.actor_user_id, bool(a.get("ok")), int(a.get("count") or 0), a.get("head") or "",
                       a.get("broken_seq"), a.get("deed_id"), a.get("reason") or "", int(a.get("anchors") or 0))


def bureau_choices(session: Session, viewer: Viewer) -> list[tuple[int, str]]:
    """(id, name) of the bureaus the viewer may filter by: all for admins and the committee, a coordinator's own."""
    q = select(Bureau.id, Bureau.name).order_by(Bureau.name)
    if not viewer.sees_all:
        q = q.where(Bureau.id.in_(sorted(viewer.bureau_ids)))
    return list(session.exec(q).all())
