"""Roles and statuses as `StrEnum`s, one place to read what a column may hold.

The columns stay `str` (no migration): a member equals its value (`Role.ADMIN == "admin"`), it is stored,
compared, JSON-encoded and formatted as that string, and rows read back give plain strings. So code that
still writes the bare string keeps working while callers move over.
"""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Ranked low to high (see `bot.conversation.auth.RANK`). Staff is implied by registration; the others
    are `UserRole` rows: coordinator per bureau, committee and admin global."""

    STAFF = "staff"
    COORDINATOR = "coordinator"
    COMMITTEE = "committee"
    ADMIN = "admin"


EXTRA_ROLES = (Role.COORDINATOR, Role.COMMITTEE, Role.ADMIN)  # the ones a `UserRole` row grants


class UserStatus(StrEnum):
    """`User.status`: new → consented → registered; or refused / pending_approval; erased after PDPA deletion."""

    NEW = "new"
    CONSENTED = "consented"
    PENDING_APPROVAL = "pending_approval"
    REGISTERED = "registered"
    REFUSED = "refused"
    ERASED = "erased"


class InboxStatus(StrEnum):
    """`InboxEvent.status`: pending → handled (reply decided and stored) → done; or ignored | failed."""

    PENDING = "pending"
    HANDLED = "handled"
    DONE = "done"
    IGNORED = "ignored"  # stored but never answered (standby mode)
    FAILED = "failed"


class OutboxStatus(StrEnum):
    """`OutboxMessage.status`: pending → sending → sent | dead; an admin may put a dead row back to pending
    (retry) or mark it discarded (never sent, the row kept): bot/services/outbox_admin.py."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"
    DISCARDED = "discarded"


class CampaignStatus(StrEnum):
    """`Campaign.status`: draft (being written in chat) → confirmed (the invite goes out) | cancelled."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class CampaignAnswer(StrEnum):
    """`CampaignResponse.answer`."""

    JOIN = "join"
    DECLINE = "decline"


class ReportStatus(StrEnum):
    """`RoundReport.status`, what a row is: a coordinator's draft or a submitted version."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class RoundState(StrEnum):
    """Where a bureau stands in a round (`bot.services.rounds.status_of`), derived, never stored; ordered as
    the status view and the digest count them. Labels: `messages_th.rounds.STATUS_TH`."""

    SUBMITTED = "submitted"
    LATE = "late"  # submitted, but the first submission came after the due date
    OVERDUE = "overdue"  # past the due date and not sent (whether or not a draft exists)
    DRAFT = "draft"
    NOT_STARTED = "not_started"
