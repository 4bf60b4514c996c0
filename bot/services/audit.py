"""The console's audit log: every write records who, when, what, before → after (admins read it).
Internal ids only; names are looked up when the log is shown (an erased person leaves none here)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from models.console import AuditEntry


def _plain(value):
    """JSON-safe values (dates as ISO text) so the row stores on SQLite and PostgreSQL alike."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def record(s: Session, actor_user_id: int | None, action: str, target: str, now: datetime, *,
           before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Record a console write in the caller's transaction (it lands only if the change does)."""
    row = AuditEntry(at=now, actor_user_id=actor_user_id, action=action[:60], target=target[:120],
                     before=_plain(before) if before is not None else None,
                     after=_plain(after) if after is not None else None)
    s.add(row)
    s.flush()
    return row


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    total: int


def recent(s: Session, *, limit: int = 50, offset: int = 0, action: str | None = None) -> Page:
    q = select(AuditEntry)
    n = select(func.count()).select_from(AuditEntry)
    if action:
        q, n = q.where(AuditEntry.action == action), n.where(AuditEntry.action == action)
    rows = s.exec(q.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)).all()
    return Page(list(rows), int(s.exec(n).one()))
