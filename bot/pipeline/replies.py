"""Getting handlers' answers to users: a free reply while the token is fresh, else a push via the outbox.

`ReplySender` is built once per process with what it needs (engine, gateway, config, clock, its thread pool)
and handed to the inbox. The reply calls of a batch go out over as many sender threads as it takes to have
them all out within about 50 ms: all in parallel when LINE is far away (hundreds of ms: then they are what an answer waits for), one
after the other on the handler's own thread when LINE answers within a few ms, a few sequential runs in
between. Handing a call to a sender thread and back costs more CPU than a wait of a millisecond or two (about
0.2 ms per event, BENCHMARKS.md "Webhook"). `RoundTrip` decides from the calls it has timed.

Each reply is marked `done` soon after its own call returns (`_Marks`): a process killed while LINE is slow
leaves only the unanswered ones `handled`, and recovery asks LINE again with the same reply token before it
pushes anything (a used token is refused: the answer had arrived). Replies whose calls took less than
BUDGET_S wait for the next mark, so a LINE a few ms away still costs one statement per batch.
What replies did not carry is queued as pushes at the end, together with marking those events done.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, select, update

from bot.line import outbox
from bot.line.gateway import GatewayError
from models.autocommit import set_status
from models.core import InboxEvent, OutboxMessage, utcnow
from messages_th.limits import MESSAGES_PER_CALL
from models.db import connection_scope
from models.enums import InboxStatus, OutboxStatus

log = logging.getLogger("bot.pipeline.replies")
_INBOX = InboxEvent.__table__
_DONE = (update(_INBOX).where(_INBOX.c.id.in_(bindparam("ids", expanding=True)), _INBOX.c.status == InboxStatus.HANDLED)
         .values(status=InboxStatus.DONE))
_UNTRIED = (select(OutboxMessage.__table__.c.id)
            .where(OutboxMessage.__table__.c.key.in_(bindparam("keys", expanding=True)),
                   OutboxMessage.__table__.c.status == OutboxStatus.PENDING, OutboxMessage.__table__.c.attempts == 0).limit(1))


class RoundTrip:
    """A moving average of how long a reply call takes, to choose how many threads send a batch's replies.

    Enough threads that each one's calls, one after the other, are done within BUDGET_S: the last user of a
    batch then waits at most that much longer than the first. It starts by assuming LINE is far away (all in
    parallel). Calls on one thread are each timed, so a LINE that slows down is noticed within a few calls. Of
    calls on several threads only the fastest counts: the others also waited for their siblings at a busy
    server, which says nothing about what one call alone costs (counting them kept a local LINE looking
    slow forever).
    """
    BUDGET_S = 0.05
    WEIGHT = 0.2

    def __init__(self, initial_s: float = 0.1):
        self.mean_s = initial_s

    def observe(self, seconds: float) -> None:
        self.mean_s += self.WEIGHT * (seconds - self.mean_s)

    def threads_for(self, calls: int) -> int:
        return max(1, min(calls, math.ceil(calls * self.mean_s / self.BUDGET_S)))


def event_age(event: dict, now: datetime) -> timedelta:
    ts = event.get("timestamp")
    if not isinstance(ts, (int, float)):
        return timedelta(0)
    return now - datetime.fromtimestamp(ts / 1000, timezone.utc)


def _token_used(err: GatewayError) -> bool:
    """LINE's answer to a reply token that was already used (or has expired)."""
    return err.status == 400 and "reply token" in (err.message or "").lower()


class _Marks:
    """Marks a batch's replies `done` as their calls return. A call that took BUDGET_S or more is marked at
    once (a statement is nothing next to that wait), with whatever else is waiting; a faster one waits for
    the next such mark or the end of the batch: a LINE that answers in a few ms keeps one statement per batch.
    Calls returning while a mark is written join the next statement."""

    def __init__(self, engine):
        self.engine = engine
        self._lock = threading.Lock()
        self._ids: list[int] = []
        self._writing = False

    def sent(self, inbox_id: int, took: float | None) -> None:
        with self._lock:
            self._ids.append(inbox_id)
            if self._writing or took is None or took < RoundTrip.BUDGET_S:
                return
            self._writing = True
        try:
            while True:
                with self._lock:
                    ids, self._ids = self._ids, []
                    if not ids:
                        return
                set_status(self.engine, _INBOX, ids, InboxStatus.HANDLED, InboxStatus.DONE)
        finally:
            with self._lock:
                self._writing = False

    def take(self) -> list[int]:
        """What is still unmarked (every call has returned)."""
        with self._lock:
            ids, self._ids = self._ids, []
            return ids


def _reply_key(event: dict, n: int) -> str:
    return f"reply:{event.get('webhookEventId')}" + (f":{n}" if n else "")


class ReplySender:
    """Sends a batch's replies, then marks the batch `done` (queueing pushes for what replies did not carry).

    gateway None: nothing is sent (the pushes are queued for the worker). threads: the most reply calls of a
    batch in flight at once (1: one after the other on the caller's thread, no pool).
    """

    def __init__(self, engine, gateway, config, clock=utcnow, threads: int = 1):
        self.engine, self.gateway, self.clock = engine, gateway, clock
        self.token_max_age = timedelta(seconds=config.REPLY_TOKEN_MAX_AGE_S)
        self.threads = max(1, threads)
        self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="reply") \
            if self.threads > 1 else None
        self.round_trip = RoundTrip()  # whether LINE is slow enough to use the pool
        self._delivering: dict[int, float] = {}  # thread id -> when its deliver() began (monotonic)

    def shutdown(self) -> None:
        """Wait for the replies in flight (graceful stop: the last replies go out)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def _try_reply(self, event: dict, batches: list[list[dict]], force_push: bool,
                   again: bool = False) -> tuple[int, float | None, str | None]:
        """Send the first batch as a reply if the token allows. Returns how many batches are not to be pushed
        (0 or 1: 1 also when LINE may have delivered it), how long the call took (None: no call) and LINE's
        request id. again: an earlier call with this token may have gone out (recovery after a crash)."""
        token = event.get("replyToken")
        if not batches or not token or force_push or self.gateway is None:
            return 0, None, None
        # The token's age when the call goes out: a batch may have waited behind LINE latency. (Recovery asks
        # whatever the age: a refused token then means "maybe answered", and a reply costs nothing.)
        if not again and event_age(event, self.clock()) >= self.token_max_age:
            return 0, None, None
        wid = event.get("webhookEventId")
        started = time.perf_counter()
        try:
            sent = self.gateway.reply(token, batches[0], quiet=True)
            return 1, time.perf_counter() - started, sent.request_id
        except GatewayError as err:  # logged with its request id by the gateway
            took = time.perf_counter() - started
            if again:
                # The crashed call may have delivered it: a push could double it (README "Replies before pushes").
                log.warning("reply of %s %s on recovery; not pushed", wid,
                            "already used" if _token_used(err) else f"failed ({err.kind})")
                return 1, took, None
            if not err.unanswered:
                log.warning("reply failed for %s (%s); falling back to push", wid, err.kind)
                return 0, took, None
        # No answer (timeout): LINE may have delivered it. Ask once more with the same token: LINE refuses a used
        # token with 400, so only a reply that never arrived goes out now; still no answer: lost, not doubled.
        try:
            sent = self.gateway.reply(token, batches[0], quiet=True)
            return 1, took, sent.request_id
        except GatewayError as err:
            log.warning("reply of %s timed out; asked again: %s; not pushed", wid,
                        "token already used (it had arrived)" if _token_used(err) else f"{err.kind}, may be lost")
            return 1, took, None

    def redeliver(self, rows: list[tuple[int, dict, list[dict], datetime | None]]) -> None:
        """After a crash: (inbox id, event, messages, handled_at) of events handled but never marked done.
        A token already too old when the event was handled was never used (its push is queued again: same
        outbox key, so at most once); any other may have been, so LINE is asked again with it, never pushed."""
        def stale(event, handled_at):
            return handled_at is None or event_age(event, handled_at) >= self.token_max_age
        self.deliver([(i, e, m) for i, e, m, at in rows if stale(e, at)], force_push=True)
        self.deliver([(i, e, m) for i, e, m, at in rows if not stale(e, at)], again=True)

    def deliver(self, items: list[tuple[int, dict, list[dict]]], force_push: bool = False,
                again: bool = False) -> None:
        """items: (inbox id, event, messages) of handled events. Afterwards each is `done`: replied, or queued
        as a push. The replies of a batch go out on as many sender threads as LINE's round trip calls for
        (see RoundTrip); each is marked done soon after its call returns (see _Marks)."""
        if not items:
            return
        me = threading.get_ident()
        self._delivering[me] = time.monotonic()
        try:
            self._deliver(items, force_push, again)
        finally:
            self._delivering.pop(me, None)

    def waiting_on_line_s(self) -> float:
        """How long the oldest delivery now under way has waited (0: none): LINE being slow right now."""
        started = list(self._delivering.values())
        return time.monotonic() - min(started) if started else 0.0

    def _deliver(self, items, force_push: bool, again: bool) -> None:
        per = MESSAGES_PER_CALL
        split = [[m[i:i + per] for i in range(0, len(m), per)] for _, _, m in items]
        marks = _Marks(self.engine)

        def send(k: int) -> tuple[int, float | None, str | None]:
            result = self._try_reply(items[k][1], split[k], force_push, again)
            if result[0] == len(split[k]):  # nothing left to push: done now
                marks.sent(items[k][0], result[1])
            return result

        pace, n = self.round_trip, len(items)
        threads = min(pace.threads_for(n), self.threads) if self._pool is not None else 1
        if threads > 1:
            # Thread j sends items j, j + threads, ...: each thread's share one after the other.
            runs = list(self._pool.map(lambda j: [send(k) for k in range(j, n, threads)], range(threads)))
            results = [runs[k % threads][k // threads] for k in range(n)]
            timed = [t for _, t, _ in results if t is not None]
            if timed:
                pace.observe(min(timed))
        else:
            results = [send(k) for k in range(n)]
            for _, t, _ in results:
                if t is not None:
                    pace.observe(t)
        ids = [rid or "?" for sent, _, rid in results if sent]
        if ids:  # one line per batch (a log record per call was a tenth of a reply's CPU)
            log.info("LINE reply ok x%d request_ids=%s", len(ids), ",".join(ids))
        self._close(items, split, [sent for sent, _, _ in results], marks.take())

    def _close(self, items, split, sent, unmarked: list[int]) -> None:
        """Mark the rest of the batch done: one autocommit statement for replies not marked yet
        (models/autocommit.py); one transaction queues what the replies did not carry as pushes and marks
        those events done."""
        fallbacks = [(event, uid, n, batches[n]) for (_, event, _), batches, first in zip(items, split, sent)
                     if (uid := (event.get("source") or {}).get("userId")) for n in range(first, len(batches))]
        keys = [_reply_key(event, n) for event, _, n, _ in fallbacks]
        ids = [i for (i, _, _), batches, first in zip(items, split, sent) if first < len(batches)]
        if not fallbacks:  # nobody to push to (no user id): done all the same
            unmarked, ids = unmarked + ids, []
        if unmarked:
            # the usual case: one statement, autocommit
            set_status(self.engine, _INBOX, unmarked, InboxStatus.HANDLED, InboxStatus.DONE)
        if not ids:
            return
        with connection_scope(self.engine) as conn:
            outbox.enqueue_many(conn, [(key, uid, batch) for key, (_, uid, _, batch) in zip(keys, fallbacks)],
                                urgent=True, category="reply-fallback")
            conn.execute(_DONE, {"ids": ids})
        if self.gateway is not None:
            # send_due sends whatever is due first, not necessarily our rows. Another thread may take ours while
            # its own claim, with a `now` read before our row existed, finds nothing due: our row then waited for
            # the worker (or forever without one). Measured: 1 of 240 fallback users unanswered (BENCHMARKS.md
            # "Webhook"). So: try again, a few times, while our rows were never attempted.
            for _ in range(3):
                outbox.send_due(self.engine, self.gateway, now=utcnow(), limit=len(keys))
                if not _never_attempted(self.engine, keys):
                    break


def _never_attempted(engine, keys: list[str]) -> bool:
    with connection_scope(engine, readonly=True) as conn:
        return conn.execute(_UNTRIED, {"keys": keys}).first() is not None
