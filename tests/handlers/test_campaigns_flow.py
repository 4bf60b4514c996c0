"""Scenarios: a committee member creates a campaign in chat; staff answer and check in once; the creator
sees the answers; role checks."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.conversation.postback import encode
from models.campaigns import Campaign, CampaignResponse
from models.deeds import Deed
from scheduler import campaigns as jobs
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user
from tests.scheduler.helpers import bkk, outbox_rows

NOW = bkk(2026, 11, 23, 10, 0)  # Monday


def seed(db):
    with db() as s:
        b1, b2 = make_bureau(s, code="F1"), make_bureau(s, code="F2")
        boss = make_user(s, b1, roles=("committee",))
        staff = [make_user(s, b1), make_user(s, b1)]
        other = make_user(s, b2)
        return boss.line_user_id, [u.line_user_id for u in staff], other.line_user_id


def create(send, boss, target="ทุกสำนัก", codes=None):
    send("text", boss, "สร้างกิจกรรม")
    send("text", boss, "ปลูกต้นไม้ริมคลอง")
    send("text", boss, "-")
    send("text", boss, "จิตอาสา")  # the virtue step (issue 14)
    send("postback", boss, encode("campaign.when"), params={"datetime": "2026-12-01T09:00"})
    send("text", boss, "สวนหลังอาคาร")
    send("text", boss, target)
    if codes:
        send("text", boss, codes)
    send("postback", boss, encode("campaign.confirm"))


def test_create_in_chat_then_the_job_invites(send, line, db, clock):
    clock.set(NOW)
    boss, staff, other = seed(db)
    create(send, boss)
    got = texts_to(line, boss)
    assert got[-2] == "ตรวจสอบกิจกรรมก่อนส่งคำเชิญ" and "บันทึกกิจกรรม" in got[-1]
    card = str(line.messages_for(boss)[-2]["contents"])
    # 4 reachable (the boss is staff of F1 too): invite 4, two reminders to 4, the check-in prompt to 4
    assert "ทุกสำนัก (4 คน)" in card and "คำเชิญ 4 ข้อความ · สูงสุด 16 ข้อความ" in card
    with db() as s:
        camp = s.exec(select(Campaign)).one()
        assert camp.starts_at == bkk(2026, 12, 1, 9, 0) and camp.bureau_ids is None and camp.description == ""
        assert jobs.run(s, NOW) == 1
    [row] = outbox_rows(db, "campaign:")
    assert set(staff + [other]) <= set(row.recipients)


def test_some_bureaus_and_unknown_codes(send, line, db, clock):
    clock.set(NOW)
    boss, staff, other = seed(db)
    send("text", boss, "สร้างกิจกรรม")
    for t in ("ปลูกต้นไม้", "-", "จิตอาสา", "2026-12-01 09:00", "ห้องประชุม 1", "บางสำนัก", "F9"):
        send("text", boss, t)
    assert "ไม่พบรหัสสำนัก" in texts_to(line, boss)[-1]
    send("text", boss, "F1")
    send("postback", boss, encode("campaign.confirm"))
    with db() as s:
        camp = s.exec(select(Campaign)).one()
        assert len(camp.bureau_ids) == 1
        jobs.run(s, NOW)
    [row] = outbox_rows(db, "campaign:")
    assert set(row.recipients) == set(staff + [boss]) and other not in row.recipients


def test_past_time_is_asked_again(send, line, db, clock):
    clock.set(NOW)
    boss, _, _ = seed(db)
    for t in ("สร้างกิจกรรม", "ทดสอบ", "-", "จิตอาสา", "2020-01-01 09:00"):
        send("text", boss, t)
    assert "ไม่ถูกต้อง" in texts_to(line, boss)[-2]


def test_staff_cannot_create(send, line, db, clock):
    clock.set(NOW)
    _, staff, _ = seed(db)
    send("text", staff[0], "สร้างกิจกรรม")
    with db() as s:
        assert s.exec(select(Campaign)).all() == []


def test_answers_are_idempotent_and_the_creator_sees_them(send, line, db, clock):
    clock.set(NOW)
    boss, staff, other = seed(db)
    create(send, boss)
    with db() as s:
        cid = s.exec(select(Campaign.id)).one()
    join, decline = encode("campaign.answer", id=cid, ans="join"), encode("campaign.answer", id=cid, ans="decline")
    send("postback", staff[0], join)
    send("postback", staff[0], join)
    assert "บันทึกไว้แล้ว" in texts_to(line, staff[0])[-1]
    send("postback", staff[1], decline)
    with db() as s:
        assert len(s.exec(select(CampaignResponse)).all()) == 2
    send("text", boss, "ผลตอบรับกิจกรรม")
    assert "เข้าร่วม 1 | ไม่สะดวก 1" in texts_to(line, boss)[-1]


def test_check_in_records_one_deed_within_the_window(send, line, db, clock):
    clock.set(NOW)
    boss, staff, _ = seed(db)
    create(send, boss)
    with db() as s:
        cid = s.exec(select(Campaign.id)).one()
    tap = encode("campaign.checkin", id=cid)
    send("postback", staff[0], tap)
    assert "ยังไม่ถึงเวลา" in texts_to(line, staff[0])[-1]
    clock.set(bkk(2026, 12, 1, 12, 0))
    send("postback", staff[0], tap)
    send("postback", staff[0], tap)
    assert "เช็กอินเรียบร้อย" in texts_to(line, staff[0])[-2] and "ไปแล้ว" in texts_to(line, staff[0])[-1]
    with db() as s:
        deeds = s.exec(select(Deed)).all()
        assert [(d.source, d.campaign_id, d.virtue) for d in deeds] == [("campaign", cid, "volunteer")]
    clock.set(bkk(2026, 12, 2, 9, 1))
    send("postback", staff[1], tap)
    assert "หมดเวลา" in texts_to(line, staff[1])[-1]


def test_list_shows_open_campaigns_of_my_bureau(send, line, db, clock):
    clock.set(NOW)
    boss, staff, other = seed(db)
    create(send, boss, "บางสำนัก", "F1")
    send("text", staff[0], "กิจกรรม")
    send("text", other, "กิจกรรม")
    assert texts_to(line, staff[0])[-1] == "กิจกรรมที่เปิดรับ"
    assert "ยังไม่มีกิจกรรม" in texts_to(line, other)[-1]
    assert clock() - NOW < timedelta(days=1)


def test_the_date_step_asks_again_with_its_picker(send, line, db, clock):
    from bot.dev.sandbox import events as ev
    clock.set(NOW)
    boss, _, _ = seed(db)
    for t in ("สร้างกิจกรรม", "ทดสอบ", "-", "จิตอาสา"):
        send("text", boss, t)
    send(ev.sticker_event(boss))
    items = line.messages_for(boss)[-1]["quickReply"]["items"]
    assert "datetimepicker" in [i["action"]["type"] for i in items]


def test_a_member_who_declined_cannot_check_in_until_they_join(send, line, db, clock):
    clock.set(NOW)
    boss, staff, _ = seed(db)
    create(send, boss)
    with db() as s:
        cid = s.exec(select(Campaign.id)).one()
    send("postback", staff[0], encode("campaign.answer", id=cid, ans="decline"))
    clock.set(bkk(2026, 12, 1, 12, 0))
    send("postback", staff[0], encode("campaign.checkin", id=cid))
    assert "ไม่สะดวก" in texts_to(line, staff[0])[-1]
    with db() as s:
        assert s.exec(select(Deed)).all() == []
    send("postback", staff[0], encode("campaign.answer", id=cid, ans="join"))
    send("postback", staff[0], encode("campaign.checkin", id=cid))
    assert "เช็กอินเรียบร้อย" in texts_to(line, staff[0])[-1]
    with db() as s:
        assert len(s.exec(select(Deed)).all()) == 1


def test_bureaus_are_picked_by_their_thai_names_even_thirty_of_them(send, line, db, clock):
    """Issue 14: no English codes to type; 30 bureaus fit LINE's limits as toggle buttons, then "เสร็จ"."""
    import json

    from tests.conftest import postbacks
    clock.set(NOW)
    boss, staff, other = seed(db)
    with db() as s:
        for i in range(28):
            make_bureau(s, f"สำนักทดลองที่ {i + 1:02d} ฝ่ายนโยบายและแผนงานยุทธศาสตร์", code=f"X{i}")
    send("text", boss, "สร้างกิจกรรม")
    for t in ("ปลูกต้นไม้", "-", "จิตอาสา", "2026-12-01 09:00", "ห้องประชุม 1", "บางสำนัก"):
        send("text", boss, t)
    card = line.messages_for(boss)[-1]
    assert card["type"] == "flex" and card["contents"]["type"] == "carousel"
    bubbles = card["contents"]["contents"]
    assert len(bubbles) <= 12 and len(json.dumps(card, ensure_ascii=False).encode()) <= 50_000
    labels = [b["action"]["label"] for bub in bubbles for b in bub["footer"]["contents"]]
    assert len(labels) == 30 and all(len(x) <= 40 for x in labels) and not any("X1" in x for x in labels)
    assert [q["action"]["text"] for q in card["quickReply"]["items"]] == ["เสร็จ", "ทุกสำนัก"]
    with db() as s:
        from models.core import Bureau
        f1 = s.exec(select(Bureau).where(Bureau.code == "F1")).one()
    taps = {p.get("id"): (a, p) for a, p in postbacks(card)}
    assert taps[str(f1.id)][0] == "campaign.bureau"
    send("text", boss, "เสร็จ")  # nothing picked yet: asked again
    assert "ยังไม่ได้เลือกสำนัก" in texts_to(line, boss)[-2]
    tap = encode("campaign.bureau", id=f1.id)
    send("postback", boss, tap)
    again = line.messages_for(boss)[-1]
    assert any(b["action"]["label"].startswith("✅") for bub in again["contents"]["contents"]
               for b in bub["footer"]["contents"])
    send("postback", boss, tap)  # untick
    send("postback", boss, tap)  # tick again
    send("text", boss, "เสร็จ")
    assert texts_to(line, boss)[-1] == "ตรวจสอบกิจกรรมก่อนส่งคำเชิญ"
    send("postback", boss, encode("campaign.confirm"))
    with db() as s:
        camp = s.exec(select(Campaign)).one()
        assert camp.bureau_ids == [f1.id]
        jobs.run(s, NOW)
    [row] = outbox_rows(db, "campaign:")
    assert set(row.recipients) == set(staff + [boss]) and other not in row.recipients


def test_the_campaigns_virtue_is_asked_and_its_check_in_deed_has_it(send, line, db, clock):
    """Issue 14: a campaign's check-in deed was always จิตอาสา, even for ethics training (สุจริต)."""
    from tests.conftest import postbacks
    clock.set(NOW)
    boss, staff, _ = seed(db)
    for t in ("สร้างกิจกรรม", "อบรมจริยธรรม", "-"):
        send("text", boss, t)
    ask = line.messages_for(boss)[-1]
    assert {p["k"] for a, p in postbacks(ask) if a == "campaign.virtue"} == {
        "sufficiency", "discipline", "honesty", "volunteer", "gratitude"}
    send("text", boss, "อะไรก็ได้")  # not a virtue: asked again with the buttons
    assert any(a == "campaign.virtue" for a, _ in postbacks(line.messages_for(boss)[-1]))
    send("postback", boss, encode("campaign.virtue", k="honesty"))
    send("postback", boss, encode("campaign.when"), params={"datetime": "2026-12-01T09:00"})
    send("text", boss, "ห้องประชุม 2")
    send("text", boss, "ทุกสำนัก")
    assert "สุจริต" in str(line.messages_for(boss)[-1]["contents"])  # the confirm card names it
    send("postback", boss, encode("campaign.confirm"))
    with db() as s:
        camp = s.exec(select(Campaign)).one()
        assert camp.virtue == "honesty"
    clock.set(bkk(2026, 12, 1, 12, 0))
    send("postback", staff[0], encode("campaign.checkin", id=camp.id))
    with db() as s:
        assert [d.virtue for d in s.exec(select(Deed)).all()] == ["honesty"]
