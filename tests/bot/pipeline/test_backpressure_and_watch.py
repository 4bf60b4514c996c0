"""The web side under a flood and when the worker is gone: a webhook is held (not refused) while this
process has too many events waiting, and a silent worker is reported by the web's own recovery loop."""
from __future__ import annotations

import threading
from datetime import timedelta

from bot.dev.sandbox import events as ev
from bot.pipeline.inbox import store_events
from bot.services.ops_status import write_heartbeat
from tests.conftest import post_signed, texts_to
from tests.factories import make_bureau, make_user


USERS = [f"U{i:032x}" for i in range(1, 4)]


def three_waiting(bot, line, clock) -> threading.Event:
    """Three users' events submitted, the first held inside its handler until the returned gate is set."""
    gate, started = threading.Event(), threading.Event()

    def slow(ctx):
        started.set()
        gate.wait(10)
        return [{"type": "text", "text": "ok"}]
    bot.router.text("ช้า", slow)
    events = [ev.text_event(u, "ช้า", timestamp_ms=clock.ms()) for u in USERS]
    for e in events:
        line.issue_reply_token(e["source"]["userId"], e["replyToken"])
    bot.dispatcher.submit(store_events(bot.engine, events))
    assert started.wait(10)
    return gate


def test_a_webhook_is_held_while_the_backlog_is_full_and_released_once_it_drains(bot, line, clock):
    gate = three_waiting(bot, line, clock)
    bot.pipeline.replies.round_trip.mean_s = 0.005  # LINE answers at once (as measured here): CPU is the limit
    # three events wait (one in the handler): above a backlog of 1 the request is held, for at most the timeout
    assert bot.dispatcher.hold_while_backlogged(1, timeout=0.05) is False
    gate.set()
    assert bot.dispatcher.hold_while_backlogged(1, timeout=10) is True
    assert bot.dispatcher.wait_idle(10)
    assert all(texts_to(line, u) == ["ok"] for u in USERS)  # held, never lost


def test_a_held_webhook_still_answers_200_and_its_event_is_answered(app, bot, line, clock):
    bot.config.WEBHOOK_BACKLOG = 1
    event = ev.text_event("U" + "a" * 32, "ช่วยเหลือ", timestamp_ms=clock.ms())
    line.issue_reply_token(event["source"]["userId"], event["replyToken"])
    assert post_signed(app.test_client(), ev.callback_body([event])).status_code == 200
    assert bot.dispatcher.wait_idle(10)
    assert texts_to(line, event["source"]["userId"])


def test_the_web_process_reports_a_silent_worker_to_the_admins(bot, db, line, clock):
    with db() as s:
        admin = make_user(s, make_bureau(s), roles=("admin",)).line_user_id
        write_heartbeat(s, clock() - timedelta(minutes=15), "worker-host", 4242)
    bot.pipeline.check_worker()
    bot.pipeline.check_worker()  # the next round of the loop (or another web process): once per silence
    assert len(texts_to(line, admin)) == 1


def test_with_external_handlers_the_webhook_is_held_by_the_shared_backlog(bot, line, clock):
    from bot.pipeline.consumer import Backlog
    events = [ev.text_event(f"U{i:032x}", "ช่วยเหลือ", timestamp_ms=clock.ms()) for i in range(1, 4)]
    store_events(bot.engine, events)  # stored, no handler running: three wait
    backlog = Backlog(bot.engine, every_s=0.01)
    try:
        assert backlog.hold(2, timeout=0.2) is False
        assert backlog.waiting == 3
        assert backlog.hold(3, timeout=5) is True
    finally:
        backlog.stop()


def test_no_webhook_is_held_while_line_itself_is_slow(bot, line, clock):
    gate = three_waiting(bot, line, clock)
    bot.pipeline.replies.round_trip.mean_s = 3.0  # replies take 3 s: the backlog waits for LINE, not for CPU
    try:
        assert bot.dispatcher.hold_while_backlogged(1, timeout=5) is True
    finally:
        gate.set()
    assert bot.dispatcher.wait_idle(10)
