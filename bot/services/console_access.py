"""Who may use the secretariat console, and how they get in: one-time sign-in links, server-side sessions,
and the role checks every console page calls (the web room only turns `Forbidden` into a 403).

Roles in the console (issue 15): admin does everything; committee reads everything and runs campaigns and the
digest; a coordinator works on their own bureau(s) only. Staff have no console. The role is re-read from
`UserRole` on every request, so a role removed in chat ends the console access at the next request.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, select

from models.console import ConsoleLink, ConsoleSession
from models.core import User, UserRole
from models.enums import Role

LINK_TTL = timedelta(minutes=10)
IDLE_LIMIT = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most once a minute per session
CONSOLE_ROLES = (Role.ADMIN, Role.COMMITTEE, Role.COORDINATOR)  # high to low


class Forbidden(Exception):
    """The viewer may not do this (the web room answers 403)."""


class LinkRefused(StrEnum):
    """Why a one-time link does not sign in (the page words each)."""
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    NO_ROLE = "no_role"


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the pages see them: a detached value, safe to keep on `flask.g`."""
    user_id: int
    role: str                        # admin | committee | coordinator
    bureau_ids: frozenset[int]       # the coordinator's bureaus (empty for admin and committee)
    session_id: int | None = None
    name: str = ""                   # the full name, for the page header

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def sees_all(self) -> bool:
        """Admins and the committee read every bureau."""
        return self.role in (Role.ADMIN, Role.COMMITTEE)

    def can_read_bureau(self, bureau_id: int | None) -> bool:
        return self.sees_all or (bureau_id is not None and bureau_id in self.bureau_ids)

    def can_edit_bureau(self, bureau_id: int | None) -> bool:
        """An admin, or the bureau's own coordinator (the committee reads only)."""
        return self.is_admin or (self.role == Role.COORDINATOR and bureau_id in self.bureau_ids)


def require_admin(v: Viewer) -> None:
    if not v.is_admin:
        raise Forbidden("admin only")


def require_sees_all(v: Viewer) -> None:
    if not v.sees_all:
        raise Forbidden("admin or committee only")


def require_campaigns(v: Viewer) -> None:
    """Campaigns: the committee and admins create and read them."""
    require_sees_all(v)


def require_read_bureau(v: Viewer, bureau_id: int | None) -> None:
    if not v.can_read_bureau(bureau_id):
        raise Forbidden("not this bureau")


def require_edit_bureau(v: Viewer, bureau_id: int | None) -> None:
    if not v.can_edit_bureau(bureau_id):
        raise Forbidden("not this bureau's editor")


def bureau_scope(v: Viewer) -> frozenset[int] | None:
    """None: every bureau; otherwise the only bureau ids this viewer may see."""
    return None if v.sees_all else v.bureau_ids


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def console_role(s: Session, user: User | None) -> tuple[str, frozenset[int]] | None:
    """The user's highest console role and (for a coordinator) their bureaus; None for staff and strangers."""
    if user is None or user.id is None or not user.registered:
        return None
    rows = list(s.exec(select(UserRole).where(UserRole.user_id == user.id)))
    roles = {r.role for r in rows}
    for role in CONSOLE_ROLES:
        if role in roles:
            bureaus = frozenset(r.bureau_id for r in rows if r.role == Role.COORDINATOR and r.bureau_id)
            return str(role), (bureaus if role == Role.COORDINATOR else frozenset())
    return None


def _viewer(s: Session, user_id: int, role: str, session_id: int | None = None) -> Viewer | None:
    """The viewer if the user still holds `role` (or a higher one: the session keeps the role it was opened
    with, never more)."""
    found = console_role(s, s.get(User, user_id))
    if found is None:
        return None
    current, bureaus = found
    if CONSOLE_ROLES.index(current) > CONSOLE_ROLES.index(role):
        return None  # lost the role the link was for
    if role == Role.COORDINATOR and not bureaus:
        return None
    user = s.get(User, user_id)
    return Viewer(user_id, role, bureaus if role == Role.COORDINATOR else frozenset(), session_id,
                  user.full_name or user.display_name or "")


def issue_link(s: Session, user: User, now: datetime) -> tuple[str, str] | None:
    """A new one-time token for the user's console role, and that role; None when they have no console role."""
    found = console_role(s, user)
    if found is None:
        return None
    token = secrets.token_urlsafe(32)
    s.add(ConsoleLink(token_hash=_hash(token), user_id=user.id, role=found[0], created_at=now,
                      expires_at=now + LINK_TTL))
    s.flush()
    return token, found[0]


def redeem_link(s: Session, token: str, now: datetime) -> tuple[str, Viewer] | LinkRefused:
    """Use a one-time link: on success a new session's secret id and the viewer. The link is spent even when
    the role is gone, so it cannot be tried again later."""
    link = s.exec(select(ConsoleLink).where(ConsoleLink.token_hash == _hash(token or ""))).first()
    if link is None:
        return LinkRefused.UNKNOWN
    if link.used_at is not None:
        return LinkRefused.USED
    if link.expires_at <= now:
        return LinkRefused.EXPIRED
    link.used_at = now
    s.add(link)
    viewer = _viewer(s, link.user_id, link.role)
    if viewer is None:
        s.flush()
        return LinkRefused.NO_ROLE
    sid = secrets.token_urlsafe(32)
    row = ConsoleSession(sid_hash=_hash(sid), user_id=link.user_id, role=link.role, created_at=now,
                         last_seen_at=now)
    s.add(row)
    s.flush()
    return sid, Viewer(viewer.user_id, viewer.role, viewer.bureau_ids, row.id, viewer.name)


def resume(s: Session, sid: str, now: datetime) -> Viewer | None:
    """The viewer of a live session (idle under 8 hours, not signed out, role still held); None otherwise.
    A session whose role was removed is ended here."""
    row = s.exec(select(ConsoleSession).where(ConsoleSession.sid_hash == _hash(sid or ""))).first()
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at > IDLE_LIMIT:
        row.ended_at = now
        s.add(row)
        return None
    viewer = _viewer(s, row.user_id, row.role, row.id)
    if viewer is None:
        row.ended_at = now
        s.add(row)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        s.add(row)
    return viewer


def end(s: Session, sid: str, now: datetime) -> None:
    row = s.exec(select(ConsoleSession).where(ConsoleSession.sid_hash == _hash(sid or ""))).first()
    if row is not None and row.ended_at is None:
        row.ended_at = now
        s.add(row)


def end_all_for(s: Session, user_id: int, now: datetime) -> int:
    """End every open session of a user (a role removed in the console)."""
    rows = list(s.exec(select(ConsoleSession).where(ConsoleSession.user_id == user_id,
                                                    ConsoleSession.ended_at.is_(None))))
    for row in rows:
        row.ended_at = now
        s.add(row)
    return len(rows)


def as_viewer(s: Session, user: User) -> Viewer | None:
    """The viewer a user would be in the console now (CLI scripts, tests of page services)."""
    found = console_role(s, user)
    return Viewer(user.id, found[0], found[1], None, user.full_name or "") if found else None
