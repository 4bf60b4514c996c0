"""Issue 18's alerts: admins hear by LINE push (and by the webhook/e-mail channels) when the worker is silent for
10 minutes, LINE's monthly quota passes 80 %, the nightly ledger check fails or dead letters appear; each once
per period, whichever process (web or worker) notices first."""
from __future__ import annotations

import json
import logging
import threading
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import text
from sqlmodel import select

from bot.line import outbox
from bot.services import deeds as deed_svc
from bot.services import watch as svc
from bot.services.ops_status import QuotaReading, keep_quota, write_heartbeat
from models.core import OutboxMessage
from models.worker import take_lease
from scheduler import jobs, watch
from tests.bot.line.test_alerts import _Hook, channels  # noqa: F401 - the webhook/e-mail fixture
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)  # a Wednesday, 10:00 in Bangkok: no quiet hours


def _admin(db) -> str:
    with db() as s:
        return make_user(s, make_bureau(s), roles=("admin",)).line_user_id


def _beat(db, at: datetime) -> None:
    with db() as s:
        write_heartbeat(s, at, "worker-host", 4242)


def _alert_rows(db) -> list[OutboxMessage]:
    with db() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.category == "alert")
                           .order_by(OutboxMessage.id)))


def _hooked(channels) -> list[dict]:  # noqa: F811
    assert channels.flush(10)
    return list(_Hook.got)


# -- the worker silent ---------------------------------------------------------------------------------------
def test_a_worker_silent_for_ten_minutes_is_pushed_to_admins_and_alerted_outside_line(bot, db, line, channels):
    admin = _admin(db)
    _beat(db, NOW - timedelta(minutes=11))
    assert watch.check(bot.engine, NOW) == ["worker_silent"]
    outbox.drain(bot.engine, bot.gateway, now=NOW)
    [pushed] = texts_to(line, admin)
    assert "worker" in pushed and "11 นาที" in pushed and "4 พ.ย. 2569 เวลา 09:49 น." in pushed
    [hook] = _hooked(channels)
    assert hook["kind"] == "worker_silent" and hook["fields"]["minutes"] == 11 and "หยุดทำงาน" in hook["subject"]
    assert admin not in json.dumps(hook)


def test_one_silence_is_one_alert_however_long_it_lasts_and_the_next_silence_alerts_again(bot, db, line, channels):
    admin = _admin(db)
    _beat(db, NOW - timedelta(minutes=11))
    assert watch.check(bot.engine, NOW) == ["worker_silent"]
    assert watch.check(bot.engine, NOW + timedelta(minutes=5)) == []
    assert watch.check(bot.engine, NOW + timedelta(hours=3)) == []
    _beat(db, NOW + timedelta(hours=3))  # back, then silent again
    assert watch.check(bot.engine, NOW + timedelta(hours=3, minutes=9)) == []
    assert watch.check(bot.engine, NOW + timedelta(hours=3, minutes=10)) == ["worker_silent"]
    outbox.drain(bot.engine, bot.gateway, now=NOW + timedelta(hours=4))
    assert len(texts_to(line, admin)) == 2 and len(_hooked(channels)) == 2


def test_a_fresh_heartbeat_or_none_at_all_alerts_nothing(bot, db, line):
    _admin(db)
    assert watch.check(bot.engine, NOW) == []  # never beat: a new installation, named by /readyz and the doctor
    _beat(db, NOW - timedelta(minutes=9, seconds=59))
    assert watch.check(bot.engine, NOW) == [] and _alert_rows(db) == []


def test_the_web_side_check_pushes_at_once_without_a_worker_and_only_once_across_processes(bot, db, line, channels):
    admin = _admin(db)
    _beat(db, NOW - timedelta(minutes=15))
    alert = svc.check_worker_alive(bot.engine, NOW)
    assert alert is not None and alert.kind == "worker_silent"
    assert outbox.raise_alert(bot.engine, alert, NOW, gateway=bot.gateway)
    assert len(texts_to(line, admin)) == 1  # sent by the web process itself: no worker drained the outbox
    assert [r.status for r in _alert_rows(db)] == ["sent"]
    # a second web process, or the worker's own watch, finds it raised
    assert svc.check_worker_alive(bot.engine, NOW + timedelta(seconds=30)) is None
    assert not outbox.raise_alert(bot.engine, alert, NOW, gateway=bot.gateway)
    assert watch.check(bot.engine, NOW + timedelta(minutes=1)) == []
    assert len(texts_to(line, admin)) == 1 and len(_hooked(channels)) == 1


def test_the_web_side_check_says_nothing_when_the_database_cannot_answer():
    class Broken:
        def connect(self):
            raise OSError("database away")
    assert svc.check_worker_alive(Broken(), NOW) is None


def test_at_night_the_push_waits_for_eight_while_the_webhook_goes_at_once(bot, db, line, channels):
    admin = _admin(db)
    night = datetime(2026, 11, 4, 19, 0, tzinfo=timezone.utc)  # 02:00 in Bangkok
    _beat(db, night - timedelta(minutes=20))
    outbox.raise_alert(bot.engine, svc.check_worker_alive(bot.engine, night), night, gateway=bot.gateway)
    assert texts_to(line, admin) == [] and [a["kind"] for a in _hooked(channels)] == ["worker_silent"]
    outbox.drain(bot.engine, bot.gateway, now=night + timedelta(hours=6))  # 08:00
    assert len(texts_to(line, admin)) == 1


# -- quota -----------------------------------------------------------------------------------------------------
def test_quota_past_80_percent_is_alerted_once_a_month_per_threshold(bot, db, line, channels):
    admin = _admin(db)
    line.set_quota(1000)
    line.usage = 799
    assert watch.check(bot.engine, NOW, bot.gateway) == []
    line.usage = 800
    assert watch.check(bot.engine, NOW + timedelta(minutes=11), bot.gateway) == ["quota_high"]
    line.usage = 950
    assert watch.check(bot.engine, NOW + timedelta(minutes=22), bot.gateway) == []  # still the 80 % alert
    outbox.drain(bot.engine, bot.gateway, now=NOW + timedelta(minutes=22))
    assert any("โควตา" in t and "80%" in t for t in texts_to(line, admin))
    line.usage = 1000
    assert watch.check(bot.engine, NOW + timedelta(minutes=33), bot.gateway) == ["quota_high"]
    next_month = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
    line.usage = 850
    assert watch.check(bot.engine, next_month, bot.gateway) == ["quota_high"]
    hooks = _hooked(channels)
    assert [(h["fields"]["threshold"], h["fields"]["month"]) for h in hooks] == \
        [(80, "2026-11"), (100, "2026-11"), (80, "2026-12")]
    assert "หมดแล้ว" in hooks[1]["subject"]


def test_the_consoles_fresh_quota_reading_is_used_without_asking_line(bot, db, line):
    _admin(db)
    with db() as s:
        keep_quota(s, QuotaReading(NOW - timedelta(minutes=2), 500, 450, True))
    line.set_quota(500)  # LINE itself would say 0 used: the cached 90 % is what the watch reads
    assert watch.check(bot.engine, NOW, bot.gateway) == ["quota_high"]
    assert "450 จาก 500" in _alert_rows(db)[0].messages[0]["text"]


def test_unlimited_or_unreadable_quota_alerts_nothing(bot, db, line):
    class LineAway:
        def get_quota(self):
            raise OSError("no route to LINE")
    _admin(db)
    assert watch.check(bot.engine, NOW, LineAway()) == []
    assert watch.check(bot.engine, NOW + timedelta(minutes=11), bot.gateway) == []  # the sandbox: no monthly limit
    assert _alert_rows(db) == []


# -- the nightly ledger check ----------------------------------------------------------------------------------
def _deeds(db):
    with db() as s:
        u = make_user(s, make_bureau(s))
        return [deed_svc.record_deed(s, u, "honesty", f"คืนของที่เก็บได้ {i}", date(2026, 11, 3), now=NOW).id
                for i in range(3)]


def test_a_sound_ledger_alerts_nothing(bot, db, line, config, channels):
    _admin(db)
    _deeds(db)
    verdict = watch.verify_ledger(bot.engine, NOW, config)
    assert verdict.ok and verdict.count == 3 and _alert_rows(db) == [] and _hooked(channels) == []


def test_a_ledger_edited_in_the_database_is_alerted_to_admins_once_a_night(bot, db, line, config, channels, caplog):
    admin = _admin(db)
    ids = _deeds(db)
    with db() as s:
        s.execute(text("UPDATE deed SET hours = 40 WHERE id = :id"), {"id": ids[1]})
    caplog.set_level(logging.INFO, logger="scheduler.watch")
    assert not watch.verify_ledger(bot.engine, NOW, config).ok
    assert not watch.verify_ledger(bot.engine, NOW + timedelta(minutes=30), config).ok  # run again that night
    outbox.drain(bot.engine, bot.gateway, now=NOW)
    [pushed] = texts_to(line, admin)
    assert "ledger" in pushed and "ไม่ผ่าน" in pushed and f"ความดีรหัส {ids[1]}" in pushed
    [hook] = _hooked(channels)
    assert hook["kind"] == "ledger_broken" and hook["fields"]["deed_id"] == ids[1]
    assert any(r.levelno == logging.ERROR and "BROKEN" in r.getMessage() for r in caplog.records)
    assert admin not in caplog.text
    tomorrow = NOW + timedelta(days=1)
    watch.verify_ledger(bot.engine, tomorrow, config)
    assert len(_alert_rows(db)) == 2  # still broken the next night: said again


# -- dead letters ----------------------------------------------------------------------------------------------
def test_dead_letters_are_pushed_to_admins_once_a_day(bot, db, line, channels):
    admin = _admin(db)
    someone = "U" + "c" * 32
    with db() as s:
        outbox.enqueue(s, "too-long-1", someone, [{"type": "text", "text": "ก" * 5001}],  # LINE refuses it for good
                       not_before=NOW)
    outbox.drain(bot.engine, bot.gateway, now=NOW)
    with db() as s:
        outbox.enqueue(s, "too-long-2", someone, [{"type": "text", "text": "ก" * 5001}], not_before=NOW)
    outbox.drain(bot.engine, bot.gateway, now=NOW + timedelta(hours=2))
    [pushed] = texts_to(line, admin)
    assert "ส่งข้อความไม่สำเร็จ" in pushed and "too-long-1" in pushed and "400" in pushed
    assert someone not in pushed
    assert [h["kind"] for h in _hooked(channels)] == ["dead_letter"]  # outside LINE: hourly per reason, as before


def test_an_alert_push_that_dies_is_not_pushed_about(bot, db, line, channels):
    _admin(db)
    line.set_quota(0)  # out of quota: LINE answers 429 to every push
    with db() as s:
        outbox.enqueue(s, "alert:x", "U" + "d" * 32, [{"type": "text", "text": "แจ้ง"}], category="alert",
                       not_before=NOW)
        s.exec(select(OutboxMessage)).first().attempts = outbox.MAX_ATTEMPTS
    outbox.drain(bot.engine, bot.gateway, now=NOW)
    assert [r.key for r in _alert_rows(db)] == ["alert:x"]  # no alert:dead_letter row queued behind it
    assert [h["kind"] for h in _hooked(channels)] == ["dead_letter"]  # the operator still hears, outside LINE


# -- the clock -------------------------------------------------------------------------------------------------
def test_the_watch_runs_only_on_the_clock_holder(bot, db):
    _beat(db, NOW - timedelta(minutes=30))
    assert take_lease(bot.engine, jobs.LEASE, "other-worker", NOW, jobs.LEASE_TTL)
    assert watch.run(bot.engine, "me", None, NOW, lease=jobs.LEASE, ttl=jobs.LEASE_TTL) is None
    assert watch.run(bot.engine, "other-worker", None, NOW, lease=jobs.LEASE, ttl=jobs.LEASE_TTL) == ["worker_silent"]


def test_the_clock_schedules_the_watch_every_five_minutes_and_the_ledger_check_nightly(bot, config):
    sched = jobs.start_clock(config, bot.engine, bot.gateway, threading.Event())
    try:
        assert sched.get_job("watch").trigger.interval == timedelta(minutes=5)
        nightly = sched.get_job("ledger-check").trigger
        assert str(nightly.timezone) == "Asia/Bangkok" and "hour='2'" in str(nightly)
    finally:
        sched.shutdown(wait=True)
