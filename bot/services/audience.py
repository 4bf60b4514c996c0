"""Who may get a push: following, registered, consenting users, by bureau and role (one query each).

Next step: a job turns these LINE user ids into outbox rows with `bot.line.outbox.enqueue`.
"""
from __future__ import annotations

from sqlalchemy import and_
from sqlmodel import Session, select

from models.core import Bureau, User, UserRole
from models.enums import Role, UserStatus
from models.worker import Delegation


def reachable():
    """The condition every push recipient must meet (as SQL; `is_reachable` is the same rule for a loaded row).
    Used by every job, the quota alert to admins, the digest counts and the rich-menu relink of everyone."""
    return and_(User.following == True, User.status == UserStatus.REGISTERED,  # noqa: E712
                User.consent_at.is_not(None))


def is_reachable(user: User) -> bool:
    return bool(user.following and user.status == UserStatus.REGISTERED and user.consent_at is not None)


def staff_ids(session: Session, bureau_ids: list[int] | None = None, *, skip_muted: bool = False) -> list[str]:
    """Active staff (of active bureaus, optionally only some) as LINE user ids, in a stable order."""
    q = (select(User.line_user_id).join(Bureau, Bureau.id == User.bureau_id)
         .where(reachable(), Bureau.active == True))  # noqa: E712
    if bureau_ids is not None:
        q = q.where(User.bureau_id.in_(bureau_ids))
    if skip_muted:
        q = q.where(User.mute_reminders == False)  # noqa: E712
    return list(session.exec(q.order_by(User.id)))


def coordinators(session: Session, bureau_id: int) -> list[User]:
    q = (select(User).join(UserRole, UserRole.user_id == User.id)
         .where(UserRole.role == Role.COORDINATOR, UserRole.bureau_id == bureau_id).order_by(User.id))
    return list({u.id: u for u in session.exec(q)}.values())


def reminder_targets(session: Session, bureau_id: int) -> list[str]:
    """Coordinators of the bureau, each replaced by their deputy when they delegated (mute is ignored). A
    deputy who can no longer be reached (left the account, erased) hands the reminders back: never no one."""
    out: list[str] = []
    for coord in coordinators(session, bureau_id):
        deleg = session.exec(select(Delegation).where(Delegation.coordinator_id == coord.id)).first()
        deputy = session.get(User, deleg.deputy_id) if deleg else None
        person = deputy if deputy is not None and is_reachable(deputy) else coord
        if is_reachable(person):
            out.append(person.line_user_id)
    return list(dict.fromkeys(out))


def role_ids(session: Session, role: str) -> list[str]:
    q = (select(User.line_user_id).join(UserRole, UserRole.user_id == User.id)
         .where(UserRole.role == role, reachable()).order_by(User.id))
    return list(dict.fromkeys(session.exec(q)))
