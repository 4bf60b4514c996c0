"""Membership and roles, shared by the chat flows and the CLI: invite codes, the wrong-code lockout,
registration, admin approval, role changes and the rich menu a user should see. Pure database work:
callers decide how to tell LINE (handlers via `ctx.after_commit`, the CLI through the gateway)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from bot.conversation.auth import top_role
from models.core import Bureau, User, UserRole
from models.enums import Role, UserStatus
from models.onboarding import InviteCode, RegistrationAttempt, RichMenuDeployment

MAX_FAILS, WINDOW, LOCK = 5, timedelta(hours=1), timedelta(hours=1)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
# top role -> which deployed menu they see (admins get the committee menu)
MENU_KEY = {Role.STAFF: "staff", Role.COORDINATOR: "coordinator", Role.COMMITTEE: "committee", Role.ADMIN: "committee"}


def find_bureau(s: Session, ref: str) -> Bureau | None:
    """By code (case-insensitive), numeric id or exact name."""
    ref = ref.strip()
    q = select(Bureau).where((func.upper(Bureau.code) == ref.upper()) | (Bureau.name == ref))
    return s.exec(q).first() or (s.get(Bureau, int(ref)) if ref.isdigit() else None)


def create_invite(s: Session, bureau: Bureau, now: datetime, *, uses: int | None = None,
                  days: int | None = None, created_by: str | None = None) -> InviteCode:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if s.exec(select(InviteCode).where(InviteCode.code == code)).first() is None:
            break
    inv = InviteCode(code=code, bureau_id=bureau.id, created_by=created_by, created_at=now, max_uses=uses,
                     expires_at=now + timedelta(days=days) if days else None)
    s.add(inv)
    s.flush()
    return inv


def normalize_code(text: str) -> str:
    return "".join(text.split()).upper().replace("-", "")


def locked_until(s: Session, user: User, now: datetime) -> datetime | None:
    lock = s.exec(select(RegistrationAttempt).where(
        RegistrationAttempt.user_id == user.id, RegistrationAttempt.kind == "lock",
        RegistrationAttempt.at > now - LOCK).order_by(RegistrationAttempt.at.desc())).first()
    return lock.at + LOCK if lock else None


def check_code(s: Session, user: User, text: str, now: datetime) -> tuple[InviteCode | None, int]:
    """(usable invite, tries left). A wrong code is recorded; the fifth in an hour adds a lock row."""
    inv = s.exec(select(InviteCode).where(InviteCode.code == normalize_code(text)[:20])).first()
    if inv is not None and inv.usable(now):
        return inv, MAX_FAILS
    s.add(RegistrationAttempt(user_id=user.id, kind="fail", at=now))
    s.flush()
    last_lock = s.exec(select(func.max(RegistrationAttempt.at)).where(
        RegistrationAttempt.user_id == user.id, RegistrationAttempt.kind == "lock")).one()
    since = max(now - WINDOW, last_lock) if last_lock else now - WINDOW
    fails = s.exec(select(func.count()).select_from(RegistrationAttempt).where(
        RegistrationAttempt.user_id == user.id, RegistrationAttempt.kind == "fail",
        RegistrationAttempt.at > since)).one()
    if fails >= MAX_FAILS:
        s.add(RegistrationAttempt(user_id=user.id, kind="lock", at=now))
    return None, max(0, MAX_FAILS - fails)


def use_invite(s: Session, inv: InviteCode, now: datetime) -> bool:
    """Count one use, atomically (two people racing for the last use: one wins)."""
    q = update(InviteCode).where(InviteCode.id == inv.id, InviteCode.revoked.is_(False))
    if inv.max_uses is not None:
        q = q.where(InviteCode.uses < InviteCode.max_uses)
    ok = s.execute(q.values(uses=InviteCode.uses + 1)).rowcount == 1
    s.refresh(inv)
    return ok and (inv.expires_at is None or inv.expires_at > now)


def register(s: Session, user: User, bureau_id: int, full_name: str, position: str, now: datetime) -> None:
    user.bureau_id, user.full_name, user.position = bureau_id, full_name, position
    user.status, user.registered_at, user.updated_at = UserStatus.REGISTERED, now, now
    user.consent_at = user.consent_at or now
    s.add(user)
    s.exec(delete(RegistrationAttempt).where(RegistrationAttempt.user_id == user.id))


def reject(s: Session, user: User, now: datetime) -> None:
    """Back to "consented": they may try again with an invite code."""
    user.status, user.bureau_id, user.updated_at = UserStatus.CONSENTED, None, now
    s.add(user)


def decide(s: Session, user: User, approve: bool, now: datetime) -> None:
    """An admin's answer to a pending registration; the requester is told by push (outbox)."""
    import messages_th.onboarding as th
    from bot.line.outbox import enqueue
    if approve:
        register(s, user, user.bureau_id, user.full_name, user.position, now)
    else:
        reject(s, user, now)
    enqueue(s, f"reg-{'approved' if approve else 'rejected'}:{user.id}:{now:%Y%m%d%H%M%S}", user.line_user_id,
            [th.approved_push() if approve else th.rejected_push()])
    s.flush()


def pending(s: Session, limit: int = 50) -> list[User]:
    q = select(User).where(User.status == UserStatus.PENDING_APPROVAL).order_by(User.updated_at).limit(limit)
    return list(s.exec(q))


def set_role(s: Session, user: User, role: str, grant: bool, bureau_id: int | None = None) -> bool:
    """Grant or revoke an extra role; coordinators belong to a bureau (default: the user's own)."""
    if role == Role.COORDINATOR:
        bureau_id = bureau_id or user.bureau_id
    else:
        bureau_id = None
    existing = s.exec(select(UserRole).where(UserRole.user_id == user.id, UserRole.role == role,
                                             UserRole.bureau_id == bureau_id if bureau_id else
                                             UserRole.bureau_id.is_(None))).first()
    if grant and existing is None:
        s.add(UserRole(user_id=user.id, role=role, bureau_id=bureau_id))
    elif not grant and existing is not None:
        s.delete(existing)
    else:
        return False
    s.flush()
    return True


def menu_ids(s: Session) -> dict[tuple[str, str], str]:
    return {(d.menu_key, d.page): d.rich_menu_id for d in s.exec(select(RichMenuDeployment))}


def menu_for(s: Session, user: User, ids: dict | None = None) -> str | None:
    """Rich menu id (first page) for the user's top role; None when unregistered or nothing deployed."""
    role = top_role(s, user)
    if role is None:
        return None
    return (ids if ids is not None else menu_ids(s)).get((MENU_KEY[role], "a"))


def relink(ctx, user: User) -> None:
    """After a registration or role change: ask for the user's menu to be linked once committed."""
    menu = menu_for(ctx.session, user)
    user.rich_menu_id = menu
    ctx.session.add(user)
    ctx.after_commit("link_menu", user_id=user.line_user_id, rich_menu_id=menu)
