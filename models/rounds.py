"""Fiscal-year reporting rounds, pledges and the bureaus' round reports."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core import utcnow
from models.enums import ReportStatus

ROUND_KEYS = ("6m", "9m", "12m", "moral-org", "bureau-eval")


class Round(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)  # "<FY>-<key>", e.g. "2570-6m"
    fy: int = Field(index=True)  # Buddhist-era fiscal year
    key: str = Field(max_length=20)
    title: str = Field(max_length=200)
    period_start: date
    period_end: date
    due_date: date  # ends 23:59 Asia/Bangkok


class Pledge(SQLModel, table=True):
    """One per bureau per FY; bureau_id None is the organization's pledge."""

    __table_args__ = (UniqueConstraint("fy", "bureau_id", name="uq_pledge_fy_bureau"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    fy: int
    bureau_id: Optional[int] = Field(default=None, foreign_key="bureau.id")
    unlocked: bool = False  # an admin may reopen editing after the lock date
    created_at: datetime = Field(default_factory=utcnow)


class PledgeItem(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True)
    position: int = 1
    problem: str = Field(sa_column=Column(Text, nullable=False))  # ปัญหาที่อยากแก้
    good_deed: str = Field(sa_column=Column(Text, nullable=False))  # ความดีที่อยากทำ
    virtue: str = Field(max_length=20)
    indicator: str = Field(sa_column=Column(Text, nullable=False))
    target: Optional[str] = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class RoundReport(SQLModel, table=True):
    """A bureau's report for a round; each submission is a new version, the draft is version 0."""

    __table_args__ = (UniqueConstraint("round_id", "bureau_id", "version", name="uq_report_version"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    bureau_id: int = Field(foreign_key="bureau.id", index=True)
    version: int = 0
    status: str = Field(default=ReportStatus.DRAFT, max_length=12)  # draft | submitted
    late: bool = False
    # {"items": {"<pledge item id>": {"done", "result", "problems", "photos": [...]}},
    #  "cursor": {"i", "step"} (draft only: where the coordinator left off), "counts": {"<item id>": {...}}}
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    author_id: Optional[int] = Field(default=None, foreign_key="user.id")
    submitted_at: Optional[datetime] = None
    updated_at: datetime = Field(default_factory=utcnow)
