"""The ledger's hash primitives, shared by the writer (ledger.py) and the verifier (ledger_verify.py).

Payload versions: v1 (the first entries) are chained with plain SHA-256; v2 entries, written since, are chained
with HMAC-SHA-256 under LEDGER_KEY (kept outside the database), so an insider who edits rows cannot recompute
the chain, and their payload also covers the deed's created_at/erased_at and the DeedHistory row of the change.
"""
from __future__ import annotations

import hashlib
import hmac
import json

GENESIS = "0" * 64
# Used when LEDGER_KEY is unset (development, tests): anyone can recompute a chain keyed with it, so production
# warns loudly (app start and `ledger-verify`; README "Ledger").
DEV_KEY = b"ledger development key: LEDGER_KEY is not set"
PERSONAL = ("description", "photos")  # history values blanked on PDPA erasure


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, payload_json: str) -> str:
    """v1: plain SHA-256 (kept so the first entries still verify)."""
    return hashlib.sha256((prev_hash + payload_json).encode()).hexdigest()


def as_key(key: str | bytes | None) -> bytes:
    if not key:
        return DEV_KEY
    return key.encode() if isinstance(key, str) else key


def keyed_hash(key: bytes, prev_hash: str, payload_json: str) -> str:
    """v2: HMAC-SHA-256 (the C one-shot: about as fast as plain SHA-256 per entry)."""
    return hmac.digest(key, (prev_hash + payload_json).encode(), "sha256").hex()


def salted(salt: str, value: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{value}".encode()).hexdigest()


def history_digests(deed_id: int, action: str, actor_user_id, created_at: str, before: dict, after: dict,
                    salt: str) -> tuple[str, str]:
    """(digest of the history row with its personal values blanked, salted digest of those values).

    Erasure blanks the personal values (and the deed's salt): the first digest still matches then, and the
    verifier checks the second only while the deed is not erased."""
    def masked(d):
        return {k: ("" if k in PERSONAL else v) for k, v in (d or {}).items()}

    def personal(d):
        return {k: v for k, v in (d or {}).items() if k in PERSONAL}
    body = canonical({"action": action, "actor_user_id": actor_user_id, "after": masked(after),
                      "before": masked(before), "created_at": created_at, "deed_id": deed_id})
    return (hashlib.sha256(body.encode()).hexdigest(),
            salted(salt, canonical({"after": personal(after), "before": personal(before)})))
