"""Verifying the ledger (bot/services/ledger.py writes it and re-exports `verify`): walk the chain in seq
order (v1 entries: SHA-256; v2: HMAC with the key), check it against the anchored heads, then check every deed
row against its latest entry, every photo file against its recorded sha256 and every DeedHistory row against
the entry of its change, so a row changed, deleted or reordered directly in the database is found, and a chain
cut short or rebuilt whole disagrees with a head kept outside it. Streams plain rows from the driver (no ORM
objects): a million entries in well under a minute (BENCHMARKS.md)."""
from __future__ import annotations

from dataclasses import dataclass
import hashlib
import hmac
import json
from pathlib import Path

from sqlalchemy import String, Text, cast, func, select
from sqlmodel import Session

from bot.services.ledger_hash import GENESIS, as_key, history_digests, salted
from models.deeds import Deed, DeedHistory, LedgerEntry

STREAM_BATCH = 20_000
DIGEST = 16  # bytes kept per deed while verifying: the payload version, then 15 bytes of blake2b
EMPTY = bytes(DIGEST)


@dataclass(frozen=True)
class Anchor:
    """A head kept outside the database: the chain must have entry `seq`, with a hash starting with `hash`
    (the digest shows a 16-character prefix; a signed head file the whole hash)."""

    seq: int
    hash: str
    source: str


@dataclass
class Verdict:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    deed_id: int | None = None
    reason: str = ""
    legacy: int = 0         # v1 entries (plain SHA-256, before LEDGER_KEY)
    anchors: int = 0        # anchored heads matched
    photos: int = 0         # photo files re-hashed
    erased: int = 0         # deeds erased (PDPA): their texts and photos are gone by design
    history: int = 0        # history rows checked


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


def verify(session: Session, key: str | bytes | None = None, *, media_dir: str | None = None,
           anchors=()) -> Verdict:
    """Recompute the chain in seq order, then compare each deed row with its latest entry.

    While walking, the state of each deed's latest entry is kept as a 16-byte digest in a bytearray indexed by
    deed id (16 MB per million deeds), so the deed pass is a plain table scan: no join, no JSON parsing.
    `key`: LEDGER_KEY (empty: the development key). `media_dir`: re-hash the photo files. `anchors`: heads kept
    outside the database (Anchor)."""
    prev, expected, count, legacy = GENESIS, 1, 0, 0
    sha, digest, mac, k = hashlib.sha256, hashlib.blake2b, hmac.digest, as_key(key)
    latest, history = _Latest(), {}
    pending = sorted(anchors, key=lambda a: a.seq)
    next_anchor = pending[0].seq if pending else 0
    matched = 0
    for seq, deed_id, action, prev_hash, hash_, payload in _stream(
            session, "SELECT seq, deed_id, action, prev_hash, hash, payload FROM ledgerentry ORDER BY seq"):
        if seq != expected:
            return Verdict(False, count, prev, expected, reason=f"entry {expected} is missing (next is {seq})")
        if prev_hash != prev:
            return Verdict(False, count, prev, seq, reason="prev_hash does not match the entry before")
        if payload.endswith('"v":1}'):
            if legacy != count:  # a v1 entry after keyed ones: someone wrote it without the key
                return Verdict(False, count, prev, seq, reason="unkeyed (v1) entry after keyed entries")
            if sha((prev + payload).encode()).hexdigest() != hash_:
                return Verdict(False, count, prev, seq, reason="hash does not match the payload")
            legacy, version = legacy + 1, 1
        else:
            if mac(k, (prev + payload).encode(), "sha256").hex() != hash_:
                return Verdict(False, count, prev, seq, reason="hash does not match the payload under LEDGER_KEY"
                               " (rewritten, or verified with another key)")
            version = 2
            if action != "create" and (recorded := _history_of(payload)) is not None:
                history[seq] = recorded
        prev, expected, count = hash_, expected + 1, count + 1
        if seq == next_anchor:
            while pending and pending[0].seq == seq:
                a = pending.pop(0)
                if not hash_.startswith(a.hash):
                    return Verdict(False, count, prev, seq, reason=f"entry {seq} has hash {hash_[:16]}…, but "
                                   f"{a.source} recorded {a.hash[:16]}… for it: the chain was rewritten")
                matched += 1
            next_anchor = pending[0].seq if pending else 0
        if deed_id is not None:
            latest.set(deed_id, bytes((version,)) + digest(_state_of(payload).encode(), digest_size=DIGEST - 1)
                       .digest())
    if pending:
        a = pending[-1]
        return Verdict(False, count, prev, count + 1 if count else 1, legacy=legacy,
                       reason=f"the chain has {count} entries, but {a.source} recorded {a.seq} "
                       f"(head {a.hash[:16]}…): entries were cut or the ledger was wiped")
    v = _check_deeds(session, count, prev, latest, media_dir)
    if v.ok:
        v = _check_history(session, v, history, legacy)
    v.legacy, v.anchors = legacy, matched
    return v


def _history_of(payload: str) -> tuple[str, str] | None:
    """The (history_sha256, history_personal_sha256) of a v2 payload: both 64 hex characters."""
    i = payload.find('"history_personal_sha256":"')
    j = payload.find('"history_sha256":"')
    if i < 0 or j < 0:
        return None
    return payload[j + 18:j + 82], payload[i + 27:i + 91]


_enc = json.encoder.encode_basestring  # the C function json.dumps uses for str with ensure_ascii=False
_STATE_TEMPLATE = ('{"beneficiaries":%s,"bureau_id":%s,"campaign_id":%s,"deed_date":%s,"deed_id":%s,"deleted":%s,'
                   '"description_sha256":"%s","hours":%s,"photos_sha256":"%s","pledge_item_id":%s,"source":%s,'
                   '"user_id":%s,"virtue":%s}')
_V2_TEMPLATE = ('{"beneficiaries":%s,"bureau_id":%s,"campaign_id":%s,"created_at":%s,"deed_date":%s,"deed_id":%s,'
                '"deleted":%s,"description_sha256":"%s","erased_at":%s,"hours":%s,"photos_sha256":"%s",'
                '"pledge_item_id":%s,"source":%s,"user_id":%s,"virtue":%s}')


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


def _str(v) -> str:
    return "null" if v is None else _enc(v)


def state_json_v2(deed_id, user_id, bureau_id, virtue, deed_date: str, source, pledge_item_id, campaign_id,
                  beneficiaries, hours, deleted: bool, salt: str, description: str, photo_shas: list[str],
                  created_at: str | None, erased_at: str | None) -> str:
    """canonical(deed_state(..., times)) of a v2 entry: state_json plus the two timestamps (as text)."""
    return _V2_TEMPLATE % (
        _int(beneficiaries), _int(bureau_id), _int(campaign_id), _str(created_at), _enc(deed_date),
        int.__repr__(deed_id), "true" if deleted else "false", salted(salt, description), _str(erased_at),
        "null" if hours is None else float.__repr__(float(hours)), salted(salt, ",".join(photo_shas)),
        _int(pledge_item_id), _enc(source), int.__repr__(user_id), _enc(virtue))


def _check_deeds(session: Session, count: int, head_hash: str, latest: _Latest, media_dir: str | None) -> Verdict:
    """Scan the deed table (plain tuples) and compare each row's state with its latest entry's digest; with
    `media_dir`, re-hash each live deed's photo files against the sha256 the row (so the ledger) records."""
    d = Deed.__table__
    q = select(d.c.id, d.c.user_id, d.c.bureau_id, d.c.virtue, cast(d.c.deed_date, String), d.c.source,
               d.c.pledge_item_id, d.c.campaign_id, d.c.beneficiaries, d.c.hours, d.c.deleted_at.is_not(None),
               d.c.salt, d.c.description, cast(d.c.photos, Text), cast(d.c.created_at, String),
               cast(d.c.erased_at, String))
    digest = hashlib.blake2b
    photos_checked = erased = 0
    for row in _stream(session, q):
        deed_id, photos = row[0], row[13]
        recorded = latest.pop(deed_id)
        if recorded is None:
            return Verdict(False, count, head_hash, None, deed_id, "deed has no ledger entry")
        try:
            listed = json.loads(photos) if photos and photos != "[]" else []
            shas = [p.get("sha256", "") for p in listed]
            state = (state_json(*row[:13], shas) if recorded[0] == 1
                     else state_json_v2(*row[:13], shas, row[14], row[15]))
        except (TypeError, ValueError, AttributeError):
            return _explain(session, count, head_hash, deed_id, "{}")
        if digest(state.encode(), digest_size=DIGEST - 1).digest() != recorded[1:]:
            return _explain(session, count, head_hash, deed_id, state)
        if row[15] is not None:
            erased += 1  # texts and photos blanked by design; the ledger's erase entry says so
        elif listed and media_dir:
            bad = _check_photos(media_dir, listed)
            if bad:
                return Verdict(False, count, head_hash, session.scalar(
                    select(func.max(LedgerEntry.seq)).where(LedgerEntry.deed_id == deed_id)), deed_id, bad)
            photos_checked += len(listed)
    gone = latest.left()
    if gone is not None:
        seq = session.scalar(select(func.max(LedgerEntry.seq)).where(LedgerEntry.deed_id == gone))
        return Verdict(False, count, head_hash, seq, gone, "deed row is gone from the database")
    return Verdict(True, count, head_hash, photos=photos_checked, erased=erased)


def _check_photos(media_dir: str, listed: list[dict]) -> str:
    """Why the deed's photo files do not match their recorded sha256 ("" when they do)."""
    for p in listed:
        path = Path(media_dir) / str(p.get("path", ""))
        try:
            data = path.read_bytes()
        except OSError:
            return f"photo file {p.get('path')} is missing (the deed is not erased)"
        if hashlib.sha256(data).hexdigest() != p.get("sha256"):
            return f"photo file {p.get('path')} differs from the sha256 the ledger recorded"
    return ""


def _check_history(session: Session, v: Verdict, recorded: dict, legacy: int) -> Verdict:
    """Each DeedHistory row against the digests in the entry of the change it records (v2 entries); the
    personal values only while the deed is not erased (erasure blanks them and the salt)."""
    h, d = DeedHistory.__table__, Deed.__table__
    q = (select(h.c.id, h.c.ledger_seq, h.c.deed_id, h.c.action, h.c.actor_user_id, cast(h.c.created_at, String),
                cast(h.c.before, Text), cast(h.c.after, Text), d.c.salt)
         .select_from(h.outerjoin(d, d.c.id == h.c.deed_id)))
    checked = 0
    for hid, seq, deed_id, action, actor, created, before, after, salt in _stream(session, q):
        want = recorded.pop(seq, None) if seq is not None else None
        if want is None:
            if seq is not None and seq <= legacy:
                continue  # a change recorded by a v1 entry: no digest to check it against
            return Verdict(False, v.count, v.head, seq, deed_id, f"history row {hid} is not in the ledger")
        try:
            masked, personal = history_digests(deed_id, action, actor, created, json.loads(before or "{}"),
                                               json.loads(after or "{}"), salt or "")
        except (TypeError, ValueError):
            masked, personal = "", ""
        if masked != want[0] or (salt and personal != want[1]):
            return Verdict(False, v.count, v.head, seq, deed_id,
                           f"history row {hid} differs from the ledger entry of its change")
        checked += 1
    if recorded:
        seq = min(recorded)
        deed_id = session.scalar(select(LedgerEntry.deed_id).where(LedgerEntry.seq == seq))
        return Verdict(False, v.count, v.head, seq, deed_id, f"the history row of entry {seq} is gone")
    v.history = checked
    return v


def _explain(session: Session, count: int, head_hash: str, deed_id: int, state: str) -> Verdict:
    seq = session.scalar(select(func.max(LedgerEntry.seq)).where(LedgerEntry.deed_id == deed_id))
    payload = session.scalar(select(LedgerEntry.payload).where(LedgerEntry.seq == seq)) or "{}"
    recorded, live = json.loads(payload).get("state") or {}, json.loads(state)
    diff = sorted(k for k in live if recorded.get(k) != live[k])
    return Verdict(False, count, head_hash, seq, deed_id,
                   "deed row differs from its ledger entry: " + ", ".join(diff or ["state"]))
