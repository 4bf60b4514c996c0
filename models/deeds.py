"""Good deeds, their edit history and the tamper-evident ledger (written by bot/services/ledger.py)."""
from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, Text, event, text
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from models.core import utcnow

VIRTUES = ("sufficiency", "discipline", "honesty", "volunteer", "gratitude")


def new_salt() -> str:
    return secrets.token_hex(16)


class Deed(SQLModel, table=True):
    __table_args__ = (Index("ix_deed_bureau_date", "bureau_id", "deed_date"),
                      Index("ix_deed_user_date", "user_id", "deed_date"),
                      Index("ix_deed_user_created", "user_id", "created_at"),
                      # the console's overview over a year of live deeds, read from the index alone
                      # (bot/services/console_overview.py): weeks by date, a bureau's by its range, by virtue.
                      # deleted_at ends each one although always NULL there: SQLite (3.40) counts an index as
                      # covering only when it holds every column the query names, the partial WHERE's too.
                      *(Index(name, *cols, "deleted_at", sqlite_where=text("deleted_at IS NULL"),
                              postgresql_where=text("deleted_at IS NULL"))
                        for name, cols in (("ix_deed_live_date_user", ("deed_date", "user_id")),
                                           ("ix_deed_live_bureau", ("bureau_id", "deed_date", "virtue", "user_id")),
                                           ("ix_deed_live_virtue", ("virtue", "deed_date")))))
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    bureau_id: Optional[int] = Field(default=None, foreign_key="bureau.id")  # bureau at the time
    virtue: str = Field(max_length=20)
    description: str = Field(sa_column=Column(Text, nullable=False))
    deed_date: date
    photos: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [{path, sha256}]
    beneficiaries: Optional[int] = None
    hours: Optional[float] = None
    source: str = Field(default="chat", max_length=20)  # chat | campaign | pledge
    pledge_item_id: Optional[int] = None
    campaign_id: Optional[int] = None
    # Mixed into the ledger's hashes of personal fields; blanked on PDPA erasure so old hashes
    # can no longer be matched against guessed texts.
    salt: str = Field(default_factory=new_salt, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: Optional[datetime] = None
    erased_at: Optional[datetime] = None


class DeedHistory(SQLModel, table=True):
    """Every change to a deed after it was recorded: who, when, before and after (fields that changed)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    deed_id: int = Field(foreign_key="deed.id", index=True)
    actor_user_id: Optional[int] = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=20)  # edit | delete | erase
    before: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    ledger_seq: Optional[int] = None
    created_at: datetime = Field(default_factory=utcnow)


class LedgerEntry(SQLModel, table=True):
    """Append-only: code never updates or deletes these rows (`_append_only` below refuses it at flush)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    deed_id: Optional[int] = Field(default=None, index=True)
    action: str = Field(max_length=20)  # create | edit | delete | erase
    payload: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON of the change
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


# Registered with the table, not with the ledger service, so that any code importing the models (scripts,
# migrations, the CLI) has the guard too; on SQLAlchemy's Session, so sqlmodel's and plain sessions alike.
@event.listens_for(Session, "before_flush")
def _append_only(session, _ctx, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, LedgerEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("ledger entries are append-only")
