"""Issue 13, 6: a slow LINE, a crash or a reply timeout never answer a user twice.

Each reply is marked done as its own call returns, so a process killed mid-batch leaves only the unanswered
replies `handled`; recovery asks LINE again with the same reply token (a used one is refused) instead of
pushing. A reply whose call got no answer is asked again with its token, never doubled by a push."""
from __future__ import annotations

import dataclasses
import threading
import time

from sqlmodel import select

from bot import create_app
from bot.dev.sandbox import events as ev
from bot.line.gateway import GatewayError
from bot.pipeline.inbox import store_events
from models.core import InboxEvent, OutboxMessage

USERS = [f"U{i:032x}" for i in range(0x71, 0x77)]
REPLY = "/v2/bot/message/reply"


class Killed(Exception):
    """The process died here: nothing after this line of the pipeline runs."""


def arrive_together(bot, line, clock, users, text="ถาม"):
    events = [ev.text_event(u, text, timestamp_ms=clock.ms()) for u in users]
    for event in events:
        line.issue_reply_token(event["source"]["userId"], event["replyToken"])
    bot.dispatcher.submit(store_events(bot.engine, events))


def statuses(db) -> dict[str, str]:
    with db() as s:
        return {r.line_user_id: r.status for r in s.exec(select(InboxEvent))}


def wait_until(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_a_crash_under_slow_line_answers_everyone_once_after_recovery(bot, line, clock, config, db):
    bot.router.text("ถาม", lambda ctx: [{"type": "text", "text": "ตอบ"}])
    never_sent, lost_answer = USERS[0], USERS[1]  # the kill came before one call, and during another
    dead = threading.Event()
    reply = bot.gateway.reply
    to_user = {}

    def dying(token, messages, **kw):
        user = to_user[token]
        if user == never_sent:
            dead.wait(20)
            raise Killed()
        sent = reply(token, messages, **kw)
        if user == lost_answer:  # LINE delivered it; the process died before hearing back
            dead.wait(20)
            raise Killed()
        return sent
    bot.gateway.reply = dying
    line.set_faults(latency_ms=100, only_paths=[REPLY])  # slow enough that each reply is marked on its return
    events = [ev.text_event(u, "ถาม", timestamp_ms=clock.ms()) for u in USERS]
    for event in events:
        to_user[event["replyToken"]] = event["source"]["userId"]
        line.issue_reply_token(event["source"]["userId"], event["replyToken"])
    bot.dispatcher.submit(store_events(bot.engine, events))
    answered = set(USERS) - {never_sent, lost_answer}
    # Marked as each call returned, while two calls of the same batch are still hanging.
    wait_until(lambda: {u for u, st in statuses(db).items() if st == "done"} == answered
               and line.count_deliveries(lost_answer) == 1)
    assert statuses(db)[never_sent] == statuses(db)[lost_answer] == "handled"

    restarted = create_app(config, clock=clock, recover_every_s=None)  # the process after kill -9
    try:
        clock.advance(seconds=45)
        assert restarted.extensions["bot"].dispatcher.recover() == 2
    finally:
        dead.set()  # the dead process's calls never come back
        restarted.extensions["bot"].close()
    line.set_faults()
    assert bot.dispatcher.wait_idle(10)
    for u in USERS:
        assert [(d.kind, d.messages[0]["text"]) for d in line.deliveries_for(u)] == [("reply", "ตอบ")], u
    assert set(statuses(db).values()) == {"done"}
    with db() as s:
        assert s.exec(select(OutboxMessage)).all() == []  # nothing pushed


def test_recovery_still_pushes_a_reply_whose_token_was_stale_when_handled(bot, line, clock, config, db):
    """A token already too old at handling was never used: its push is queued again (same key: at most once)."""
    bot.router.text("ถาม", lambda ctx: [{"type": "text", "text": "ตอบ"}])
    bot.gateway.reply = lambda *a, **kw: (_ for _ in ()).throw(AssertionError("stale token used"))
    u = USERS[0]
    event = ev.text_event(u, "ถาม", timestamp_ms=clock.ms() - 55_000)
    line.issue_reply_token(u, event["replyToken"])
    [(iid, _, _)] = store_events(bot.engine, [event])
    bot.dispatcher.inbox._decide([iid], {})  # handled and stored, then the process died before sending
    restarted = create_app(config, clock=clock, recover_every_s=None)
    try:
        clock.advance(seconds=45)
        assert restarted.extensions["bot"].dispatcher.recover() == 1
    finally:
        restarted.extensions["bot"].close()
    assert [d.kind for d in line.deliveries_for(u)] == ["push"]


def _app_with_timeout(config, clock, seconds):
    return create_app(dataclasses.replace(config, LINE_TIMEOUT_S=seconds), clock=clock, recover_every_s=None)


def test_a_reply_slower_than_the_client_timeout_is_not_doubled(config, clock, line, db):
    app = _app_with_timeout(config, clock, 0.25)
    bot = app.extensions["bot"]
    try:
        bot.router.text("ถาม", lambda ctx: [{"type": "text", "text": "ตอบ"}])
        line.set_faults(latency_ms=600, only_paths=[REPLY])  # LINE carries the reply out after we gave up
        arrive_together(bot, line, clock, USERS[:1])
        assert bot.dispatcher.wait_idle(10)
        assert line.count_deliveries(USERS[0], kind="push") == 0
        with db() as s:
            assert s.exec(select(OutboxMessage)).all() == []
        line.set_faults()  # wakes the two calls still waiting in LINE: only one can use the token
        wait_until(lambda: line.count_deliveries(USERS[0]) >= 1)
        assert [d.kind for d in line.deliveries_for(USERS[0])] == ["reply"]
        assert statuses(db) == {USERS[0]: "done"}
    finally:
        app.extensions["bot"].close()


def test_an_unanswered_reply_is_asked_again_with_its_token(bot, line, clock, db):
    """Timed out before reaching LINE: the second call delivers it. Timed out after LINE delivered it: the
    second call is refused (token used) and nothing is pushed. Either way: one answer."""
    bot.router.text("ถาม", lambda ctx: [{"type": "text", "text": "ตอบ"}])
    reply, first_calls = bot.gateway.reply, set()
    lost_on_the_way, lost_coming_back = USERS[0], USERS[1]
    to_user = {}

    def flaky(token, messages, **kw):
        user = to_user[token]
        if token not in first_calls:
            first_calls.add(token)
            if user == lost_on_the_way:
                raise GatewayError("retry", None, "ReadTimeoutError", unanswered=True)
            if user == lost_coming_back:
                reply(token, messages, **kw)
                raise GatewayError("retry", None, "ReadTimeoutError", unanswered=True)
        return reply(token, messages, **kw)
    bot.gateway.reply = flaky
    events = [ev.text_event(u, "ถาม", timestamp_ms=clock.ms()) for u in USERS[:2]]
    for event in events:
        to_user[event["replyToken"]] = event["source"]["userId"]
        line.issue_reply_token(event["source"]["userId"], event["replyToken"])
    bot.dispatcher.submit(store_events(bot.engine, events))
    assert bot.dispatcher.wait_idle(10)
    for u in USERS[:2]:
        assert [d.kind for d in line.deliveries_for(u)] == ["reply"], u
    assert set(statuses(db).values()) == {"done"}


def test_a_reply_that_could_not_connect_still_falls_back_to_push(bot, line, clock):
    """No connection was made: LINE never saw it, so the push is safe."""
    from bot.line.gateway import _not_connected
    import urllib3
    refused = urllib3.exceptions.NewConnectionError(None, "refused")
    assert _not_connected(urllib3.exceptions.MaxRetryError(None, "/", refused))
    assert not _not_connected(urllib3.exceptions.ReadTimeoutError(None, "/", "timed out"))
    bot.router.text("ถาม", lambda ctx: [{"type": "text", "text": "ตอบ"}])
    bot.gateway.reply = lambda *a, **kw: (_ for _ in ()).throw(GatewayError("retry", None, "refused"))
    arrive_together(bot, line, clock, USERS[:1])
    assert bot.dispatcher.wait_idle(10)
    assert [d.kind for d in line.deliveries_for(USERS[0])] == ["push"]
