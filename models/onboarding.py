"""Onboarding tables: bureau invite codes, failed registration attempts (lockout) and deployed rich menus."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core import utcnow


class InviteCode(SQLModel, table=True):
    """A bureau's invite code: proves membership at registration. Admins issue and revoke them."""

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    bureau_id: int = Field(foreign_key="bureau.id", index=True)
    created_by: Optional[str] = Field(default=None, max_length=80)  # "cli" or "user:<id>"
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: Optional[datetime] = None
    max_uses: Optional[int] = None
    uses: int = 0
    revoked: bool = False

    def usable(self, now: datetime) -> bool:
        return (not self.revoked and (self.expires_at is None or self.expires_at > now)
                and (self.max_uses is None or self.uses < self.max_uses))


class RegistrationAttempt(SQLModel, table=True):
    """A wrong invite code (kind "fail") or the lock it triggered (kind "lock"); persisted, not in memory.

    Keyed on `line_hash`, an HMAC of the LINE id (bot/services/membership.py), not on the user row: the lock
    holds through a PDPA erase and a new follow (a new user row), and no raw LINE id stays after the erase.
    `user_id` is left empty by new rows (older rows have it)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True)
    line_hash: Optional[str] = Field(default=None, max_length=64, index=True)
    kind: str = Field(default="fail", max_length=8)
    at: datetime = Field(default_factory=utcnow, index=True)


class RichMenuDeployment(SQLModel, table=True):
    """The rich menu currently deployed for a menu key ("staff", "coordinator", "committee") and page."""

    __table_args__ = (UniqueConstraint("menu_key", "page", name="uq_richmenu_key_page"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    menu_key: str = Field(max_length=20)
    page: str = Field(default="a", max_length=2)
    rich_menu_id: str = Field(max_length=80)
    deployed_at: datetime = Field(default_factory=utcnow)
