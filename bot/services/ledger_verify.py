"""Verifying the ledger (bot/services/ledger.py writes it and re-exports `verify`): walk the chain in seq
order, then check every deed row against its latest entry, so a row changed, deleted or reordered directly in
the database is found. Streams plain rows from the driver (no ORM objects): a million entries in well under a
minute (BENCHMARKS.md)."""
from __future__ import annotations

from dataclasses import dataclass
import hashlib
import json

from sqlalchemy import String, Text, cast, func, select
from sqlmodel import Session

from bot.services.ledger_hash import GENESIS, salted
from models.deeds import Deed, LedgerEntry

STREAM_BATCH = 20_000
DIGEST = 16  # bytes of blake2b kept per deed while verifying
EMPTY = bytes(DIGEST)


@dataclass
class Verdict:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    deed_id: int | None = None
    reason: str = ""


def _stream(session: Session, stmt):
    """Rows as plain tuples straight from the driver, fetched in batches (PostgreSQL: a server-side cursor)."""
    conn = session.connection()
    sql = stmt if isinstance(stmt, str) else str(stmt.compile(dialect=conn.dialect,
                                                                compile_kwargs={"literal_binds": True}))
    raw = conn.connection.driver_connection
    pg = conn.dialect.name == "postgresql"
    cur = raw.cursor(name="ledger_verify") if pg else raw.cursor()
    try:
        if pg:
            cur.itersize = STREAM_BATCH
        cur.execute(sql)
        while batch := cur.fetchmany(STREAM_BATCH):
            yield from batch
    finally:
        cur.close()


def _state_of(payload: str) -> str:
    """The `"state":{...}` object of a canonical payload, as text (flat: no nested braces)."""
    i = payload.find('"state":{')
    return payload[i + 8:payload.find("}", i) + 1] if i >= 0 else ""


class _Latest:
    """deed id -> 16-byte digest of its latest entry's state: a bytearray for dense ids, a dict for outliers."""

    def __init__(self):
        self.dense, self.extra = bytearray(), {}

    def set(self, deed_id: int, value: bytes) -> None:
        end = (deed_id + 1) * DIGEST
        if not 0 <= deed_id < 50_000_000:
            self.extra[deed_id] = value
            return
        if end > len(self.dense):
            self.dense.extend(bytes(max(end - len(self.dense), len(self.dense))))
        self.dense[end - DIGEST:end] = value

    def pop(self, deed_id: int) -> bytes | None:
        if deed_id in self.extra:
            return self.extra.pop(deed_id)
        end = (deed_id + 1) * DIGEST
        value = bytes(self.dense[end - DIGEST:end])
        if value in (b"", EMPTY):
            return None
        self.dense[end - DIGEST:end] = EMPTY
        return value

    def left(self) -> int | None:
        """A deed id still holding a digest (its row was never seen), or None."""
        if self.extra:
            return next(iter(self.extra))
        if self.dense == bytearray(len(self.dense)):
            return None
        return next(i for i in range(len(self.dense) // DIGEST) if self.dense[i * DIGEST:(i + 1) * DIGEST] != EMPTY)


def verify(session: Session) -> Verdict:
    """Recompute the chain in seq order, then compare each deed row with its latest entry.

    While walking, the state of each deed's latest entry is kept as a 16-byte digest in a bytearray indexed by
    deed id (16 MB per million deeds), so the deed pass is a plain table scan: no join, no JSON parsing."""
    prev, expected, count = GENESIS, 1, 0
    sha, digest = hashlib.sha256, hashlib.blake2b
    latest = _Latest()
    for seq, deed_id, prev_hash, hash_, payload in _stream(
            session, "SELECT seq, deed_id, prev_hash, hash, payload FROM ledgerentry ORDER BY seq"):
        if seq != expected:
            return Verdict(False, count, prev, expected, reason=f"entry {expected} is missing (next is {seq})")
        if prev_hash != prev:
            return Verdict(False, count, prev, seq, reason="prev_hash does not match the entry before")
        if sha((prev + payload).encode()).hexdigest() != hash_:
            return Verdict(False, count, prev, seq, reason="hash does not match the payload")
        prev, expected, count = hash_, expected + 1, count + 1
        if deed_id is not None:
            latest.set(deed_id, digest(_state_of(payload).encode(), digest_size=DIGEST).digest())
    return _check_deeds(session, count, prev, latest)


_enc = json.encoder.encode_basestring  # the C function json.dumps uses for str with ensure_ascii=False
_STATE_TEMPLATE = ('{"beneficiaries":%s,"bureau_id":%s,"campaign_id":%s,"deed_date":%s,"deed_id":%s,"deleted":%s,'
                   '"description_sha256":"%s","hours":%s,"photos_sha256":"%s","pledge_item_id":%s,"source":%s,'
                   '"user_id":%s,"virtue":%s}')


def _int(v) -> str:
    return "null" if v is None else int.__repr__(v)


def state_json(deed_id, user_id, bureau_id, virtue, deed_date: str, source, pledge_item_id, campaign_id,
               beneficiaries, hours, deleted: bool, salt: str, description: str, photo_shas: list[str]) -> str:
    """canonical(deed_state(...)) from plain column values, several times faster (checked equal in tests).
    TypeError when a column holds a value of the wrong type (SQLite lets a direct edit store text anywhere)."""
    return _STATE_TEMPLATE % (
        _int(beneficiaries), _int(bureau_id), _int(campaign_id), _enc(deed_date), int.__repr__(deed_id),
        "true" if deleted else "false", salted(salt, description),
        "null" if hours is None else float.__repr__(float(hours)), salted(salt, ",".join(photo_shas)),
        _int(pledge_item_id), _enc(source), int.__repr__(user_id), _enc(virtue))


def _check_deeds(session: Session, count: int, head_hash: str, latest: _Latest) -> Verdict:
    """Scan the deed table (plain tuples) and compare each row's state with its latest entry's digest."""
    d = Deed.__table__
    q = select(d.c.id, d.c.user_id, d.c.bureau_id, d.c.virtue, cast(d.c.deed_date, String), d.c.source,
               d.c.pledge_item_id, d.c.campaign_id, d.c.beneficiaries, d.c.hours, d.c.deleted_at.is_not(None),
               d.c.salt, d.c.description, cast(d.c.photos, Text))
    digest = hashlib.blake2b
    for row in _stream(session, q):
        deed_id, photos = row[0], row[13]
        try:
            shas = [p.get("sha256", "") for p in json.loads(photos)] if photos and photos != "[]" else []
            state = state_json(*row[:13], shas)
        except (TypeError, ValueError, AttributeError):
            return _explain(session, count, head_hash, deed_id, "{}")
        recorded = latest.pop(deed_id)
        if recorded is None:
            return Verdict(False, count, head_hash, None, deed_id, "deed has no ledger entry")
        if digest(state.encode(), digest_size=DIGEST).digest() != recorded:
            return _explain(session, count, head_hash, deed_id, state)
    gone = latest.left()
    if gone is not None:
        seq = session.scalar(select(func.max(LedgerEntry.seq)).where(LedgerEntry.deed_id == gone))
        return Verdict(False, count, head_hash, seq, gone, "deed row is gone from the database")
    return Verdict(True, count, head_hash)


def _explain(session: Session, count: int, head_hash: str, deed_id: int, state: str) -> Verdict:
    seq = session.scalar(select(func.max(LedgerEntry.seq)).where(LedgerEntry.deed_id == deed_id))
    payload = session.scalar(select(LedgerEntry.payload).where(LedgerEntry.seq == seq)) or "{}"
    recorded, live = json.loads(payload).get("state") or {}, json.loads(state)
    diff = sorted(k for k in live if recorded.get(k) != live[k])
    return Verdict(False, count, head_hash, seq, deed_id,
                   "deed row differs from its ledger entry: " + ", ".join(diff or ["state"]))
