"""The nightly retention job (PDPA): bot.services.retention.purge with the configured periods, by the clock
holder only (two workers purging at once would only repeat work, but the log should say it once)."""
from __future__ import annotations

import logging
from datetime import timedelta

from bot.services.retention import purge
from models.core import utcnow
from models.worker import take_lease

log = logging.getLogger("scheduler.retention")


def run(engine, holder: str, config, now=None, *, lease: str = "clock", ttl: timedelta = timedelta(seconds=90)) \
        -> dict | None:
    """Purge once if this worker is the clock (scheduler.jobs passes its LEASE/LEASE_TTL: jobs imports this
    module, so it is not imported back); None when another worker is."""
    now = now or utcnow()
    if not take_lease(engine, lease, holder, now, ttl):
        return None
    try:
        done = purge(engine, now, config.INBOX_RETENTION_DAYS, config.OUTBOX_RETENTION_DAYS)
    except Exception:  # noqa: BLE001 - tomorrow's run catches up; the clock goes on
        log.exception("retention failed")
        return None
    log.info("retention: %d inbox payload(s) blanked (older than %d days), %d outbox row(s) deleted (%d days)",
             done["inbox"], config.INBOX_RETENTION_DAYS, done["outbox"], config.OUTBOX_RETENTION_DAYS)
    return done
