"""Heads of the good-deed ledger kept outside the database, for `ledger-verify` to check the chain against.

Two kinds: the heads the committee received in the weekly digest (the sent digest rows of the outbox keep the
messages: messages_th.digest_anchor reads the head back out of them), and signed head files an auditor keeps
(`ledger-head --out FILE`: HMAC-SHA-256 with LEDGER_KEY over seq, hash and time).
"""
from __future__ import annotations

import hmac
import json
from datetime import datetime

from sqlmodel import Session, select

from bot.services.ledger_hash import as_key
from bot.services.ledger_verify import Anchor
from models.core import OutboxMessage
from models.enums import OutboxStatus

FORMAT = "ledger-head/1"


def sent_digests(session: Session) -> list[tuple[str, datetime | None, list]]:
    """(key, sent_at, messages) of every committee digest LINE accepted, oldest first."""
    rows = session.exec(select(OutboxMessage.key, OutboxMessage.sent_at, OutboxMessage.messages).where(
        OutboxMessage.key.like("digest:%"), OutboxMessage.key.not_like("%:bureau:%"),
        OutboxMessage.status == OutboxStatus.SENT).order_by(OutboxMessage.id)).all()
    return [(k, at, m or []) for k, at, m in rows]


def _mac(key: str | bytes | None, seq: int, hash_: str, at: str) -> str:
    return hmac.digest(as_key(key), f"{FORMAT}\x1f{seq}\x1f{hash_}\x1f{at}".encode(), "sha256").hex()


def signed_head(key: str | bytes | None, seq: int, hash_: str, at: datetime) -> dict:
    stamp = at.isoformat()
    return {"format": FORMAT, "seq": seq, "hash": hash_, "at": stamp, "mac": _mac(key, seq, hash_, stamp)}


def read_head(key: str | bytes | None, text: str, source: str) -> Anchor:
    """The Anchor of a signed head file; ValueError when it is unreadable or its signature does not match
    (edited, or signed with another LEDGER_KEY)."""
    try:
        d = json.loads(text)
        seq, hash_, stamp, mac = int(d["seq"]), str(d["hash"]), str(d["at"]), str(d["mac"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{source} is not a ledger head file") from exc
    if d.get("format") != FORMAT or len(hash_) != 64 or seq < 0:
        raise ValueError(f"{source} is not a ledger head file")
    if not hmac.compare_digest(mac, _mac(key, seq, hash_, stamp)):
        raise ValueError(f"{source}: signature does not match (edited, or signed with another LEDGER_KEY)")
    return Anchor(seq, hash_, f"{source} (signed {stamp})")
