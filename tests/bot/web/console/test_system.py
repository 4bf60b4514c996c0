"""Console page ระบบ (admin only): worker heartbeat, outbox and dead letters (retry / discard), LINE quota and
forecast, last webhook and backlog, the audit log."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.line import outbox
from bot.services import audit, ops_status
from models.console import AuditEntry
from models.core import InboxEvent, OutboxMessage, User
from models.enums import OutboxStatus, UserStatus
from tests.bot.web.console.conftest import csrf_of

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)  # พุธ 4 พ.ย. 2569 10:00 น.
LID = "U" + "fedcba9876543210" * 2


@pytest.fixture(autouse=True)
def _fixed(clock):
    clock.set(NOW)


@pytest.fixture()
def admin(app, personas, login):
    c = app.test_client()
    login(c, personas.admin)
    return c


def _dead(db, key="k:1", error=f"400: to {LID} is not a friend") -> int:
    with db() as s:
        outbox.enqueue(s, key, [LID], [{"type": "text", "text": "ข้อความส่วนตัวห้ามแสดง"}])
        row = s.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
        row.status, row.attempts, row.last_error = OutboxStatus.DEAD, 4, error
        s.add(row)
        return row.id


def _html(resp) -> str:
    return resp.get_data(as_text=True)


def test_a_live_worker_is_shown_with_its_thai_time_and_age(admin, db):
    with db() as s:
        ops_status.write_heartbeat(s, NOW - timedelta(minutes=2), "w1", 1)
    html = _html(admin.get("/console/system/"))
    assert "ทำงานอยู่" in html and "4 พ.ย. 2569 เวลา 09:58 น." in html and "2 นาทีที่แล้ว" in html
    assert "ไม่มีสัญญาณ" not in html and "เครื่อง w1 · กระบวนการ 1" in html


def test_a_silent_worker_is_red(admin, db):
    with db() as s:
        ops_status.write_heartbeat(s, NOW - timedelta(minutes=7), "w1", 1)
    html = _html(admin.get("/console/system/"))
    assert 'badge bad">ไม่มีสัญญาณ' in html and "7 นาทีที่แล้ว" in html and "ไม่ได้รับสัญญาณเกิน 3 นาที" in html


def test_no_heartbeat_at_all_is_red(admin):
    html = _html(admin.get("/console/system/"))
    assert 'badge bad">ไม่มีสัญญาณ' in html and "ยังไม่เคยได้รับสัญญาณ" in html


def test_dead_letters_show_no_line_id_nor_message_text(admin, db):
    _dead(db)
    html = _html(admin.get("/console/system/"))
    assert "ข้อความที่ส่งไม่สำเร็จ (1 รายการ)" in html and "400: to U… is not a friend" in html
    assert LID not in html and "ข้อความส่วนตัวห้ามแสดง" not in html


def test_queue_counts_last_webhook_backlog_and_quota(admin, db, line):
    line.set_quota(1000)
    with db() as s:
        outbox.enqueue(s, "k:p", [f"U{i}" for i in range(12)], [{"type": "text", "text": "x"}])
        s.add(InboxEvent(webhook_event_id="e1", event_type="message", payload="{}", status="done",
                         received_at=NOW - timedelta(minutes=5)))
        s.add(InboxEvent(webhook_event_id="e2", event_type="message", payload="{}", status="pending",
                         received_at=NOW - timedelta(minutes=1)))
    html = _html(admin.get("/console/system/"))
    assert "<td>รอส่ง</td><td class=\"num\">1</td><td class=\"num\">12</td>" in html
    assert "ได้รับล่าสุด 4 พ.ย. 2569 เวลา 09:59 น." in html and "รอประมวลผล <strong>1</strong>" in html
    assert "จาก 1,000 ข้อความ" in html and "30 พ.ย. 2569" in html and "รอส่งในคิว 12" in html
    assert "คงเหลือหลังการคาดการณ์ <strong class=\"\">988</strong>" in html


def test_line_is_asked_for_the_quota_at_most_every_ten_minutes(admin, db, line):
    line.set_quota(1000)
    admin.get("/console/system/")
    line.set_quota(2000)
    assert "จาก 1,000 ข้อความ" in _html(admin.get("/console/system/"))  # the kept reading
    with db() as s:
        assert ops_status.cached_quota(s, NOW) is not None


def test_retry_puts_the_row_back_and_says_so(admin, db, personas):
    row_id = _dead(db)
    token = csrf_of(_html(admin.get("/console/system/")))
    resp = admin.post(f"/console/system/outbox/{row_id}/retry", data={"csrf_token": token})
    assert resp.status_code == 302
    assert f"นำข้อความ #{row_id} กลับเข้าคิวแล้ว ระบบจะส่งภายในไม่กี่วินาที" in _html(admin.get(resp.headers["Location"]))
    with db() as s:
        row = s.get(OutboxMessage, row_id)
        assert (row.status, row.attempts) == ("pending", 0)
        e = s.exec(select(AuditEntry)).one()
        assert (e.action, e.actor_user_id, e.target) == ("outbox.retry", personas.admin, f"outbox:{row_id}")
    # pressed again (e.g. a second tab): a Thai refusal, nothing changed, nothing audited
    again = admin.post(f"/console/system/outbox/{row_id}/retry", data={"csrf_token": token}, follow_redirects=True)
    assert "ไม่ได้อยู่ในสถานะส่งไม่สำเร็จแล้ว" in _html(again)
    with db() as s:
        assert len(s.exec(select(AuditEntry)).all()) == 1


def test_discard_marks_it_never_to_be_sent(admin, db):
    row_id = _dead(db)
    token = csrf_of(_html(admin.get("/console/system/")))
    resp = admin.post(f"/console/system/outbox/{row_id}/discard", data={"csrf_token": token}, follow_redirects=True)
    html = _html(resp)
    assert f"ยกเลิกข้อความ #{row_id} แล้ว" in html and "ไม่มีข้อความที่ส่งไม่สำเร็จ" in html
    assert "<td>ยกเลิกแล้ว</td><td class=\"num\">1</td>" in html
    with db() as s:
        assert s.get(OutboxMessage, row_id).status == "discarded"
        assert [e.action for e in s.exec(select(AuditEntry))] == ["outbox.discard"]


def test_unknown_rows_are_404(admin):
    token = csrf_of(_html(admin.get("/console/system/")))
    assert admin.post("/console/system/outbox/999/retry", data={"csrf_token": token}).status_code == 404
    assert admin.post("/console/system/outbox/999/discard", data={"csrf_token": token}).status_code == 404


def test_audit_log_reads_in_thai_with_erased_people_unnamed(admin, db, personas):
    with db() as s:
        audit.record(s, personas.admin, "holiday.rename", "holiday:2026-12-07", NOW - timedelta(hours=1),
                     before={"name": "ชดเชย"}, after={"name": "ชดเชยวันพ่อ"})
        audit.record(s, personas.coord_a, "round.edit", "round:3", NOW - timedelta(hours=2),
                     before={"due_date": "2027-03-20"}, after={"due_date": "2027-03-19"})
        audit.record(s, None, "holiday.add", "holiday:2026-12-10", NOW - timedelta(hours=3), after={"name": "x"})
        user = s.get(User, personas.coord_a)
        user.full_name, user.status = None, UserStatus.ERASED
        s.add(user)
    html = _html(admin.get("/console/system/audit"))
    assert "สมใจ เลขานุการ" in html and "แก้ชื่อวันหยุด" in html and "วันหยุด 7 ธ.ค. 2569" in html
    assert "<strong>ชื่อ</strong>: ชดเชย → ชดเชยวันพ่อ" in html
    assert "ผู้ใช้ที่ลบข้อมูลแล้ว" in html and "สมหญิง" not in html
    assert "<strong>กำหนดส่ง</strong>: 20 มี.ค. 2570 → 19 มี.ค. 2570" in html
    assert "คำสั่งบนเซิร์ฟเวอร์" in html


def test_audit_log_is_paged(admin, db, personas):
    with db() as s:
        for i in range(ops_status.PAGE_SIZE + 1):
            audit.record(s, personas.admin, "holiday.add", f"holiday:n{i}", NOW - timedelta(minutes=i))
    first = _html(admin.get("/console/system/audit"))
    assert "หน้า 1 จาก 2" in first and "holiday:n0" not in first and "วันหยุด #n0" in first and "วันหยุด #n50" not in first
    assert "วันหยุด #n50" in _html(admin.get("/console/system/audit?page=2"))
    assert admin.get("/console/system/audit?page=x").status_code == 200


ROUTES = [("get", "/console/system/"), ("get", "/console/system/audit"),
          ("post", "/console/system/outbox/{id}/retry"), ("post", "/console/system/outbox/{id}/discard")]


@pytest.mark.parametrize("method, path", ROUTES)
def test_role_matrix(app, db, personas, login, method, path, line):
    row_id = _dead(db)
    path = path.format(id=row_id)
    assert getattr(app.test_client(), method)(path).status_code == 401
    for who in (personas.coord_a, personas.coord_b, personas.committee):
        c = app.test_client()
        login(c, who)
        token = csrf_of(_html(c.get("/console/")))
        resp = c.get(path) if method == "get" else c.post(path, data={"csrf_token": token})
        assert resp.status_code == 403, (who, path)
    with db() as s:
        assert s.get(OutboxMessage, row_id).status == "dead" and s.exec(select(AuditEntry)).all() == []
        assert ops_status.cached_quota(s, NOW) is None  # nobody but an admin makes the page ask LINE
    admin = app.test_client()
    login(admin, personas.admin)
    if method == "get":
        assert admin.get(path).status_code == 200
    else:
        assert admin.post(path).status_code == 400  # no CSRF token
        with db() as s:
            assert s.get(OutboxMessage, row_id).status == "dead"
        token = csrf_of(_html(admin.get("/console/system/")))
        assert admin.post(path, data={"csrf_token": token}).status_code == 302
        with db() as s:
            assert s.get(OutboxMessage, row_id).status != "dead"
