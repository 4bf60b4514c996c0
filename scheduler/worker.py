"""The worker loop: drain the outbox every few seconds and recover webhook events a web process left behind.

The clock jobs (reminders, campaigns, digest) run in scheduler.jobs on whichever worker holds the clock lease;
this loop runs on every worker, so pushes go out even while another worker is the clock.
"""
from __future__ import annotations

import logging
import signal
import threading

from bot.config import ROOT, Config, ConfigError
from bot.line.gateway import LineGateway
from bot.line.outbox import send_due
from bot.services import ledger, readiness
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


def production_guards(config: Config, engine) -> None:
    """The web process's start-up refusals and warnings (bot/app.py), for the worker: it puts PUBLIC_BASE_URL
    into the digest's chart links, and on a database not at the latest migration every job fails each tick
    with nobody told. ConfigError naming each setting."""
    refused, warnings = readiness.start_problems(config.PUBLIC_BASE_URL, config.MEDIA_DIR, config.DATABASE_URL, ROOT)
    if why := readiness.migration_refusal(engine):
        refused.append(why)
    if refused:
        raise ConfigError("Refusing to start the worker in production: " + "; ".join(refused))
    for line in warnings:
        log.warning("%s", line)
    if not config.LEDGER_KEY:
        log.warning("LEDGER_KEY is not set: the nightly ledger check uses the public development key")


def main() -> None:
    config = Config.from_env()
    config.validate()
    engine = make_engine(config.DATABASE_URL)
    if config.APP_ENV == "production":
        try:
            production_guards(config, engine)
        except ConfigError as exc:  # before anything starts: one line for systemd's journal, exit status 1
            engine.dispose()
            raise SystemExit(str(exc)) from None
    ledger.use_key(config.LEDGER_KEY)  # as the web process: anything the worker writes to the chain is keyed
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
