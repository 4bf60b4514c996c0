"""Console fixtures: the personas of the role matrix (invented people) and `login(client, persona)`, which
signs in the way a person does, through a one-time link, so every test also passes the real sign-in."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from bot.services import console_access
from models.core import User
from tests.factories import make_bureau, make_user


@dataclass
class Personas:
    bureau_a: int
    bureau_b: int
    staff: int
    coord_a: int
    coord_b: int
    committee: int
    admin: int


@pytest.fixture()
def personas(db) -> Personas:
    with db() as s:
        a = make_bureau(s, "สำนักตัวอย่างหนึ่ง", code="EXA")
        b = make_bureau(s, "สำนักตัวอย่างสอง", code="EXB")
        p = Personas(a.id, b.id,
                     make_user(s, a, full_name="สมชาย บุคลากร").id,
                     make_user(s, a, roles=("coordinator",), full_name="สมหญิง ประสานหนึ่ง").id,
                     make_user(s, b, roles=("coordinator",), full_name="สมศรี ประสานสอง").id,
                     make_user(s, a, roles=("committee",), full_name="สมปอง กรรมการ").id,
                     make_user(s, b, roles=("admin",), full_name="สมใจ เลขานุการ").id)
    return p


def link_for(db, clock, user_id: int) -> str | None:
    with db() as s:
        issued = console_access.issue_link(s, s.get(User, user_id), clock())
    return f"/console/login/{issued[0]}" if issued else None


@pytest.fixture()
def login(db, clock):
    """login(client, user_id) → the client holds a console session (asserts the sign-in worked)."""
    def _login(client, user_id: int):
        url = link_for(db, clock, user_id)
        assert url, "this persona has no console role"
        resp = client.get(url)
        assert resp.status_code == 302, resp.data[:300]
        return resp
    return _login


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert m, "the page has no CSRF token"
    return m.group(1)
