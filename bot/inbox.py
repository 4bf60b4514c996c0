"""The inbox: store webhook events before the 200, then handle each exactly once, off the request thread.

Handling runs in a small thread pool inside the web process (see README "Why threads"). Events of one user
are handled in order, one at a time. Claim and handling share one transaction, so a process killed while
handling leaves the event `pending` and `recover()` handles it later; the decided reply is stored with the
event (`handled`) before it is sent, so a crash after handling re-sends the reply as a push, never re-handles.
"""
from __future__ import annotations

import json
import logging
import threading
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot import delivery
from bot.context import Ctx
from bot.effects import run as run_effects
from models.core import ConversationState, InboxEvent, User, utcnow
from models.db import session_scope

log = logging.getLogger("bot.inbox")
RECOVER_AFTER = timedelta(seconds=30)  # older than this and still not done: its thread is gone
_INBOX = InboxEvent.__table__


_INSERT_IGNORE: dict = {}


def _insert_ignore(session, model, rows: list[dict], key: str):
    """INSERT .. ON CONFLICT (key) DO NOTHING. One statement per (dialect, table) with the rows as parameters, so
    SQLAlchemy compiles it once and caches it (`.values(rows)` built a new statement, compiled on every call:
    about a tenth of the CPU spent per webhook event, see BENCHMARKS.md "Webhook")."""
    dialect = session.bind.dialect.name
    stmt = _INSERT_IGNORE.get((dialect, model, key))
    if stmt is None:
        ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = _INSERT_IGNORE.setdefault((dialect, model, key),
                                         ins(model.__table__).on_conflict_do_nothing(index_elements=[key]))
    return session.connection().execute(stmt, rows)


def store_events(engine, events: list[dict]) -> list[tuple[int, str | None]]:
    """Insert events (already-known ids are ignored); returns (inbox id, LINE user id) of new pending rows."""
    if not events:
        return []
    now = utcnow()
    rows = []
    for ev in events:
        standby = ev.get("mode") == "standby"
        rows.append(dict(webhook_event_id=ev["webhookEventId"], event_type=str(ev.get("type", "?"))[:40],
                         line_user_id=(ev.get("source") or {}).get("userId"), payload=json.dumps(ev, ensure_ascii=False),
                         status="ignored" if standby else "pending", attempts=0, received_at=now))
    with session_scope(engine) as s:
        _insert_ignore(s, InboxEvent, rows, "webhook_event_id")
        t = _INBOX
        ids = s.connection().execute(select(t.c.id, t.c.webhook_event_id, t.c.status, t.c.received_at)
                                     .where(t.c.webhook_event_id.in_([r["webhook_event_id"] for r in rows]))).all()
    fresh = {wid: i for i, wid, status, received in ids if status == "pending" and received == now}
    return [(fresh[r["webhook_event_id"]], r["line_user_id"]) for r in rows if r["webhook_event_id"] in fresh]


class Dispatcher:
    def __init__(self, engine, router, config, gateway, clock=utcnow, threads: int = 4):
        self.engine, self.router, self.config, self.gateway, self.clock = engine, router, config, gateway, clock
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="inbox")
        self._lock = threading.Lock()
        self._queues: dict[str, deque] = defaultdict(deque)
        self._running: set[str] = set()
        self._idle = threading.Condition(self._lock)
        self._inflight = 0

    # -- scheduling: per-user FIFO on a shared pool ----------------------------------------------
    def submit(self, inbox_ids: list[int], user_ids: list[str | None]) -> None:
        with self._lock:
            for iid, uid in zip(inbox_ids, user_ids):
                lane = uid or f"event:{iid}"
                self._queues[lane].append(iid)
                self._inflight += 1
                if lane not in self._running:
                    self._running.add(lane)
                    self._pool.submit(self._drain_lane, lane)

    def _drain_lane(self, lane: str) -> None:
        while True:
            with self._lock:
                if not self._queues[lane]:
                    self._running.discard(lane)
                    del self._queues[lane]
                    return
                iid = self._queues[lane].popleft()
            try:
                self.process(iid)
            except Exception:  # noqa: BLE001 - one bad event must not stop the lane
                log.exception("inbox event %s failed", iid)
            finally:
                with self._lock:
                    self._inflight -= 1
                    self._idle.notify_all()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every submitted event is handled (tests and graceful shutdown)."""
        with self._lock:
            return self._idle.wait_for(lambda: self._inflight == 0, timeout=timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)

    # -- handling one event --------------------------------------------------------------------------
    def process(self, inbox_id: int) -> None:
        now = self.clock()
        try:
            with session_scope(self.engine, immediate=True) as s:
                # Table-level statements (not ORM ones, no ORM load of the row): same SQL, about half the CPU.
                claimed = s.connection().execute(
                    update(_INBOX).where(_INBOX.c.id == inbox_id, _INBOX.c.status == "pending")
                    .values(status="handled", attempts=_INBOX.c.attempts + 1, claimed_at=now)
                    .returning(_INBOX.c.payload)).first()
                if claimed is None:
                    return  # someone else has it, or it is done
                event = json.loads(claimed.payload)
                messages, effects = self._handle(s, event, now)
                s.connection().execute(update(_INBOX).where(_INBOX.c.id == inbox_id)
                                       .values(reply=messages, handled_at=now))
        except Exception as exc:  # noqa: BLE001 - a handler bug gets an apology, not silence
            log.exception("handler failed for inbox %s", inbox_id)
            messages = self._fail(inbox_id, exc)
            if messages is None:
                return
            event, effects = json.loads(self._payload(inbox_id)), []
        if effects and self.gateway is not None:
            run_effects(self.gateway, effects)
        delivery.deliver_reply(self, inbox_id, event, messages, now)

    def _handle(self, s, event: dict, now: datetime) -> list[dict]:
        uid = (event.get("source") or {}).get("userId")
        user = state = None
        if uid:
            _insert_ignore(s, User, [dict(line_user_id=uid, status="new", following=True, mute_reminders=False,
                                          created_at=now, updated_at=now)], "line_user_id")
            _insert_ignore(s, ConversationState, [dict(line_user_id=uid, draft={}, updated_at=now)], "line_user_id")
            user = s.scalars(select(User).where(User.line_user_id == uid)).one()
            q = select(ConversationState).where(ConversationState.line_user_id == uid)
            if s.bind.dialect.name == "postgresql":
                q = q.with_for_update()  # one handler per user at a time, across processes
            state = s.scalars(q).one()
        ctx = Ctx(session=s, event=event, user=user, state=state, now=now, config=self.config,
                  fetch_content=self.gateway.get_content if self.gateway else None)
        return self.router.dispatch(ctx), ctx.effects

    def _fail(self, inbox_id: int, exc: Exception) -> list[dict] | None:
        import messages_th.common as th
        with session_scope(self.engine, immediate=True) as s:
            row = s.get(InboxEvent, inbox_id)
            if row is None or row.status not in ("pending", "handled"):
                return None
            row.status, row.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
            row.reply = [th.server_busy()]
            return row.reply

    def _payload(self, inbox_id: int) -> str:
        with session_scope(self.engine) as s:
            return s.get(InboxEvent, inbox_id).payload

    # -- after a crash ---------------------------------------------------------------------------
    def recover(self, now: datetime | None = None) -> int:
        """Handle events stored but never handled, and send replies decided but never sent."""
        now = now or self.clock()
        cutoff = now - RECOVER_AFTER
        with session_scope(self.engine) as s:
            pending = s.execute(select(InboxEvent.id, InboxEvent.line_user_id).where(
                InboxEvent.status == "pending", InboxEvent.received_at < cutoff).order_by(InboxEvent.id)).all()
            handled = list(s.scalars(select(InboxEvent).where(
                InboxEvent.status == "handled", InboxEvent.handled_at < cutoff)))
        for row in handled:
            delivery.deliver_reply(self, row.id, json.loads(row.payload), row.reply or [], now, force_push=True)
        for iid, _uid in pending:
            self.process(iid)
        if pending or handled:
            log.info("recovered %d unhandled events and %d unsent replies", len(pending), len(handled))
        return len(pending) + len(handled)
