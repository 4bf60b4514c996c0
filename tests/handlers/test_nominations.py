"""Scenarios (issue 17) through signed webhooks: a coordinator nominates a person of their bureau with reasons per
criterion; the nominee is asked for consent by push and sees their record; a refusal keeps everything from the
committee; consent given, committee members score (never their own bureau's nominee); after the closing day the
result is ranked and announced to those who opted in, the cost shown first. Role checks, stale and forged
buttons, bad input."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlmodel import select

from bot.conversation.postback import encode
from bot.dev.sandbox import events as ev
from bot.line import outbox
from bot.services import nominations as svc
from bot.services.deeds import record_deed
from models.core import User
from models.recognition import Nomination, NominationScore
from tests.conftest import postbacks, texts_to
from tests.factories import make_bureau, make_user
from tests.scheduler.helpers import outbox_rows

# 10:00 Bangkok, Thursday 15 Jan 2026 (FY 2569): a working day, so pushes are due at once. In the past on
# purpose: conversation state is stamped with the real time (see tests/bot/services/test_rounds_support.py).
JAN = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)
AFTER = JAN + timedelta(days=31)  # past the demo windows' closing day (opens + 30 days)


@pytest.fixture()
def office(db, clock):
    clock.set(JAN)
    with db() as s:
        b1 = make_bureau(s, "สำนักทดสอบหนึ่ง", code="N1")
        b2 = make_bureau(s, "สำนักทดสอบสอง", code="N2")
        nominee = make_user(s, b1, full_name="สมศรี ดีเด่น")
        other = make_user(s, b1, full_name="สมปอง ขยันดี")
        record_deed(s, nominee, "volunteer", "ช่วยจัดโต๊ะงานบุญของสำนัก", date(2026, 1, 10), hours=3, now=JAN)
        record_deed(s, nominee, "honesty", "คืนกระเป๋าเงินที่เก็บได้", date(2026, 1, 12), now=JAN)
        out = SimpleNamespace(
            b1=b1.id, b2=b2.id, nominee=nominee.line_user_id, nominee_id=nominee.id, other=other.line_user_id,
            other_id=other.id,
            coord=make_user(s, b1, roles=("coordinator",), full_name="ผู้ประสาน หนึ่ง").line_user_id,
            coord2=make_user(s, b2, roles=("coordinator",), full_name="ผู้ประสาน สอง").line_user_id,
            judge1=make_user(s, b1, roles=("committee",), full_name="กรรมการ สำนักหนึ่ง").line_user_id,
            judge2=make_user(s, b2, roles=("committee",), full_name="กรรมการ สำนักสอง").line_user_id,
            staff2=make_user(s, b2, full_name="บุคลากร สำนักสอง").line_user_id,
        )
        person_w, bureau_w = svc.seed_demo(s, JAN)  # invented "(ตัวอย่าง)" criteria, 3 each, open 30 days
        out.pw, out.bw = person_w.id, bureau_w.id
    return out


def last(line, user):
    return line.messages_for(user)[-1]


def nominate(send, line, o, who_typed: str, nominee_id: int, reasons=("ซื่อสัตย์", "ช่วยงานส่วนรวม", "ตรงเวลา")):
    send("text", o.coord, "เสนอชื่อ")
    send("postback", o.coord, encode("nom.window", w=o.pw))
    send("text", o.coord, who_typed)
    send("postback", o.coord, encode("nom.person", u=nominee_id))
    for r in reasons:
        send("text", o.coord, r)
    send("postback", o.coord, encode("nom.send"))


def noms(db):
    with db() as s:
        return [(n.nominee_id, n.bureau_id, n.status, n.evidence) for n in s.exec(select(Nomination)
                                                                                 .order_by(Nomination.id))]


def test_consent_refused_nothing_reaches_the_committee(office, send, line, db, bot):
    o = office
    send("text", o.coord, "เสนอชื่อ")
    assert {a for a, _ in postbacks(last(line, o.coord))} == {"nom.window"}  # two windows open: which kind
    send("postback", o.coord, encode("nom.window", w=o.pw))
    send("text", o.coord, "ไม่มีใครชื่อนี้")
    assert "ไม่พบ" in texts_to(line, o.coord)[-1]
    send("text", o.coord, "สม")  # both of the bureau; nobody of bureau 2
    assert {p["u"] for _, p in postbacks(last(line, o.coord))} == {str(o.nominee_id), str(o.other_id)}
    send("postback", o.coord, encode("nom.person", u=o.nominee_id))
    assert "เกณฑ์ข้อ 1/3" in texts_to(line, o.coord)[-1] and "(ตัวอย่าง)" in texts_to(line, o.coord)[-1]
    send("sticker", o.coord)  # not text: told what the step needs, still at criterion 1
    assert "เหตุผลตามเกณฑ์" in texts_to(line, o.coord)[-1]
    for r in ("ปฏิบัติงานโปร่งใส 😀", "ช่วยงานบุญทุกครั้ง", "มาก่อนเวลาทุกวัน"):
        send("text", o.coord, r)
    card = last(line, o.coord)
    assert card["type"] == "flex" and ("nom.send", {}) in postbacks(card)
    assert noms(db) == []  # nothing saved before the coordinator sends it
    send("postback", o.coord, encode("nom.send"))
    assert "ขอความยินยอม" in texts_to(line, o.coord)[-1]
    [(nominee_id, _, status, evidence)] = noms(db)
    assert (nominee_id, status) == (o.nominee_id, "awaiting_consent")
    assert evidence["virtues"]["volunteer"] == 1 and evidence["volunteer_hours"] == 3
    assert len(evidence["ledger"]["hash"]) == 64
    # not yet in the committee's queue
    send("text", o.judge2, "พิจารณาการเสนอชื่อ")
    assert "ไม่มีการเสนอชื่อที่รอพิจารณา" in texts_to(line, o.judge2)[-1]
    # the nominee gets the consent card with their own record
    outbox.drain(bot.engine, bot.gateway)
    consent = last(line, o.nominee)
    assert consent["type"] == "flex" and "ขอความยินยอม" in consent["altText"]
    body = str(consent)
    assert "3 ชั่วโมง" in body and evidence["ledger"]["hash"] in body and "ช่วยงานบุญทุกครั้ง" in body
    nom_id = next(p["id"] for a, p in postbacks(consent) if a == "nom.consent")
    # someone else cannot answer for them
    send("postback", o.other, encode("nom.consent", id=nom_id, ans="yes"))
    assert "ไม่พบคำขอ" in texts_to(line, o.other)[-1]
    send("postback", o.nominee, encode("nom.consent", id=nom_id, ans="maybe"))  # forged answer
    assert "ปุ่มนี้เก่า" in texts_to(line, o.nominee)[-1]
    send("postback", o.nominee, encode("nom.consent", id=nom_id, ans="no"))
    assert "ไม่ยินยอม" in texts_to(line, o.nominee)[-1]
    send("postback", o.nominee, encode("nom.consent", id=nom_id, ans="yes"))  # changing one's mind by old button
    assert "ตอบคำขอนี้ไปแล้ว" in texts_to(line, o.nominee)[-1]
    [(_, _, status, evidence)] = noms(db)
    assert status == "declined" and evidence == {}
    outbox.drain(bot.engine, bot.gateway)
    assert "ไม่ยินยอม" in texts_to(line, o.coord)[-1]
    send("text", o.judge2, "พิจารณาการเสนอชื่อ")
    assert "ไม่มีการเสนอชื่อที่รอพิจารณา" in texts_to(line, o.judge2)[-1]


def test_consent_score_own_bureau_refused_rank_and_announce(office, send, line, db, bot, clock):
    o = office
    nominate(send, line, o, "ศรี", o.nominee_id)
    nominate(send, line, o, "ปอง", o.other_id)
    nominate(send, line, o, "ศรี", o.nominee_id)  # a second time: refused at the pick
    assert "เสนอซ้ำไม่ได้" in texts_to(line, o.coord)[-5]
    outbox.drain(bot.engine, bot.gateway)
    for user in (o.nominee, o.other):
        nom_id = next(p["id"] for a, p in postbacks(last(line, user)) if a == "nom.consent")
        send("postback", user, encode("nom.consent", id=nom_id, ans="yes"))
        assert "ยินยอมแล้ว" in texts_to(line, user)[-1]
    with db() as s:
        first, second = (n.id for n in s.exec(select(Nomination).order_by(Nomination.id)))
    outbox.drain(bot.engine, bot.gateway)
    assert "ยินยอมแล้ว" in texts_to(line, o.coord)[-1]
    # a bureau's own nomination: straight to the committee
    send("text", o.coord2, "เสนอชื่อ")
    send("postback", o.coord2, encode("nom.window", w=o.bw))
    assert "เกณฑ์ข้อ 1/3" in texts_to(line, o.coord2)[-1]
    for r in ("ร่วมกันทุกคน", "ส่งตรงเวลา", "มีผลงาน"):
        send("text", o.coord2, r)
    assert "ร่วมบันทึกความดี" in str(last(line, o.coord2))
    send("postback", o.coord2, encode("nom.send"))
    assert "ส่งการเสนอชื่อ" in texts_to(line, o.coord2)[-1]
    # the committee member of bureau 1 has no score button on bureau 1's nominees, and a forged one is refused
    send("text", o.judge1, "พิจารณาการเสนอชื่อ")
    queue = last(line, o.judge1)
    assert {p["id"] for a, p in postbacks(queue) if a == "nom.score"} == {str(second + 1)}
    send("postback", o.judge1, encode("nom.score", id=first))
    assert "สำนักเดียวกับท่าน" in texts_to(line, o.judge1)[-1]
    # the member of bureau 2 scores both people; points by button and typed (Thai digits too)
    send("text", o.judge2, "พิจารณาการเสนอชื่อ")
    assert {p["id"] for a, p in postbacks(last(line, o.judge2)) if a == "nom.score"} == {str(first), str(second)}
    send("postback", o.judge2, encode("nom.score", id=first))
    send("postback", o.judge2, encode("nom.point", id=first, i=1, p=5))
    send("postback", o.judge2, encode("nom.point", id=first, i=1, p=1))  # double tap on the first criterion
    assert "ปุ่มนี้เก่า" in texts_to(line, o.judge2)[-1]  # the buttons of criterion 2 come with it
    assert {p["i"] for a, p in postbacks(last(line, o.judge2)) if a == "nom.point"} == {"2"}
    send("text", o.judge2, "9")  # out of range: told, the 1–5 buttons again
    assert "คะแนน 1–5" in texts_to(line, o.judge2)[-1]
    assert [p["p"] for a, p in postbacks(last(line, o.judge2)) if a == "nom.point"] == list("12345")
    send("text", o.judge2, "๕")
    send("postback", o.judge2, encode("nom.point", id=first, i=3, p=4))
    assert "14/15" in texts_to(line, o.judge2)[-1]
    send("postback", o.judge2, encode("nom.score", id=second))
    for i, p in ((1, 3), (2, 3), (3, 2)):
        send("postback", o.judge2, encode("nom.point", id=second, i=i, p=p))
    with db() as s:
        assert {(r.nomination_id, sum(r.scores.values())) for r in s.exec(select(NominationScore))} == {
            (first, 14), (second, 8)}
    # no result before the closing day
    send("text", o.judge2, "ผลการคัดเลือก")
    assert "ยังไม่มีรอบการคัดเลือกที่ปิดรับ" in texts_to(line, o.judge2)[-1]
    # after it: ranked; scoring has ended
    clock.set(AFTER)
    send("text", o.judge2, "ผลการคัดเลือก")  # two windows finished: which one
    send("postback", o.judge2, encode("nom.result", w=o.pw))
    ranked = texts_to(line, o.judge2)[-1]
    assert ranked.index("1. สมศรี ดีเด่น") < ranked.index("2. สมปอง ขยันดี") and "14/15" in ranked
    send("postback", o.judge1, encode("nom.score", id=second + 1))
    assert "ปิดการพิจารณา" in texts_to(line, o.judge1)[-1]
    # announce to those who opted in: the cost first
    send("text", o.staff2, "ติดตามผลคัดเลือก")
    assert "จะได้รับประกาศผล" in texts_to(line, o.staff2)[-1]
    send("text", o.judge2, "ประกาศผลคัดเลือก")
    send("postback", o.judge2, encode("nom.ann", w=o.pw))
    assert "เฉพาะผู้ติดตาม" in texts_to(line, o.judge2)[-1]
    send("text", o.judge2, "เฉพาะผู้ติดตาม")
    cost, preview = line.messages_for(o.judge2)[-2:]
    assert "1 คน" in cost["text"] and "1 ข้อความ" in cost["text"] and "สมศรี ดีเด่น" in str(preview)
    assert outbox_rows(db, "nomination:%d:announce" % o.pw) == []  # nothing sent before the confirm
    send("postback", o.judge2, encode("nom.announce", w=o.pw))
    send("postback", o.judge2, encode("nom.announce", w=o.pw))  # double tap
    assert "ส่งถึง 1 คน" in texts_to(line, o.judge2)[-2] and "ปุ่มนี้เก่า" in texts_to(line, o.judge2)[-1]
    [row] = outbox_rows(db, "nomination:%d:announce" % o.pw)
    with db() as s:
        staff2 = s.exec(select(User).where(User.line_user_id == o.staff2)).one()
    assert row.recipients == [staff2.line_user_id]
    outbox.drain(bot.engine, bot.gateway)
    assert "ประกาศผล" in texts_to(line, o.staff2)[-1]
    send("text", o.judge2, "ประกาศผลคัดเลือก")  # the person window is done; only the bureau one is left
    assert "nom.ann" not in {a for a, _ in postbacks(last(line, o.judge2))}


def test_role_checks_and_forged_buttons(office, send, line, db):
    o = office
    send("text", o.nominee, "เสนอชื่อ")
    assert "ผู้ประสานงาน" in texts_to(line, o.nominee)[-1]
    for word in ("พิจารณาการเสนอชื่อ", "ผลการคัดเลือก", "ประกาศผลคัดเลือก"):
        send("text", o.coord, word)
        assert "คณะกรรมการ" in texts_to(line, o.coord)[-1], word
    send("postback", o.coord, encode("nom.score", id=1))
    assert "คณะกรรมการ" in texts_to(line, o.coord)[-1]
    # a person of another bureau, forged into the coordinator's pick
    send("text", o.coord, "เสนอชื่อ")
    send("postback", o.coord, encode("nom.window", w=o.pw))
    with db() as s:
        outsider = s.exec(select(User).where(User.line_user_id == o.staff2)).one().id
    send("postback", o.coord, encode("nom.person", u=outsider))
    assert "เสนอชื่อนี้ไม่ได้" in texts_to(line, o.coord)[-1]
    send("postback", o.coord, encode("nom.person", u="abc"))
    assert "ปุ่มนี้เก่า" in texts_to(line, o.coord)[-1]
    send("postback", o.coord, encode("nom.send"))  # not at the confirm step
    assert "ปุ่มนี้เก่า" in texts_to(line, o.coord)[-1]
    send("postback", o.judge2, encode("nom.score", id=999))
    assert "ไม่พบการเสนอชื่อ" in texts_to(line, o.judge2)[-1]
    send("postback", o.judge2, encode("nom.announce", w=o.pw))  # no announcement under way
    assert "ปุ่มนี้เก่า" in texts_to(line, o.judge2)[-1]
    send("text", o.coord, "ยกเลิก")
    send(ev.image_event(o.coord, message_id="880001"))  # outside any flow
    assert noms(db) == []
