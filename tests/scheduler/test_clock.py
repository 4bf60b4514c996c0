"""Only one worker is the clock (lease in the database); start_clock wires APScheduler with day names."""
from __future__ import annotations

import threading
from datetime import timedelta

from models.worker import take_lease
from scheduler import jobs
from tests.scheduler.helpers import DUE, at, keys, make_bureau_with, make_round


def test_lease_has_one_holder_until_it_expires(bot):
    now = at(DUE)
    assert take_lease(bot.engine, "clock", "A", now, timedelta(seconds=90))
    assert not take_lease(bot.engine, "clock", "B", now + timedelta(seconds=30), timedelta(seconds=90))
    assert take_lease(bot.engine, "clock", "A", now + timedelta(seconds=60), timedelta(seconds=90))  # renew
    assert not take_lease(bot.engine, "clock", "B", now + timedelta(seconds=120), timedelta(seconds=90))
    assert take_lease(bot.engine, "clock", "B", now + timedelta(seconds=151), timedelta(seconds=90))  # A died
    assert not take_lease(bot.engine, "clock", "A", now + timedelta(seconds=152), timedelta(seconds=90))


def test_two_workers_racing_for_a_free_lease_get_one_winner(bot):
    now, wins = at(DUE), []
    barrier = threading.Barrier(6)

    def race(name):
        barrier.wait()
        if take_lease(bot.engine, "race", name, now, timedelta(seconds=90)):
            wins.append(name)
    threads = [threading.Thread(target=race, args=(f"W{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1


def test_duplicate_worker_only_one_acts(bot, db):
    with db() as s:
        make_round(s)
        make_bureau_with(s, 1, code="CB1")
    now = at(DUE - timedelta(days=3))
    # issue 14 added the fiscal-year rollover job (nothing to roll over here)
    assert jobs.tick(bot.engine, "worker-1", now) == {"fiscal_year": 0, "reminders": 1, "campaigns": 0, "survey": 0,
                                                       "digest": 0}
    assert jobs.tick(bot.engine, "worker-2", now) is None
    assert jobs.tick(bot.engine, "worker-1", now + timedelta(seconds=30)) == {"fiscal_year": 0, "reminders": 0,
                                                                              "campaigns": 0, "survey": 0,
                                                                              "digest": 0}
    assert keys(db) == ["deadline:2570-6m:CB1:T-3"]


def test_start_clock_uses_bangkok_and_day_names(bot, config):
    stop = threading.Event()
    sched = jobs.start_clock(config, bot.engine, bot.gateway, stop)
    try:
        assert str(sched.timezone) == "Asia/Bangkok"
        digest = sched.get_job("digest").trigger
        fields = {f.name: str(f) for f in digest.fields}
        assert fields["day_of_week"] == "mon" and fields["hour"] == "8" and fields["minute"] == "30"
        assert {j.id for j in sched.get_jobs()} >= {"lease", "reminders", "campaigns", "digest"}
    finally:
        sched.shutdown(wait=True)
