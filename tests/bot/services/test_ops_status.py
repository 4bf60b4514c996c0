"""The ระบบ page's numbers: heartbeat age, outbox counts and dead letters (LINE ids redacted), the retry and
discard of a dead letter (audited), the inbox's last webhook and backlog, the cached quota, the audit log's actors."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.line import outbox
from bot.services import console_access, ops_status, outbox_admin
from models.console import AuditEntry
from models.core import InboxEvent, OutboxMessage, User
from models.enums import OutboxStatus, UserStatus
from models.worker import Holiday
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in Bangkok
LID = "U" + "0123456789abcdef" * 2


@pytest.fixture()
def viewers(db):
    with db() as s:
        b = make_bureau(s, code="OPS")
        admin = console_access.as_viewer(s, make_user(s, b, roles=("admin",), full_name="สมใจ ทดสอบ"))
        committee = console_access.as_viewer(s, make_user(s, b, roles=("committee",)))
    return admin, committee


def _dead(db, key="k:1", to=(LID,), error=f"400: The user {LID} blocked the account", **kw) -> int:
    with db() as s:
        outbox.enqueue(s, key, list(to), [{"type": "text", "text": "ข้อความลับ"}], **kw)
        row = s.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
        row.status, row.attempts, row.last_error = OutboxStatus.DEAD, 3, error
        s.add(row)
        return row.id


def test_heartbeat_is_alive_for_three_minutes_then_red(db):
    with db() as s:
        assert ops_status.heartbeat(s, NOW).alive is False  # never beaten
        ops_status.write_heartbeat(s, NOW, "worker-host", 4242)
    with db() as s:
        beat = ops_status.heartbeat(s, NOW + timedelta(minutes=2, seconds=59))
        assert (beat.alive, beat.minutes_ago, beat.host, beat.pid) == (True, 2, "worker-host", 4242)
        late = ops_status.heartbeat(s, NOW + timedelta(minutes=3, seconds=1))
        assert late.alive is False and late.minutes_ago == 3


def test_outbox_counts_every_status_and_dead_letters_hide_line_ids(db, viewers):
    admin = viewers[0]
    _dead(db)
    with db() as s:
        outbox.enqueue(s, "k:2", ["U1", "U2", "U3"], [{"type": "text", "text": "x"}])
    with db() as s:
        counts = {c.status: (c.rows, c.recipients) for c in ops_status.outbox_counts(s)}
        assert counts == {"pending": (1, 3), "sending": (0, 0), "sent": (0, None), "dead": (1, 1), "discarded": (0, 0)}
        page = ops_status.dead_letters(s, admin)
    assert page.total == 1 and page.rows[0].error == "400: The user U… blocked the account"
    assert page.rows[0].can_retry and LID not in repr(page)
    with db() as s:
        with pytest.raises(console_access.Forbidden):
            ops_status.dead_letters(s, viewers[1])


def test_dead_letters_are_paged_newest_first(db, viewers):
    for i in range(ops_status.PAGE_SIZE + 3):
        _dead(db, key=f"k:{i}", error="500: x")
    with db() as s:
        first = ops_status.dead_letters(s, viewers[0], 1)
        second = ops_status.dead_letters(s, viewers[0], 2)
        past = ops_status.dead_letters(s, viewers[0], 99)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (53, 2, 50, 3)
    assert first.rows[0].id > first.rows[-1].id > second.rows[0].id
    assert past.page == 2


def test_retry_puts_a_dead_row_back_due_now_and_audits_it(db, viewers):
    admin = viewers[0]
    row_id = _dead(db)
    with db() as s:
        outbox_admin.retry(s, admin, row_id, NOW)
    with db() as s:
        row = s.get(OutboxMessage, row_id)
        assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, NOW)
        entry = s.exec(select(AuditEntry)).one()
    assert (entry.action, entry.target, entry.actor_user_id) == ("outbox.retry", f"outbox:{row_id}", admin.user_id)
    assert entry.before["status"] == "dead" and entry.after["status"] == "pending"
    with db() as s:  # a second press: no longer dead, nothing changes
        with pytest.raises(outbox_admin.OutboxAdminError) as err:
            outbox_admin.retry(s, admin, row_id, NOW)
        assert err.value.code == "not_dead"


def test_a_retried_ordinary_push_waits_for_the_end_of_a_holiday(db, viewers):
    row_id = _dead(db)
    urgent_id = _dead(db, key="k:urgent", urgent=True)
    with db() as s:
        s.add(Holiday(day=NOW.date(), name="วันหยุดทดสอบ"))
    with db() as s:
        outbox_admin.retry(s, viewers[0], row_id, NOW)
        outbox_admin.retry(s, viewers[0], urgent_id, NOW)
    with db() as s:
        assert s.get(OutboxMessage, row_id).next_attempt_at == datetime(2026, 11, 5, 1, 0, tzinfo=timezone.utc)
        assert s.get(OutboxMessage, urgent_id).next_attempt_at == NOW


def test_discard_keeps_the_row_and_it_is_never_sent(db, viewers, bot):
    row_id = _dead(db)
    with db() as s:
        outbox_admin.discard(s, viewers[0], row_id, NOW)
    assert outbox.drain(bot.engine, bot.gateway, now=NOW + timedelta(days=1)) == {"sent": 0, "retry": 0, "dead": 0}
    with db() as s:
        assert s.get(OutboxMessage, row_id).status == "discarded"
        assert [e.action for e in s.exec(select(AuditEntry))] == ["outbox.discard"]


def test_a_row_emptied_by_an_erase_cannot_be_retried(db, viewers):
    row_id = _dead(db, to=(LID,))
    with db() as s:
        row = s.get(OutboxMessage, row_id)
        row.recipients, row.messages = [], []
        s.add(row)
    with db() as s:
        with pytest.raises(outbox_admin.OutboxAdminError) as err:
            outbox_admin.retry(s, viewers[0], row_id, NOW)
        assert err.value.code == "empty"
        assert ops_status.dead_letters(s, viewers[0]).rows[0].can_retry is False
    with db() as s:
        assert s.get(OutboxMessage, row_id).status == "dead"
        assert s.exec(select(AuditEntry)).all() == []


def test_only_admins_touch_dead_letters(db, viewers):
    row_id = _dead(db)
    with db() as s:
        for act in (outbox_admin.retry, outbox_admin.discard):
            with pytest.raises(console_access.Forbidden):
                act(s, viewers[1], row_id, NOW)
    with db() as s:
        assert s.get(OutboxMessage, row_id).status == "dead"


def test_inbox_last_webhook_and_backlog(db, viewers):
    with db() as s:
        assert ops_status.inbox_status(s, viewers[0]).last_received_at is None
        for i, status in enumerate(("done", "pending", "handled", "failed")):
            s.add(InboxEvent(webhook_event_id=f"ev{i}", event_type="message", payload="{}", status=status,
                             received_at=NOW + timedelta(minutes=i)))
    with db() as s:
        inbox = ops_status.inbox_status(s, viewers[0])
    assert (inbox.last_received_at, inbox.backlog, inbox.failed) == (NOW + timedelta(minutes=3), 2, 1)


class _Gateway:
    def __init__(self, limit=None, used=0, fail=False):
        self.limit, self.used, self.fail, self.calls = limit, used, fail, 0

    def get_quota(self):
        self.calls += 1
        if self.fail:
            raise OSError("LINE unreachable")
        return {"type": "limited", "value": self.limit} if self.limit else {"type": "none"}

    def get_consumption(self):
        return {"totalUsage": self.used}


def test_quota_is_read_from_line_kept_ten_minutes_and_compared_with_the_forecast(db, viewers):
    gw = _Gateway(limit=500, used=480)
    with db() as s:
        outbox.enqueue(s, "k:p", [f"U{i}" for i in range(30)], [{"type": "text", "text": "x"}])
        assert ops_status.cached_quota(s, NOW) is None
    reading = ops_status.ask_line(gw, NOW)
    with db() as s:
        ops_status.keep_quota(s, reading)
    with db() as s:
        assert ops_status.cached_quota(s, NOW + timedelta(minutes=9)) == reading
        assert ops_status.cached_quota(s, NOW + timedelta(minutes=10)) is None
        status = ops_status.quota_status(s, viewers[0], reading, NOW)
    assert (status.forecast["pending"], status.left, status.short) == (30, -10, True)
    failed = ops_status.ask_line(_Gateway(fail=True), NOW)
    assert failed.ok is False
    with db() as s:
        assert ops_status.quota_status(s, viewers[0], failed, NOW).left is None


def test_audit_log_names_actors_now_and_shows_erased_people_as_erased(db, viewers):
    admin = viewers[0]
    with db() as s:
        gone = make_user(s, make_bureau(s, code="ER"), roles=("admin",), full_name="คนที่ลบ ข้อมูล")
        from bot.services import audit
        audit.record(s, admin.user_id, "holiday.add", "holiday:2026-12-05", NOW, after={"name": "วันพ่อ"})
        audit.record(s, gone.id, "holiday.remove", "holiday:2026-12-05", NOW + timedelta(minutes=1))
        audit.record(s, None, "holiday.add", "holiday:2026-12-10", NOW + timedelta(minutes=2))
        user = s.get(User, gone.id)
        user.full_name, user.status = None, UserStatus.ERASED
        s.add(user)
    with db() as s:
        log = ops_status.audit_log(s, admin)
    assert [r.action for r in log.rows] == ["holiday.add", "holiday.remove", "holiday.add"]  # newest first
    cli, erased, named = log.rows
    assert cli.actor_id is None and erased.actor.erased and named.actor.full_name == "สมใจ ทดสอบ"
    with db() as s:
        with pytest.raises(console_access.Forbidden):
            ops_status.audit_log(s, viewers[1])
