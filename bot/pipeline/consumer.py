"""Handler processes: `python -m bot.pipeline` takes stored webhook events off the inbox, apart from the web.

With INBOX_HANDLERS=external the web processes only verify, store and answer 200 (and, on PostgreSQL, NOTIFY);
any number of these processes, on this host or others, claim events with the inbox's own claim
(bot/pipeline/inbox.py `handle_next`: each user's next event only, `FOR UPDATE SKIP LOCKED`), so:
- exactly once: claim, handling and the stored reply are one transaction; a process killed mid-batch leaves its
  events pending (PostgreSQL rolls the transaction back when the connection drops) and another takes them;
- per-user order: a user's later event is not eligible while an earlier one is pending or its reply unsent.
Woken by LISTEN/NOTIFY on PostgreSQL, with a poll every POLL_S as the fallback (a lost notification, SQLite).
Why not a queue engine (procrastinate, PgQueuer, Dramatiq, Celery): README "Handler processes".
"""
from __future__ import annotations

import logging
import select as _select  # the socket kind, for LISTEN
import threading
import time

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from bot.pipeline.inbox import MAX_BATCH, RECOVER_HANDLED_AFTER
from models.core import InboxEvent
from models.enums import InboxStatus

log = logging.getLogger("bot.pipeline.consumer")
CHANNEL = "bot_inbox"
POLL_S = 1.0          # without a notification, look anyway this often
RECOVER_EVERY_S = 30.0  # replies decided but never sent (a process killed between commit and send)
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', '')")


_WAITING = (select(func.count()).select_from(InboxEvent.__table__)
            .where(InboxEvent.__table__.c.status == InboxStatus.PENDING))


class Backlog:
    """Web side of backpressure with external handlers: how many stored events wait for any handler, read by
    one thread every `every_s` (one indexed count for the whole process, not one per request)."""

    def __init__(self, engine, every_s: float = 0.1):
        self.engine, self.every_s = engine, every_s
        self.waiting: int | None = None  # not read yet
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self.engine.connect() as conn:
                    n = conn.execute(_WAITING).scalar_one()
            except Exception:  # noqa: BLE001 - database away: hold nobody (the insert itself says 503)
                n = 0
            with self._cond:
                self.waiting = n
                self._cond.notify_all()
            self._stop.wait(self.every_s)

    def hold(self, high: int, timeout: float) -> bool:
        """Block (at most `timeout`) while more than `high` events wait; True: not held back."""
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="inbox-backlog", daemon=True)
                self._thread.start()
            return self._cond.wait_for(lambda: (self.waiting is not None and self.waiting <= high) or self._stop.is_set(),
                                       timeout)

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()


def notify(engine) -> None:
    """Wake the handler processes (web side, after storing events). PostgreSQL only; a no-op elsewhere."""
    if engine.dialect.name != "postgresql":
        return
    try:
        with engine.connect() as conn:
            conn.execute(_NOTIFY)
            conn.commit()
    except DBAPIError as exc:  # the events are stored: the handlers' poll finds them within POLL_S
        log.warning("inbox notify failed: %s", type(exc.orig).__name__)


class Waker:
    """Blocks until a NOTIFY on CHANNEL arrives or `timeout` passes (plain sleep on SQLite)."""

    def __init__(self, engine):
        self._conn = None
        if engine.dialect.name == "postgresql":
            raw = engine.raw_connection()  # a pooled DBAPI connection kept for this process's lifetime
            raw.driver_connection.autocommit = True
            raw.driver_connection.execute(f"LISTEN {CHANNEL}")
            self._raw, self._conn = raw, raw.driver_connection

    def wait(self, timeout: float, stop: threading.Event) -> None:
        if self._conn is None:
            stop.wait(timeout)
            return
        try:
            ready, _, _ = _select.select([self._conn.fileno()], [], [], timeout)
            if ready:
                for _ in self._conn.notifies(timeout=0):  # drain: many notifications, one wake-up
                    pass
        except Exception:  # noqa: BLE001 - connection lost: fall back to polling until restarted
            log.warning("inbox notifications lost; polling every %.0f s", timeout)
            self._conn = None
            stop.wait(timeout)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._raw.close()
            except Exception:  # noqa: BLE001
                pass


def run(inbox, engine, stop: threading.Event, batch: int = MAX_BATCH, poll_s: float = POLL_S,
        periodic=None) -> int:
    """Handle waiting events until `stop` is set; the number handled. inbox: a bot.pipeline.inbox.Inbox;
    periodic: called every RECOVER_EVERY_S beside the recovery (the worker-alive check)."""
    waker = Waker(engine)
    handled, last_recover = 0, 0.0
    log.info("inbox handler started (%s)", engine.dialect.name)
    try:
        while not stop.is_set():
            try:
                if time.monotonic() - last_recover > RECOVER_EVERY_S:
                    last_recover = time.monotonic()
                    inbox.recover(pending=False, after=RECOVER_HANDLED_AFTER)
                    if periodic is not None:
                        periodic()
                n = inbox.handle_next(batch)
            except Exception:  # noqa: BLE001 - database away: wait and try again
                log.exception("inbox handling failed; retrying")
                stop.wait(poll_s)
                continue
            handled += n
            if n == 0:
                waker.wait(poll_s, stop)
    finally:
        waker.close()
        log.info("inbox handler stopped after %d events", handled)
    return handled
