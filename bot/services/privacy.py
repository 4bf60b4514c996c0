"""PDPA: everything held about a user (export) and erasure of their personal data across the tables.

Erasure keeps what the plan needs anonymously: the user row (pseudonymous id, no names, status "erased"),
the deed rows' counts (their personal fields are blanked by `bot.services.deeds.erase_user_deeds`, which also
appends the ledger's `erase` entries) and the ledger. Roles, failed-code attempts and the conversation state
are deleted; past webhook payloads of the user are blanked.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from bot.services.deeds import erase_user_deeds
from models.core import Bureau, ConversationState, InboxEvent, User, UserRole
from models.deeds import Deed
from models.enums import InboxStatus, UserStatus
from models.onboarding import RegistrationAttempt


@dataclass(frozen=True)
class Export:
    """What the bot holds about one user, as values (the caller words it)."""
    user: User
    bureau: str | None
    counts: list[tuple[str, int]]  # (virtue key, live deeds)
    deeds: list[Deed]              # live deeds, newest first


def export_data(s: Session, user: User) -> Export:
    bureau = s.get(Bureau, user.bureau_id) if user.bureau_id else None
    live = (Deed.user_id == user.id, Deed.deleted_at.is_(None))
    counts = s.exec(select(Deed.virtue, func.count()).where(*live).group_by(Deed.virtue)).all()
    deeds = s.exec(select(Deed).where(*live).order_by(Deed.deed_date.desc(), Deed.id.desc())).all()
    return Export(user, bureau.name if bureau else None, [(v, int(n)) for v, n in counts], list(deeds))


def erase_user(s: Session, user: User, state: ConversationState | None, *, media_dir: str | None,
               now: datetime) -> str:
    """Anonymise the user, drop roles, attempts and the conversation state, erase deed details and blank the
    user's past webhook payloads. Returns the LINE id they had (whose rich menu the caller unlinks)."""
    real_id = user.line_user_id
    erase_user_deeds(s, user, media_dir=media_dir, now=now)
    s.exec(delete(UserRole).where(UserRole.user_id == user.id))
    s.exec(delete(RegistrationAttempt).where(RegistrationAttempt.user_id == user.id))
    s.execute(update(InboxEvent).where(InboxEvent.line_user_id == real_id,  # the event being handled stays
                                       InboxEvent.status.notin_((InboxStatus.PENDING, InboxStatus.HANDLED)))
              .values(payload="{}", line_user_id=None))
    user.line_user_id = "erased-" + secrets.token_hex(12)
    user.display_name = user.full_name = user.position = user.rich_menu_id = None
    user.status, user.following, user.consent_at, user.registered_at = UserStatus.ERASED, False, None, None
    user.updated_at = now
    s.add(user)
    if state is not None:
        s.delete(state)
    return real_id
