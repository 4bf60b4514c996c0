"""The worker beats every minute (any worker, clock or not) so the console can tell it is alive."""
from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta, timezone

from bot.services import ops_status
from scheduler import jobs

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)


def test_a_beat_records_when_and_which_process(bot, db):
    jobs.heartbeat(bot.engine, NOW)
    with db() as s:
        beat = ops_status.heartbeat(s, NOW + timedelta(seconds=30))
    assert beat.alive and beat.at == NOW and beat.pid == os.getpid() and beat.host


def test_the_next_beat_rewrites_the_same_row(bot, db):
    jobs.heartbeat(bot.engine, NOW)
    jobs.heartbeat(bot.engine, NOW + timedelta(minutes=5))
    with db() as s:
        assert ops_status.heartbeat(s, NOW + timedelta(minutes=6)).minutes_ago == 1


def test_a_failed_beat_does_not_raise(bot):
    class Broken:
        def connect(self):
            raise OSError("database away")
    jobs.heartbeat(Broken(), NOW)  # logged, and the scheduler thread goes on


def test_the_clock_beats_every_minute_from_start(bot, config):
    sched = jobs.start_clock(config, bot.engine, bot.gateway, threading.Event())
    try:
        job = sched.get_job("heartbeat")
        assert job.trigger.interval == timedelta(minutes=1)
    finally:
        sched.shutdown(wait=True)
