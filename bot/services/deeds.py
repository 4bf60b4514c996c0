"""Good deeds as plain functions other flows call: record, edit, delete, PDPA erase, photo intake.

Every change writes the deed row, a DeedHistory row (for changes after creation) and a ledger entry in the
caller's transaction. Errors are `DeedError(code)`; handlers turn the code into a Thai message.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, func, select
from sqlmodel import Session

from bot.services import files, ledger
from bot.services.files import delete_private
from messages_th.dates import fiscal_year_be, fiscal_year_bounds, start_of_day_bkk, today_bkk
from models.core import User, utcnow
from models.deeds import VIRTUES, Deed, DeedHistory

MAX_DESCRIPTION = 1000
# A description must say something: at least this many letters or digits (Thai or any script; Thai tone
# marks and vowels above/below, emoji, punctuation and spaces do not count). Thai has no spaces between
# words, so words cannot be counted; letters can ("ช่วยงาน", "เก็บขยะ" pass, "👍😊" and "ok" do not).
MIN_DESCRIPTION_LETTERS = 3  # "👍😊" has none; a short Thai word ("หนึ่ง": ห น ง) has three
DAILY_LIMIT = 20
DOUBLE_TAP = timedelta(seconds=60)
EDIT_WINDOW = timedelta(days=7)
BACKDATE_ACROSS_FY = timedelta(days=7)  # how far back a deed may be dated across 1 October
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = files.MAX_PHOTO_BYTES
IMAGE_FORMATS = files.IMAGE_FORMATS
EDITABLE = ("virtue", "description", "deed_date", "photos", "beneficiaries", "hours")


class DeedError(Exception):
    """`code`: bad_virtue empty too_long too_short future before_fy daily_limit duplicate not_found not_yours deleted
    locked not_image too_large; `info` carries what the message needs (limit, length, deed...)."""

    def __init__(self, code: str, **info):
        super().__init__(code)
        self.code, self.info = code, info


def check_description(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DeedError("empty")
    if len(text) > MAX_DESCRIPTION:
        raise DeedError("too_long", limit=MAX_DESCRIPTION, length=len(text))
    if letters_in(text) < MIN_DESCRIPTION_LETTERS:
        raise DeedError("too_short", minimum=MIN_DESCRIPTION_LETTERS)
    return text


def letters_in(text: str) -> int:
    """Letters and digits of any script (Unicode L* and N*), which leaves out emoji, punctuation, spaces and
    the Thai marks (Mn) that sit on a letter."""
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")


def earliest_date(now: datetime) -> date:
    """The earliest deed date one may record today: the current fiscal year's 1 October, or up to
    BACKDATE_ACROSS_FY days back across it (late-September deeds recorded in early October belong to, and count
    in, the year just closed: every count goes by `deed_date`)."""
    today = today_bkk(now)
    return min(fiscal_year_bounds(fiscal_year_be(today))[0], today - BACKDATE_ACROSS_FY)


def check_date(deed_date: date, now: datetime) -> date:
    """Not in the future (Bangkok) and not before `earliest_date`."""
    today = today_bkk(now)
    fy_start = fiscal_year_bounds(fiscal_year_be(today))[0]
    if deed_date > today:
        raise DeedError("future", today=today)
    if deed_date < earliest_date(now):
        raise DeedError("before_fy", fy_start=fy_start, fy=fiscal_year_be(today), earliest=earliest_date(now))
    return deed_date


def deeds_today(session: Session, user: User, now: datetime) -> int:
    start = start_of_day_bkk(today_bkk(now))
    return session.scalar(select(func.count()).select_from(Deed)
                          .where(Deed.user_id == user.id, Deed.created_at >= start)) or 0


def check_daily_limit(session: Session, user: User, now: datetime) -> None:
    if deeds_today(session, user, now) >= DAILY_LIMIT:
        raise DeedError("daily_limit", limit=DAILY_LIMIT)


def _photo_list(photos) -> list[dict]:
    return [dict(p) if isinstance(p, dict) else {"path": p[0], "sha256": p[1]} for p in photos]


def record_deed(session: Session, user: User, virtue: str, description: str, deed_date: date, *,
                source: str = "chat", photos=(), beneficiaries: int | None = None, hours: float | None = None,
                pledge_item_id: int | None = None, campaign_id: int | None = None, now: datetime,
                enforce_limits: bool = True) -> Deed:
    """Store a deed and its `create` ledger entry; DeedError on bad input, the daily limit or a double tap."""
    if virtue not in VIRTUES:
        raise DeedError("bad_virtue")
    description = check_description(description)
    check_date(deed_date, now)
    if enforce_limits:
        twin = session.scalars(select(Deed).where(
            Deed.user_id == user.id, Deed.description == description, Deed.deleted_at.is_(None),
            Deed.created_at >= now - DOUBLE_TAP).limit(1)).first()
        if twin is not None:
            raise DeedError("duplicate", deed=twin)
        check_daily_limit(session, user, now)
    deed = Deed(user_id=user.id, bureau_id=user.bureau_id, virtue=virtue, description=description,
                deed_date=deed_date, photos=_photo_list(photos)[:MAX_PHOTOS], beneficiaries=beneficiaries,
                hours=hours, source=source, pledge_item_id=pledge_item_id, campaign_id=campaign_id,
                created_at=now, updated_at=now)
    session.add(deed)
    session.flush()
    ledger.append(session, "create", deed, actor_user_id=user.id, at=now, line_user_id=user.line_user_id)
    return deed


def own_deed(session: Session, user: User, deed_id, now: datetime, *, window: bool = True) -> Deed:
    """The user's live deed, still inside the edit window; DeedError otherwise."""
    try:
        deed = session.get(Deed, int(deed_id))
    except (TypeError, ValueError):
        deed = None
    if deed is None:
        raise DeedError("not_found")
    if deed.user_id != user.id:
        raise DeedError("not_yours")
    if deed.deleted_at is not None:
        raise DeedError("deleted", deed=deed)
    if window and deed.created_at < now - EDIT_WINDOW:
        raise DeedError("locked", deed=deed, days=EDIT_WINDOW.days)
    return deed


def _snapshot(deed: Deed, fields) -> dict:
    return {f: deed.deed_date.isoformat() if f == "deed_date" else getattr(deed, f) for f in fields}


def edit_deed(session: Session, deed: Deed, actor: User, changes: dict, *, now: datetime) -> list[str]:
    """Apply the changed fields (history + `edit` entry); returns their names (empty: nothing to do)."""
    changed = [f for f in EDITABLE if f in changes and changes[f] != getattr(deed, f)]
    if not changed:
        return []
    if "description" in changed:
        changes["description"] = check_description(changes["description"])
    if "deed_date" in changed:
        check_date(changes["deed_date"], now)
    if "virtue" in changed and changes["virtue"] not in VIRTUES:
        raise DeedError("bad_virtue")
    before = _snapshot(deed, changed)
    for f in changed:
        setattr(deed, f, _photo_list(changes[f]) if f == "photos" else changes[f])
    deed.updated_at = now
    session.add(deed)
    session.flush()
    # The history row is hashed into the entry of the change it records (verify checks it against it).
    ledger.append(session, "edit", deed, actor_user_id=actor.id, at=now, changed=changed,
                  history=DeedHistory(deed_id=deed.id, actor_user_id=actor.id, action="edit", before=before,
                                      after=_snapshot(deed, changed), created_at=now))
    return changed


def delete_deed(session: Session, deed: Deed, actor: User, *, now: datetime) -> None:
    deed.deleted_at = deed.updated_at = now
    session.add(deed)
    session.flush()
    ledger.append(session, "delete", deed, actor_user_id=actor.id, at=now,
                  history=DeedHistory(deed_id=deed.id, actor_user_id=actor.id, action="delete",
                                      before={"deleted": False}, after={"deleted": True}, created_at=now))


def erase_user_deeds(session: Session, user: User, *, media_dir: str | None = None,
                     now: datetime | None = None) -> int:
    """PDPA erasure: blank descriptions and photos (files too, unless another deed shares them), blank
    personal history, append `erase` entries. Counts, virtues and dates stay. Returns deeds erased."""
    now = now or utcnow()
    deeds = session.scalars(select(Deed).where(Deed.user_id == user.id, Deed.erased_at.is_(None))).all()
    files = set()
    for deed in deeds:
        files.update(p.get("path") for p in deed.photos or [] if p.get("path"))
        deed.description, deed.photos, deed.salt, deed.erased_at, deed.updated_at = "", [], "", now, now
        session.add(deed)
        for h in session.scalars(select(DeedHistory).where(DeedHistory.deed_id == deed.id)):
            h.before = {k: ("" if k in ("description", "photos") else v) for k, v in (h.before or {}).items()}
            h.after = {k: ("" if k in ("description", "photos") else v) for k, v in (h.after or {}).items()}
            session.add(h)
        session.flush()
        ledger.append(session, "erase", deed, actor_user_id=None, at=now,
                      history=DeedHistory(deed_id=deed.id, actor_user_id=None, action="erase", before={}, after={},
                                          created_at=now))
    session.flush()
    for path in files:  # without a media_dir (scripts) the files stay; every chat and CLI caller passes it
        shared = session.scalar(select(func.count()).select_from(Deed)
                                .where(cast(Deed.photos, String).contains(path.rsplit("/", 1)[-1])))
        if media_dir and not shared:
            delete_private(media_dir, path)
    return len(deeds)


def accept_photo(media_dir: str, data: bytes) -> dict:
    """The one photo intake (bot/services/files.py), with its errors as DeedError: {path, sha256}."""
    try:
        return files.accept_photo(media_dir, data)
    except files.PhotoError as err:
        raise DeedError(err.code, **err.info) from err
