"""The console's people page (issue 15, page 4): staff lists, roles, bureaus, invite codes and registrations
waiting for approval, each with its role check and its audit entry. The rules themselves are membership's
(bot/services/membership.py), shared with the chat and the CLI; this module adds who may, the lists the page
reads (paginated, counted in SQL) and the audit log. Telling LINE (rich-menu links, the push to a person
whose registration was decided) is the caller's, after the commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from math import ceil

from sqlalchemy import and_, exists, func
from sqlmodel import Session, select

from bot.services import audit, console_access as access
from bot.services import membership
from models.core import Bureau, User, UserRole
from models.enums import EXTRA_ROLES, Role, UserStatus
from models.onboarding import InviteCode

PER_PAGE = 50
ROLE_FILTERS = (Role.STAFF, Role.COORDINATOR, Role.COMMITTEE, Role.ADMIN)  # staff: no extra role
INVITE_MAX_USES, INVITE_MAX_DAYS = 1000, 365


class Refused(Exception):
    """A write the rules refuse (nothing changed): `problems` maps each form field (None: the whole form) to
    its reason code; `code` and `field` are the first."""

    def __init__(self, code: str, field: str | None = None, problems: dict[str | None, str] | None = None):
        super().__init__(code)
        self.code, self.field = code, field
        self.problems = problems or {field: code}


def _pages(total: int, per_page: int) -> int:
    return max(1, ceil(total / per_page))


def _page_no(page: int | None, pages: int) -> int:
    return min(max(1, page or 1), pages)


def _bureau_names(s: Session) -> dict[int, str]:
    return dict(s.exec(select(Bureau.id, Bureau.name)).all())


# -- staff --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffRow:
    user_id: int
    title: str | None
    full_name: str | None
    position: str | None
    bureau_name: str | None
    roles: tuple[str, ...]          # extra roles, high to low; empty: staff only
    following: bool
    registered_at: datetime | None


@dataclass(frozen=True)
class StaffPage:
    rows: list[StaffRow]
    total: int
    page: int
    pages: int


def _role_labels(rows) -> tuple[str, ...]:
    order = list(Role)
    return tuple(sorted({r.role for r in rows}, key=lambda r: -order.index(r) if r in order else 0))


def staff_page(s: Session, v: access.Viewer, *, text: str = "", bureau_id: int | None = None,
               role: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> StaffPage:
    """Registered staff by name, optionally of one bureau and holding one role; a coordinator sees their
    own bureau(s) only (another bureau's id: Forbidden)."""
    scope = access.bureau_scope(v)
    where = [User.status == UserStatus.REGISTERED]
    if bureau_id is not None:
        access.require_read_bureau(v, bureau_id)
        where.append(User.bureau_id == bureau_id)
    elif scope is not None:
        where.append(User.bureau_id.in_(scope))
    text = (text or "").strip()[:100]
    if text:
        where.append(User.full_name.contains(text, autoescape=True))
    if role == Role.STAFF:
        where.append(~exists().where(UserRole.user_id == User.id))
    elif role in EXTRA_ROLES:
        where.append(exists().where(UserRole.user_id == User.id, UserRole.role == role))
    total = int(s.exec(select(func.count()).select_from(User).where(*where)).one())
    pages = _pages(total, per_page)
    page = _page_no(page, pages)
    users = list(s.exec(select(User).where(*where).order_by(User.full_name, User.id)
                        .offset((page - 1) * per_page).limit(per_page)))
    held: dict[int, list[UserRole]] = {}
    if users:
        for r in s.exec(select(UserRole).where(UserRole.user_id.in_([u.id for u in users]))):
            held.setdefault(r.user_id, []).append(r)
    names = _bureau_names(s)
    rows = [StaffRow(u.id, u.title, u.full_name, u.position, names.get(u.bureau_id), _role_labels(held.get(u.id, [])),
                     u.following, u.registered_at) for u in users]
    return StaffPage(rows, total, page, pages)


@dataclass(frozen=True)
class HeldRole:
    role: str
    bureau_id: int | None
    bureau_name: str | None


@dataclass(frozen=True)
class Person:
    user_id: int
    title: str | None
    full_name: str | None
    position: str | None
    bureau_id: int | None
    bureau_name: str | None
    roles: list[HeldRole]
    following: bool
    registered_at: datetime | None


def person(s: Session, v: access.Viewer, user_id: int) -> Person | None:
    """One registered person (None: no such person); a coordinator reads their own bureau's people only."""
    user = membership.get_user(s, user_id)
    if user is None or not user.registered:
        return None
    access.require_read_bureau(v, user.bureau_id)
    names = _bureau_names(s)
    rows = s.exec(select(UserRole).where(UserRole.user_id == user.id).order_by(UserRole.id)).all()
    order = list(Role)
    held = sorted((HeldRole(r.role, r.bureau_id, names.get(r.bureau_id)) for r in rows),
                  key=lambda h: (-order.index(h.role) if h.role in order else 0, h.bureau_name or ""))
    return Person(user.id, user.title, user.full_name, user.position, user.bureau_id, names.get(user.bureau_id),
                  held, user.following, user.registered_at)


def _role_keys(s: Session, user_id: int) -> list[str]:
    rows = s.exec(select(UserRole).where(UserRole.user_id == user_id)).all()
    return sorted(f"{r.role}:{r.bureau_id}" if r.bureau_id else r.role for r in rows)


@dataclass(frozen=True)
class RoleChange:
    changed: bool
    sessions_ended: int = 0


def change_role(s: Session, v: access.Viewer, user_id: int, role: str, grant: bool, now: datetime, *,
                bureau_id: int | None = None) -> RoleChange | None:
    """Grant or remove an extra role (admins only), with membership.set_role as the chat and the CLI do. A
    coordinator role belongs to a bureau (default: the person's own); removing a role ends the person's
    console sessions, so the console follows at once. None: no such person. The caller relinks the
    person's rich menu after the commit."""
    access.require_admin(v)
    user = membership.get_user(s, user_id)
    if user is None or not user.registered:
        return None
    if role not in EXTRA_ROLES:
        raise Refused("role", "role")
    if role == Role.COORDINATOR:
        bureau_id = bureau_id or user.bureau_id
        bureau = membership.get_bureau(s, bureau_id)
        if bureau is None or (grant and not bureau.active):
            raise Refused("bureau", "bureau")
    else:
        bureau_id = None
    if not grant and role == Role.ADMIN and _admins_left(s, without=user.id) == 0:
        raise Refused("last_admin")  # nobody could sign in to give it back but through the shell
    before = _role_keys(s, user.id)
    if not membership.set_role(s, user, role, grant, bureau_id):
        return RoleChange(False)
    ended = 0 if grant else access.end_all_for(s, user.id, now)
    audit.record(s, v.user_id, "role.grant" if grant else "role.revoke", f"user:{user.id}", now,
                 before={"roles": before}, after={"roles": _role_keys(s, user.id)})
    return RoleChange(True, ended)


def _admins_left(s: Session, *, without: int) -> int:
    return int(s.exec(select(func.count(func.distinct(UserRole.user_id))).join(User, User.id == UserRole.user_id)
                      .where(UserRole.role == Role.ADMIN, UserRole.user_id != without,
                             User.status == UserStatus.REGISTERED)).one())


# -- bureaus ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BureauRow:
    id: int
    code: str
    name: str
    active: bool
    staff: int
    coordinators: int
    open_invites: int


def bureau_rows(s: Session, v: access.Viewer, now: datetime) -> list[BureauRow]:
    """Every bureau (a coordinator: their own) with its registered staff, coordinators and usable invite
    codes, counted in SQL."""
    scope = access.bureau_scope(v)
    q = select(Bureau).order_by(Bureau.active.desc(), Bureau.name)
    if scope is not None:
        q = q.where(Bureau.id.in_(scope))
    bureaus = list(s.exec(q))
    ids = [b.id for b in bureaus]
    if not ids:
        return []
    staff = dict(s.exec(select(User.bureau_id, func.count()).where(
        User.status == UserStatus.REGISTERED, User.bureau_id.in_(ids)).group_by(User.bureau_id)).all())
    coords = dict(s.exec(select(UserRole.bureau_id, func.count(func.distinct(UserRole.user_id))).where(
        UserRole.role == Role.COORDINATOR, UserRole.bureau_id.in_(ids)).group_by(UserRole.bureau_id)).all())
    usable = and_(InviteCode.revoked.is_(False),
                  (InviteCode.expires_at.is_(None)) | (InviteCode.expires_at > now),
                  (InviteCode.max_uses.is_(None)) | (InviteCode.uses < InviteCode.max_uses))
    invites = dict(s.exec(select(InviteCode.bureau_id, func.count()).where(
        usable, InviteCode.bureau_id.in_(ids)).group_by(InviteCode.bureau_id)).all())
    return [BureauRow(b.id, b.code, b.name, b.active, int(staff.get(b.id, 0)), int(coords.get(b.id, 0)),
                      int(invites.get(b.id, 0))) for b in bureaus]


def bureau(s: Session, v: access.Viewer, bureau_id: int) -> Bureau | None:
    """One bureau the viewer may read (None: no such bureau)."""
    b = membership.get_bureau(s, bureau_id)
    if b is None:
        return None
    access.require_read_bureau(v, b.id)
    return b


def bureau_choices(s: Session, v: access.Viewer, *, active_only: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the bureaus this viewer may pick in a filter or form."""
    scope = access.bureau_scope(v)
    q = select(Bureau.id, Bureau.name).order_by(Bureau.name)
    if scope is not None:
        q = q.where(Bureau.id.in_(scope))
    if active_only:
        q = q.where(Bureau.active.is_(True))
    return [(i, n) for i, n in s.exec(q).all()]


def add_bureau(s: Session, v: access.Viewer, code: str, name: str, now: datetime) -> Bureau:
    access.require_admin(v)
    made = membership.add_bureau(s, code, name, now)
    if isinstance(made, dict):
        field_name, why = next(iter(made.items()))
        raise Refused(str(why), field_name, {k: str(w) for k, w in made.items()})
    audit.record(s, v.user_id, "bureau.add", f"bureau:{made.id}", now,
                 after={"code": made.code, "name": made.name, "active": True})
    return made


def rename_bureau(s: Session, v: access.Viewer, bureau_id: int, name: str, now: datetime) -> Bureau | None:
    access.require_admin(v)
    b = membership.get_bureau(s, bureau_id)
    if b is None:
        return None
    old = b.name
    why = membership.rename_bureau(s, b, name)
    if why is not None:
        raise Refused(str(why), "name")
    if b.name != old:
        audit.record(s, v.user_id, "bureau.rename", f"bureau:{b.id}", now, before={"name": old},
                     after={"name": b.name})
    return b


def set_bureau_active(s: Session, v: access.Viewer, bureau_id: int, active: bool, now: datetime) -> Bureau | None:
    access.require_admin(v)
    b = membership.get_bureau(s, bureau_id)
    if b is None:
        return None
    if membership.set_bureau_active(s, b, active):
        audit.record(s, v.user_id, "bureau.activate" if active else "bureau.deactivate", f"bureau:{b.id}", now,
                     before={"active": not active}, after={"active": active})
    return b


# -- invite codes ---------------------------------------------------------------------------------------

class InviteState(StrEnum):
    USABLE = "usable"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED_UP = "used_up"
    BUREAU_CLOSED = "bureau_closed"  # the bureau was deactivated: the code registers nobody


@dataclass(frozen=True)
class InviteRow:
    id: int
    code: str
    bureau_id: int
    bureau_name: str
    created_at: datetime
    expires_at: datetime | None
    uses: int
    max_uses: int | None
    state: InviteState

    @property
    def shown_code(self) -> str:
        return show_code(self.code)


def show_code(code: str) -> str:
    """ABCD-EFGH: easier to read aloud and type; the chat ignores the dash (membership.normalize_code)."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def _state(inv: InviteCode, bureau_active: bool, now: datetime) -> InviteState:
    if inv.revoked:
        return InviteState.REVOKED
    if not bureau_active:
        return InviteState.BUREAU_CLOSED
    if inv.expires_at is not None and inv.expires_at <= now:
        return InviteState.EXPIRED
    if inv.max_uses is not None and inv.uses >= inv.max_uses:
        return InviteState.USED_UP
    return InviteState.USABLE


@dataclass(frozen=True)
class InvitePage:
    rows: list[InviteRow]
    total: int
    page: int
    pages: int


def invite_page(s: Session, v: access.Viewer, now: datetime, *, bureau_id: int | None = None,
                usable_only: bool = False, page: int = 1, per_page: int = PER_PAGE) -> InvitePage:
    """Invite codes, newest first; a coordinator sees their own bureau's only."""
    scope = access.bureau_scope(v)
    where = [InviteCode.bureau_id == Bureau.id]
    if bureau_id is not None:
        access.require_read_bureau(v, bureau_id)
        where.append(InviteCode.bureau_id == bureau_id)
    elif scope is not None:
        where.append(InviteCode.bureau_id.in_(scope))
    if usable_only:
        where += [InviteCode.revoked.is_(False), Bureau.active.is_(True),
                  (InviteCode.expires_at.is_(None)) | (InviteCode.expires_at > now),
                  (InviteCode.max_uses.is_(None)) | (InviteCode.uses < InviteCode.max_uses)]
    total = int(s.exec(select(func.count()).select_from(InviteCode).join(Bureau, InviteCode.bureau_id == Bureau.id)
                       .where(*where)).one())
    pages = _pages(total, per_page)
    page = _page_no(page, pages)
    found = s.exec(select(InviteCode, Bureau).where(*where)
                   .order_by(InviteCode.created_at.desc(), InviteCode.id.desc())
                   .offset((page - 1) * per_page).limit(per_page)).all()
    rows = [InviteRow(inv.id, inv.code, b.id, b.name, inv.created_at, inv.expires_at, inv.uses, inv.max_uses,
                      _state(inv, b.active, now)) for inv, b in found]
    return InvitePage(rows, total, page, pages)


def may_manage_invites(v: access.Viewer) -> bool:
    """Only admins issue and revoke codes, as in the chat (handlers/admin.py); coordinators read theirs."""
    return v.is_admin


def create_invite(s: Session, v: access.Viewer, bureau_id: int, now: datetime, *, uses: int | None = None,
                  days: int | None = None) -> InviteCode:
    access.require_admin(v)
    b = membership.get_bureau(s, bureau_id)
    if b is None or not b.active:
        raise Refused("bureau", "bureau")
    if uses is not None and not 1 <= uses <= INVITE_MAX_USES:
        raise Refused("uses", "uses")
    if days is not None and not 1 <= days <= INVITE_MAX_DAYS:
        raise Refused("days", "days")
    inv = membership.create_invite(s, b, now, uses=uses, days=days, created_by=f"user:{v.user_id}")
    # the code itself stays out of the log: whoever reads the log need not be able to register with it
    audit.record(s, v.user_id, "invite.create", f"invite:{inv.id}", now,
                 after={"bureau_id": b.id, "max_uses": uses, "expires_at": inv.expires_at})
    return inv


def revoke_invite(s: Session, v: access.Viewer, invite_id: int, now: datetime) -> InviteCode | None:
    access.require_admin(v)
    inv = s.get(InviteCode, invite_id)
    if inv is None:
        return None
    if membership.revoke_invite(s, inv):
        audit.record(s, v.user_id, "invite.revoke", f"invite:{inv.id}", now, before={"revoked": False},
                     after={"revoked": True})
    return inv


@dataclass(frozen=True)
class InviteCard:
    code: str
    bureau_name: str
    expires_at: datetime | None
    max_uses: int | None
    uses: int
    state: InviteState

    @property
    def shown_code(self) -> str:
        return show_code(self.code)


def invite_card(s: Session, v: access.Viewer, invite_id: int, now: datetime) -> InviteCard | None:
    """The printable card's facts; anyone who may read the bureau's codes may print them."""
    inv = s.get(InviteCode, invite_id)
    if inv is None:
        return None
    access.require_read_bureau(v, inv.bureau_id)
    b = s.get(Bureau, inv.bureau_id)
    return InviteCard(inv.code, b.name, inv.expires_at, inv.max_uses, inv.uses, _state(inv, b.active, now))


# -- registrations waiting for approval -------------------------------------------------------------------

@dataclass(frozen=True)
class Waiting:
    user_id: int
    title: str | None
    full_name: str | None
    position: str | None
    bureau_name: str | None
    display_name: str | None   # the LINE display name, to tell a stranger from the person they claim to be
    requested_at: datetime


def pending_count(s: Session, v: access.Viewer) -> int:
    access.require_admin(v)
    return int(s.exec(select(func.count()).select_from(User)
                      .where(User.status == UserStatus.PENDING_APPROVAL)).one())


def waiting(s: Session, v: access.Viewer, limit: int = 200) -> list[Waiting]:
    """Requests waiting for an admin, oldest first (membership.pending, as the chat lists them)."""
    access.require_admin(v)
    names = _bureau_names(s)
    return [Waiting(u.id, u.title, u.full_name, u.position, names.get(u.bureau_id), u.display_name, u.updated_at)
            for u in membership.pending(s, limit)]


def decide(s: Session, v: access.Viewer, user_id: int, approve: bool,
           now: datetime) -> membership.Decision | None:
    """An admin's answer (membership.decide, as in the chat and the CLI); None when the person is not waiting
    any more (someone answered in chat first). The caller pushes the Decision through the outbox in the same
    transaction and, on approval, relinks the menu after the commit."""
    access.require_admin(v)
    user = membership.get_user(s, user_id)
    if user is None or user.status != UserStatus.PENDING_APPROVAL:
        return None
    before = {"status": str(user.status), "bureau_id": user.bureau_id}
    decision = membership.decide(s, user, approve, now)
    audit.record(s, v.user_id, "registration.approve" if approve else "registration.refuse", f"user:{user.id}",
                 now, before=before, after={"status": str(user.status), "bureau_id": user.bureau_id})
    return decision
