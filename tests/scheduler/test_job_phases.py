"""run_job's phases: LINE's quota API and the chart are handled with no transaction open; twice adds nothing."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from models.campaigns import Campaign
from models.db import session_scope
from models.worker import Holiday
from scheduler import jobs, sends
from scheduler.campaigns import plan as campaigns_plan
from tests.dbprobe import writer_commits_meanwhile
from tests.scheduler.helpers import at, bkk, bulk_staff, keys, make_bureau_with

EVENT = bkk(2027, 3, 10, 9, 0)  # Wednesday 09:00
NOW = at(EVENT.date() - timedelta(days=7), 10)


class QuotaProbe:
    """The gateway, but its quota call first lets another thread write and commit (or times out trying)."""

    def __init__(self, gateway, engine):
        self.gateway, self.engine, self.writer_done = gateway, engine, None

    def get_quota(self):
        self.writer_done = writer_commits_meanwhile(self.engine)
        return self.gateway.get_quota()

    def __getattr__(self, name):
        return getattr(self.gateway, name)


def big_campaign(db) -> Campaign:
    with db() as s:
        b, _, _ = make_bureau_with(s, 0, code="P1")
        bulk_staff(s, b, 150)  # above the quota guard's 100
        camp = Campaign(title="ปลูกต้นไม้", starts_at=EVENT, remind_minutes=[])
        s.add(camp)
        s.flush()
        return camp


def test_a_writer_commits_while_the_quota_is_asked(db, bot, line):
    camp = big_campaign(db)
    line.set_quota(10_000)
    probe = QuotaProbe(bot.gateway, bot.engine)
    assert jobs.run_job(bot.engine, "w1", "campaigns", campaigns_plan, NOW, probe) == 1
    assert probe.writer_done, "the quota call ran inside the job's write transaction"
    assert keys(db, "campaign:") == [f"campaign:{camp.id}:invite"]
    with db() as s:
        assert s.exec(select(Holiday)).one().name.startswith("written")


def test_run_twice_adds_nothing_and_asks_line_once_per_run(db, bot, line):
    camp = big_campaign(db)
    line.set_quota(10_000)
    calls = []
    probe = QuotaProbe(bot.gateway, bot.engine)
    probe.get_quota = lambda: calls.append(1) or bot.gateway.get_quota()
    assert jobs.run_job(bot.engine, "w1", "campaigns", campaigns_plan, NOW, probe) == 1
    assert jobs.run_job(bot.engine, "w1", "campaigns", campaigns_plan, NOW + timedelta(minutes=1), probe) == 0
    assert keys(db, "campaign:") == [f"campaign:{camp.id}:invite"]
    assert len(calls) == 1  # the second run planned nothing, so LINE was not asked


def test_a_send_planned_twice_is_written_once(db, bot):
    """Two workers that both planned before either wrote (a lease hand-over) still add one row per key."""
    big_campaign(db)
    with session_scope(bot.engine, readonly=True) as s:
        first, second = campaigns_plan(s, NOW), campaigns_plan(s, NOW)
    with session_scope(bot.engine) as s:
        assert sends.write(s, first, None, NOW) == 1
    with session_scope(bot.engine) as s:
        assert sends.write(s, second, None, NOW) == 0
