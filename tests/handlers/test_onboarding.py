"""Onboarding scenarios: follow → consent → invite code → name → position → registered (menu linked)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from bot.services import membership as registry
from bot.conversation.postback import encode
from bot.line.richmenu import deploy
from models.core import User, utcnow
from models.onboarding import InviteCode, RegistrationAttempt
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user

U = "U" + "1" * 32


@pytest.fixture()
def menus(bot, db):
    with db() as s:
        return deploy(s, bot.gateway, utcnow(), echo=lambda *_: None)


@pytest.fixture()
def invite(db):
    with db() as s:
        b = make_bureau(s, "สำนักนโยบายและแผน", code="PLAN")
        return registry.create_invite(s, b, utcnow(), uses=2).code


def user(db, uid=U) -> User:
    with db() as s:
        return s.exec(select(User).where(User.line_user_id == uid)).one()


def test_follow_consent_code_register_links_the_staff_menu(send, line, db, menus, invite):
    line.set_profile(U, "สมหญิง LINE")
    send("follow", U)
    welcome = texts_to(line, U)
    assert len(welcome) == 2 and "ยินดีต้อนรับ" in welcome[0] and "PDPA" in welcome[1]
    assert "LINE user ID" in welcome[1] and "ลบข้อมูลของฉัน" in welcome[1]
    send("postback", U, encode("consent.yes"))
    assert "รหัสเชิญ" in texts_to(line, U)[-1]
    assert user(db).status == "consented" and user(db).display_name == "สมหญิง LINE"
    send("text", U, invite.lower())  # case does not matter
    name_prompt = line.messages_for(U)[-1]
    assert name_prompt["quickReply"]["items"][0]["action"]["text"] == "สมหญิง LINE"  # prefilled from LINE
    send("text", U, "สมหญิง ใจงาม")
    send("text", U, "นาง")  # the title (คำนำหน้า) step
    send("text", U, "นักวิเคราะห์นโยบายและแผน")
    assert "สมหญิง ใจงาม" in texts_to(line, U)[-1]
    send("postback", U, encode("reg.confirm"))
    assert "ลงทะเบียนเรียบร้อย" in texts_to(line, U)[-2]
    u = user(db)
    assert (u.status, u.full_name, u.position) == ("registered", "สมหญิง ใจงาม", "นักวิเคราะห์นโยบายและแผน")
    assert line.richmenus.linked(U) == menus[("staff", "a")] == u.rich_menu_id
    with db() as s:
        assert s.exec(select(InviteCode)).one().uses == 1


def test_typed_name_replaces_the_line_name_and_edit_goes_back(send, line, db, menus, invite):
    send("follow", U)
    send("postback", U, encode("consent.yes"))
    send("text", U, invite)
    send("text", U, "ชื่อผิด")
    send("text", U, "นาย")
    send("text", U, "ตำแหน่ง")
    send("postback", U, encode("reg.edit"))
    send("text", U, "ชื่อถูก")
    send("text", U, "นาย")
    send("text", U, "ตำแหน่งจริง")
    send("postback", U, encode("reg.confirm"))
    assert user(db).full_name == "ชื่อถูก" and user(db).position == "ตำแหน่งจริง"


def test_used_up_code_is_refused_at_confirm(send, line, db, invite):
    with db() as s:
        inv = s.exec(select(InviteCode)).one()
        inv.uses = inv.max_uses
        s.add(inv)
    send("follow", U)
    send("postback", U, encode("consent.yes"))
    send("text", U, invite)
    assert "ไม่ถูกต้อง" in texts_to(line, U)[-1]
    assert user(db).status == "consented"


def test_wrong_codes_lock_for_an_hour(send, line, db, clock, invite):
    clock.set(datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc))
    send("follow", U)
    send("postback", U, encode("consent.yes"))
    for n in range(4):
        send("text", U, f"WRONG{n}")
        assert f"อีก {4 - n} ครั้ง" in texts_to(line, U)[-1]
    send("text", U, "WRONG4")
    assert "พักการลงทะเบียน" in texts_to(line, U)[-1]
    send("text", U, invite)  # even the right code waits while locked
    assert "พักการลงทะเบียน" in texts_to(line, U)[-1]
    with db() as s:
        kinds = [a.kind for a in s.exec(select(RegistrationAttempt).order_by(RegistrationAttempt.id))]
    assert kinds == ["fail"] * 5 + ["lock"]  # persisted, not in memory
    clock.advance(minutes=59)
    send("text", U, "ลงทะเบียน")
    assert "พักการลงทะเบียน" in texts_to(line, U)[-1]
    clock.advance(minutes=2)
    send("text", U, "ลงทะเบียน")
    send("text", U, invite)
    assert "ชื่อ-นามสกุล" in texts_to(line, U)[-1]


def test_wrong_codes_spread_over_more_than_an_hour_do_not_lock(send, line, clock, invite):
    clock.set(datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc))
    send("text", U, "ยินยอม")
    for n in range(4):
        send("text", U, f"WRONG{n}")
    clock.advance(minutes=61)
    send("text", U, "ลงทะเบียน")
    send("text", U, "WRONG9")
    assert "อีก 4 ครั้ง" in texts_to(line, U)[-1]


def test_refusing_consent_keeps_only_the_refusal_and_can_consent_later(send, line, db, invite):
    line.set_profile(U, "คนไม่ยินยอม")
    send("follow", U)
    send("postback", U, encode("consent.no"))
    u = user(db)
    assert (u.status, u.display_name, u.full_name, u.position, u.bureau_id, u.consent_at) == \
        ("refused", None, None, None, None, None)
    assert "ไม่เก็บข้อมูล" in texts_to(line, U)[-1]
    send("text", U, "บันทึกความดี")  # cannot log anything
    assert "ลงทะเบียน" in texts_to(line, U)[-1]
    send("text", U, "อ่านหลักคุณธรรม")  # can read the reference corner
    assert "อ่านหลักคุณธรรม" in texts_to(line, U)[-2]
    send("text", U, "ยินยอม")
    assert user(db).status == "consented" and "รหัสเชิญ" in texts_to(line, U)[-1]


def test_unfollow_keeps_the_user_and_refollow_welcomes_back(send, line, db, menus):
    with db() as s:
        make_user(s, make_bureau(s), line_user_id=U, full_name="กลับมา แล้ว")
    send("unfollow", U)
    u = user(db)
    assert u.following is False and u.status == "registered"
    send("follow", U)
    assert "ยินดีต้อนรับกลับ" in texts_to(line, U)[-2]
    assert user(db).following is True
    assert line.richmenus.linked(U) == menus[("staff", "a")]


def test_approval_path_then_admin_approves_in_chat(send, line, db, menus):
    admin_id = "U" + "a" * 32
    with db() as s:
        b = make_bureau(s, "สำนักการประชุม", code="MEET")
        make_user(s, b, line_user_id=admin_id, roles=("admin",))
        bid = b.id
    send("follow", U)
    send("postback", U, encode("consent.yes"))
    send("text", U, "ขออนุมัติจากผู้ดูแล")
    assert "สำนักใด" in texts_to(line, U)[-1]
    send("postback", U, encode("reg.bureau", id=bid))
    send("text", U, "รอ อนุมัติ")
    send("text", U, "นางสาว")
    send("text", U, "เจ้าหน้าที่")
    send("postback", U, encode("reg.confirm"))
    assert user(db).status == "pending_approval" and "ส่งคำขอ" in texts_to(line, U)[-1]
    send("postback", admin_id, encode("admin.pending"))
    assert "รออนุมัติ 1" in texts_to(line, admin_id)[-1]
    send("postback", admin_id, encode("admin.approve", uid=user(db).id))
    u = user(db)
    assert u.status == "registered" and u.bureau_id == bid
    assert line.richmenus.linked(U) == menus[("staff", "a")]
    send("postback", admin_id, encode("admin.approve", uid=u.id))  # twice: nothing more happens
    assert "จัดการไปแล้ว" in texts_to(line, admin_id)[-1]


def test_forged_registration_postbacks_do_not_skip_the_code(send, line, db, invite):
    with db() as s:
        bid = s.exec(select(InviteCode)).one().bureau_id
    send("text", U, "ขออนุมัติจากผู้ดูแล")  # no consent yet: the consent card, nothing collected
    assert "PDPA" in texts_to(line, U)[-1] and user(db).status == "new"
    send("postback", U, encode("consent.yes"))
    send("postback", U, encode("reg.bureau", id=bid))  # in the code step: refused
    send("postback", U, encode("reg.confirm"))
    send("text", U, "ชื่อ ปลอม")  # still the code step: counted as a wrong code
    assert "อีก 4 ครั้ง" in texts_to(line, U)[-1]
    assert user(db).status == "consented" and user(db).bureau_id is None


def test_a_deactivated_bureaus_code_registers_nobody(send, line, db, invite):
    from bot.services import membership
    from models.core import Bureau
    with db() as s:
        b = s.exec(select(Bureau).where(Bureau.code == "PLAN")).one()
        b.active = False
        s.add(b)
    send("follow", U)
    send("postback", U, encode("consent.yes"))
    send("text", U, invite)
    assert user(db).status == "consented" and user(db).bureau_id is None
    with db() as s:  # a code checked before the bureau closed is refused when it is used, too
        inv = s.exec(select(InviteCode)).one()
        assert not membership.use_invite(s, inv, utcnow()) and inv.uses == 0
