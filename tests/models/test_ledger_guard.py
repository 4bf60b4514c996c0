"""The ledger's append-only guard holds for code that imports only the models (no bot.services.ledger)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from sqlmodel import Session, SQLModel, create_engine
import models.core, models.deeds
from models.deeds import LedgerEntry
assert "bot.services.ledger" not in sys.modules
engine = create_engine("sqlite://")
SQLModel.metadata.create_all(engine)
with Session(engine) as s:
    s.add(LedgerEntry(seq=1, action="create", payload="{}", prev_hash="0" * 64, hash="1" * 64))
    s.commit()
    entry = s.get(LedgerEntry, 1)
    entry.payload = "{\\"forged\\": true}"
    try:
        s.commit()
    except RuntimeError as exc:
        print(exc)
"""


def test_a_script_with_only_the_models_cannot_edit_the_ledger():
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "append-only" in out.stdout
