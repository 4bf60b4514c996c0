"""The worker loop: drain the outbox every few seconds and recover webhook events a web process left behind.

The clock jobs (reminders, campaigns, digest) run in scheduler.jobs on whichever worker holds the clock lease;
this loop runs on every worker, so pushes go out even while another worker is the clock.
"""
from __future__ import annotations

import logging
import signal
import threading

from bot.config import Config
from bot.line.gateway import LineGateway
from bot.line.outbox import send_due
from models.db import make_engine

log = logging.getLogger("scheduler")


def run_sender(engine, gateway, stop: threading.Event, interval_s: float = 2.0) -> None:
    while not stop.is_set():
        try:
            stats = send_due(engine, gateway, limit=100)
        except Exception:  # noqa: BLE001 - database or network away: wait and try again
            log.exception("outbox sender failed")
            stats = {}
        if not any(stats.values()):
            stop.wait(interval_s)


def main() -> None:
    config = Config.from_env()
    config.validate()
    engine = make_engine(config.DATABASE_URL)
    gateway = LineGateway.from_config(config)  # token kind and proxy from the settings
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    from scheduler.jobs import start_clock
    clock = start_clock(config, engine, gateway, stop)
    log.info("worker started (clock: %s)", "on" if clock else "off")
    run_sender(engine, gateway, stop)
    if clock:
        clock.shutdown(wait=False)
    gateway.close()
    engine.dispose()
