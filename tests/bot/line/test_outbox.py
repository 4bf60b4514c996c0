"""The outbox sender: idempotent enqueue, retry keys, 409/429/400/5xx handling, concurrent senders."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import select

from bot.line import outbox
from models.core import OutboxMessage, utcnow


def users(n, prefix="U"):
    return [f"{prefix}{i:032x}" for i in range(n)]


def rows(db):
    with db() as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


HELLO = [{"type": "text", "text": "แจ้งเตือนทดสอบ"}]


def test_enqueue_is_idempotent_and_chunks_by_500(db):
    with db() as s:
        assert outbox.enqueue(s, "campaign:1", users(1200), HELLO) == 3
    with db() as s:
        assert outbox.enqueue(s, "campaign:1", users(1200), HELLO) == 0  # a job that runs twice adds nothing
    got = rows(db)
    assert [r.recipient_count for r in got] == [500, 500, 200]
    assert len({r.retry_key for r in got}) == 3
    assert sum((r.recipients for r in got), []) == users(1200)


def test_retry_after_500_reuses_the_retry_key_and_delivers_once(bot, db, line):
    with db() as s:
        outbox.enqueue(s, "k1", users(1)[0], HELLO)
    line.set_faults(fail_rate=1.0, fail_statuses=(500,))
    now = utcnow()
    assert outbox.send_due(bot.engine, bot.gateway, now=now) == {"sent": 0, "retry": 1, "dead": 0}
    row = rows(db)[0]
    assert row.status == "pending" and row.next_attempt_at > now and row.attempts == 1
    line.set_faults()
    assert outbox.send_due(bot.engine, bot.gateway, now=now)["sent"] == 0  # not due yet: backoff
    assert outbox.send_due(bot.engine, bot.gateway, now=row.next_attempt_at)["sent"] == 1
    deliveries = line.deliveries_for(users(1)[0])
    assert len(deliveries) == 1 and deliveries[0].retry_key == row.retry_key


def test_409_means_it_was_already_sent(bot, db, line):
    uid = users(1)[0]
    with db() as s:
        outbox.enqueue(s, "k409", uid, HELLO)
    row = rows(db)[0]
    first = bot.gateway.push(uid, HELLO, row.retry_key)  # it went out, then the sender died before recording it
    assert outbox.send_due(bot.engine, bot.gateway)["sent"] == 1
    row = rows(db)[0]
    assert row.status == "sent" and row.request_id == first.request_id
    assert len(line.deliveries_for(uid)) == 1


def test_429_backs_off(bot, db, line):
    with db() as s:
        outbox.enqueue(s, "k429", users(1)[0], HELLO)
    line.set_faults(fail_rate=1.0, fail_statuses=(429,))
    now = utcnow()
    outbox.send_due(bot.engine, bot.gateway, now=now)
    first_wait = rows(db)[0].next_attempt_at - now
    outbox.send_due(bot.engine, bot.gateway, now=rows(db)[0].next_attempt_at)
    second_wait = rows(db)[0].next_attempt_at - rows(db)[0].claimed_at
    assert timedelta(0) < first_wait < second_wait  # exponential
    assert rows(db)[0].status == "pending" and line.deliveries_for(users(1)[0]) == []


def test_400_is_dead_with_the_reason(bot, db, line):
    with db() as s:
        outbox.enqueue(s, "k400", users(1)[0], [{"type": "text", "text": "ก" * 5001}])
    assert outbox.send_due(bot.engine, bot.gateway)["dead"] == 1
    row = rows(db)[0]
    assert row.status == "dead" and row.last_error.startswith("400")
    assert outbox.send_due(bot.engine, bot.gateway, now=utcnow() + timedelta(days=1)) == {"sent": 0, "retry": 0, "dead": 0}


def test_a_sender_killed_mid_send_is_taken_over_without_a_duplicate(bot, db, line):
    uid = users(1)[0]
    with db() as s:
        outbox.enqueue(s, "kstale", uid, HELLO)
    claimed = outbox.claim_due(bot.engine, utcnow(), 10)  # claimed, sent, then the process died
    bot.gateway.push(uid, HELLO, claimed[0].retry_key)
    assert outbox.send_due(bot.engine, bot.gateway)["sent"] == 0  # someone holds it
    later = utcnow() + outbox.STALE_CLAIM + timedelta(seconds=1)
    assert outbox.send_due(bot.engine, bot.gateway, now=later)["sent"] == 1
    assert len(line.deliveries_for(uid)) == 1


def test_two_concurrent_senders_never_send_a_row_twice(bot, db, line):
    targets = users(120)
    with db() as s:
        for i, uid in enumerate(targets):
            outbox.enqueue(s, f"fan:{i}", uid, HELLO)
    line.set_faults(latency_ms=5)
    results = []

    def sender():
        results.append(outbox.drain(bot.engine, bot.gateway))

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["sent"] for r in results) == 120
    assert sorted(d.to for d in line.all_deliveries()) == sorted(targets)
    assert all(r.status == "sent" for r in rows(db))
