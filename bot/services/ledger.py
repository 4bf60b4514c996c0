"""Tamper-evident ledger of good deeds: an append-only hash chain in the `ledgerentry` table.

Each entry's hash = SHA-256(prev_hash + canonical payload). The payload holds the deed's state with personal
fields (description, photo hashes, the LINE id) only as salted hashes, so erasing personal data later leaves
the chain verifiable. `verify` walks the chain in seq order and then checks every deed row against its latest
entry, so a row changed, deleted or reordered directly in the database is found. (Cutting the newest entries
together with their deed rows leaves a shorter valid chain: compare the head `ledger-verify` prints with a copy
kept elsewhere.)
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.services.ledger_hash import GENESIS, canonical, chain_hash, salted
from bot.services.ledger_verify import Verdict, verify
from models.deeds import Deed, LedgerEntry

__all__ = ["GENESIS", "Verdict", "append", "canonical", "chain_hash", "deed_state", "head", "payload_for", "salted",
           "verify"]
VERSION = 1
PG_LOCK_KEY = 0x6C656467  # pg_advisory_xact_lock key for appends ("ledg")


def deed_state(d) -> dict:
    """What the ledger remembers of a deed row (works on a Deed or a Core row with the same names)."""
    shas = [p.get("sha256", "") for p in (d.photos or [])]
    return {"deed_id": d.id, "user_id": d.user_id, "bureau_id": d.bureau_id, "virtue": d.virtue,
            "deed_date": d.deed_date.isoformat(), "source": d.source, "pledge_item_id": d.pledge_item_id,
            "campaign_id": d.campaign_id, "beneficiaries": d.beneficiaries,
            "hours": None if d.hours is None else float(d.hours), "deleted": d.deleted_at is not None,
            "description_sha256": salted(d.salt, d.description),
            "photos_sha256": salted(d.salt, ",".join(shas))}


def payload_for(action: str, deed: Deed, *, actor_user_id: int | None, at: datetime,
                line_user_id: str | None = None, changed: list[str] | None = None) -> dict:
    out = {"v": VERSION, "action": action, "at": at.isoformat(), "actor_user_id": actor_user_id,
           "state": deed_state(deed)}
    if line_user_id:
        out["user_sha256"] = salted(deed.salt, line_user_id)
    if changed:
        out["changed"] = sorted(changed)
    return out


def head(session: Session) -> tuple[int, str]:
    """(number of entries, hash of the last one); (0, GENESIS) for an empty ledger."""
    row = session.execute(select(LedgerEntry.seq, LedgerEntry.hash).order_by(LedgerEntry.seq.desc()).limit(1)).first()
    return (int(row[0]), row[1]) if row else (0, GENESIS)


def append(session: Session, action: str, deed: Deed, *, actor_user_id: int | None, at: datetime,
           line_user_id: str | None = None, changed: list[str] | None = None) -> LedgerEntry:
    """Append one entry for `deed` (flushed, so it has an id). Safe against concurrent appenders:
    PostgreSQL serializes through an advisory lock held to commit; elsewhere the unique seq plus a retry."""
    body = canonical(payload_for(action, deed, actor_user_id=actor_user_id, at=at,
                                 line_user_id=line_user_id, changed=changed))
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
    for _ in range(20):
        seq, prev = head(session)
        entry = LedgerEntry(seq=seq + 1, deed_id=deed.id, action=action, payload=body, prev_hash=prev,
                            hash=chain_hash(prev, body), created_at=at)
        try:
            with session.begin_nested():
                session.add(entry)
            return entry
        except IntegrityError:
            continue  # someone appended seq+1 first: read the new head and try again
    raise RuntimeError("ledger append kept colliding")
