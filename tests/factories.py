"""Test data builders shared by all flows' tests (invented people only)."""
from __future__ import annotations

import itertools

from models.core import Bureau, User, UserRole, utcnow

_n = itertools.count(1)


def make_bureau(s, name: str = "สำนักทดสอบ", code: str | None = None) -> Bureau:
    b = Bureau(name=f"{name} {next(_n)}" if name == "สำนักทดสอบ" else name, code=code or f"B{next(_n):03d}")
    s.add(b)
    s.flush()
    return b


def make_user(s, bureau: Bureau | None = None, *, roles: tuple[str, ...] = (), registered: bool = True,
              line_user_id: str | None = None, full_name: str = "ทดสอบ ใจดี", position: str = "นักวิเคราะห์") -> User:
    u = User(line_user_id=line_user_id or f"U{next(_n):032x}", display_name=full_name, full_name=full_name,
             position=position, bureau_id=bureau.id if bureau else None,
             status="registered" if registered else "new", consent_at=utcnow() if registered else None,
             registered_at=utcnow() if registered else None)
    s.add(u)
    s.flush()
    for role in roles:
        s.add(UserRole(user_id=u.id, role=role, bureau_id=bureau.id if role == "coordinator" and bureau else None))
    s.flush()
    return u
