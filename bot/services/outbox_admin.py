"""An admin's hand on the outbox's dead letters (console ระบบ page): retry (back to pending, due now) or
discard (never sent; the row stays, for the counts and the audit trail). A retried row waits for the end of
quiet hours like any push. Works on the rows directly: the
sender in bot/line/outbox.py picks up a pending row by its status and due time like any other.

A retry keeps the row's LINE retry key: within LINE's 24 hours a message that did reach LINE before the
failure comes back as "already accepted" instead of going out twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.services import audit, quiet_hours
from bot.services.console_access import Viewer, require_admin
from models.core import OutboxMessage
from models.enums import OutboxStatus


class OutboxAdminError(ValueError):
    """`code`: not_dead (already sent, retried or discarded) | empty (its recipients or messages were erased)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _dead(s: Session, viewer: Viewer, row_id: int) -> OutboxMessage | None:
    require_admin(viewer)
    row = s.get(OutboxMessage, row_id)
    if row is not None and row.status != OutboxStatus.DEAD:
        raise OutboxAdminError("not_dead")
    return row


def _state(row: OutboxMessage) -> dict:
    return {"status": row.status, "attempts": row.attempts, "next_attempt_at": row.next_attempt_at}


def retry(s: Session, viewer: Viewer, row_id: int, now: datetime) -> OutboxMessage | None:
    """Put a dead row back in the queue with a fresh count of attempts, due now or, for an ordinary push,
    when quiet hours end (no buzz at night or on a holiday because an admin pressed a button). None: no such
    row."""
    row = _dead(s, viewer, row_id)
    if row is None:
        return None
    if not row.recipients or not row.messages:
        raise OutboxAdminError("empty")  # an erase emptied it: there is no one and nothing left to send
    before = _state(row)
    due = quiet_hours.not_before(s, now, urgent=row.urgent)
    row.status, row.next_attempt_at, row.attempts, row.claimed_at = OutboxStatus.PENDING, due, 0, None
    s.add(row)
    audit.record(s, viewer.user_id, "outbox.retry", f"outbox:{row.id}", now, before=before, after=_state(row))
    return row


def discard(s: Session, viewer: Viewer, row_id: int, now: datetime) -> OutboxMessage | None:
    """Mark a dead row so it is never sent; the row and its error stay. None: no such row."""
    row = _dead(s, viewer, row_id)
    if row is None:
        return None
    before = _state(row)
    row.status = OutboxStatus.DISCARDED
    s.add(row)
    audit.record(s, viewer.user_id, "outbox.discard", f"outbox:{row.id}", now,
                 before={"status": before["status"]}, after={"status": row.status})
    return row
