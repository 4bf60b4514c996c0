"""The plan's activity register (issue 16): the projects/activities of a fiscal year with their measure,
responsible bureaus and indicator. Loaded by the secretariat from a template (bot/services/activities.py);
the code knows no activity of its own (our text of the plan stops before its activity tables)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core import utcnow


class Activity(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("fy", "code", name="uq_activity_fy_code"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    fy: int = Field(index=True)  # Buddhist-era fiscal year
    code: str = Field(max_length=20)  # "1.2.3", Arabic digits (typed ๑.๒.๓ is stored so; shown in Thai digits)
    name: str = Field(sa_column=Column(Text, nullable=False))
    measure: str = Field(default="", sa_column=Column(Text, nullable=False))       # มาตรการ (as loaded)
    sub_measure: str = Field(default="", sa_column=Column(Text, nullable=False))   # มาตรการย่อย / แนวทาง
    indicator: str = Field(default="", sa_column=Column(Text, nullable=False))
    unit: str = Field(default="", max_length=60)
    target: Optional[float] = None
    period: str = Field(default="", max_length=200)
    budget: Optional[float] = None  # baht
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ActivityBureau(SQLModel, table=True):
    """A bureau responsible for an activity (an activity may have several)."""
    activity_id: int = Field(foreign_key="activity.id", primary_key=True)
    bureau_id: int = Field(foreign_key="bureau.id", primary_key=True, index=True)


class CriteriaItem(SQLModel, table=True):
    """A loadable criteria list of a round kind for a fiscal year (issue 16): the moral-organisation round's
    nine criteria (the plan quotes them; the built-in copy is used until a list is loaded) and the
    bureau-evaluation criteria (in the printed plan, pages ๗๗–๘๐, not in our text: loaded by the secretariat)."""
    __table_args__ = (UniqueConstraint("kind", "fy", "position", name="uq_criteria_kind_fy_position"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # a round key: "moral-org" | "bureau-eval"
    fy: int = Field(index=True)
    position: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
