"""Scenario tests of the deed-recording flow: webhook in, sandbox LINE out, database checked."""
from __future__ import annotations

import io
import threading
from datetime import date, datetime, timezone

import pytest
from PIL import Image
from sqlmodel import select

from bot import create_app

from bot.services import ledger
from bot.conversation.postback import decode, encode
from bot.dev.sandbox import events as ev
from models.core import ConversationState
from models.deeds import Deed, LedgerEntry
from tests.conftest import post_signed, texts_to
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in Bangkok, FY 2570


@pytest.fixture()
def uid(db, clock):
    clock.set(NOW)
    with db() as s:
        return make_user(s, make_bureau(s)).line_user_id


def image_bytes(fmt: str = "JPEG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buf, fmt)
    return buf.getvalue()


def actions(line, uid: str, name: str) -> list[dict]:
    """Every postback params dict for action `name` the user was offered (buttons and quick replies)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            data = node.get("data")
            if node.get("type") in ("postback", "datetimepicker") and data:
                a, params = decode(data)
                if a == name:
                    found.append(params)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(line.messages_for(uid))
    return found


def confirm_now(send, line, uid):
    nonce = actions(line, uid, "deed.confirm")[-1]["n"]
    send("postback", uid, encode("deed.confirm", n=nonce))


def deeds(db) -> list[Deed]:
    with db() as s:
        return list(s.scalars(select(Deed).order_by(Deed.id)))


def test_full_flow_with_photo_and_volunteer_details(uid, send, line, db, config):
    line.put_content("m-photo-1", image_bytes(), "image/jpeg")
    send("postback", uid, encode("deed.start"))
    send("postback", uid, encode("deed.virtue", k="volunteer"))
    send("text", uid, "ช่วยเก็บขยะริมคลองหลังอาคาร 🌿")
    send("postback", uid, encode("deed.when", d="today"))
    send(ev.image_event(uid, "m-photo-1"))
    send("text", uid, "เสร็จ")
    send("text", uid, "12")
    send("text", uid, "2.5")
    assert line.messages_for(uid)[-1]["type"] == "flex"
    confirm_now(send, line, uid)
    [deed] = deeds(db)
    assert (deed.virtue, deed.deed_date, deed.beneficiaries, deed.hours) == ("volunteer", date(2026, 11, 4), 12, 2.5)
    assert deed.description == "ช่วยเก็บขยะริมคลองหลังอาคาร 🌿" and len(deed.photos) == 1
    assert (config.MEDIA_DIR + "/" + deed.photos[0]["path"]).endswith(".jpg")
    assert "บันทึกความดีเรียบร้อย" in texts_to(line, uid)[-1]
    assert line.count_deliveries(uid, kind="push") == 0  # everything was a reply
    with db() as s:
        assert ledger.verify(s).ok and ledger.head(s)[0] == 1
        assert s.get(ConversationState, uid).flow is None


def test_typed_keyword_non_volunteer_skips_extras(uid, send, line, db):
    send("text", uid, "บันทึกความดี")
    send("text", uid, "สุจริต")
    send("text", uid, "นำกระเป๋าสตางค์ที่เก็บได้ไปคืนเจ้าของ")
    send("text", uid, "เมื่อวาน")
    send("text", uid, "ข้าม")
    confirm_now(send, line, uid)
    [deed] = deeds(db)
    assert deed.virtue == "honesty" and deed.deed_date == date(2026, 11, 3)
    assert deed.beneficiaries is None and deed.photos == []


def test_shortcut_suggests_virtue_and_lets_user_change_it(uid, send, line, db):
    send("text", uid, "ความดี พาคุณแม่ไปหาหมอที่โรงพยาบาล")
    assert "กตัญญู" in texts_to(line, uid)[-1] and actions(line, uid, "deed.field") == [{"f": "virtue"}]
    send("postback", uid, encode("deed.field", f="virtue"))
    send("postback", uid, encode("deed.virtue", k="discipline"))
    assert "เมื่อไหร่" in texts_to(line, uid)[-1]  # description kept: straight to the date
    send("postback", uid, encode("deed.when", d="today"))
    send("text", uid, "ข้าม")
    confirm_now(send, line, uid)
    [deed] = deeds(db)
    assert (deed.virtue, deed.description) == ("discipline", "พาคุณแม่ไปหาหมอที่โรงพยาบาล")


def test_shortcut_without_a_guess_asks_the_virtue(uid, send, line):
    send("text", uid, "ความดี:  วันนี้ทำสิ่งดี ๆ")
    assert "คุณธรรมข้อใด" in texts_to(line, uid)[-1]


def test_shortcut_too_long_says_the_limit_and_length(uid, send, line, db):
    send("text", uid, "ความดี " + "ดี" * 600)
    assert "1,200" in texts_to(line, uid)[-1] and "1,000" in texts_to(line, uid)[-1]
    with db() as s:
        assert s.get(ConversationState, uid).flow is None


def test_unregistered_user_is_refused(send, line, db, clock):
    clock.set(NOW)
    u = "U" + "e" * 32
    send("postback", u, encode("deed.start"))
    send("text", u, "ความดี ช่วยเพื่อน")
    assert all("ลงทะเบียน" in t for t in texts_to(line, u))
    assert deeds(db) == []


def test_wrong_kinds_of_input_get_the_step_hint(uid, send, line, db):
    send("postback", uid, encode("deed.start"))
    send(ev.sticker_event(uid))
    assert "คุณธรรม" in texts_to(line, uid)[-1]
    send("postback", uid, encode("deed.virtue", k="honesty"))
    for event in (ev.sticker_event(uid), ev.image_event(uid), ev.location_event(uid)):
        send(event)
        assert "ข้อความเล่าความดี" in texts_to(line, uid)[-1]
    send("text", uid, "ก" * 1001)
    assert "1,001" in texts_to(line, uid)[-1] and "1,000" in texts_to(line, uid)[-1]
    send("text", uid, "😀" + "ดี" * 499 + "!")  # exactly 1,000 characters, emoji included
    send("text", uid, "สวัสดี")  # not a date
    assert "วันที่ทำความดี" in texts_to(line, uid)[-1]
    send("postback", uid, encode("deed.when", d="today"))
    send("text", uid, "ข้าม")
    send(ev.sticker_event(uid))  # at the card
    assert "ยืนยัน" in texts_to(line, uid)[-1]
    confirm_now(send, line, uid)
    assert len(deeds(db)[0].description) == 1000


def test_dates_in_the_future_or_before_the_fiscal_year_are_explained(uid, send, line, db):
    send("text", uid, "ความดี ปิดไฟห้องประชุมหลังเลิกงาน")
    send("postback", uid, encode("deed.when", d="pick"), params={"date": "2026-11-05"})
    assert "ยังมาไม่ถึง" in texts_to(line, uid)[-2]
    send("postback", uid, encode("deed.when", d="pick"), params={"date": "2026-09-30"})
    assert "ปีงบประมาณ 2570" in texts_to(line, uid)[-2] and "1 ต.ค. 2569" in texts_to(line, uid)[-2]
    picker = [a for a in line.messages_for(uid)[-1]["quickReply"]["items"] if a["action"]["type"] == "datetimepicker"]
    assert picker[0]["action"]["min"] == "2026-10-01" and picker[0]["action"]["max"] == "2026-11-04"
    send("postback", uid, encode("deed.when", d="pick"), params={"date": "2026-10-01"})
    send("text", uid, "ข้าม")
    confirm_now(send, line, uid)
    assert deeds(db)[0].deed_date == date(2026, 10, 1)


def test_photos_good_bad_missing_and_failing(uid, send, line, db):
    line.put_content("png", image_bytes("PNG"), "image/png")
    line.put_content("big", b"\xff\xd8" + b"0" * (5 * 1024 * 1024), "image/jpeg")
    line.put_content("txt", b"hello, not an image", "image/jpeg")
    line.put_content("jpg", image_bytes(), "image/jpeg")
    send("text", uid, "ความดี ใช้แก้วส่วนตัวแทนแก้วพลาสติก")
    send("postback", uid, encode("deed.when", d="today"))
    send(ev.image_event(uid, "png"))
    assert "1/3" in texts_to(line, uid)[-1]
    send(ev.image_event(uid, "big"))
    assert "ใหญ่เกิน 5 MB" in texts_to(line, uid)[-1]
    send(ev.image_event(uid, "txt"))
    assert "ไม่ใช่รูปภาพ" in texts_to(line, uid)[-1]
    send(ev.image_event(uid, "no-such-id"))  # 404 from the content API
    assert "ดึงรูป" in texts_to(line, uid)[-1]
    line.set_faults(fail_rate=1.0, fail_statuses=(500,), only_paths=("/v2/bot/message/jpg/content",))
    send(ev.image_event(uid, "jpg"))
    assert "ดึงรูป" in texts_to(line, uid)[-1]
    line.set_faults()
    send(ev.image_event(uid, "jpg"))
    assert "2/3" in texts_to(line, uid)[-1]
    send("text", uid, "เสร็จ")
    confirm_now(send, line, uid)
    [deed] = deeds(db)
    assert [p["path"].rsplit(".", 1)[1] for p in deed.photos] == ["png", "jpg"]


def test_third_photo_moves_on_by_itself(uid, send, line, db):
    for n in range(3):
        line.put_content(f"p{n}", image_bytes("PNG" if n % 2 else "JPEG"), "image/png")
    send("text", uid, "ความดี ปลูกต้นไม้หน้าอาคารรัฐสภา")
    send("postback", uid, encode("deed.when", d="today"))
    for n in range(3):
        send(ev.image_event(uid, f"p{n}"))
    assert "จิตอาสา" in texts_to(line, uid)[-1]  # volunteer: asks beneficiaries next
    send("text", uid, "ข้าม")
    send("text", uid, "abc")
    assert "ตัวเลข" in texts_to(line, uid)[-1]
    send("text", uid, "ข้าม")
    confirm_now(send, line, uid)
    assert len(deeds(db)[0].photos) == 3


def test_edit_a_field_from_the_card_then_confirm(uid, send, line, db):
    send("text", uid, "ความดี ส่งรายงานทันกำหนด")
    send("postback", uid, encode("deed.when", d="today"))
    send("text", uid, "ข้าม")
    send("postback", uid, encode("deed.fix"))
    assert {"f": "description"} in actions(line, uid, "deed.field")
    send("postback", uid, encode("deed.field", f="description"))
    send("text", uid, "ส่งรายงานผลการดำเนินงานก่อนกำหนด 2 วัน")
    assert line.messages_for(uid)[-1]["type"] == "flex"  # straight back to the card
    confirm_now(send, line, uid)
    assert deeds(db)[0].description == "ส่งรายงานผลการดำเนินงานก่อนกำหนด 2 วัน"


def test_cancel_stores_nothing(uid, send, line, db):
    send("text", uid, "ความดี ปิดแอร์ตอนพักเที่ยง")
    send("text", uid, "ยกเลิก")
    assert deeds(db) == []


def test_confirm_twice_and_same_text_again_store_one_deed(uid, send, line, db, clock):
    send("text", uid, "ความดี ช่วยเพื่อนร่วมงานยกของ")
    send("postback", uid, encode("deed.when", d="today"))
    send("text", uid, "ข้าม")
    send("text", uid, "ข้าม")
    send("text", uid, "ข้าม")
    confirm_now(send, line, uid)
    confirm_now(send, line, uid)  # double tap on the same button
    assert "ใช้ไปแล้ว" in texts_to(line, uid)[-1]
    clock.advance(seconds=20)
    send("text", uid, "ความดี ช่วยเพื่อนร่วมงานยกของ")
    send("postback", uid, encode("deed.when", d="today"))
    send("text", uid, "ข้าม")
    send("text", uid, "ข้าม")
    send("text", uid, "ข้าม")
    confirm_now(send, line, uid)
    assert "กดซ้ำ" in texts_to(line, uid)[-1]
    assert len(deeds(db)) == 1
    with db() as s:
        assert s.scalar(select(LedgerEntry.seq).order_by(LedgerEntry.seq.desc())) == 1


def test_twenty_first_deed_of_the_day_is_refused(uid, send, line, db):
    from bot.services.deeds import record_deed
    from models.core import User
    with db() as s:
        user = s.scalars(select(User).where(User.line_user_id == uid)).one()
        for n in range(20):
            record_deed(s, user, "discipline", f"มาตรงเวลา {n}", date(2026, 11, 4), now=NOW)
    send("postback", uid, encode("deed.start"))
    assert "ครบ 20 รายการ" in texts_to(line, uid)[-1]
    send("text", uid, "ความดี มาทำงานตรงเวลา")
    assert "ครบ 20 รายการ" in texts_to(line, uid)[-1]
    assert len(deeds(db)) == 20


def test_a_restart_mid_flow_keeps_the_draft(uid, send, line, db, config, clock, app):
    send("text", uid, "บันทึกความดี")
    send("postback", uid, encode("deed.virtue", k="sufficiency"))
    send("text", uid, "ปลูกผักสวนครัวไว้กินเองที่บ้าน")
    app.extensions["bot"].close()  # the process goes away; only the database remembers
    app2 = create_app(config, clock=clock, recover_every_s=None)
    try:
        client2, bot2 = app2.test_client(), app2.extensions["bot"]

        def send2(event):
            line.issue_reply_token(uid, event["replyToken"])
            post_signed(client2, ev.callback_body([event]))
            assert bot2.dispatcher.wait_idle(10)
        send2(ev.postback_event(uid, encode("deed.when", d="today"), timestamp_ms=clock.ms()))
        send2(ev.text_event(uid, "ข้าม", timestamp_ms=clock.ms()))
        nonce = actions(line, uid, "deed.confirm")[-1]["n"]
        send2(ev.postback_event(uid, encode("deed.confirm", n=nonce), timestamp_ms=clock.ms()))
    finally:
        app2.extensions["bot"].close()
    [deed] = deeds(db)
    assert (deed.virtue, deed.description) == ("sufficiency", "ปลูกผักสวนครัวไว้กินเองที่บ้าน")


def test_stale_buttons_outside_the_flow_are_refused_politely(uid, send, line, db):
    send("postback", uid, encode("deed.when", d="today"))
    send("postback", uid, encode("deed.confirm", n="abcd"))
    send("postback", uid, encode("deed.fix"))
    assert all("ใช้ไปแล้ว" in t for t in texts_to(line, uid))
    send("postback", uid, encode("deed.virtue", k="nope"))
    assert "เมนู" in texts_to(line, uid)[-1]
    assert deeds(db) == []


def test_a_slow_photo_download_holds_up_no_one_else(uid, send, line, db, bot, clock):
    """Photos are downloaded before their event is handled, on a sender thread: meanwhile other users are
    answered (one handler thread per process) and the database is not held."""
    with db() as s:
        other = make_user(s, make_bureau(s)).line_user_id
    line.put_content("slow", image_bytes(), "image/jpeg")
    send("text", uid, "ความดี ใช้แก้วส่วนตัวแทนแก้วพลาสติก")
    send("postback", uid, encode("deed.when", d="today"))
    release, downloading, other_answered = threading.Event(), threading.Event(), threading.Event()
    get_content, reply = bot.gateway.get_content, bot.gateway.reply

    def slow_download(message_id):
        downloading.set()
        assert release.wait(10)
        return get_content(message_id)

    def watch_replies(token, messages, **kw):
        sent = reply(token, messages, **kw)
        if token == other_token:
            other_answered.set()
        return sent
    bot.gateway.get_content, bot.gateway.reply = slow_download, watch_replies
    send(ev.image_event(uid, "slow", timestamp_ms=clock.ms()), wait=False)
    assert downloading.wait(10)
    other_event = ev.text_event(other, "สมุดความดีของฉัน", timestamp_ms=clock.ms())
    other_token = other_event["replyToken"]
    try:
        send(other_event, wait=False)
        assert other_answered.wait(10), "another user's answer waited for the photo"
    finally:
        release.set()
    assert bot.dispatcher.wait_idle(10)
    assert "1/3" in texts_to(line, uid)[-1]  # the photo was kept all the same
