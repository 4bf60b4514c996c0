"""The clock: APScheduler (Asia/Bangkok) runs the jobs, only in the worker that holds the lease.

Each job is a plain `plan(session, now) -> [Send]` that decides what is due; run_job plans in a read
session, asks LINE (quota) and renders outside any transaction, then ENQUEUES the outbox rows, with
deterministic keys, in one short write session (scheduler/sends.py); the worker's main thread sends them.
At start every job runs once (catch-up after downtime: due-but-unsent work goes out once, stale work is
skipped with a log line). Next step: the sender.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.services.ops_status import write_heartbeat
from models.core import utcnow
from models.db import session_scope
from models.worker import release_lease, take_lease
from scheduler import campaigns, digest, fiscal_year, reminders, retention, sends, watch
from scheduler import survey as survey_jobs

log = logging.getLogger("scheduler.jobs")
LEASE = "clock"
LEASE_TTL = timedelta(seconds=90)
TZ = "Asia/Bangkok"


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def jobs(config=None) -> dict:
    """name → plan(session, now) -> [Send]: the work one tick of the clock may do."""
    return {
        "fiscal_year": fiscal_year.plan,  # first: the rollover's new rounds are there for the jobs after it
        "reminders": reminders.plan,
        "campaigns": campaigns.plan,
        "survey": survey_jobs.plan,  # the ITA survey drive's invite and reminders (issue 17)
        "digest": lambda s, now: digest.plan(s, now, config),
    }


def run_job(engine, holder: str, name: str, plan, now=None, gateway=None) -> int | None:
    """Run one job if this worker holds the clock lease; None when another worker is the clock."""
    now = now or utcnow()
    if not take_lease(engine, LEASE, holder, now, LEASE_TTL):
        log.info("job %s not run: another worker holds the clock", name)
        return None
    try:
        with session_scope(engine, readonly=True) as s:
            todo = plan(s, now)
        if not todo:
            return 0
        reading = sends.outside(todo, gateway)  # LINE's quota API and Pillow: no transaction is open here
        with session_scope(engine) as s:
            added = sends.write(s, todo, reading, now)
        log.log(logging.INFO if added else logging.DEBUG, "job %s done: %d outbox row(s) added", name, added)
        return added
    except Exception:  # noqa: BLE001 - one failing job must not stop the clock
        log.exception("job %s failed", name)
        return 0


def heartbeat(engine, now=None) -> None:
    """This worker is alive: one row rewritten (the console's ระบบ page turns red after three missed beats)."""
    try:
        with session_scope(engine) as s:
            write_heartbeat(s, now or utcnow(), socket.gethostname(), os.getpid())
    except Exception:  # noqa: BLE001 - a missed beat shows on the page; the clock goes on
        log.exception("heartbeat not written")


def tick(engine, holder: str, now=None, config=None, gateway=None) -> dict | None:
    """Every job once (start-up catch-up and tests); None when this worker is not the clock."""
    out = {}
    for name, plan in jobs(config).items():
        res = run_job(engine, holder, name, plan, now, gateway)
        if res is None:
            return None
        out[name] = res
    return out


def start_clock(config, engine, gateway, stop) -> BackgroundScheduler | None:
    """Start the scheduler thread; the jobs act only while this worker holds the lease."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # our jobs log their own decisions
    holder = holder_id()
    plans = jobs(config)
    sched = BackgroundScheduler(timezone=TZ, job_defaults={"coalesce": True, "max_instances": 1,
                                                           "misfire_grace_time": 300})
    sched.add_job(lambda: take_lease(engine, LEASE, holder, utcnow(), LEASE_TTL), "interval", seconds=30,
                  id="lease")
    sched.add_job(run_job, CronTrigger(hour=0, minute=5, timezone=TZ),  # daily: 1 October's rollover, or a late one
                  args=(engine, holder, "fiscal_year", plans["fiscal_year"], None, gateway), id="fiscal_year")
    sched.add_job(run_job, CronTrigger(day_of_week="mon-sun", hour=9, minute=0, timezone=TZ),
                  args=(engine, holder, "reminders", plans["reminders"], None, gateway), id="reminders")
    sched.add_job(run_job, "interval", minutes=1, args=(engine, holder, "campaigns", plans["campaigns"], None, gateway),
                  id="campaigns")
    sched.add_job(run_job, "interval", minutes=5, args=(engine, holder, "survey", plans["survey"], None, gateway),
                  id="survey")  # an invite within minutes of the first day (or of the admin's confirm)
    sched.add_job(run_job, CronTrigger(day_of_week="mon", hour=8, minute=30, timezone=TZ),
                  args=(engine, holder, "digest", plans["digest"], None, gateway), id="digest")
    sched.add_job(retention.run, CronTrigger(hour=3, minute=30, timezone=TZ),  # PDPA: old payloads and pushes
                  args=(engine, holder, config), kwargs={"lease": LEASE, "ttl": LEASE_TTL}, id="retention")
    sched.add_job(watch.run, "interval", minutes=watch.EVERY_MINUTES, args=(engine, holder, gateway),  # issue 18
                  kwargs={"lease": LEASE, "ttl": LEASE_TTL}, id="watch")  # silent heartbeat, quota past 80 %
    sched.add_job(watch.run_ledger, CronTrigger(hour=2, minute=15, timezone=TZ),  # the nightly ledger check
                  args=(engine, holder, config), kwargs={"lease": LEASE, "ttl": LEASE_TTL}, id="ledger-check")
    sched.add_job(tick, args=(engine, holder), kwargs={"config": config, "gateway": gateway}, id="catch-up")
    # every worker beats, clock or not: "alive" means someone sends the outbox; the first beat at start-up
    sched.add_job(heartbeat, "interval", minutes=1, args=(engine,), id="heartbeat",
                  next_run_time=datetime.now(timezone.utc))
    sched.start()
    log.info("clock started as %s (jobs: %s)", holder, ", ".join(j.id for j in sched.get_jobs()))
    plain_shutdown = sched.shutdown

    def shutdown(wait: bool = True):  # hand the clock over at once instead of after the lease expires
        plain_shutdown(wait=wait)
        release_lease(engine, LEASE, holder)
    sched.shutdown = shutdown
    return sched
