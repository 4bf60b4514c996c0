"""PDPA retention: old webhook payloads are blanked (a redelivery is still recognised), old finished pushes
deleted, recent and pending ones kept; the nightly job does it only on the clock holder."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.dev.sandbox import events as ev
from bot.line import outbox
from bot.services.retention import EXPIRED, purge
from models.core import InboxEvent, OutboxMessage, utcnow
from models.worker import take_lease
from scheduler import retention
from scheduler.jobs import LEASE, LEASE_TTL

U = "U" + "b" * 32
SECRET_TEXT = "เบอร์โทรส่วนตัว 081-000-0000"


def _age_inbox(db, days):
    with db() as s:
        for row in s.exec(select(InboxEvent)):
            row.received_at = utcnow() - timedelta(days=days)
            s.add(row)


def test_old_payloads_are_blanked_and_a_redelivery_is_still_not_answered_twice(send, db, bot, line):
    event = ev.text_event(U, SECRET_TEXT, timestamp_ms=None)
    send(event)
    replies = line.count_deliveries(U)
    _age_inbox(db, 31)
    send(ev.text_event(U, "ข้อความใหม่"))  # a recent one stays as it is
    assert purge(bot.engine, utcnow(), inbox_days=30, outbox_days=90)["inbox"] == 1
    with db() as s:
        rows = {r.webhook_event_id: r for r in s.exec(select(InboxEvent))}
    old = rows[event["webhookEventId"]]
    assert old.payload == EXPIRED and old.line_user_id is None and not old.reply
    assert SECRET_TEXT not in str([r.payload for r in rows.values()])
    assert len([r for r in rows.values() if r.payload != EXPIRED]) == 1
    before = line.count_deliveries(U)
    send({**event, "deliveryContext": {"isRedelivery": True}}, issue_token=False)  # LINE redelivers the old one
    assert line.count_deliveries(U) == before and replies >= 1
    assert purge(bot.engine, utcnow(), inbox_days=30, outbox_days=90) == {"inbox": 0, "outbox": 0}  # idempotent


def test_finished_outbox_rows_older_than_the_period_are_deleted_pending_ones_never(bot, db, line):
    msg = [{"type": "text", "text": "แจ้งเตือน"}]
    with db() as s:
        outbox.enqueue(s, "old-sent", U, msg)
        outbox.enqueue(s, "old-dead", U, [{"type": "text", "text": "ก" * 5001}])
        outbox.enqueue(s, "new-sent", U, msg)
    outbox.send_due(bot.engine, bot.gateway)
    with db() as s:
        outbox.enqueue(s, "old-pending", U, msg, not_before=utcnow() + timedelta(days=1))
        for row in s.exec(select(OutboxMessage)):
            if row.key.startswith("old"):
                row.created_at = utcnow() - timedelta(days=100)
                row.sent_at = row.sent_at and utcnow() - timedelta(days=100)
                s.add(row)
    assert purge(bot.engine, utcnow(), inbox_days=30, outbox_days=90)["outbox"] == 2
    with db() as s:
        assert sorted(r.key for r in s.exec(select(OutboxMessage))) == ["new-sent", "old-pending"]


def test_purge_works_in_batches(bot, db):
    with db() as s:
        outbox.enqueue_many(s.connection(), [(f"k{i}", U, [{"type": "text", "text": "x"}]) for i in range(7)])
        for row in s.exec(select(OutboxMessage)):
            row.status, row.created_at = "sent", utcnow() - timedelta(days=91)
            s.add(row)
    assert purge(bot.engine, utcnow(), inbox_days=30, outbox_days=90, batch=3)["outbox"] == 7


def test_the_nightly_job_runs_only_on_the_clock_and_uses_the_settings(bot, db, config):
    with db() as s:
        outbox.enqueue(s, "sent-long-ago", U, [{"type": "text", "text": "x"}])
        row = s.exec(select(OutboxMessage)).one()
        row.status, row.created_at = "sent", utcnow() - timedelta(days=10)
    assert take_lease(bot.engine, LEASE, "other-worker", utcnow(), LEASE_TTL)
    assert retention.run(bot.engine, "this-worker", config) is None
    config.OUTBOX_RETENTION_DAYS = 7
    assert retention.run(bot.engine, "other-worker", config) == {"inbox": 0, "outbox": 1}


def test_the_consent_notice_states_the_retention_periods_and_the_offices_contact(app, send, line, config):
    config.INBOX_RETENTION_DAYS, config.PRIVACY_CONTACT = 45, "งานคุ้มครองข้อมูลส่วนบุคคล โทร 0 2000 0000 (ตัวอย่าง)"
    send("follow", U)
    card = str(line.messages_for(U))
    assert "ระยะเวลาเก็บ" in card and "45 วัน" in card and "90 วัน" in card
    assert "งานคุ้มครองข้อมูลส่วนบุคคล โทร 0 2000 0000 (ตัวอย่าง)" in card
