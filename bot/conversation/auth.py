"""Role checks, done by every handler when it runs (a menu hides buttons; it does not protect anything)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlmodel import Session, select

from models.core import User, UserRole
from bot.services import membership
from models.enums import Role

RANK = {role: n for n, role in enumerate(Role)}  # Role is declared low to high


def roles_of(session: Session, user: User | None) -> set[tuple[str, int | None]]:
    """(role, bureau_id) pairs; a registered user is always staff of their own bureau."""
    if user is None or user.id is None or not user.registered:
        return set()
    pairs = {(Role.STAFF, user.bureau_id)}
    for r in session.exec(select(UserRole).where(UserRole.user_id == user.id)):
        pairs.add((r.role, r.bureau_id))
    return pairs


def has_role(session: Session, user: User | None, role: str, bureau_id: int | None = None) -> bool:
    pairs = roles_of(session, user)
    if (Role.ADMIN, None) in pairs:
        return True
    if role == Role.COORDINATOR and bureau_id is not None:
        return (Role.COORDINATOR, bureau_id) in pairs
    return any(r == role for r, _ in pairs)


def top_role(session: Session, user: User | None) -> str | None:
    """The user's highest role; None when not registered (membership's rule, one copy)."""
    return membership.top_role(session, user)


@dataclass(frozen=True)
class Need:
    """Who may use a route: a role, optionally of the bureau `bureau(ctx)` names (admins always may)."""
    role: str = "staff"
    bureau: Callable | None = None  # ctx -> bureau id (None returned: admins only); unset: the role anywhere


def coordinator_of(bureau: Callable) -> Need:
    """The coordinator of the bureau `bureau(ctx)` returns, else an admin."""
    return Need("coordinator", bureau)


def refusal(ctx, need: Need | None) -> list[dict] | None:
    """None when allowed (or nothing is required); otherwise the polite refusal the router sends."""
    if need is None:
        return None
    if need.bureau is None:
        return require(ctx, need.role)
    bureau_id = need.bureau(ctx)
    # "Of this bureau, else admin": with no bureau to name, only an admin may (not any coordinator).
    return require(ctx, need.role, bureau_id) if bureau_id is not None else require(ctx, Role.ADMIN)


def require(ctx, role: str = "staff", bureau_id: int | None = None) -> list[dict] | None:
    """None when allowed; otherwise the polite refusal the handler should return."""
    import messages_th.common as th
    if ctx.user is None or not ctx.user.registered:
        return [th.not_registered()]
    if not has_role(ctx.session, ctx.user, role, bureau_id):
        return [th.not_allowed(th.role_th(role))]
    return None
