"""Campaigns (กิจกรรม) the committee invites staff to, and each person's answer and check-in."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.core import utcnow
from models.enums import CampaignAnswer, CampaignStatus


class Campaign(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    starts_at: datetime  # aware UTC
    place: str = Field(default="", max_length=300)  # a room or a meeting link
    bureau_ids: Optional[list] = Field(default=None, sa_column=Column(JSON))  # None = every bureau
    remind_minutes: list = Field(default_factory=lambda: [3 * 24 * 60, 60], sa_column=Column(JSON, nullable=False))
    virtue: str = Field(default="volunteer", max_length=20)  # recorded on check-in
    # the register's activity this campaign belongs to: its check-ins count as that activity's participants
    activity_id: Optional[int] = Field(default=None, foreign_key="activity.id", index=True)
    creator_id: Optional[int] = Field(default=None, foreign_key="user.id")
    # draft (being written in chat) → confirmed (invite goes out) | cancelled
    status: str = Field(default=CampaignStatus.CONFIRMED, max_length=12, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    confirmed_at: Optional[datetime] = None


class CampaignResponse(SQLModel, table=True):
    """One row per person per campaign: the latest answer and, after the event, the check-in."""
    __tablename__ = "campaign_response"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id", name="uq_campaign_response"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    answer: str = Field(default=CampaignAnswer.JOIN, max_length=10)  # join | decline
    checked_in_at: Optional[datetime] = None
    deed_id: Optional[int] = None
    updated_at: datetime = Field(default_factory=utcnow)
