"""The watch (issue 18): alert the admins (LINE push through the outbox, and the webhook/e-mail channels) when
the worker's heartbeat is 10 minutes old or LINE's monthly quota passes 80 % (and 100 %), every few minutes;
verify the good-deed ledger every night and alert when it fails. Dead letters are alerted by the sender itself
(bot.line.outbox). A dead worker runs no job, so the web process checks the heartbeat too
(bot.services.watch.check_worker_alive); here it catches a worker whose heartbeat stopped while its clock goes on.

Only the clock holder runs these (scheduler.jobs passes its lease, as for retention); the alerts are claimed in
the database anyway, so a second checker would add nothing.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.line.outbox import raise_alert
from bot.services import ledger, ledger_anchor, watch
from bot.services.ops_status import ask_line, cached_quota, keep_quota
from messages_th.digest_anchor import heads_in
from models.core import utcnow
from models.db import session_scope
from models.worker import take_lease

log = logging.getLogger("scheduler.watch")
EVERY_MINUTES = 5


def check(engine, now: datetime, gateway=None) -> list[str]:
    """One look: the kinds of the alerts raised now (an alert of this period raised before is not again)."""
    with session_scope(engine, readonly=True) as s:
        found = [watch.worker_silence(s, now)]
        reading = cached_quota(s, now)  # the console's reading, if fresh: LINE is not asked twice
    if reading is None and gateway is not None:
        reading = ask_line(gateway, now)  # no transaction is open while LINE answers
        with session_scope(engine) as s:
            keep_quota(s, reading)
    if reading is not None and reading.ok:
        found.append(watch.quota_high(reading.limit, reading.used, now))
    return [a.kind for a in found if a is not None and raise_alert(engine, a, now)]


def digest_anchors(s) -> list[ledger.Anchor]:
    """The heads the committee received in the weekly digest (what `flask ledger-verify` checks against too)."""
    return [ledger.Anchor(n, h, f"the committee's digest {key}")
            for key, _, messages in ledger_anchor.sent_digests(s) for n, h in heads_in(messages) if n]


def verify_ledger(engine, now: datetime, config) -> ledger.Verdict:
    """The nightly ledger check, as `flask ledger-verify` with LEDGER_KEY, MEDIA_DIR and the digest heads."""
    with session_scope(engine, readonly=True) as s:
        verdict = ledger.verify(s, config.LEDGER_KEY, media_dir=config.MEDIA_DIR, anchors=digest_anchors(s))
    if verdict.ok:
        log.info("ledger check ok: %d entries, head %s, %d anchored head(s) matched", verdict.count,
                 verdict.head[:16], verdict.anchors)
    else:
        log.error("ledger check BROKEN at seq %s (deed %s): %s", verdict.broken_seq, verdict.deed_id,
                  verdict.reason)
        raise_alert(engine, watch.ledger_broken(verdict, now), now)
    return verdict


def run(engine, holder: str, gateway=None, now=None, *, lease: str = "clock",
        ttl: timedelta = timedelta(seconds=90)) -> list[str] | None:
    """`check` if this worker is the clock; None when another worker is."""
    now = now or utcnow()
    if not take_lease(engine, lease, holder, now, ttl):
        return None
    try:
        return check(engine, now, gateway)
    except Exception:  # noqa: BLE001 - the next look comes in a few minutes; the clock goes on
        log.exception("watch failed")
        return None


def run_ledger(engine, holder: str, config, now=None, *, lease: str = "clock",
               ttl: timedelta = timedelta(seconds=90)) -> ledger.Verdict | None:
    now = now or utcnow()
    if not take_lease(engine, lease, holder, now, ttl):
        return None
    try:
        return verify_ledger(engine, now, config)
    except Exception:  # noqa: BLE001 - logged; tomorrow's run checks again
        log.exception("ledger check failed to run")
        return None
