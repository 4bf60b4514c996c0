"""The inbox: store webhook events before the 200, then handle each exactly once, off the request thread.

Claim and handling share one transaction, so a process killed while handling leaves the event `pending` and
`recover()` handles it later; the decided reply is stored with the event (`handled`) before it is sent, so a
crash after handling re-sends the reply as a push, never re-handles.

Under load, events of different users are handled in batches: one transaction claims, handles and stores the
replies of up to MAX_BATCH events, and one statement marks them sent (bot/pipeline/replies.py). Per event, that saves
two transactions and five statements, which were most of the CPU per webhook event (BENCHMARKS.md "Webhook").
If any handler of a batch fails, the batch is rolled back and each event is handled on its own, so a bug in one
flow costs the others nothing but a second try. Which events form a batch is bot/pipeline/dispatcher.py's
business.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from bot.conversation.context import Ctx
from models.core import ConversationState, InboxEvent, User, utcnow
from models.autocommit import insert_ignore_returning
from models.db import session_scope
from models.enums import InboxStatus, UserStatus
from models.sql import insert_ignore

log = logging.getLogger("bot.inbox")
RECOVER_AFTER = timedelta(seconds=30)  # older than this and still not done: its thread is gone
# Handler processes cannot see each other's replies in flight: they take over an unsent reply only when no
# live process can still be sending it (LINE's timeouts and retries end well before; the token has expired).
RECOVER_HANDLED_AFTER = timedelta(minutes=2)
# The webhook's insert waits at most this long for a database another process holds, then /callback says
# 503 and LINE redelivers: LINE wants its answer within 2 s, so a longer wait only stalls the request.
STORE_LOCK_WAIT_S = 1.5
MAX_BATCH = 32  # measured against 16: about 10% more answers per second under load (BENCHMARKS.md "Webhook")
_INBOX = InboxEvent.__table__
# Built once: building a statement costs about as much as running it (SQLAlchemy caches the compiled form,
# not the construction).
# The claim writes nothing: the pending rows are read (and on PostgreSQL locked; rows another process is
# handling right now are skipped, not waited for), and written once, with the reply, at the end of the same
# transaction. A claim that wrote the status first made every event's row three versions instead of two.
_PENDING = select(_INBOX.c.id, _INBOX.c.payload).where(_INBOX.c.id.in_(bindparam("ids", expanding=True)),
                                                      _INBOX.c.status == InboxStatus.PENDING)
_PENDING_LOCKED = _PENDING.with_for_update(skip_locked=True)
# Handler processes (bot/pipeline/consumer.py) pick events themselves: the oldest of each user whose earlier
# events are all answered (none pending, none handled and unsent), so one user's events are handled and
# answered in order whichever process takes them. On PostgreSQL the chosen rows are locked and rows another
# process holds are skipped: the one it holds is its user's head, so that user's later events are not eligible.
_EARLIER = _INBOX.alias("earlier")
_NEXT = (select(_INBOX.c.id, _INBOX.c.payload)
         .where(_INBOX.c.status == InboxStatus.PENDING,
                ~select(_EARLIER.c.id).where(_EARLIER.c.line_user_id == _INBOX.c.line_user_id,
                                             _EARLIER.c.status.in_((InboxStatus.PENDING, InboxStatus.HANDLED)),
                                             _EARLIER.c.id < _INBOX.c.id).exists())
         .order_by(_INBOX.c.received_at, _INBOX.c.id).limit(bindparam("n")))
_NEXT_LOCKED = _NEXT.with_for_update(skip_locked=True, of=_INBOX)
_USERS = select(User).where(User.line_user_id.in_(bindparam("uids", expanding=True)))
_STATES = select(ConversationState).where(ConversationState.line_user_id.in_(bindparam("uids", expanding=True)))
# PostgreSQL: one handler per user at a time, across processes; one lock order for every process.
_STATES_LOCKED = _STATES.order_by(ConversationState.line_user_id).with_for_update()
_AT = bindparam("b_at", type_=_INBOX.c.handled_at.type)
_STORE_REPLY = (update(_INBOX).where(_INBOX.c.id == bindparam("b_id"), _INBOX.c.status == InboxStatus.PENDING)
                .values(status=InboxStatus.HANDLED, attempts=_INBOX.c.attempts + 1, claimed_at=_AT, handled_at=_AT,
                        reply=bindparam("b_reply", type_=_INBOX.c.reply.type)))


def photo_id(event: dict) -> str | None:
    """The message id of an image event whose content LINE holds (what a handler may download)."""
    msg = event.get("message") or {}
    if event.get("type") == "message" and msg.get("type") == "image" and isinstance(msg.get("id"), str) \
            and (msg.get("contentProvider") or {}).get("type", "line") == "line":
        return msg["id"]
    return None


def _id_ok(value) -> bool:
    return value is None or (isinstance(value, str) and 0 < len(value) <= 64 and value.isascii()
                             and value.isprintable())


def _str_or_none(obj: dict, *names: str) -> bool:
    return all(isinstance(obj.get(n), (str, type(None))) for n in names)


def event_problem(ev: dict) -> str | None:
    """What makes a signed event unusable (None: fine). Only the fields the pipeline and Ctx read, so that a
    bad one is stored as ignored instead of failing the whole insert (a 100-character userId on PostgreSQL)
    or a handler. The reason names fields only, never their values (logged)."""
    if not _id_ok(ev.get("type")):
        return "type is not an event type"
    source = ev.get("source")
    if source is not None:
        if not isinstance(source, dict):
            return "source is not an object"
        if not all(_id_ok(source.get(k)) for k in ("userId", "groupId", "roomId")) or not _str_or_none(source, "type"):
            return "source ids are not LINE ids"
    if not _str_or_none(ev, "replyToken", "mode"):
        return "replyToken or mode is not a string"
    msg = ev.get("message")
    if msg is not None and not (isinstance(msg, dict) and _str_or_none(msg, "type", "id", "text")
                                and isinstance(msg.get("contentProvider"), (dict, type(None)))):
        return "message is malformed"
    postback = ev.get("postback")
    if postback is not None and not (isinstance(postback, dict) and _str_or_none(postback, "data")
                                     and isinstance(postback.get("params"), (dict, type(None)))):
        return "postback is malformed"
    return None


def store_events(engine, events: list[dict]) -> list[tuple[int, str | None, str | None]]:
    """Insert events (already-known ids are ignored); returns (inbox id, LINE user id, photo message id) of
    the new pending rows. A malformed event is stored as ignored, without its content."""
    if not events:
        return []
    now = utcnow()
    rows = []
    for ev in events:
        problem = event_problem(ev)
        if problem is None:
            try:
                payload = json.dumps(ev, ensure_ascii=False)
                if not payload.isascii():
                    payload.encode()  # a lone surrogate ("\ud800") cannot be stored: the whole insert failed
            except (RecursionError, ValueError):  # nested too deep to write back; UnicodeEncodeError
                problem = "nested too deep or not Unicode"
        if problem is not None:
            log.warning("webhook event %s ignored: %s", ev["webhookEventId"], problem)
            ev = {"webhookEventId": ev["webhookEventId"], "type": ev["type"] if _id_ok(ev["type"]) else "?",
                  "invalid": problem}
            payload = json.dumps(ev)
        standby = problem is not None or ev.get("mode") == "standby"
        rows.append(dict(webhook_event_id=ev["webhookEventId"], event_type=str(ev.get("type", "?"))[:40],
                         line_user_id=(ev.get("source") or {}).get("userId"), payload=payload,
                         status=InboxStatus.IGNORED if standby else InboxStatus.PENDING, attempts=0, received_at=now))
    # One statement, in autocommit: rows already there (redeliveries) return nothing.
    added = dict((wid, i) for i, wid in
                 insert_ignore_returning(engine, _INBOX, rows, "webhook_event_id", ("id", "webhook_event_id"),
                                         lock_wait_s=STORE_LOCK_WAIT_S))
    # In the callback's order (RETURNING promises none): one user's events must reach the dispatcher in order.
    return [(added.pop(r["webhook_event_id"]), r["line_user_id"], photo_id(ev)) for r, ev in zip(rows, events)
            if r["status"] == InboxStatus.PENDING and r["webhook_event_id"] in added]


class Inbox:
    """Handles stored events: claim, route, store the reply; then runs the effects and hands the replies on.

    replies: a ReplySender (bot/pipeline/replies.py); effects: an EffectRunner, None when there is no LINE;
    gateway: where photos not downloaded beforehand come from (None: no LINE to download from).
    """

    def __init__(self, engine, router, config, replies, effects=None, gateway=None, clock=utcnow):
        self.engine, self.router, self.config, self.clock = engine, router, config, clock
        self.replies, self.effects, self.gateway = replies, effects, gateway

    def handle(self, inbox_ids: list[int], content: dict | None = None) -> None:
        """Handle these events (of different users, or one user's in order) in one transaction, then deliver
        the replies. content: photos downloaded beforehand, by message id (the dispatcher drops them after)."""
        items, effects = self._decide(inbox_ids, content if content is not None else {})
        try:
            if effects and self.effects is not None:
                self.effects.run(effects)
        finally:
            # An effect that raises (a bug: unknown kind, wrong arguments) still lets the answers go out;
            # its exception goes on to the dispatcher, which logs it with the traceback.
            self.replies.deliver(items)

    def _fetcher(self, content: dict):
        if self.gateway is None:
            return None

        def fetch(message_id: str) -> tuple[bytes, str]:
            got = content.get(message_id)  # kept until the batch is done: a retried batch needs it again
            if got is None:
                return self.gateway.get_content(message_id)  # not downloaded beforehand (recovery)
            if isinstance(got, Exception):
                raise got
            return got
        return fetch

    def handle_next(self, limit: int = MAX_BATCH) -> int:
        """Claim and handle up to `limit` waiting events (each its user's next), then deliver; the number
        handled (0: nothing was waiting that this process may take). For handler processes."""
        claimed: list[int] = []
        items, effects = self._decide(None, {}, limit=limit, claimed=claimed)
        try:
            if effects and self.effects is not None:
                self.effects.run(effects)
        finally:
            self.replies.deliver(items)
        return len(claimed)

    def _decide(self, inbox_ids: list[int] | None, content: dict, limit: int = MAX_BATCH,
                claimed: list | None = None) -> tuple[list[tuple[int, dict, list[dict]]], list]:
        """The batch's (inbox id, event, messages) and, in order, the effects its handlers asked for.
        inbox_ids None: the next `limit` waiting events (their ids are appended to `claimed`)."""
        now = self.clock()
        try:
            with session_scope(self.engine, immediate=True) as s:
                if inbox_ids is None:
                    conn = s.connection()
                    rows = conn.execute(_NEXT_LOCKED if conn.dialect.name == "postgresql" else _NEXT,
                                        {"n": limit}).all()
                    inbox_ids = [r[0] for r in rows]
                    if claimed is not None:
                        claimed.extend(inbox_ids)
                    if not rows:
                        return [], []
                    done = self._handle_in(s, inbox_ids, now, self._fetcher(content), claimed=dict(rows))
                else:
                    done = self._handle_in(s, inbox_ids, now, self._fetcher(content))
        except Exception as exc:  # noqa: BLE001 - a handler bug gets an apology, not silence
            if not inbox_ids:
                raise  # the claim itself failed (database away): nothing was taken; the caller waits and retries
            if len(inbox_ids) > 1:
                log.warning("batch of %d failed (%s); handling each on its own", len(inbox_ids), exc)
                items, effects = [], []
                for iid in inbox_ids:
                    one_items, one_effects = self._decide([iid], content)
                    items += one_items
                    effects += one_effects
                return items, effects
            log.exception("handler failed for inbox %s", inbox_ids[0])
            messages = self._fail(inbox_ids[0], exc)
            if messages is None:
                return [], []
            done = [(inbox_ids[0], json.loads(self._payload(inbox_ids[0])), messages, [])]
        return [(iid, event, messages) for iid, event, messages, _ in done], [e for *_, fx in done for e in fx]

    def _handle_in(self, s, inbox_ids: list[int], now: datetime, fetch, claimed: dict | None = None) -> list[tuple]:
        conn = s.connection()
        if claimed is None:
            # Table-level statements (not ORM ones, no ORM load of the rows): same SQL, about half the CPU.
            pending = _PENDING_LOCKED if conn.dialect.name == "postgresql" else _PENDING  # SQLite: BEGIN IMMEDIATE
            claimed = dict(conn.execute(pending, {"ids": inbox_ids}).all())
        if not claimed:
            return []  # someone else has them, or they are done
        events = [(iid, json.loads(claimed[iid])) for iid in inbox_ids if iid in claimed]
        users, states = self._actors(s, {(e.get("source") or {}).get("userId") for _, e in events} - {None}, now)
        out = []
        for iid, event in events:
            uid = (event.get("source") or {}).get("userId")
            ctx = Ctx(session=s, event=event, user=users.get(uid), state=states.get(uid), now=now,
                      config=self.config, fetch_content=fetch)
            out.append((iid, event, self.router.dispatch(ctx), ctx.effects))
        s.flush()  # the handlers' ORM changes first: the replies below go straight to the connection
        conn.execute(_STORE_REPLY, [dict(b_id=iid, b_reply=messages, b_at=now) for iid, _, messages, _ in out])
        return out

    def _actors(self, s, uids: set[str], now: datetime) -> tuple[dict, dict]:
        """Users and conversation states by LINE id, created on first contact."""
        if not uids:
            return {}, {}
        uids = sorted(uids)
        conn = s.connection()
        insert_ignore(conn, User.__table__, [dict(line_user_id=u, status=UserStatus.NEW, following=True, mute_reminders=False,
                                                  created_at=now, updated_at=now) for u in uids], "line_user_id")
        insert_ignore(conn, ConversationState.__table__, [dict(line_user_id=u, draft={}, updated_at=now) for u in uids],
                      "line_user_id")
        users = {u.line_user_id: u for u in s.scalars(_USERS, {"uids": uids})}
        states = s.scalars(_STATES_LOCKED if s.bind.dialect.name == "postgresql" else _STATES, {"uids": uids})
        return users, {st.line_user_id: st for st in states}

    def _fail(self, inbox_id: int, exc: Exception) -> list[dict] | None:
        import messages_th.common as th
        with session_scope(self.engine, immediate=True) as s:
            row = s.get(InboxEvent, inbox_id)
            if row is None or row.status not in (InboxStatus.PENDING, InboxStatus.HANDLED):
                return None
            row.status, row.error = InboxStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
            row.reply = [th.server_busy()]
            return row.reply

    def _payload(self, inbox_id: int) -> str:
        with session_scope(self.engine) as s:
            return s.get(InboxEvent, inbox_id).payload

    # -- after a crash ---------------------------------------------------------------------------
    def recover(self, now: datetime | None = None, skip: frozenset | set = frozenset(), pending: bool = True,
                after: timedelta = RECOVER_AFTER) -> int:
        """Handle events stored but never handled, and send replies decided but never sent. `skip`: ids this
        process still has queued (they are late, not lost; taking them here would break per-user order).
        pending False: only the unsent replies (handler processes take every pending event anyway)."""
        now = now or self.clock()
        cutoff = now - after
        with session_scope(self.engine, readonly=True) as s:
            pending = [i for i in s.scalars(select(InboxEvent.id).where(
                InboxEvent.status == InboxStatus.PENDING, InboxEvent.received_at < cutoff).order_by(InboxEvent.id))
                if i not in skip] if pending else []
            handled = [r for r in s.execute(select(InboxEvent.id, InboxEvent.payload, InboxEvent.reply,
                                                   InboxEvent.handled_at).where(
                InboxEvent.status == InboxStatus.HANDLED, InboxEvent.handled_at < cutoff).order_by(InboxEvent.id)).all()
                if r.id not in skip]
        if handled:
            # Their replies may have gone out just before the crash: asked again with the same token, not pushed.
            self.replies.redeliver([(r.id, json.loads(r.payload), r.reply or [], r.handled_at) for r in handled])
        for i in range(0, len(pending), MAX_BATCH):
            self.handle(pending[i:i + MAX_BATCH])  # in id order: one user's events stay in order
        if pending or handled:
            log.info("recovered %d unhandled events and %d unsent replies", len(pending), len(handled))
        return len(pending) + len(handled)
