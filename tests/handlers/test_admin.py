"""Admin corner in chat: invite codes, approvals, roles; forged admin postbacks are refused and change nothing."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot.conversation.postback import encode
from bot.line.richmenu import deploy
from models.core import OutboxMessage, User, UserRole, utcnow
from models.onboarding import InviteCode
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user

ADMIN, STAFF, PENDING = "U" + "a" * 32, "U" + "5" * 32, "U" + "6" * 32


@pytest.fixture()
def people(db, bot):
    with db() as s:
        b = make_bureau(s, "สำนักบริหารงานกลาง", code="CENTRAL")
        make_user(s, b, line_user_id=ADMIN, roles=("admin",), full_name="แอดมิน ระบบ")
        staff = make_user(s, b, line_user_id=STAFF, full_name="สมศรี ทำดี")
        pending = make_user(s, b, line_user_id=PENDING, registered=False, full_name="รอ อนุมัติ")
        pending.status = "pending_approval"
        s.add(pending)
        s.flush()
        menus = deploy(s, bot.gateway, utcnow(), echo=lambda *_: None)
        return {"bureau": b.id, "staff": staff.id, "pending": pending.id, "menus": menus}


@pytest.mark.parametrize("action,params", [
    ("admin.approve", {"uid": "PENDING"}), ("admin.reject", {"uid": "PENDING"}),
    ("admin.role", {"uid": "STAFF", "role": "admin", "op": "grant"}), ("admin.invite", {"bureau": "B"}),
    ("admin.pending", {}), ("admin.menu", {}), ("admin.roles", {}), ("admin.pick", {"uid": "STAFF"}),
])
@pytest.mark.parametrize("actor", [STAFF, PENDING, "U" + "9" * 32])
def test_forged_admin_postbacks_are_refused_and_change_nothing(send, line, db, people, actor, action, params):
    subst = {"PENDING": people["pending"], "STAFF": people["staff"], "B": people["bureau"]}
    send("postback", actor, encode(action, **{k: subst.get(v, v) for k, v in params.items()}))
    reply = texts_to(line, actor)[-1]
    assert "ผู้ดูแลระบบเท่านั้น" in reply or "ลงทะเบียนก่อน" in reply
    with db() as s:
        assert s.get(User, people["pending"]).status == "pending_approval"
        assert s.exec(select(UserRole).where(UserRole.user_id == people["staff"])).all() == []
        assert s.exec(select(InviteCode)).all() == []
    assert line.richmenus.linked(STAFF) == people["menus"][("staff", "a")]


def test_admin_creates_an_invite_code_in_chat(send, line, db, people):
    send("text", ADMIN, "ผู้ดูแลระบบ")
    send("postback", ADMIN, encode("admin.invite"))
    assert "สำนักใด" in texts_to(line, ADMIN)[-1]
    send("postback", ADMIN, encode("admin.invite", bureau=people["bureau"]))
    with db() as s:
        inv = s.exec(select(InviteCode)).one()
    assert inv.bureau_id == people["bureau"] and inv.code in texts_to(line, ADMIN)[-1]
    assert inv.expires_at is not None and inv.created_by.startswith("user:")


def test_admin_grants_and_revokes_a_role_in_chat_and_the_menu_follows(send, line, db, people):
    menus = people["menus"]
    send("postback", ADMIN, encode("admin.roles"))
    send("text", ADMIN, "สมศรี")
    assert "สมศรี ทำดี" in texts_to(line, ADMIN)[-1]
    send("postback", ADMIN, encode("admin.pick", uid=people["staff"]))
    send("postback", ADMIN, encode("admin.role", uid=people["staff"], role="coordinator", op="grant"))
    assert line.richmenus.linked(STAFF) == menus[("coordinator", "a")]
    with db() as s:
        role = s.exec(select(UserRole).where(UserRole.user_id == people["staff"])).one()
        assert (role.role, role.bureau_id) == ("coordinator", people["bureau"])
    send("postback", ADMIN, encode("admin.role", uid=people["staff"], role="committee", op="grant"))
    assert line.richmenus.linked(STAFF) == menus[("committee", "a")]
    send("postback", ADMIN, encode("admin.role", uid=people["staff"], role="committee", op="revoke"))
    send("postback", ADMIN, encode("admin.role", uid=people["staff"], role="coordinator", op="revoke"))
    assert line.richmenus.linked(STAFF) == menus[("staff", "a")]


def test_admin_rejects_a_request_and_the_requester_is_told(send, line, db, people):
    send("postback", ADMIN, encode("admin.reject", uid=people["pending"]))
    with db() as s:
        u = s.get(User, people["pending"])
        assert (u.status, u.bureau_id) == ("consented", None)
        push = s.exec(select(OutboxMessage)).one()
        assert push.recipients == [PENDING] and "ไม่ได้รับการอนุมัติ" in push.messages[0]["text"]
    assert "ไม่อนุมัติ" in texts_to(line, ADMIN)[-1]


def test_typed_menu_matches_the_role(send, line, people):
    send("text", STAFF, "เมนู")
    labels = [i["action"]["label"] for i in line.messages_for(STAFF)[-1]["quickReply"]["items"]]
    assert "บันทึกความดี" in labels and "ผู้ดูแลระบบ" not in labels
    send("text", ADMIN, "เมนู")
    labels = [i["action"]["label"] for i in line.messages_for(ADMIN)[-1]["quickReply"]["items"]]
    assert "ผู้ดูแลระบบ" in labels and "สรุปประจำสัปดาห์" in labels
    send("text", "U" + "7" * 32, "เมนู")
    labels = [i["action"]["label"] for i in line.messages_for("U" + "7" * 32)[-1]["quickReply"]["items"]]
    assert labels == ["ลงทะเบียน", "อ่านหลักคุณธรรม"]


def test_an_admin_typing_approve_gets_the_requests_waiting(send, line, db, people):
    """Issue 14: "อนุมัติ" got the generic help."""
    from tests.conftest import postbacks
    send("text", ADMIN, "อนุมัติ")
    card = line.messages_for(ADMIN)[-1]
    assert "รออนุมัติ 1" in card["altText"]
    assert ("admin.approve", {"uid": str(people["pending"])}) in postbacks(card)
    send("text", STAFF, "อนุมัติ")
    assert "ผู้ดูแลระบบเท่านั้น" in texts_to(line, STAFF)[-1]


def test_admins_are_pushed_a_new_approval_request_outside_quiet_hours(send, line, db, people, clock):
    """Issue 14: nobody told the admins; now a push with the approve / refuse buttons, held for quiet hours."""
    from datetime import datetime, timezone

    from tests.conftest import postbacks
    newcomer = "U" + "7" * 32
    clock.set(datetime(2026, 11, 4, 14, 0, tzinfo=timezone.utc))  # Wednesday 21:00 in Bangkok: quiet
    send("follow", newcomer)
    send("postback", newcomer, encode("consent.yes"))
    send("text", newcomer, "ขออนุมัติจากผู้ดูแล")
    send("postback", newcomer, encode("reg.bureau", id=people["bureau"]))
    send("text", newcomer, "ใหม่ มาขอ")
    send("text", newcomer, "นาย")
    send("text", newcomer, "นิติกร")
    send("postback", newcomer, encode("reg.confirm"))
    with db() as s:
        uid = s.exec(select(User).where(User.line_user_id == newcomer)).one().id
        [row] = [r for r in s.exec(select(OutboxMessage)) if r.key.startswith(f"approval:{uid}:")]
        assert row.recipients == [ADMIN]
        assert row.next_attempt_at == datetime(2026, 11, 5, 1, 0, tzinfo=timezone.utc)  # Thursday 08:00
        [msg] = row.messages
    assert [(a, p["uid"]) for a, p in postbacks(msg)] == [("admin.approve", str(uid)), ("admin.reject", str(uid))]
    assert "ใหม่ มาขอ" in msg["altText"] and "สำนักบริหารงานกลาง" in msg["altText"]
