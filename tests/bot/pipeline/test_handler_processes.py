"""Handler processes (INBOX_HANDLERS=external, `python -m bot.pipeline`): the web only stores; any number of
handlers take the events, each user's in order, each exactly once, even when one is killed mid-batch."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time

import pytest
from sqlmodel import select

from bot.conversation.router import Router
from bot.dev.sandbox import events as ev
from bot.line.gateway import LineGateway
from bot.pipeline import consumer
from bot.pipeline.inbox import Inbox, store_events
from bot.pipeline.replies import ReplySender
from models.core import ConversationState, InboxEvent
from models.db import make_engine, session_scope
from tests.conftest import PG, post_signed, texts_to

USERS = [f"U{i:032x}" for i in range(1, 9)]


def recording(router: Router, slow=None) -> Router:
    """Texts "ลำดับ…" are appended to the user's state (same transaction as the handling) and echoed."""
    def echo(ctx):
        seen = list(ctx.state.draft.get("seen", []))
        ctx.state.draft = {"seen": seen + [ctx.text]}
        return [{"type": "text", "text": f"{ctx.text} #{len(seen)}"}]
    router.text_prefix("ลำดับ", echo)
    router.text("ช้า", slow or echo)
    return router


def make_inbox(config, router) -> Inbox:
    engine = make_engine(config.DATABASE_URL)
    gateway = LineGateway.from_config(config)
    return Inbox(engine, router, config, ReplySender(engine, gateway, config), None, gateway)


def arrive(line, events, engine) -> None:
    for event in events:
        line.issue_reply_token(event["source"]["userId"], event["replyToken"])
    assert store_events(engine, events)


def wait_all_done(engine, n: int, timeout: float = 30.0) -> list[InboxEvent]:
    deadline = time.monotonic() + timeout
    while True:
        with session_scope(engine) as s:
            rows = s.exec(select(InboxEvent)).all()
            if sum(r.status == "done" for r in rows) == n or time.monotonic() > deadline:
                return rows
        time.sleep(0.05)  # polling a condition with a deadline, not waiting for a time to pass


def seen_by_user(engine) -> dict[str, list[str]]:
    with session_scope(engine) as s:
        return {st.line_user_id: st.draft.get("seen", []) for st in s.exec(select(ConversationState))}


def start_threads(config, n: int, **kw):
    stop = threading.Event()
    inboxes = [make_inbox(config, recording(Router())) for _ in range(n)]
    threads = [threading.Thread(target=consumer.run, args=(ib, ib.engine, stop), kwargs=kw, daemon=True)
               for ib in inboxes]
    for t in threads:
        t.start()
    return stop, threads, inboxes


def stop_threads(stop, threads, inboxes):
    stop.set()
    for t in threads:
        t.join(10)
    for ib in inboxes:
        ib.replies.shutdown()
        ib.engine.dispose()


def test_two_handlers_answer_every_event_once_and_each_user_in_order(bot, line, clock, config):
    stop, threads, inboxes = start_threads(config, 2, poll_s=0.05)
    try:
        events = [ev.text_event(u, f"ลำดับ{k}", timestamp_ms=clock.ms()) for k in (1, 2, 3, 4) for u in USERS]
        arrive(line, events, bot.engine)
        rows = wait_all_done(bot.engine, len(events))
    finally:
        stop_threads(stop, threads, inboxes)
    assert [r.status for r in rows] == ["done"] * len(events)
    assert {r.attempts for r in rows} == {1}  # handled once each
    for u in USERS:
        assert seen_by_user(bot.engine)[u] == ["ลำดับ1", "ลำดับ2", "ลำดับ3", "ลำดับ4"]
        assert texts_to(line, u) == ["ลำดับ1 #0", "ลำดับ2 #1", "ลำดับ3 #2", "ลำดับ4 #3"]  # answered in order too
        assert [d.kind for d in line.deliveries_for(u)] == ["reply"] * 4


def test_with_external_handlers_the_web_only_stores_and_a_handler_answers(line, clock, config):
    from bot import create_app
    from dataclasses import replace
    app = create_app(replace(config, INBOX_HANDLERS="external"), clock=clock, recover_every_s=None)
    web = app.extensions["bot"]
    try:
        event = ev.text_event(USERS[0], "ลำดับ1", timestamp_ms=clock.ms())
        line.issue_reply_token(USERS[0], event["replyToken"])
        assert post_signed(app.test_client(), ev.callback_body([event])).status_code == 200
        assert web.dispatcher.wait_idle(5)
        with session_scope(web.engine) as s:
            assert [r.status for r in s.exec(select(InboxEvent))] == ["pending"]  # not handled in the web
        assert texts_to(line, USERS[0]) == []
        # PostgreSQL: the web's NOTIFY wakes a handler that would otherwise look again only after a minute
        stop, threads, inboxes = start_threads(config, 1, poll_s=60 if PG else 0.05)
        try:
            second = ev.text_event(USERS[0], "ลำดับ2", timestamp_ms=clock.ms())
            line.issue_reply_token(USERS[0], second["replyToken"])
            assert post_signed(app.test_client(), ev.callback_body([second])).status_code == 200
            wait_all_done(web.engine, 2, timeout=20)
        finally:
            stop_threads(stop, threads, inboxes)
        assert texts_to(line, USERS[0]) == ["ลำดับ1 #0", "ลำดับ2 #1"]
    finally:
        web.close()


def test_a_bad_setting_for_who_handles_is_refused():
    from bot.config import Config, ConfigError
    with pytest.raises(ConfigError, match="INBOX_HANDLERS"):
        Config.from_env({"INBOX_HANDLERS": "celery", "APP_ENV": "development"}).validate()


# -- killed mid-batch (PostgreSQL: two real processes) -----------------------------------------------------
def _victim(config, inside, stop_file):
    """A handler process that claims a batch and dies inside it (the parent SIGKILLs it)."""
    def slow(ctx):
        inside.set()
        while not os.path.exists(stop_file):
            time.sleep(0.05)
        raise SystemExit  # never reached in the test: the process is killed first
    inbox = make_inbox(config, recording(Router(), slow=slow))
    consumer.run(inbox, inbox.engine, threading.Event(), poll_s=0.05)


def _survivor(config, done):
    inbox = make_inbox(config, recording(Router()))
    stop = threading.Event()
    threading.Thread(target=lambda: (done.wait(), stop.set()), daemon=True).start()
    consumer.run(inbox, inbox.engine, stop, poll_s=0.05)
    inbox.replies.shutdown()


@pytest.mark.skipif(not PG, reason="handler processes on several hosts are a PostgreSQL setup (SKIP LOCKED)")
def test_a_handler_killed_mid_batch_loses_nothing_and_handles_nothing_twice(bot, line, clock, config, tmp_path):
    ctx = mp.get_context("fork")
    inside, done = ctx.Event(), ctx.Event()
    bot.engine.dispose()  # no pooled connection crosses the fork
    # The victim's batch is every user's head: the others' first events, then USERS[0]'s slow one, on which
    # it stops with the others handled but not committed.
    events = [ev.text_event(u, "ลำดับ1", timestamp_ms=clock.ms()) for u in USERS[1:]]
    events += [ev.text_event(USERS[0], "ช้า", timestamp_ms=clock.ms()),
               ev.text_event(USERS[0], "ลำดับ1", timestamp_ms=clock.ms())]
    events += [ev.text_event(u, f"ลำดับ{k}", timestamp_ms=clock.ms()) for k in (2, 3) for u in USERS]
    arrive(line, events, bot.engine)
    bot.engine.dispose()
    victim = ctx.Process(target=_victim, args=(config, inside, str(tmp_path / "never")))
    victim.start()
    survivor = None
    try:
        assert inside.wait(20), "the first handler never reached the slow event"
        survivor = ctx.Process(target=_survivor, args=(config, done))
        survivor.start()
        # While the victim holds its batch, the survivor may take only other users' events, never USERS[0]'s.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and texts_to(line, USERS[1]) != ["ลำดับ1 #0", "ลำดับ2 #1", "ลำดับ3 #2"]:
            time.sleep(0.05)
        assert all(texts_to(line, u) == [] for u in USERS)  # the victim's batch holds every user's head
        os.kill(victim.pid, signal.SIGKILL)  # mid-batch: its transaction is open, nothing of it committed
        victim.join(10)
        rows = wait_all_done(bot.engine, len(events))
    finally:
        done.set()
        if victim.is_alive():
            victim.kill()
        if survivor is not None:
            survivor.join(15)
    assert sorted(r.status for r in rows) == ["done"] * len(events)
    assert {r.attempts for r in rows} == {1}  # the killed batch left no trace; each event handled once
    seen = seen_by_user(bot.engine)
    assert seen[USERS[0]] == ["ช้า", "ลำดับ1", "ลำดับ2", "ลำดับ3"]
    for u in USERS[1:]:
        assert seen[u] == ["ลำดับ1", "ลำดับ2", "ลำดับ3"]
        assert len(line.deliveries_for(u)) == 3  # nobody answered twice
    assert texts_to(line, USERS[0]) == ["ช้า #0", "ลำดับ1 #1", "ลำดับ2 #2", "ลำดับ3 #3"]
