"""Issue 13: a database another process holds locked must not stall /callback: the webhook's insert waits
briefly, then 503 with Retry-After (LINE redelivers); every other writer keeps its long wait."""
from __future__ import annotations

import threading
import time

from sqlalchemy import create_engine, text
from sqlmodel import select

from bot.dev.sandbox import events as ev
from bot.pipeline.inbox import STORE_LOCK_WAIT_S
from models.core import InboxEvent, User, utcnow
from models.db import session_scope
from tests.conftest import PG, post_signed

U = "U" + "b" * 32


def _hold_lock(url):
    """Another process's connection, holding the database (SQLite) or the inbox table (PostgreSQL)."""
    if PG:
        engine = create_engine(url)
        conn = engine.connect()
        conn.execute(text('LOCK TABLE inboxevent, "user" IN EXCLUSIVE MODE'))
    else:
        engine = create_engine(url, connect_args={"isolation_level": None})
        conn = engine.connect()
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    return engine, conn


def test_a_locked_database_is_a_quick_503_and_other_writers_still_wait(client, bot, line, db_url, db):
    other, conn = _hold_lock(db_url)
    waited: list = []

    def long_writer():  # a handler's transaction: must wait for the lock, not fail after 1.5 s
        try:
            with session_scope(bot.engine) as s:
                s.add(User(line_user_id="U" + "c" * 32, status="new", following=True, mute_reminders=False,
                           created_at=utcnow(), updated_at=utcnow()))
            waited.append("ok")
        except Exception as exc:  # noqa: BLE001 - recorded for the assertion
            waited.append(exc)
    writer = threading.Thread(target=long_writer)
    try:
        event = ev.text_event(U, "สวัสดี")
        started = time.monotonic()
        resp = post_signed(client, ev.callback_body([event]))
        took = time.monotonic() - started
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"
        assert took < STORE_LOCK_WAIT_S + 2  # not the 30 s everything else waits
        writer.start()
        time.sleep(STORE_LOCK_WAIT_S + 0.5)  # the writer is past the webhook's short wait, still waiting
        assert waited == []
    finally:
        if PG:
            conn.rollback()
        else:
            conn.exec_driver_sql("ROLLBACK")
        conn.close()
        other.dispose()
    writer.join(30)
    assert waited == ["ok"]
    line.issue_reply_token(U, event["replyToken"])  # LINE redelivers once the lock is gone
    assert post_signed(client, ev.callback_body([dict(event, deliveryContext={"isRedelivery": True})])).status_code == 200
    assert bot.dispatcher.wait_idle(10)
    assert len(line.deliveries_for(U)) == 1
    with db() as s:
        assert [r.status for r in s.exec(select(InboxEvent))] == ["done"]
