"""A job's run in three phases: plan sends in a read session, ask LINE and render outside any transaction,
then write the outbox rows in one short write session (a transaction never waits on LINE or on Pillow).

A job is `plan(session, now) -> list[Send]`. Keys are deterministic, so a second run (or a send planned twice
because another worker wrote in between) adds nothing: `enqueue` skips keys that exist.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlmodel import Session, select

from bot.line.outbox import enqueue
from models.core import OutboxMessage
from scheduler import quota

log = logging.getLogger("scheduler.sends")



def enqueued(session: Session, key: str) -> bool:
    """A push with this outbox key is already queued or sent (the jobs plan each push once by its key)."""
    return session.exec(select(OutboxMessage.id).where(OutboxMessage.key == key)).first() is not None

@dataclass
class Send:
    """One outbox key to enqueue. `render` (optional) builds the messages outside any transaction (the
    digest's chart); `quota_what` names a send that must fit in LINE's monthly quota when it is big."""

    key: str
    to: list[str]
    messages: list[dict] = field(default_factory=list)
    not_before: datetime | None = None
    category: str = "push"
    urgent: bool = False
    quota_what: str | None = None
    render: Callable[[], list[dict]] | None = None
    logger: logging.Logger | None = None
    done: str | None = None  # log line once written: %(key)s %(n)d %(to)d %(state)s
    # a write the job stands for (the FY rollover opening rounds), done in the write session before the row;
    # it must be idempotent (a job runs again); a Send with no `to` is only that write
    apply: Callable[[Session], None] | None = None

    def prepare(self) -> None:
        if self.render is not None:
            self.messages, self.render = self.render(), None

    @property
    def big(self) -> bool:
        return self.quota_what is not None and len(self.to) > quota.BIG_SEND


def outside(sends: list[Send], gateway) -> quota.Reading | None:
    """The phase between the sessions: LINE's quota (only when a big send needs it) and rendering."""
    reading = quota.read(gateway) if gateway is not None and any(s.big for s in sends) else None
    for s in sends:
        s.prepare()
    return reading


def write(session: Session, sends: list[Send], reading: quota.Reading | None, now: datetime) -> int:
    """Enqueue the planned sends; big ones only if the quota takes them. Returns rows added."""
    added = 0
    for s in sends:
        if s.big and not quota.allow(session, reading, len(s.to), now, s.quota_what):
            continue
        if s.apply is not None:
            s.apply(session)
        if not s.to:
            continue
        n = enqueue(session, s.key, s.to, s.messages, not_before=s.not_before, urgent=s.urgent, category=s.category)
        if s.done:
            (s.logger or log).info(s.done, {"key": s.key, "n": n, "to": len(s.to),
                                            "state": "new" if n else "exists"})
        added += n
    return added


def run_in(session: Session, plan: Callable[[Session, datetime], list[Send]], now: datetime, gateway=None) -> int:
    """All three phases in one session, for tests and the CLI (the clock uses scheduler.jobs.run_job)."""
    sends = plan(session, now)
    return write(session, sends, outside(sends, gateway), now)
