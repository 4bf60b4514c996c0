"""Does a write commit while something else is running? (Proves no transaction is held across LINE or Pillow.)"""
from __future__ import annotations

import threading
from datetime import date

from models.db import session_scope
from models.worker import Holiday


def writer_commits_meanwhile(engine, seconds: float = 5) -> bool:
    """Write and commit from another thread; False when it is still waiting after `seconds` (a transaction
    held by the caller's thread would keep it waiting far longer). Waits for the writer either way."""
    def write():
        with session_scope(engine) as s:
            s.add(Holiday(day=date(2027, 12, 31), name="written meanwhile"))
    t = threading.Thread(target=write)
    t.start()
    t.join(seconds)
    done = not t.is_alive()
    t.join()
    return done
