"""Who handles which stored event, when: per-user lanes on a small thread pool inside the web process.

Events of one user are handled in order, one at a time, and answered in order (a lane). Free handler threads
take the heads of waiting lanes, several at once when many wait: each takes its share of the waiting lanes, at
most MAX_BATCH, and the inbox handles them in one transaction (bot/pipeline/inbox.py), then sends their replies
over as many sender threads as LINE's round trip calls for (bot/pipeline/replies.py). Light load: batches of one and no waiting; heavy load: fewer, larger
transactions instead of a growing queue. Handling is CPU work under the GIL, so one handler thread per process
is the default (HANDLER_THREADS): it keeps batches full and leaves the CPU (and SQLite's one writer) to the
webhook's inserts; waiting for LINE is the senders' job (REPLY_THREADS). See README "Why threads".
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from bot.pipeline.inbox import MAX_BATCH, Inbox
from bot.pipeline.replies import ReplySender

log = logging.getLogger("bot.dispatcher")
HOLD_MAX_RTT_S = 0.05  # webhook backpressure applies only while LINE answers faster than this (local: 3-7 ms)


class Dispatcher:
    """inbox: handles batches; replies: the inbox's ReplySender (stopped last, so the last replies go out);
    gateway: downloads a photo before its event is handled (None: photos are not fetched beforehand)."""

    def __init__(self, inbox: Inbox, replies: ReplySender, gateway=None, threads: int = 1,
                 max_batch: int = MAX_BATCH):
        self.inbox, self._replies, self._gateway = inbox, replies, gateway
        # Photo downloads on their own threads: big files must not delay other users' replies.
        self._downloads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="download")
        self.threads, self.max_batch = threads, max_batch
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="inbox")
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._lanes: dict[str, deque] = {}  # lane -> its queued inbox ids; a lane is waiting or running
        self._waiting: deque[str] = deque()  # lanes with events and no thread on them
        self._queued: set[int] = set()       # ids submitted here and not yet finished
        self._photos: dict[int, str] = {}    # id -> LINE message id of a photo not downloaded yet
        self._content: dict[str, object] = {}  # message id -> (bytes, content type) or the GatewayError
        self._downloaded: dict[int, str] = {}  # id -> message id in _content (dropped once handled)
        self._workers = 0  # threads started on _work ...
        self._busy = 0     # ... of which handling a batch
        self._closed = False
        self.batches = self.events = 0  # handled so far (logged at shutdown: the mean batch size under load)

    # -- scheduling --------------------------------------------------------------------------------
    def submit(self, stored: list[tuple[int, str | None, str | None]]) -> None:
        """stored: what `store_events` returns, (inbox id, LINE user id, photo message id or None); a photo is
        downloaded before its event is handled."""
        with self._lock:
            for iid, uid, photo in stored:
                if photo and self._gateway is not None:
                    self._photos[iid] = photo
                lane = uid or f"event:{iid}"
                queue = self._lanes.get(lane)
                if queue is None:
                    queue = self._lanes[lane] = deque()
                    self._waiting.append(lane)
                queue.append(iid)  # a running lane gets it after its current event
                self._queued.add(iid)
            self._start_workers()

    def _start_workers(self) -> None:
        if self._closed:
            return  # shutting down: what is still queued is left to recovery
        # One more thread per waiting lane that no free thread is about to take.
        while self._workers < self.threads and self._workers - self._busy < len(self._waiting):
            self._workers += 1
            self._pool.submit(self._work)

    def _take(self) -> tuple[list[str], list[int]]:
        # Share what waits among the busy threads; one thread alone takes up to max_batch.
        size = min(self.max_batch, -(-len(self._waiting) // max(1, self._workers)))
        lanes, ids = [], []
        while self._waiting and len(lanes) < size:
            lane = self._waiting.popleft()
            iid = self._lanes[lane].popleft()
            photo = self._photos.pop(iid, None)
            if photo is not None:
                # Download first, on a download thread: a slow download holds neither this thread nor the
                # database; the lane waits (its order kept) and comes back with the photo in hand.
                self._downloads.submit(self._download, lane, iid, photo)
                continue
            lanes.append(lane)
            ids.append(iid)
        return lanes, ids

    def _download(self, lane: str, iid: int, message_id: str) -> None:
        try:
            content = self._gateway.get_content(message_id)
        except Exception as exc:  # noqa: BLE001 - the handler says so to the user (GatewayError) or logs it
            content = exc
        with self._lock:
            self._content[message_id] = content
            self._downloaded[iid] = message_id
            self._lanes[lane].appendleft(iid)
            self._waiting.append(lane)
            self._start_workers()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._waiting:
                    self._workers -= 1
                    return
                lanes, ids = self._take()
                if not ids:
                    continue  # all of them went to download their photos first
                self._busy += 1
                self.batches += 1
                self.events += len(ids)
            try:
                self.inbox.handle(ids, content=self._content)
            except Exception:  # noqa: BLE001 - one bad batch must not stop the thread
                log.exception("inbox events %s failed", ids)
            finally:
                with self._lock:
                    self._busy -= 1
                self._release(lanes, ids)

    def _release(self, lanes: list[str], ids: list[int]) -> None:
        with self._lock:
            for lane in lanes:
                if self._lanes[lane]:
                    self._waiting.append(lane)
                else:
                    del self._lanes[lane]
            self._queued.difference_update(ids)
            for iid in ids:
                self._content.pop(self._downloaded.pop(iid, ""), None)
            self._start_workers()
            self._idle.notify_all()

    def hold_while_backlogged(self, high: int, timeout: float) -> bool:
        """Backpressure for the webhook: block (at most `timeout`) while more than `high` events wait here.
        Under a flood the request threads' cheap accepting otherwise takes the CPU the one handler thread
        needs: events pile up unanswered until their reply tokens expire and answers become paid pushes.
        Holding the 200 a little slows LINE's sending to what this process can answer. True: not held back.
        Not while LINE itself is slow (its round trip, or a delivery under way, over HOLD_MAX_RTT_S): then the backlog waits for LINE, not
        for CPU, and holding would only bring the 200 near LINE's own timeout."""
        line_slow = lambda: (self._replies.round_trip.mean_s > HOLD_MAX_RTT_S  # noqa: E731
                             or self._replies.waiting_on_line_s() > HOLD_MAX_RTT_S)
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._queued) > high and not self._closed:
                left = deadline - time.monotonic()
                if line_slow():
                    return True
                if left <= 0:
                    return False
                self._idle.wait(min(left, HOLD_MAX_RTT_S / 2))  # look at LINE again soon
            return True

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every submitted event is handled (tests and graceful shutdown)."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._queued, timeout=timeout)

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
        if self.batches:
            log.info("handled %d events in %d batches; LINE reply round trip ~%.1f ms", self.events, self.batches,
                     self._replies.round_trip.mean_s * 1000)
        self._pool.shutdown(wait=True)      # no new batches ...
        self._downloads.shutdown(wait=True)
        self._replies.shutdown()            # ... and the last replies out

    # -- after a crash ----------------------------------------------------------------------------------
    def recover(self, now: datetime | None = None) -> int:
        """Events a killed process left behind (not the ones still queued here: those are late, not lost)."""
        with self._lock:
            skip = frozenset(self._queued)
        return self.inbox.recover(now, skip=skip)
