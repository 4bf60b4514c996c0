"""What operators must hear of (issue 18): the worker silent for 10 minutes, LINE's monthly quota past 80 %, the
nightly ledger check failing, dead letters. Facts only: each check returns an `Alert` (English kind, a key that
is the same for the whole period it covers, plain fields: counts, internal ids, times) or None. Wording is
messages_th.alerts; delivery (LINE push to admins through the outbox, webhook/e-mail) is bot.line.outbox's
`raise_alert`, which first `claim`s the key in the database so several processes (web and worker) alert once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.services.ops_status import heartbeat
from messages_th.dates import to_bkk
from models.db import session_scope
from models.sql import insert_ignore
from models.worker import WorkerSetting

SILENT_AFTER = timedelta(minutes=10)
QUOTA_THRESHOLDS = (80, 100)  # percent of the month's limit; each alerted once a month
CLAIM_PREFIX = "alerted:"


@dataclass(frozen=True)
class Alert:
    kind: str                  # worker_silent | quota_high | ledger_broken | dead_letter
    key: str                   # one period's alert: "quota_high:80:2026-12"
    fields: dict = field(default_factory=dict)


# -- the checks ------------------------------------------------------------------------------------------
def worker_silence(s: Session, now: datetime) -> Alert | None:
    """No heartbeat for SILENT_AFTER. Keyed by the last beat, so one silence is one alert however long it lasts.
    A worker that never beat is not alerted here: /readyz and the doctor name it on a new installation."""
    beat = heartbeat(s, now)
    if beat.at is None or now - beat.at < SILENT_AFTER:
        return None
    return Alert("worker_silent", f"worker_silent:{beat.at.isoformat(timespec='seconds')}",
                 {"last_beat": beat.at.isoformat(timespec="seconds"), "minutes": beat.minutes_ago,
                  "host": beat.host or ""})


def quota_high(limit: int | None, used: int, now: datetime) -> Alert | None:
    """The highest threshold this month's use has passed (None: unlimited, unknown or below 80 %)."""
    if not limit or limit <= 0:
        return None
    percent = used * 100 // limit
    passed = [t for t in QUOTA_THRESHOLDS if percent >= t]
    if not passed:
        return None
    month = to_bkk(now).strftime("%Y-%m")
    return Alert("quota_high", f"quota_high:{passed[-1]}:{month}",
                 {"threshold": passed[-1], "percent": percent, "used": used, "limit": limit, "month": month})


def ledger_broken(verdict, now: datetime) -> Alert | None:
    """A failed ledger.verify Verdict (None when it passed); one alert per night."""
    if verdict.ok:
        return None
    return Alert("ledger_broken", f"ledger_broken:{to_bkk(now).date().isoformat()}",
                 {"entries_checked": verdict.count, "broken_seq": verdict.broken_seq, "deed_id": verdict.deed_id,
                  "reason": verdict.reason})


def dead_letters(count: int, first_key: str, reason: str, now: datetime) -> Alert:
    """Messages LINE refused for good; admins' LINE hears of them once a day (the console lists every one)."""
    return Alert("dead_letter", f"dead_letter:{to_bkk(now).date().isoformat()}",
                 {"count": count, "first_key": first_key, "reason": reason[:200]})


# -- once across processes ------------------------------------------------------------------------------------
def claim(s: Session, alert: Alert, now: datetime) -> bool:
    """True for the one caller that records this alert first (an INSERT that skips an existing key), so the web
    processes and the worker, checking the same facts, alert once."""
    key = (CLAIM_PREFIX + alert.key)[:80]
    row = {"key": key, "value": {"v": {"at": now.isoformat(timespec="seconds"), "kind": alert.kind}}}
    return bool(insert_ignore(s.connection(), WorkerSetting.__table__, [row], "key", returning=("key",)))


def claimed(s: Session, alert: Alert) -> bool:
    return s.get(WorkerSetting, (CLAIM_PREFIX + alert.key)[:80]) is not None


# -- the web side's check -------------------------------------------------------------------------------------
def check_worker_alive(engine, now: datetime) -> Alert | None:
    """For the web process (the worker cannot notice its own death): the worker-silent Alert when the heartbeat
    is 10 minutes old and it was not alerted yet, else None. Read-only and cheap (one row by primary key); the
    caller passes a returned Alert to bot.line.outbox.raise_alert, which claims it (once across processes)."""
    try:
        with session_scope(engine, readonly=True) as s:
            alert = worker_silence(s, now)
            return None if alert is None or claimed(s, alert) else alert
    except Exception:  # noqa: BLE001 - database away or unmigrated: /readyz says so; nothing to alert from here
        return None
