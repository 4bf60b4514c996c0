"""Console tables: one-time sign-in links, console sessions (server side, so sign-out and a removed role end
them at once) and the audit log of every write made in the console."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.core import utcnow


class ConsoleLink(SQLModel, table=True):
    """A one-time sign-in link: only the SHA-256 of its token is kept, so a database reader cannot sign in."""

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(max_length=20)  # the console role it was issued for (admin | committee | coordinator)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: Optional[datetime] = None


class ConsoleSession(SQLModel, table=True):
    """A signed-in browser. The cookie carries only `sid` (signed); everything else stays here."""

    id: Optional[int] = Field(default=None, primary_key=True)
    sid_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    ended_at: Optional[datetime] = None


class AuditEntry(SQLModel, table=True):
    """Who changed what in the console, before → after. Internal ids only (names are looked up when shown),
    so an erased person leaves no name here."""

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_user_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=60)  # e.g. "round.set_due", "role.grant"
    target: str = Field(default="", max_length=120)  # e.g. "round:12", "user:40"
    before: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    after: Optional[dict] = Field(default=None, sa_column=Column(JSON))
