"""Tamper-evident ledger of good deeds: an append-only hash chain in the `ledgerentry` table.

Each entry's hash = HMAC-SHA-256(LEDGER_KEY, prev_hash + canonical payload) (v2; the first entries, v1, used
plain SHA-256 and still verify). The payload holds the deed's state (with created_at and erased_at) with
personal fields (description, photo hashes, the LINE id) only as salted hashes, so erasing personal data later
leaves the chain verifiable, and for a change after creation the digests of its DeedHistory row. `verify`
walks the chain in seq order, then checks every deed row, history row and photo file against it; anchors (the
heads the committee received in the weekly digest, signed head files) catch a chain cut or rebuilt whole.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import String, cast, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.services.ledger_hash import GENESIS, as_key, canonical, chain_hash, history_digests, keyed_hash, salted
from bot.services.ledger_verify import Anchor, Verdict, verify
from models.deeds import Deed, DeedHistory, LedgerEntry

__all__ = ["Anchor", "GENESIS", "Verdict", "append", "canonical", "chain_hash", "deed_state", "entry_hash", "head",
           "payload_for", "salted", "use_key", "verify"]
VERSION = 2
_key: bytes | None = None  # installed by the app factory (bot/app.py) from LEDGER_KEY; services never read config


def use_key(key: str | bytes | None) -> None:
    """The HMAC key appends use when the caller passes none (empty: the development key)."""
    global _key
    _key = as_key(key)


def current_key() -> bytes:
    """The installed key (the development key until the app installs LEDGER_KEY)."""
    return _key or as_key(None)


def entry_hash(prev_hash: str, payload_json: str, key: str | bytes | None = None) -> str:
    return keyed_hash(as_key(key) if key else (_key or as_key(None)), prev_hash, payload_json)
PG_LOCK_KEY = 0x6C656467  # pg_advisory_xact_lock key for appends ("ledg")


def deed_state(d, times: tuple[str | None, str | None] | None = None) -> dict:
    """What the ledger remembers of a deed row (works on a Deed or a Core row with the same names).
    `times`: created_at and erased_at as the database renders them as text (v2; None: the v1 state)."""
    shas = [p.get("sha256", "") for p in (d.photos or [])]
    out = {"deed_id": d.id, "user_id": d.user_id, "bureau_id": d.bureau_id, "virtue": d.virtue,
            "deed_date": d.deed_date.isoformat(), "source": d.source, "pledge_item_id": d.pledge_item_id,
            "campaign_id": d.campaign_id, "beneficiaries": d.beneficiaries,
            "hours": None if d.hours is None else float(d.hours), "deleted": d.deleted_at is not None,
            "description_sha256": salted(d.salt, d.description),
            "photos_sha256": salted(d.salt, ",".join(shas))}
    if times is not None:  # created_at opens the 7-day edit window; erased_at says why photos are gone
        out["created_at"], out["erased_at"] = times
    return out


def payload_for(action: str, deed: Deed, *, actor_user_id: int | None, at: datetime,
                line_user_id: str | None = None, changed: list[str] | None = None,
                times: tuple[str | None, str | None] | None = None,
                history: tuple[str, str] | None = None) -> dict:
    """v2 with `times` (and the history row's digests for a change), else the v1 payload."""
    out = {"v": VERSION if times is not None else 1, "action": action, "at": at.isoformat(),
           "actor_user_id": actor_user_id, "state": deed_state(deed, times)}
    if history is not None:
        out["history_sha256"], out["history_personal_sha256"] = history
    if line_user_id:
        out["user_sha256"] = salted(deed.salt, line_user_id)
    if changed:
        out["changed"] = sorted(changed)
    return out


def head(session: Session) -> tuple[int, str]:
    """(number of entries, hash of the last one); (0, GENESIS) for an empty ledger."""
    row = session.execute(select(LedgerEntry.seq, LedgerEntry.hash).order_by(LedgerEntry.seq.desc()).limit(1)).first()
    return (int(row[0]), row[1]) if row else (0, GENESIS)


def _as_stored(session: Session, table, *columns) -> tuple:
    """Timestamps (and JSON) as the database renders them as text: what the verifier reads back, whatever the
    driver's or the server's time zone does to a datetime."""
    row_id = columns[-1]
    return tuple(session.execute(select(*(cast(table.c[c], String) for c in columns[:-1]))
                                 .where(table.c.id == row_id)).one())


def append(session: Session, action: str, deed: Deed, *, actor_user_id: int | None, at: datetime,
           line_user_id: str | None = None, changed: list[str] | None = None,
           history: DeedHistory | None = None, key: str | bytes | None = None) -> LedgerEntry:
    """Append one entry for `deed` (flushed, so it has an id); `history`, the change's DeedHistory row, is
    added too, hashed into the entry and given its seq. Safe against concurrent appenders:
    PostgreSQL serializes through an advisory lock held to commit; elsewhere the unique seq plus a retry."""
    session.flush()
    times = _as_stored(session, Deed.__table__, "created_at", "erased_at", deed.id)
    digests = None
    if history is not None:
        session.add(history)
        session.flush()
        stamp, = _as_stored(session, DeedHistory.__table__, "created_at", history.id)
        digests = history_digests(deed.id, history.action, history.actor_user_id, stamp,
                                  json.loads(json.dumps(history.before)), json.loads(json.dumps(history.after)),
                                  deed.salt)
    body = canonical(payload_for(action, deed, actor_user_id=actor_user_id, at=at, line_user_id=line_user_id,
                                 changed=changed, times=times, history=digests))
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
    for _ in range(20):
        seq, prev = head(session)
        entry = LedgerEntry(seq=seq + 1, deed_id=deed.id, action=action, payload=body, prev_hash=prev,
                            hash=entry_hash(prev, body, key), created_at=at)
        try:
            with session.begin_nested():
                session.add(entry)
            if history is not None:
                history.ledger_seq = entry.seq
                session.add(history)
            return entry
        except IntegrityError:
            continue  # someone appended seq+1 first: read the new head and try again
    raise RuntimeError("ledger append kept colliding")
