"""Core tables: bureaus, users and roles, conversation state, webhook inbox, push outbox.

Datetimes are timezone-aware UTC in code; SQLModel's UTCDateTime stores them so both SQLite and
PostgreSQL give back aware UTC values. `utcnow()` gives one.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.enums import InboxStatus, OutboxStatus, Role, UserStatus


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


ROLES = tuple(Role)  # kept for callers that import it; low to high


class Bureau(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)  # short handle used on the CLI
    name: str = Field(max_length=200, unique=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    """Anyone who has talked to the bot; `status` says how far onboarding got."""

    id: Optional[int] = Field(default=None, primary_key=True)
    line_user_id: str = Field(max_length=64, unique=True, index=True)
    display_name: Optional[str] = Field(default=None, max_length=200)
    # คำนำหน้า (นาย, นางสาว, ว่าที่ร้อยตรี, ดร. …), kept apart from the name: messages_th/names.py addresses
    # people by it; None for users registered before it was asked (they are "คุณ" + first name)
    title: Optional[str] = Field(default=None, max_length=40)
    full_name: Optional[str] = Field(default=None, max_length=200)
    position: Optional[str] = Field(default=None, max_length=200)
    bureau_id: Optional[int] = Field(default=None, foreign_key="bureau.id", index=True)
    # new → consented → registered; or refused / pending_approval; erased after PDPA deletion
    status: str = Field(default=UserStatus.NEW, max_length=20, index=True)
    following: bool = True
    consent_at: Optional[datetime] = None
    registered_at: Optional[datetime] = None
    mute_reminders: bool = False
    rich_menu_id: Optional[str] = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def registered(self) -> bool:
        return self.status == UserStatus.REGISTERED


class UserRole(SQLModel, table=True):
    """Extra roles beyond staff. A coordinator role is per bureau; committee and admin are global."""

    __table_args__ = (UniqueConstraint("user_id", "role", "bureau_id", name="uq_user_role"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(max_length=20)
    bureau_id: Optional[int] = Field(default=None, foreign_key="bureau.id")
    granted_at: datetime = Field(default_factory=utcnow)


class ConversationState(SQLModel, table=True):
    """Where a user is in a multi-step flow. Lives in the database: workers share no memory."""

    line_user_id: str = Field(primary_key=True, max_length=64)
    flow: Optional[str] = Field(default=None, max_length=40)
    step: Optional[str] = Field(default=None, max_length=40)
    draft: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # unfinished flows left for a menu action, newest first (bot/conversation/parking.py)
    parked: Optional[list] = Field(default=None, sa_column=Column(JSON, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow)


class InboxEvent(SQLModel, table=True):
    """Every webhook event, stored before the 200. The unique id makes redeliveries harmless."""

    __table_args__ = (Index("ix_inbox_status_received", "status", "received_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    webhook_event_id: str = Field(max_length=64, unique=True)
    event_type: str = Field(max_length=40)
    line_user_id: Optional[str] = Field(default=None, max_length=64, index=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the event's JSON as received
    # pending → handled (reply decided, stored below) → done; or ignored | failed
    status: str = Field(default=InboxStatus.PENDING, max_length=12)
    reply: Optional[list] = Field(default=None, sa_column=Column(JSON))
    attempts: int = 0
    received_at: datetime = Field(default_factory=utcnow)
    claimed_at: Optional[datetime] = None
    handled_at: Optional[datetime] = None
    error: Optional[str] = Field(default=None, sa_column=Column(Text))


class OutboxMessage(SQLModel, table=True):
    """A push or multicast waiting to be sent; the key makes enqueueing idempotent."""

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    recipients: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recipient_count: int = 0  # what LINE bills: one per recipient
    messages: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    retry_key: str = Field(default_factory=lambda: str(uuid.uuid4()), max_length=36)
    category: str = Field(default="push", max_length=40)
    urgent: bool = False
    # pending → sending → sent | dead
    status: str = Field(default=OutboxStatus.PENDING, max_length=12)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_at: Optional[datetime] = None
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))
    request_id: Optional[str] = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: Optional[datetime] = None
