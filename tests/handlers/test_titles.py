"""The title (คำนำหน้า) is kept apart from the name and asked at registration with buttons; people are addressed
by it: "นายสมชาย ใจดี", never "คุณนายสมชาย" (Madam Somchai) or "คุณนางสาว…"; "คุณ" + first name only without one.
(issue 14, "Names, words and input")"""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bot.conversation.postback import encode
from bot.services import membership as registry
from models.core import User, utcnow
from tests.conftest import postbacks, texts_to
from tests.factories import make_bureau, make_user

U, ADMIN = "U" + "7" * 32, "U" + "a" * 32


@pytest.fixture()
def office(db):
    with db() as s:
        b = make_bureau(s, "สำนักนโยบายและแผน", code="PLAN")
        make_user(s, b, line_user_id=ADMIN, roles=("admin",), full_name="แอดมิน ระบบ")
        return {"bureau": b.id, "code": registry.create_invite(s, b, utcnow()).code}


def user(db, uid=U) -> User:
    with db() as s:
        return s.exec(select(User).where(User.line_user_id == uid)).one()


def quick_labels(msg) -> list[str]:
    return [i["action"]["label"] for i in msg["quickReply"]["items"]]


def to_the_name_step(send, office, *, approval=False):
    send("follow", U)
    send("postback", U, encode("consent.yes"))
    if approval:
        send("text", U, "ขออนุมัติจากผู้ดูแล")
        send("postback", U, encode("reg.bureau", id=office["bureau"]))
    else:
        send("text", U, office["code"])


def test_registration_asks_the_title_with_buttons(send, line, db, office):
    to_the_name_step(send, office)
    send("text", U, "ทดลอง ใจดี")
    ask = line.messages_for(U)[-1]
    assert "คำนำหน้า" in ask["text"]
    assert quick_labels(ask)[:4] == ["นาย", "นาง", "นางสาว", "อื่น ๆ (พิมพ์เอง)"]
    tap = ask["quickReply"]["items"][2]["action"]
    send("text", U, tap["text"])  # tapping "นางสาว" sends it
    assert "ตำแหน่ง" in texts_to(line, U)[-1]
    send("text", U, "นักวิเคราะห์")
    confirm = json.dumps(line.messages_for(U)[-1], ensure_ascii=False)
    assert "คำนำหน้า" in confirm and "นางสาว" in confirm
    send("postback", U, encode("reg.confirm"))
    done = texts_to(line, U)[-2]
    assert "นางสาวทดลอง ใจดี" in done and "คุณ" not in done
    u = user(db)
    assert (u.title, u.full_name, u.status) == ("นางสาว", "ทดลอง ใจดี", "registered")


def test_a_rank_is_typed_after_other_and_nonsense_is_asked_again(send, line, db, office):
    to_the_name_step(send, office)
    send("text", U, "สมชาย ใจดี")
    [(action, params)] = [p for p in postbacks(line.messages_for(U)[-1]) if p[1].get("op") == "other"]
    send("postback", U, encode(action, **params))
    assert "พิมพ์คำนำหน้า" in texts_to(line, U)[-1]
    send("text", U, "👍😊")  # an emoji is not a title
    assert "ลองอีกครั้ง" in texts_to(line, U)[-1]
    send("text", U, "ก" * 41)  # over 40 characters
    assert "ไม่เกิน 40" in texts_to(line, U)[-1]
    send("text", U, "ว่าที่ร้อยตรี")
    assert "ตำแหน่ง" in texts_to(line, U)[-1]
    send("text", U, "นักวิเคราะห์")
    send("postback", U, encode("reg.confirm"))
    assert "ว่าที่ร้อยตรีสมชาย ใจดี" in texts_to(line, U)[-2]
    assert (user(db).title, user(db).full_name) == ("ว่าที่ร้อยตรี", "สมชาย ใจดี")


def test_a_name_typed_with_its_title_is_split_and_confirmed(send, line, db, office):
    to_the_name_step(send, office)
    send("text", U, "นางสาวทดลอง ใจดี")
    ask = line.messages_for(U)[-1]
    assert "ทดลอง ใจดี" in ask["text"] and "นางสาว" in ask["text"]
    assert quick_labels(ask)[0] == "ใช่ นางสาว"
    send("text", U, ask["quickReply"]["items"][0]["action"]["text"])
    send("text", U, "นักวิเคราะห์")
    send("postback", U, encode("reg.confirm"))
    assert (user(db).title, user(db).full_name) == ("นางสาว", "ทดลอง ใจดี")


def test_a_split_that_was_wrong_keeps_the_name_as_typed(send, line, db, office):
    to_the_name_step(send, office)
    send("text", U, "นางรอง ศรีสุข")  # a name that only looks like "นาง" + name
    [(action, params)] = [p for p in postbacks(line.messages_for(U)[-1]) if p[1].get("op") == "asis"]
    send("postback", U, encode(action, **params))
    assert quick_labels(line.messages_for(U)[-1])[0] == "นาย"  # asked plainly now
    send("text", U, "ไม่ระบุ")
    send("text", U, "นักวิเคราะห์")
    send("postback", U, encode("reg.confirm"))
    assert (user(db).title, user(db).full_name) == (None, "นางรอง ศรีสุข")
    assert "คุณนางรอง" in texts_to(line, U)[-2]  # no title given: "คุณ" + first name


def test_the_approval_card_and_answer_name_nai_somchai_without_khun(send, line, db, office):
    to_the_name_step(send, office, approval=True)
    send("text", U, "นาย สมชาย ใจดี")
    send("text", U, "นาย")  # "ใช่ นาย"
    send("text", U, "เจ้าหน้าที่")
    send("postback", U, encode("reg.confirm"))
    assert user(db).status == "pending_approval"
    send("postback", ADMIN, encode("admin.pending"))
    card = json.dumps(line.messages_for(ADMIN)[-1], ensure_ascii=False)
    assert "นายสมชาย ใจดี" in card and "คุณนาย" not in card
    send("postback", ADMIN, encode("admin.approve", uid=user(db).id))
    answer = texts_to(line, ADMIN)[-1]
    assert answer.startswith("อนุมัตินายสมชาย ใจดี") and "คุณ" not in answer
    assert user(db).title == "นาย" and user(db).status == "registered"


def test_a_user_without_a_title_is_khun_and_first_name(send, line, db, office):
    with db() as s:  # registered before the title was asked: no title
        b = s.get(__import__("models.core").core.Bureau, office["bureau"])
        p = make_user(s, b, line_user_id=U, registered=False, full_name="ทดลอง ใจดี")
        p.status = "pending_approval"
        s.add(p)
        s.flush()
        uid = p.id
    send("postback", ADMIN, encode("admin.approve", uid=uid))
    assert texts_to(line, ADMIN)[-1].startswith("อนุมัติคุณทดลอง แล้ว")
    send("unfollow", U)
    send("follow", U)
    assert "ยินดีต้อนรับกลับครับ คุณทดลอง" in texts_to(line, U)[-2]


def test_role_change_names_the_person_by_title(send, line, db, office):
    with db() as s:
        p = make_user(s, s.get(__import__("models.core").core.Bureau, office["bureau"]), line_user_id=U,
                      full_name="สมศรี ทำดี")
        p.title = "ดร."
        s.add(p)
        s.flush()
        uid = p.id
    send("postback", ADMIN, encode("admin.roles"))
    send("text", ADMIN, "สมศรี")
    assert "ดร.สมศรี ทำดี" in texts_to(line, ADMIN)[-1]
    send("postback", ADMIN, encode("admin.role", uid=uid, role="committee", op="grant"))
    assert "ให้ดร.สมศรี ทำดี แล้วครับ" in texts_to(line, ADMIN)[-1]


def test_profile_changes_the_title_and_a_titled_name_is_split(send, line, db, office):
    with db() as s:
        make_user(s, s.get(__import__("models.core").core.Bureau, office["bureau"]), line_user_id=U,
                  full_name="ทดลอง ใจดี")
    send("text", U, "โปรไฟล์")
    card = line.messages_for(U)[-1]
    assert ("profile.edit", {"field": "title"}) in postbacks(card)
    send("postback", U, encode("profile.edit", field="title"))
    assert "นางสาว" in quick_labels(line.messages_for(U)[-1])
    send("text", U, "😊")
    assert "ลองอีกครั้ง" in texts_to(line, U)[-1]
    send("text", U, "ผศ.ดร.")
    assert user(db).title == "ผศ.ดร."
    send("text", U, "โปรไฟล์")
    assert "ผศ.ดร." in json.dumps(line.messages_for(U)[-1], ensure_ascii=False)
    send("postback", U, encode("profile.edit", field="name"))
    send("text", U, "นายทดลอง ใจเย็น")  # typed with a title: kept apart, never "ผศ.ดร.นายทดลอง"
    assert (user(db).title, user(db).full_name) == ("นาย", "ทดลอง ใจเย็น")
    send("postback", U, encode("profile.edit", field="title"))
    send("text", U, "ไม่ระบุ")
    assert user(db).title is None


def test_the_data_export_shows_the_title_apart(send, line, db, office):
    with db() as s:
        p = make_user(s, s.get(__import__("models.core").core.Bureau, office["bureau"]), line_user_id=U,
                      full_name="ทดลอง ใจดี")
        p.title = "นางสาว"
        s.add(p)
    send("text", U, "ข้อมูลของฉัน")
    export = texts_to(line, U)[0]
    assert "• คำนำหน้าชื่อ: นางสาว" in export and "• ชื่อ-นามสกุล: ทดลอง ใจดี" in export


def test_a_search_typed_with_the_title_finds_the_person(send, line, db, office):
    with db() as s:
        p = make_user(s, s.get(__import__("models.core").core.Bureau, office["bureau"]), line_user_id=U,
                      full_name="สมชาย ใจดี")
        p.title = "นาย"
        s.add(p)
    send("postback", ADMIN, encode("admin.roles"))
    send("text", ADMIN, "นายสมชาย")
    assert "• นายสมชาย ใจดี (สำนักนโยบายและแผน)" in texts_to(line, ADMIN)[-1]
