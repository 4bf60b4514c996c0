"""Worker tables: the clock lease, public holidays, coordinator deputies and small admin settings.

The lease is taken and renewed with one conditional UPDATE (or an INSERT for the first holder), so two
workers never both believe they are the clock; this works the same on SQLite and PostgreSQL.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Optional

from sqlalchemy import JSON, Column, UniqueConstraint, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from models.core import utcnow


class ClockLease(SQLModel, table=True):
    __tablename__ = "clock_lease"
    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=120)
    expires_at: datetime


class Holiday(SQLModel, table=True):
    """A Thai public holiday (admin-editable): no non-urgent pushes that day."""
    day: date = Field(primary_key=True)
    name: str = Field(max_length=200)


class Delegation(SQLModel, table=True):
    """A coordinator's deputy receives the bureau's deadline reminders instead of the coordinator."""
    __table_args__ = (UniqueConstraint("coordinator_id", name="uq_delegation_coordinator"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    bureau_id: int = Field(foreign_key="bureau.id", index=True)
    coordinator_id: int = Field(foreign_key="user.id")
    deputy_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class WorkerSetting(SQLModel, table=True):
    """Admin switches, e.g. `staff_reminders` (bool) or `digest_optout:<user id>`."""
    __tablename__ = "worker_setting"
    key: str = Field(primary_key=True, max_length=80)
    value: Optional[dict] = Field(default=None, sa_column=Column(JSON))


def get_setting(session: Session, key: str, default=None):
    row = session.get(WorkerSetting, key)
    return default if row is None or row.value is None else row.value.get("v", default)


def set_setting(session: Session, key: str, value) -> None:
    row = session.get(WorkerSetting, key) or WorkerSetting(key=key)
    row.value = {"v": value}
    session.add(row)


def take_lease(engine, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease atomically; True when `holder` is the clock until now + ttl."""
    expires = now + ttl
    with engine.begin() as conn:
        res = conn.execute(update(ClockLease)
                           .where(ClockLease.name == name)
                           .where(or_(ClockLease.holder == holder, ClockLease.expires_at < now))
                           .values(holder=holder, expires_at=expires))
        if res.rowcount == 1:
            return True
    try:
        with engine.begin() as conn:
            conn.execute(ClockLease.__table__.insert().values(name=name, holder=holder, expires_at=expires))
        return True
    except IntegrityError:
        return False  # someone else holds it (or took it between our UPDATE and INSERT)


def release_lease(engine, name: str, holder: str) -> None:
    with engine.begin() as conn:
        conn.execute(ClockLease.__table__.delete().where(ClockLease.name == name)
                     .where(ClockLease.holder == holder))
