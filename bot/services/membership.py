"""Membership and roles, shared by the chat flows and the CLI: consent, invite codes, the wrong-code lockout,
registration, admin approval, role changes, profile edits and the rich menu a user should see. Pure database
work that returns values: callers pick the words and tell LINE (handlers via `ctx.after_commit` and
`ctx.enqueue_push`, the CLI through the outbox and the gateway)."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from bot.services import audience, ledger
from bot.services.ledger_hash import as_key
from models.core import Bureau, User, UserRole
from models.enums import Role, UserStatus
from models.onboarding import InviteCode, RegistrationAttempt, RichMenuDeployment

MAX_FAILS, WINDOW, LOCK = 5, timedelta(hours=1), timedelta(hours=1)
GLOBAL_FAILS, GLOBAL_WINDOW = 30, timedelta(minutes=10)  # more wrong codes than this, from everyone: alert admins
KEEP_ATTEMPTS = timedelta(days=1)
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


def line_hash(user: User, key: str | bytes | None = None) -> str:
    """The lockout's key for a person: HMAC of their LINE id (LEDGER_KEY; `key` None: the app's), so a lock
    outlives an erase and a new follow, and the rows name no one once the LINE id is gone from the user row."""
    return hmac.digest(as_key(key) if key else ledger.current_key(), b"invite-lockout\x1f"
                       + user.line_user_id.encode(), "sha256").hex()


def locked_until(s: Session, user: User, now: datetime, *, key: str | bytes | None = None) -> datetime | None:
    lock = s.exec(select(RegistrationAttempt).where(
        RegistrationAttempt.line_hash == line_hash(user, key), RegistrationAttempt.kind == "lock",
        RegistrationAttempt.at > now - LOCK).order_by(RegistrationAttempt.at.desc())).first()
    return lock.at + LOCK if lock else None


def check_code(s: Session, user: User, text: str, now: datetime, *,
               key: str | bytes | None = None) -> tuple[InviteCode | None, int]:
    """(usable invite, tries left). A wrong code is recorded; the fifth in an hour adds a lock row."""
    inv = s.exec(select(InviteCode).where(InviteCode.code == normalize_code(text)[:20])).first()
    if inv is not None and inv.usable(now) and _bureau_active(s, inv.bureau_id):
        return inv, MAX_FAILS
    who = line_hash(user, key)
    # rows older than any window only keep a pseudonymous trace: gone after a day
    s.exec(delete(RegistrationAttempt).where(RegistrationAttempt.at < now - KEEP_ATTEMPTS))
    s.add(RegistrationAttempt(line_hash=who, kind="fail", at=now))
    s.flush()
    last_lock = s.exec(select(func.max(RegistrationAttempt.at)).where(
        RegistrationAttempt.line_hash == who, RegistrationAttempt.kind == "lock")).one()
    since = max(now - WINDOW, last_lock) if last_lock else now - WINDOW
    fails = s.exec(select(func.count()).select_from(RegistrationAttempt).where(
        RegistrationAttempt.line_hash == who, RegistrationAttempt.kind == "fail",
        RegistrationAttempt.at > since)).one()
    if fails >= MAX_FAILS:
        s.add(RegistrationAttempt(line_hash=who, kind="lock", at=now))
    return None, max(0, MAX_FAILS - fails)


@dataclass(frozen=True)
class GuessingAlert:
    """Wrong invite codes from everyone together passed GLOBAL_FAILS within GLOBAL_WINDOW: tell the admins,
    once per fixed window (`key`, the outbox's idempotency key)."""
    key: str
    fails: int
    since: datetime
    admins: list[str]


def guessing_alert(s: Session, now: datetime) -> GuessingAlert | None:
    """After a wrong code: the alert to send when the office-wide rate is passed (many accounts guessing)."""
    since = now - GLOBAL_WINDOW
    fails = s.exec(select(func.count()).select_from(RegistrationAttempt).where(
        RegistrationAttempt.kind == "fail", RegistrationAttempt.at > since)).one()
    if fails <= GLOBAL_FAILS:
        return None
    window = int(now.timestamp()) // int(GLOBAL_WINDOW.total_seconds())
    return GuessingAlert(f"alert:invite-codes:{window}", int(fails), since, audience.role_ids(s, Role.ADMIN))


def _bureau_active(s: Session, bureau_id: int) -> bool:
    bureau = s.get(Bureau, bureau_id)
    return bureau is not None and bureau.active


def use_invite(s: Session, inv: InviteCode, now: datetime) -> bool:
    """Count one use, atomically (two people racing for the last use: one wins)."""
    # a deactivated bureau's codes register nobody and move nobody into it
    active = select(Bureau.id).where(Bureau.id == InviteCode.bureau_id, Bureau.active.is_(True)).exists()
    q = update(InviteCode).where(InviteCode.id == inv.id, InviteCode.revoked.is_(False), active)
    if inv.max_uses is not None:
        q = q.where(InviteCode.uses < InviteCode.max_uses)
    ok = s.execute(q.values(uses=InviteCode.uses + 1)).rowcount == 1
    s.refresh(inv)
    return ok and (inv.expires_at is None or inv.expires_at > now)


def register(s: Session, user: User, bureau_id: int, full_name: str, position: str, now: datetime,
             title: str | None = None) -> None:
    user.bureau_id, user.full_name, user.position, user.title = bureau_id, full_name, position, title
    user.status, user.registered_at, user.updated_at = UserStatus.REGISTERED, now, now
    user.consent_at = user.consent_at or now
    s.add(user)
    s.exec(delete(RegistrationAttempt).where(RegistrationAttempt.line_hash == line_hash(user)))


def reject(s: Session, user: User, now: datetime) -> None:
    """Back to "consented": they may try again with an invite code."""
    user.status, user.bureau_id, user.updated_at = UserStatus.CONSENTED, None, now
    s.add(user)


@dataclass(frozen=True)
class Decision:
    """What an admin's answer did: the requester is to be told (`push_key` keeps the push once-only)."""
    approved: bool
    line_user_id: str
    push_key: str


def decide(s: Session, user: User, approve: bool, now: datetime) -> Decision:
    """An admin's answer to a pending registration; the caller tells the requester (outbox push)."""
    if approve:
        register(s, user, user.bureau_id, user.full_name, user.position, now, user.title)
    else:
        reject(s, user, now)
    s.flush()
    return Decision(approve, user.line_user_id,
                    f"reg-{'approved' if approve else 'rejected'}:{user.id}:{now:%Y%m%d%H%M%S}")


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


def top_role(s: Session, user: User | None) -> Role | None:
    """The user's highest role (staff is implied by registration); None when not registered.
    bot.conversation.auth.top_role calls this."""
    if user is None or user.id is None or not user.registered:
        return None
    return max({Role.STAFF, *map(Role, extra_roles(s, user))}, key=list(Role).index)


def menu_for(s: Session, user: User, ids: dict | None = None) -> str | None:
    """Rich menu id (first page) for the user's top role; None when unregistered or nothing deployed."""
    role = top_role(s, user)
    if role is None:
        return None
    return (ids if ids is not None else menu_ids(s)).get((MENU_KEY[role], "a"))


def relink(s: Session, user: User) -> str | None:
    """After a registration or role change: the menu the user should see now (stored on the user); the
    caller asks for it to be linked once committed (handlers: the `link_menu` effect)."""
    menu = menu_for(s, user)
    user.rich_menu_id = menu
    s.add(user)
    return menu


# -- consent, registration and the profile (the chat flows) -----------------------------------------

CONSENTABLE = (UserStatus.NEW, UserStatus.REFUSED, UserStatus.ERASED)


def give_consent(s: Session, user: User, now: datetime) -> bool:
    """Record consent once; True when it was given just now (the caller then fetches the LINE profile)."""
    if user.status not in CONSENTABLE:
        return False
    user.status, user.consent_at, user.updated_at = UserStatus.CONSENTED, now, now
    s.add(user)
    return True


def refuse_consent(s: Session, user: User, now: datetime) -> None:
    """No consent: keep only the refusal (nothing personal)."""
    user.status, user.consent_at, user.display_name, user.full_name = UserStatus.REFUSED, None, None, None
    user.position, user.bureau_id, user.title, user.updated_at = None, None, None, now
    s.add(user)


def set_following(s: Session, user: User, following: bool, now: datetime) -> None:
    """Follow / unfollow (blocked): an unfollowed user is kept but gets no pushes."""
    user.following, user.updated_at = following, now
    s.add(user)


def active_bureaus(s: Session) -> list[Bureau]:
    return list(s.exec(select(Bureau).where(Bureau.active.is_(True)).order_by(Bureau.name)))


def get_bureau(s: Session, bureau_id: int | None) -> Bureau | None:
    return s.get(Bureau, bureau_id) if bureau_id else None


def bureau_name(s: Session, bureau_id: int | None) -> str | None:
    b = get_bureau(s, bureau_id)
    return b.name if b else None


def get_user(s: Session, user_id: int | None) -> User | None:
    return s.get(User, user_id) if user_id else None


def request_approval(s: Session, user: User, bureau_id: int, full_name: str, position: str,
                     now: datetime, title: str | None = None) -> None:
    """No invite code: the request waits for an admin (`decide`)."""
    user.status, user.bureau_id, user.full_name, user.position = (UserStatus.PENDING_APPROVAL, bureau_id,
                                                                  full_name, position)
    user.title = title
    user.updated_at = now
    s.add(user)


def register_with_invite(s: Session, user: User, invite_id: int | None, bureau_id: int, full_name: str,
                         position: str, now: datetime, title: str | None = None) -> bool:
    """Register with the invite checked at the code step; False when it went meanwhile (expired, used up,
    revoked) and nothing was written."""
    inv = s.get(InviteCode, invite_id) if invite_id else None
    if inv is None or inv.bureau_id != bureau_id or not use_invite(s, inv, now):
        return False
    register(s, user, bureau_id, full_name, position, now, title)
    return True


def set_profile_field(s: Session, user: User, field: str, value: str | None, now: datetime) -> None:
    """Name, title (None: not given) or position, typed by the user."""
    if field == "name":
        user.full_name = value
    elif field == "title":
        user.title = value
    elif field == "position":
        user.position = value
    else:
        raise ValueError(f"not a profile field: {field}")
    user.updated_at = now
    s.add(user)


class Move(StrEnum):
    MOVED = "moved"  # now in the invite's bureau (coordinator roles of the old one dropped)
    SAME = "same"    # the invite is for the bureau they are already in: nothing to do
    GONE = "gone"    # the invite was used up or expired meanwhile


def move_to_bureau(s: Session, user: User, inv: InviteCode, now: datetime) -> Move:
    """A bureau change proven by the new bureau's invite code."""
    if inv.bureau_id == user.bureau_id:
        return Move.SAME
    if not use_invite(s, inv, now):
        return Move.GONE
    # a coordinator of the old bureau is not one of the new bureau
    s.exec(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role == Role.COORDINATOR))
    user.bureau_id, user.updated_at = inv.bureau_id, now
    s.add(user)
    s.flush()
    return Move.MOVED


def extra_roles(s: Session, user: User) -> set[str]:
    """The roles granted by `UserRole` rows (coordinator, committee, admin)."""
    return {r.role for r in s.exec(select(UserRole).where(UserRole.user_id == user.id))}


def search_registered(s: Session, text: str, limit: int, *, bureau_id: int | None = None,
                      exclude: int | None = None) -> list[User]:
    """Registered users whose full name contains `text` (optionally within one bureau), by name."""
    q = select(User).where(User.status == UserStatus.REGISTERED,
                           User.full_name.contains(text[:100], autoescape=True))
    if bureau_id is not None:
        q = q.where(User.bureau_id == bureau_id)
    if exclude is not None:
        q = q.where(User.id != exclude)
    return list(s.exec(q.order_by(User.full_name).limit(limit)))


def set_mute(s: Session, user: User, muted: bool) -> None:
    """Non-essential reminders off (coordinators still get due-date reminders)."""
    user.mute_reminders = muted
    s.add(user)


# -- bureaus and invite codes kept up by admins (the console; the CLI's commands do the same) ------------

BUREAU_CODE_MAX, BUREAU_NAME_MAX = 32, 200
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class BureauRefused(StrEnum):
    """Why a bureau's code or name is not taken (the page words each, next to its field)."""
    CODE_FORMAT = "code_format"  # empty, too long, or not A–Z / 0–9 / - / _
    CODE_TAKEN = "code_taken"
    NAME_EMPTY = "name_empty"
    NAME_LONG = "name_long"
    NAME_TAKEN = "name_taken"


def bureau_code(text: str) -> str:
    return (text or "").strip().upper()


def bureau_name_text(text: str) -> str:
    return " ".join((text or "").split())  # pasted names carry double and trailing spaces


def _name_problem(s: Session, name: str, exclude_id: int | None) -> BureauRefused | None:
    if not name:
        return BureauRefused.NAME_EMPTY
    if len(name) > BUREAU_NAME_MAX:
        return BureauRefused.NAME_LONG
    other = s.exec(select(Bureau).where(Bureau.name == name)).first()
    return BureauRefused.NAME_TAKEN if other is not None and other.id != exclude_id else None


def add_bureau(s: Session, code: str, name: str, now: datetime) -> Bureau | dict[str, BureauRefused]:
    """A new active bureau; or {"code"/"name": why} and nothing added. The code is what people and the CLI
    type (upper case, A–Z 0–9 - _); the name is unique, as the table requires."""
    code, name = bureau_code(code), bureau_name_text(name)
    problems: dict[str, BureauRefused] = {}
    if not code or len(code) > BUREAU_CODE_MAX or not set(code) <= _CODE_CHARS:
        problems["code"] = BureauRefused.CODE_FORMAT
    elif s.exec(select(Bureau).where(func.upper(Bureau.code) == code)).first() is not None:
        problems["code"] = BureauRefused.CODE_TAKEN
    if (why := _name_problem(s, name, None)) is not None:
        problems["name"] = why
    if problems:
        return problems
    bureau = Bureau(code=code, name=name, active=True, created_at=now)
    s.add(bureau)
    s.flush()
    return bureau


def rename_bureau(s: Session, bureau: Bureau, name: str) -> BureauRefused | None:
    """A new name (None: done, or the same name); the reason when refused, nothing changed."""
    name = bureau_name_text(name)
    if name == bureau.name:
        return None
    if (why := _name_problem(s, name, bureau.id)) is not None:
        return why
    bureau.name = name
    s.add(bureau)
    s.flush()
    return None


def set_bureau_active(s: Session, bureau: Bureau, active: bool) -> bool:
    """Deactivate (or bring back) a bureau; True when it changed. A deactivated bureau's invite codes
    register nobody (check_code, use_invite) and it is not offered in chat; its staff keep their records."""
    if bureau.active == active:
        return False
    bureau.active = active
    s.add(bureau)
    s.flush()
    return True


def revoke_invite(s: Session, inv: InviteCode) -> bool:
    """Revoke a code (True when it was not revoked yet): no one registers or moves with it afterwards."""
    if inv.revoked:
        return False
    inv.revoked = True
    s.add(inv)
    s.flush()
    return True
