"""The ledger's hash primitives, shared by the writer (ledger.py) and the verifier (ledger_verify.py)."""
from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, payload_json: str) -> str:
    return hashlib.sha256((prev_hash + payload_json).encode()).hexdigest()


def salted(salt: str, value: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{value}".encode()).hexdigest()
