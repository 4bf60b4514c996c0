"""Scenarios through signed webhooks: staff type "แบบสำรวจ ITA" for the open drive's link and "ตอบแล้ว", tap it
on the invite (counted once however often), reminders then leave them out; role checks, old and forged buttons,
closed drives, other bureaus' drives, bad input."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from bot.conversation.postback import encode
from bot.services import survey as svc
from models.recognition import SurveyResponse
from scheduler import survey as jobs
from tests.conftest import postbacks, texts_to, uris
from tests.factories import make_bureau, make_user
from tests.scheduler.helpers import bkk, outbox_rows

NOW = bkk(2027, 3, 2, 10, 0)  # Tuesday, inside the window
URL = "https://itas.example.go.th/iit/abc"


def seed(db, bureau_ids_of=None):
    with db() as s:
        b1, b2 = make_bureau(s, code="T1"), make_bureau(s, code="T2")
        staff = [make_user(s, b1) for _ in range(2)]
        other = make_user(s, b2)
        stranger = make_user(s, registered=False)
        drive, _ = svc.create(s, svc.Draft("แบบวัด IIT ปี 2570", URL, date(2027, 3, 1), date(2027, 3, 19),
                                           [b1.id]), bkk(2027, 2, 25, 10, 0), actor_id=None)
        return drive.id, [u.line_user_id for u in staff], other.line_user_id, stranger.line_user_id


def last(line, user):
    return line.messages_for(user)[-1]


def test_typed_keyword_gives_the_link_and_the_done_button(send, line, db, clock):
    clock.set(NOW)
    drive_id, (a, _), _, _ = seed(db)
    send("text", a, "แบบสำรวจ ITA")
    msg = last(line, a)
    assert uris(msg) == [URL]
    assert ("survey.done", {"id": str(drive_id)}) in postbacks(msg)
    assert "แบบวัด IIT ปี 2570" in msg["altText"]


def test_done_counts_once_and_the_card_then_says_so(send, line, db, clock):
    clock.set(NOW)
    drive_id, (a, b), _, _ = seed(db)
    send("postback", a, encode("survey.done", id=drive_id))
    assert "ขอบคุณที่ตอบแบบสำรวจ" in texts_to(line, a)[-1]
    send("postback", a, encode("survey.done", id=drive_id))  # a double tap
    assert "นับไว้ครั้งเดียว" in texts_to(line, a)[-1]
    with db() as s:
        assert len(s.exec(select(SurveyResponse)).all()) == 1
    send("text", a, "แบบสำรวจ ITA")
    msg = last(line, a)
    assert uris(msg) == [URL] and postbacks(msg) == []  # the link stays, "ตอบแล้ว" is gone
    assert "ตอบแล้วเมื่อ" in str(msg)


def test_reminder_leaves_out_who_tapped_done(send, line, db, clock):
    clock.set(NOW)
    drive_id, (a, b), _, _ = seed(db)
    send("postback", a, encode("survey.done", id=drive_id))
    with db() as s:
        jobs.run(s, NOW)  # the invite (late: the worker was started today)
        jobs.run(s, bkk(2027, 3, 12, 9, 0))
    [invite] = outbox_rows(db, f"survey:{drive_id}:invite")
    [rem] = outbox_rows(db, f"survey:{drive_id}:remind")
    assert a not in invite.recipients and b in invite.recipients
    assert a not in rem.recipients and b in rem.recipients


def test_other_bureau_and_unregistered(send, line, db, clock):
    clock.set(NOW)
    drive_id, _, other, stranger = seed(db)
    send("text", other, "แบบสำรวจ ITA")
    assert "ยังไม่มีแบบสำรวจ ITA ที่เปิด" in texts_to(line, other)[-1]
    send("postback", other, encode("survey.done", id=drive_id))
    assert "ไม่ได้เชิญสำนักของคุณ" in texts_to(line, other)[-1]
    send("text", stranger, "แบบสำรวจ ITA")
    assert "กรุณาลงทะเบียนก่อน" in texts_to(line, stranger)[-1]
    send("postback", stranger, encode("survey.done", id=drive_id))
    assert "กรุณาลงทะเบียนก่อน" in texts_to(line, stranger)[-1]
    with db() as s:
        assert s.exec(select(SurveyResponse)).all() == []


def test_closed_drive_refuses_done_and_is_not_shown(send, line, db, clock):
    drive_id, (a, b), _, _ = seed(db)
    clock.set(bkk(2027, 3, 20, 10, 0))  # the day after the last day
    send("postback", a, encode("survey.done", id=drive_id))
    assert "ปิดรับแล้ว" in texts_to(line, a)[-1]
    send("text", a, "แบบสำรวจ ITA")
    assert "ยังไม่มีแบบสำรวจ ITA ที่เปิด" in texts_to(line, a)[-1]
    clock.set(NOW)
    with db() as s:
        svc.close(s, svc.get(s, drive_id), NOW, actor_id=None)  # closed early by the admin
    send("postback", b, encode("survey.done", id=drive_id))
    assert "ปิดรับแล้ว" in texts_to(line, b)[-1]


def test_forged_and_unknown_buttons_are_answered_politely(send, line, db, clock):
    clock.set(NOW)
    drive_id, (a, _), _, _ = seed(db)
    send("postback", a, encode("survey.done", id="abc"))
    assert "ปุ่มนี้เก่าหรือใช้ไปแล้ว" in texts_to(line, a)[-1]
    send("postback", a, encode("survey.done"))
    assert "ปุ่มนี้เก่าหรือใช้ไปแล้ว" in texts_to(line, a)[-1]
    send("postback", a, encode("survey.done", id=drive_id + 999))
    assert "ไม่พบแบบสำรวจนี้" in texts_to(line, a)[-1]
    send("postback", a, "v=1&a=survey.done&id=1&x=" + "9" * 400)  # too long to be ours
    assert "ปุ่มนี้เก่าหรือใช้ไปแล้ว" in texts_to(line, a)[-1]
    with db() as s:
        assert s.exec(select(SurveyResponse)).all() == []


def test_a_photo_or_emoji_is_not_a_done(send, line, db, clock):
    clock.set(NOW)
    drive_id, (a, _), _, _ = seed(db)
    send("text", a, "แบบสำรวจ ITA")
    send("image", a)
    send("text", a, "ตอบแล้ว 👍")
    got = texts_to(line, a)
    assert len(got) >= 3 and all("ขอบคุณที่ตอบ" not in t for t in got)
    with db() as s:
        assert s.exec(select(SurveyResponse)).all() == []

