"""`flask --app bot bureau|invite|role|staff|registrations ...`: the admin CLI."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot.line.richmenu import deploy
from models.core import Bureau, OutboxMessage, User, UserRole, utcnow
from models.onboarding import InviteCode
from tests.factories import make_bureau, make_user

U, P = "U" + "c" * 32, "U" + "d" * 32


@pytest.fixture()
def cli(app):
    runner = app.test_cli_runner()

    def run(*args, ok=True):
        result = runner.invoke(args=list(args))
        assert (result.exit_code == 0) == ok, result.output
        return result.output
    return run


def test_bureau_add_rename_list(cli, db):
    cli("bureau", "add", "HR", "สำนักบริหารทรัพยากรบุคคล")
    cli("bureau", "add", "HR", "ซ้ำ", ok=False)
    cli("bureau", "rename", "hr", "สำนักทรัพยากรบุคคล")
    assert "HR\tสำนักทรัพยากรบุคคล" in cli("bureau", "list")
    with db() as s:
        assert s.exec(select(Bureau)).one().name == "สำนักทรัพยากรบุคคล"


def test_invite_create_prints_the_code_last_and_revoke(cli, db):
    cli("bureau", "add", "IT", "สำนักเทคโนโลยีสารสนเทศ")
    code = cli("invite", "create", "IT", "--uses", "3", "--days", "7").strip().splitlines()[-1]
    with db() as s:
        inv = s.exec(select(InviteCode)).one()
        assert (inv.code, inv.max_uses, inv.created_by) == (code, 3, "cli") and inv.expires_at > utcnow()
    assert code in cli("invite", "list") and "ok" in cli("invite", "list")
    cli("invite", "revoke", code.lower())
    assert "revoked" in cli("invite", "list")
    cli("invite", "revoke", "NOPE", ok=False)


def test_role_grant_revoke_relinks_the_menu(cli, db, bot, line):
    with db() as s:
        b = make_bureau(s, code="FIN")
        make_user(s, b, line_user_id=U)
        menus = deploy(s, bot.gateway, utcnow(), echo=lambda *_: None)
    assert line.richmenus.linked(U) == menus[("staff", "a")]
    cli("role", "grant", U, "coordinator")
    assert line.richmenus.linked(U) == menus[("coordinator", "a")]
    cli("role", "grant", U, "admin")
    assert line.richmenus.linked(U) == menus[("committee", "a")]
    assert "admin" in cli("staff", "list")
    cli("role", "revoke", U, "admin")
    cli("role", "revoke", U, "coordinator", "--bureau", "FIN")
    assert line.richmenus.linked(U) == menus[("staff", "a")]
    with db() as s:
        assert s.exec(select(UserRole)).all() == []
    cli("role", "grant", "Unobody", "admin", ok=False)


def test_registrations_approve_and_reject(cli, db, bot, line):
    with db() as s:
        b = make_bureau(s, code="LIB")
        for uid in (U, P):
            u = make_user(s, b, line_user_id=uid, registered=False)
            u.status = "pending_approval"
            s.add(u)
        menus = deploy(s, bot.gateway, utcnow(), echo=lambda *_: None)
    assert U in cli("registrations", "list")
    cli("registrations", "approve", U)
    cli("registrations", "reject", P)
    cli("registrations", "approve", P, ok=False)  # no longer pending
    with db() as s:
        statuses = {u.line_user_id: u.status for u in s.exec(select(User))}
        assert statuses == {U: "registered", P: "consented"}
        assert sorted(m.recipients[0] for m in s.exec(select(OutboxMessage))) == sorted([U, P])
    assert line.richmenus.linked(U) == menus[("staff", "a")]
