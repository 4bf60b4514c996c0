"""A coordinator's deputy (who gets the bureau's deadline reminders instead): read, set, clear.

The chat (handlers/deputy.py) and `flask --app bot delegate` both write through here; audience.reminder_targets
reads it.
"""
from __future__ import annotations

from sqlmodel import Session, select

from models.core import User
from models.worker import Delegation


def current(session: Session, coordinator: User) -> tuple[Delegation | None, User | None]:
    """(the coordinator's delegation row, its deputy) or (None, None)."""
    row = session.exec(select(Delegation).where(Delegation.coordinator_id == coordinator.id)).first()
    return row, (session.get(User, row.deputy_id) if row else None)


def set_deputy(session: Session, coordinator: User, deputy: User) -> Delegation:
    """Name `deputy`, replacing any earlier one; the row carries the coordinator's bureau. Checks on who may
    be named (same bureau, registered, not oneself) belong to the caller: the CLI lets an admin override."""
    row, _ = current(session, coordinator)
    row = row or Delegation(coordinator_id=coordinator.id, bureau_id=coordinator.bureau_id, deputy_id=deputy.id)
    row.deputy_id, row.bureau_id = deputy.id, coordinator.bureau_id
    session.add(row)
    session.flush()
    return row


def clear(session: Session, coordinator: User) -> bool:
    """Back to the coordinator's own reminders; True when there was a deputy."""
    rows = session.exec(select(Delegation).where(Delegation.coordinator_id == coordinator.id)).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return bool(rows)
