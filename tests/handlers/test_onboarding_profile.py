"""Profile: see and change name/position; a bureau change needs the new bureau's invite code."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot.services import membership as registry
from bot.conversation.postback import encode
from bot.line.richmenu import deploy
from models.core import User, UserRole, utcnow
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user

U = "U" + "4" * 32


@pytest.fixture()
def member(db, bot):
    with db() as s:
        old, new = make_bureau(s, "สำนักเดิม", code="OLD"), make_bureau(s, "สำนักใหม่", code="NEW")
        u = make_user(s, old, line_user_id=U, full_name="ชื่อ เดิม", position="ตำแหน่งเดิม", roles=("coordinator",))
        code = registry.create_invite(s, new, utcnow()).code
        menus = deploy(s, bot.gateway, utcnow(), echo=lambda *_: None)
        return {"id": u.id, "new": new.id, "code": code, "menus": menus}


def me(db) -> User:
    with db() as s:
        return s.exec(select(User).where(User.line_user_id == U)).one()


def test_profile_shows_and_edits_name_and_position(send, line, db, member):
    send("text", U, "โปรไฟล์")
    card = texts_to(line, U)[-1]
    assert "ชื่อ เดิม" in card and "สำนักเดิม" in card
    send("postback", U, encode("profile.edit", field="name"))
    send("text", U, "ชื่อ ใหม่")
    send("postback", U, encode("profile.edit", field="position"))
    send("text", U, "ตำแหน่งใหม่")
    assert (me(db).full_name, me(db).position) == ("ชื่อ ใหม่", "ตำแหน่งใหม่")


def test_bureau_change_needs_the_new_bureaus_code(send, line, db, member):
    assert line.richmenus.linked(U) == member["menus"][("coordinator", "a")]
    send("postback", U, encode("profile.edit", field="bureau"))
    send("text", U, "WRONGCODE")
    assert "ไม่ถูกต้อง" in texts_to(line, U)[-1] and me(db).bureau_id != member["new"]
    send("text", U, member["code"])
    assert me(db).bureau_id == member["new"]
    with db() as s:  # no longer coordinator of the old bureau; the menu follows
        assert s.exec(select(UserRole).where(UserRole.user_id == member["id"])).all() == []
    assert line.richmenus.linked(U) == member["menus"][("staff", "a")]


def test_unregistered_cannot_open_the_profile(send, line):
    send("text", "U" + "8" * 32, "ข้อมูลส่วนตัว")
    assert "ลงทะเบียน" in texts_to(line, "U" + "8" * 32)[-1]
