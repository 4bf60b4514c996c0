"""Scenarios: a coordinator writes the bureau's pledge; staff view it and report progress (one deed record)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import select

from bot.services import pledges
from bot.conversation.postback import encode
from bot.dev.sandbox import events as ev
from models.deeds import Deed, LedgerEntry
from models.rounds import PledgeItem
from tests.conftest import postbacks, texts_to
from tests.bot.services.test_rounds_support import JAN, PNG, seed


def _write_item(send, user, bureau_id, problem="ประชุมไม่ตรงเวลา", target="ร้อยละ 80 ของบุคลากรเข้าร่วม"):
    send("text", user, "เขียนความดีที่อยากทำ")
    send("text", user, problem)
    send("text", user, "เข้าประชุมตรงเวลาทุกครั้ง")
    send("postback", user, encode("pledge.virtue", virtue="discipline"))
    send("text", user, "จำนวนบุคลากรที่เข้าประชุมตรงเวลา")
    send("text", user, target)
    send("postback", user, encode("pledge.save"))


def _items(db, bureau_id):
    with db() as s:
        return [(i.position, i.problem, i.good_deed, i.virtue, i.indicator, i.target)
                for i in pledges.items_for(s, 2569, bureau_id)]


def test_coordinator_writes_items_with_hints_and_a_confirm_card(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    _write_item(send, w.coord, w.b1)
    _write_item(send, w.coord, w.b1, problem="ใช้กระดาษสิ้นเปลือง", target="ไม่มี")
    assert _items(db, w.b1) == [
        (1, "ประชุมไม่ตรงเวลา", "เข้าประชุมตรงเวลาทุกครั้ง", "discipline", "จำนวนบุคลากรที่เข้าประชุมตรงเวลา",
         "ร้อยละ 80 ของบุคลากรเข้าร่วม"),
        (2, "ใช้กระดาษสิ้นเปลือง", "เข้าประชุมตรงเวลาทุกครั้ง", "discipline", "จำนวนบุคลากรที่เข้าประชุมตรงเวลา", None)]
    replies = texts_to(line, w.coord)
    assert "ข้อที่ 1" in replies[0] and "💡" in replies[0]
    assert replies[5] == "ตรวจสอบ \"ปัญหาที่อยากแก้ ความดีที่อยากทำ\" ก่อนบันทึก"
    assert "บันทึกข้อที่ 1" in replies[6]
    assert "บันทึกข้อที่ 2" in replies[-1]
    msgs = line.messages_for(w.coord)
    assert msgs[2]["quickReply"]["items"][0]["action"]["type"] == "postback"  # virtue buttons
    # the pledge view: one bubble per item, with a progress button
    send("postback", w.staff, encode("pledge.view"))
    view = line.messages_for(w.staff)[-1]
    assert view["type"] == "flex" and len(view["contents"]["contents"]) == 2


def test_cancel_anywhere_saves_nothing_and_a_sticker_gets_the_hint(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    send("text", w.coord, "เขียนความดีที่อยากทำ")
    send("text", w.coord, "ปัญหา")
    send(ev.sticker_event(w.coord))
    assert "ความดีที่อยากทำ" in texts_to(line, w.coord)[-1]
    send("text", w.coord, "ยกเลิก")
    assert _items(db, w.b1) == []


def test_staff_and_other_bureaus_cannot_write(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    send("text", w.staff, "เขียนความดีที่อยากทำ")
    send("postback", w.coord2, encode("pledge.edit", b=w.b1))  # forged: coordinator of B2 for B1
    assert "สำหรับผู้ประสานงานสำนัก" in texts_to(line, w.staff)[-1]
    assert "สำหรับผู้ประสานงานสำนัก" in texts_to(line, w.coord2)[-1]
    with db() as s:
        assert s.exec(select(PledgeItem)).all() == []


def test_pledge_locks_after_the_first_due_date_until_an_admin_unlocks(send, line, db, clock, app):
    clock.set(datetime(2026, 3, 20, 16, 59, tzinfo=timezone.utc))  # 23:59 Bangkok on the due date: still open
    w = seed(db)
    send("text", w.coord, "เขียนความดีที่อยากทำ")
    assert "ข้อที่ 1" in texts_to(line, w.coord)[-1]
    send("text", w.coord, "ยกเลิก")
    clock.set(datetime(2026, 3, 20, 17, 1, tzinfo=timezone.utc))  # 00:01 on the 21st
    send("text", w.coord, "เขียนความดีที่อยากทำ")
    assert "ปิดการแก้ไข" in texts_to(line, w.coord)[-1] and "20 มี.ค. 2569" in texts_to(line, w.coord)[-1]
    res = app.test_cli_runner().invoke(args=["pledge", "unlock", "B1", "--fy", "2569"])
    assert res.exit_code == 0, res.output
    _write_item(send, w.coord, w.b1)
    assert len(_items(db, w.b1)) == 1


def test_staff_progress_is_one_deed_with_photo_and_ledger_entry(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=2)
    send("text", w.staff, "ความดีที่อยากทำ")
    send("postback", w.staff, encode("pledge.progress", i=w.items[1]))
    send("text", w.staff, "เข้าประชุมตรงเวลาทุกครั้งในสัปดาห์นี้")
    line.put_content("555001", PNG, "image/png")
    send(ev.image_event(w.staff, message_id="555001"))
    with db() as s:
        deeds = s.exec(select(Deed)).all()
        assert len(deeds) == 1
        d = deeds[0]
        assert (d.source, d.pledge_item_id, d.virtue, d.bureau_id) == ("pledge", w.items[1], "discipline", w.b1)
        assert d.description == "เข้าประชุมตรงเวลาทุกครั้งในสัปดาห์นี้" and len(d.photos) == 1
        assert len(s.exec(select(LedgerEntry).where(LedgerEntry.deed_id == d.id)).all()) == 1
    assert "ความดีด้านวินัย 1 ครั้ง" in texts_to(line, w.staff)[-1]
    # without a photo
    send("postback", w.staff, encode("pledge.progress", i=w.items[0]))
    send("text", w.staff, "ชวนเพื่อนเข้าประชุมตรงเวลา")
    send("text", w.staff, "ข้าม")
    with db() as s:
        assert len(s.exec(select(Deed)).all()) == 2


def test_progress_on_another_bureaus_item_is_refused(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=1)
    send("postback", w.coord2, encode("pledge.progress", i=w.items[0]))
    assert "ใช้ไม่ได้" in texts_to(line, w.coord2)[-1]
    with db() as s:
        assert s.exec(select(Deed)).all() == []


def test_pledge_csv_load(app, db, tmp_path):
    seed(db)
    path = tmp_path / "pledge.csv"
    path.write_text("bureau_code,problem,good_deed,virtue,indicator,target\n"
                    ",การใช้ทรัพยากรสิ้นเปลือง,ประหยัดพลังงาน,พอเพียง,ค่าไฟฟ้าลดลง,ร้อยละ 5\n"
                    "B2,มาสาย,ตรงต่อเวลา,discipline,จำนวนครั้งที่มาสาย,ลดลงร้อยละ 50\n", encoding="utf-8")
    res = app.test_cli_runner().invoke(args=["pledge", "load", str(path), "--fy", "2569"])
    assert res.exit_code == 0, res.output
    with db() as s:
        org = pledges.items_for(s, 2569, None)
        assert [(i.problem, i.virtue, i.target) for i in org] == [("การใช้ทรัพยากรสิ้นเปลือง", "sufficiency", "ร้อยละ 5")]
    bad = tmp_path / "bad.csv"
    bad.write_text("bureau_code,problem,good_deed,virtue,indicator,target\nZZ,a,b,discipline,c,d\n", encoding="utf-8")
    res = app.test_cli_runner().invoke(args=["pledge", "load", str(bad), "--fy", "2569"])
    assert res.exit_code != 0 and "line 2" in res.output


def test_coordinator_fixes_an_item_through_the_same_steps(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=2)
    send("text", w.coord, "ความดีที่อยากทำ")
    fix = [p for a, p in postbacks(line.messages_for(w.coord)[-1]) if a == "pledge.fix"]
    assert [p["i"] for p in fix] == [str(i) for i in w.items]  # one per item
    send("postback", w.coord, encode("pledge.fix", i=w.items[1]))
    assert "ข้อที่ 2" in texts_to(line, w.coord)[-1] and "ปัญหา 2" in texts_to(line, w.coord)[-1]
    send("text", w.coord, "ลืมปิดไฟ")
    send("text", w.coord, "ปิดไฟเมื่อออกจากห้อง")
    send("postback", w.coord, encode("pledge.virtue", virtue="sufficiency"))
    send("text", w.coord, "จำนวนห้องที่ปิดไฟ")
    send("text", w.coord, "ไม่มี")
    send("postback", w.coord, encode("pledge.save"))
    assert "แก้ไขข้อที่ 2" in texts_to(line, w.coord)[-1]
    assert _items(db, w.b1) == [
        (1, "ปัญหา 1", "ความดี 1", "discipline", "จำนวนบุคลากรที่เข้าร่วม", "ร้อยละ 80 ของบุคลากรเข้าร่วม"),
        (2, "ลืมปิดไฟ", "ปิดไฟเมื่อออกจากห้อง", "sufficiency", "จำนวนห้องที่ปิดไฟ", None)]


def test_remove_asks_first_renumbers_and_keeps_items_with_progress(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=3)
    send("postback", w.staff, encode("pledge.progress", i=w.items[2]))  # someone reported on item 3
    send("text", w.staff, "ปิดไฟทุกครั้ง")
    send("text", w.staff, "ข้าม")
    send("postback", w.coord, encode("pledge.remove", i=w.items[0]))
    assert ("pledge.remove_ok", {"i": str(w.items[0])}) in postbacks(line.messages_for(w.coord)[-1])
    assert len(_items(db, w.b1)) == 3  # nothing removed by asking
    send("postback", w.coord, encode("pledge.remove_ok", i=w.items[0]))
    assert "ลบข้อที่ 1" in texts_to(line, w.coord)[-1]
    assert [(p, problem) for p, problem, *_ in _items(db, w.b1)] == [(1, "ปัญหา 2"), (2, "ปัญหา 3")]
    send("postback", w.coord, encode("pledge.remove_ok", i=w.items[2]))
    assert "ลบข้อนี้ไม่ได้" in texts_to(line, w.coord)[-1] and "1 ครั้ง" in texts_to(line, w.coord)[-1]
    send("postback", w.coord, encode("pledge.remove_ok", i=w.items[0]))  # again: it is gone
    assert "ไม่พบ" in texts_to(line, w.coord)[-1]
    assert len(_items(db, w.b1)) == 2


def test_only_the_bureaus_coordinator_changes_items_and_not_after_the_lock(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=1)
    for who in (w.staff, w.coord2):
        send("postback", who, encode("pledge.remove_ok", i=w.items[0]))
        send("postback", who, encode("pledge.fix", i=w.items[0]))
        assert "สำหรับผู้ประสานงานสำนัก" in texts_to(line, who)[-1]
    send("text", w.staff, "ความดีที่อยากทำ")
    assert not [a for a, _ in postbacks(line.messages_for(w.staff)[-1]) if a in ("pledge.fix", "pledge.remove")]
    clock.set(datetime(2026, 3, 21, 3, 0, tzinfo=timezone.utc))  # after the first round's due date
    send("postback", w.coord, encode("pledge.remove_ok", i=w.items[0]))
    assert "ปิดการแก้ไข" in texts_to(line, w.coord)[-1]
    assert len(_items(db, w.b1)) == 1


def test_a_non_image_at_the_progress_photo_step_is_refused_and_nothing_is_stored(send, line, db, clock, config):
    from pathlib import Path
    clock.set(JAN)
    w = seed(db, items=1)
    send("postback", w.staff, encode("pledge.progress", i=w.items[0]))
    send("text", w.staff, "เข้าประชุมตรงเวลา")
    line.put_content("555404", b"not an image", "image/jpeg")
    send(ev.image_event(w.staff, message_id="555404"))
    assert "ไม่ใช่รูปภาพ" in texts_to(line, w.staff)[-1]
    assert not list((Path(config.MEDIA_DIR) / "private").glob("*"))  # nothing written
    with db() as s:
        assert s.exec(select(Deed)).all() == []  # still at the photo step: "ข้าม" records it without one
    send("text", w.staff, "ข้าม")
    with db() as s:
        assert [d.photos for d in s.exec(select(Deed))] == [[]]


def test_the_virtue_step_asks_again_with_its_buttons(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    for t in ("เขียนความดีที่อยากทำ", "ปัญหา", "ความดี"):
        send("text", w.coord, t)
    send(ev.sticker_event(w.coord))
    assert [a for a, _ in postbacks(line.messages_for(w.coord)[-1])].count("pledge.virtue") >= 5
    send("postback", w.coord, encode("pledge.virtue", virtue="nope"))  # forged key: stale, then the buttons
    assert [a for a, _ in postbacks(line.messages_for(w.coord)[-1])].count("pledge.virtue") >= 5
    send("text", w.coord, "วินัย")  # the name typed works like the button
    assert "ตัวชี้วัด" in texts_to(line, w.coord)[-1]


def test_the_bot_says_the_plans_words_and_the_old_coined_words_still_work(send, line, db, clock):
    """Issue 14: "พันธะ" was the bot's coinage; the plan says "ปัญหาที่อยากแก้ ความดีที่อยากทำ" (its
    "คุณธรรมเป้าหมาย"). Menus, help and cards use the plan's words; people who learnt the old words typed are
    answered as before."""
    import json
    clock.set(JAN)
    w = seed(db, items=1)
    send("text", w.coord, "เมนู")
    labels = [i["action"]["label"] for i in line.messages_for(w.coord)[-1]["quickReply"]["items"]]
    assert "ความดีที่อยากทำ" in labels and "แดชบอร์ด" in labels
    send("text", w.coord, "ช่วยเหลือ")
    assert "เขียนความดีที่อยากทำ" in texts_to(line, w.coord)[-1]
    send("text", w.coord, "ความดีที่อยากทำ")
    view = line.messages_for(w.coord)[-1]
    assert view["altText"].startswith("คุณธรรมเป้าหมาย \"ปัญหาที่อยากแก้ ความดีที่อยากทำ\" ปีงบประมาณ 2569")
    for old in ("พันธะ", "พันธะของเรา", "พันธะของสำนัก", "รายงานพันธะ", "ปัญหาที่อยากแก้"):
        send("text", w.coord, old)
        again = line.messages_for(w.coord)[-1]
        assert (again["altText"], postbacks(again)) == (view["altText"], postbacks(view)), old
    for old in ("เขียนพันธะ", "เขียนปัญหาที่อยากแก้"):
        send("text", w.coord, old)
        assert "ข้อที่ 2 (1/5)" in texts_to(line, w.coord)[-1], old
        send("text", w.coord, "ยกเลิก")
    _write_item(send, w.coord, w.b1)
    assert len(_items(db, w.b1)) == 2
    said = json.dumps(line.messages_for(w.coord), ensure_ascii=False)
    assert "ปัญหาที่อยากแก้ ความดีที่อยากทำ" in said and "พันธะ" not in said
