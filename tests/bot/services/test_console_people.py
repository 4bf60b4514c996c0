"""The people page's services (bot/services/console_people.py) and the membership rules they add: who may,
what each list holds, what each write changes and refuses, and the QR's link."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.services import console_access as access, console_people as svc, membership, qr
from models.console import AuditEntry, ConsoleSession
from models.core import Bureau, User, UserRole
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)


@pytest.fixture()
def org(db):
    with db() as s:
        a, b = make_bureau(s, "สำนักทดลองเอ", code="TA"), make_bureau(s, "สำนักทดลองบี", code="TB")
        ids = dict(a=a.id, b=b.id,
                   staff=make_user(s, a, full_name="ทดลอง หนึ่ง").id,
                   staff_b=make_user(s, b, full_name="ทดลอง สอง").id,
                   coord=make_user(s, a, roles=("coordinator",), full_name="ประสาน เอ").id,
                   committee=make_user(s, b, roles=("committee",), full_name="กรรม การ").id,
                   admin=make_user(s, a, roles=("admin",), full_name="ดูแล ระบบ").id)
    return ids


def _v(s, user_id) -> access.Viewer:
    return access.as_viewer(s, s.get(User, user_id))


def test_staff_page_scopes_a_coordinator_and_filters_by_role(db, org):
    with db() as s:
        coord = _v(s, org["coord"])
        names = {r.full_name for r in svc.staff_page(s, coord).rows}
        assert names == {"ทดลอง หนึ่ง", "ประสาน เอ", "ดูแล ระบบ"}
        with pytest.raises(access.Forbidden):
            svc.staff_page(s, coord, bureau_id=org["b"])
        admin = _v(s, org["admin"])
        assert {r.full_name for r in svc.staff_page(s, admin, role="staff").rows} == {"ทดลอง หนึ่ง", "ทดลอง สอง"}
        (row,) = svc.staff_page(s, admin, role="coordinator").rows
        assert row.roles == ("coordinator",)
        page = svc.staff_page(s, admin, text="ทดลอง", per_page=1, page=9)  # past the end: the last page
        assert (page.total, page.pages, page.page, len(page.rows)) == (2, 2, 2, 1)


def test_change_role_refuses_non_admins_unknown_roles_and_the_last_admin(db, org):
    with db() as s:
        with pytest.raises(access.Forbidden):
            svc.change_role(s, _v(s, org["committee"]), org["staff"], "committee", True, NOW)
        admin = _v(s, org["admin"])
        with pytest.raises(svc.Refused) as why:
            svc.change_role(s, admin, org["staff"], "king", True, NOW)
        assert why.value.code == "role"
        with pytest.raises(svc.Refused) as why:
            svc.change_role(s, admin, org["admin"], "admin", False, NOW)
        assert why.value.code == "last_admin"
        assert svc.change_role(s, admin, 99999, "committee", True, NOW) is None
        assert s.exec(select(AuditEntry)).all() == []


def test_removing_a_role_ends_open_sessions_and_grants_are_idempotent(db, org):
    with db() as s:
        s.add(ConsoleSession(sid_hash="x" * 64, user_id=org["coord"], role="coordinator", created_at=NOW,
                             last_seen_at=NOW))
    with db() as s:
        admin = _v(s, org["admin"])
        assert svc.change_role(s, admin, org["coord"], "coordinator", False, NOW) == svc.RoleChange(True, 1)
        assert svc.change_role(s, admin, org["coord"], "coordinator", False, NOW) == svc.RoleChange(False)
        assert svc.change_role(s, admin, org["staff"], "coordinator", True, NOW, bureau_id=org["b"]).changed
        assert s.exec(select(UserRole).where(UserRole.user_id == org["staff"])).one().bureau_id == org["b"]
        assert s.exec(select(ConsoleSession)).one().ended_at is not None
        assert [e.action for e in s.exec(select(AuditEntry).order_by(AuditEntry.id))] == ["role.revoke", "role.grant"]


def test_coordinator_of_a_closed_bureau_is_refused(db, org):
    with db() as s:
        admin = _v(s, org["admin"])
        svc.set_bureau_active(s, admin, org["b"], False, NOW)
        with pytest.raises(svc.Refused) as why:
            svc.change_role(s, admin, org["staff"], "coordinator", True, NOW, bureau_id=org["b"])
        assert (why.value.code, why.value.field) == ("bureau", "bureau")


def test_add_bureau_normalises_and_reports_every_problem(db, org):
    with db() as s:
        made = membership.add_bureau(s, " hr ", "สำนัก  บุคคล ", NOW)
        assert (made.code, made.name, made.active) == ("HR", "สำนัก บุคคล", True)
        assert membership.add_bureau(s, "Hr", "สำนัก บุคคล", NOW) == {
            "code": membership.BureauRefused.CODE_TAKEN, "name": membership.BureauRefused.NAME_TAKEN}
        assert membership.add_bureau(s, "สำนัก", "x" * 201, NOW) == {
            "code": membership.BureauRefused.CODE_FORMAT, "name": membership.BureauRefused.NAME_LONG}
        assert membership.rename_bureau(s, made, "สำนักทดลองเอ") == membership.BureauRefused.NAME_TAKEN
        assert membership.rename_bureau(s, made, "  ") == membership.BureauRefused.NAME_EMPTY
        assert made.name == "สำนัก บุคคล"


def test_bureau_rows_count_staff_coordinators_and_usable_invites(db, org):
    with db() as s:
        a = s.get(Bureau, org["a"])
        membership.create_invite(s, a, NOW, days=7)
        membership.create_invite(s, a, NOW - timedelta(days=10), days=7)  # expired
        revoked = membership.create_invite(s, a, NOW)
        membership.revoke_invite(s, revoked)
        rows = {r.code: r for r in svc.bureau_rows(s, _v(s, org["committee"]), NOW)}
        assert (rows["TA"].staff, rows["TA"].coordinators, rows["TA"].open_invites) == (3, 1, 1)
        assert [r.code for r in svc.bureau_rows(s, _v(s, org["coord"]), NOW)] == ["TA"]


def test_invites_states_and_validation(db, org):
    with db() as s:
        admin = _v(s, org["admin"])
        inv = svc.create_invite(s, admin, org["a"], NOW, uses=1, days=30)
        assert inv.created_by == f"user:{org['admin']}" and inv.expires_at == NOW + timedelta(days=30)
        for kw, code in (({"uses": 0}, "uses"), ({"days": 366}, "days")):
            with pytest.raises(svc.Refused) as why:
                svc.create_invite(s, admin, org["a"], NOW, **kw)
            assert why.value.code == code
        with pytest.raises(access.Forbidden):
            svc.create_invite(s, _v(s, org["coord"]), org["a"], NOW)
        inv.uses = 1
        s.add(inv)
        s.flush()
        (row,) = svc.invite_page(s, admin, NOW, usable_only=False).rows
        assert row.state == svc.InviteState.USED_UP and row.shown_code == f"{inv.code[:4]}-{inv.code[4:]}"
        assert svc.invite_page(s, admin, NOW, usable_only=True).total == 0
        with pytest.raises(access.Forbidden):
            svc.invite_card(s, _v(s, org["coord"]), svc.create_invite(s, admin, org["b"], NOW).id, NOW)


def test_decide_only_answers_a_waiting_request(db, org):
    with db() as s:
        u = make_user(s, s.get(Bureau, org["b"]), registered=False)
        u.status = "pending_approval"
        s.add(u)
        s.flush()
        admin = _v(s, org["admin"])
        assert [w.user_id for w in svc.waiting(s, admin)] == [u.id] and svc.pending_count(s, admin) == 1
        with pytest.raises(access.Forbidden):
            svc.waiting(s, _v(s, org["committee"]))
        decision = svc.decide(s, admin, u.id, True, NOW)
        assert decision.approved and decision.line_user_id == u.line_user_id and u.status == "registered"
        assert svc.decide(s, admin, u.id, False, NOW) is None
        assert u.status == "registered"


def test_the_qr_is_the_add_friend_link_as_scalable_svg():
    assert qr.add_friend_url("@123abcde") == "https://line.me/R/ti/p/@123abcde"
    one, two = qr.svg(qr.add_friend_url("@123abcde"), label='QR "x"'), qr.svg(qr.add_friend_url("@999zzzzz"))
    assert one.startswith("<svg") and 'width="' not in one.split(">", 1)[0] and "viewBox" in one
    assert 'aria-label="QR &quot;x&quot;"' in one and one != two
