"""Recognition and learning (issue 17): best practices (ถอดบทเรียน), nominations of outstanding officials and
bureaus with the committee's scores, and the ITA internal-survey drive. Criteria lists of the nomination
windows are `models.activities.CriteriaItem` rows (kinds "nom-person" / "nom-bureau")."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core import utcnow


class BestPractice(SQLModel, table=True):
    """A lesson learnt, written in chat; the committee approves it into the library or sends it back."""
    id: Optional[int] = Field(default=None, primary_key=True)
    fy: int = Field(index=True)
    author_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True)  # None after an erase
    bureau_id: Optional[int] = Field(default=None, foreign_key="bureau.id")
    title: str = Field(default="", max_length=200)
    problem: str = Field(default="", sa_column=Column(Text, nullable=False))
    action: str = Field(default="", sa_column=Column(Text, nullable=False))
    result: str = Field(default="", sa_column=Column(Text, nullable=False))
    lessons: str = Field(default="", sa_column=Column(Text, nullable=False))
    virtue: Optional[str] = Field(default=None, max_length=20)
    activity_id: Optional[int] = Field(default=None, foreign_key="activity.id")
    photos: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [{path, sha256}]
    # draft → submitted → approved | returned (→ submitted again)
    status: str = Field(default="draft", max_length=12, index=True)
    review_comment: Optional[str] = Field(default=None, sa_column=Column(Text))
    reviewer_id: Optional[int] = Field(default=None, foreign_key="user.id")
    submitted_at: Optional[datetime] = None
    reviewed_at: Optional[datetime] = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class NominationWindow(SQLModel, table=True):
    """A fiscal year's nomination window for outstanding officials (kind "person") or bureaus ("bureau")."""
    id: Optional[int] = Field(default=None, primary_key=True)
    fy: int = Field(index=True)
    kind: str = Field(max_length=10)  # person | bureau
    opens_on: date
    closes_on: date
    status: str = Field(default="open", max_length=12)  # open | closed | announced
    created_by: Optional[int] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Nomination(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    window_id: int = Field(foreign_key="nominationwindow.id", index=True)
    bureau_id: int = Field(foreign_key="bureau.id", index=True)  # the nominee's bureau (or the bureau itself)
    nominee_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True)  # None: a bureau
    nominator_id: Optional[int] = Field(default=None, foreign_key="user.id")
    reasons: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # criterion pos → text
    evidence: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # the record summary
    # draft → awaiting_consent → submitted (consent given) | declined (consent refused) | withdrawn
    status: str = Field(default="draft", max_length=20, index=True)
    consent_at: Optional[datetime] = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class NominationScore(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("nomination_id", "scorer_id", name="uq_nomination_scorer"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    scorer_id: int = Field(foreign_key="user.id")
    scores: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # criterion pos → points
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class SurveyDrive(SQLModel, table=True):
    """The ITA internal survey drive: the link is the survey's (not ours); we only invite and remind."""
    id: Optional[int] = Field(default=None, primary_key=True)
    fy: int = Field(index=True)
    title: str = Field(max_length=200)
    url: str = Field(max_length=500)
    opens_at: datetime
    closes_at: datetime
    bureau_ids: Optional[list] = Field(default=None, sa_column=Column(JSON))  # None = every bureau
    status: str = Field(default="open", max_length=12)  # open | closed
    created_by: Optional[int] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class SurveyResponse(SQLModel, table=True):
    """A staff member's own "ตอบแล้ว" (self-reported; never the answers: the survey is anonymous)."""
    __table_args__ = (UniqueConstraint("drive_id", "user_id", name="uq_survey_response"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    drive_id: int = Field(foreign_key="surveydrive.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    bureau_id: Optional[int] = Field(default=None, foreign_key="bureau.id")  # at the time (the rate by bureau)
    answered_at: datetime = Field(default_factory=utcnow)
