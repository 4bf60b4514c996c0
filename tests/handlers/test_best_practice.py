"""Scenarios (issue 17): a staff member writes a best practice, leaves and resumes, submits; the committee sends it
back with a comment, the author fixes and resubmits, it is approved and shows in the library (by virtue, with
its photo, "อ่านต่อ"); role checks on every action; stale, forged and doubled buttons; bad input."""
from __future__ import annotations

from sqlmodel import select

from bot.conversation.postback import encode
from bot.dev.sandbox import events as ev
from models.activities import Activity, ActivityBureau
from models.core import OutboxMessage, User
from models.recognition import BestPractice
from tests.bot.services.test_rounds_support import FY, JAN, PNG, seed
from tests.conftest import postbacks, texts_to
from tests.factories import make_user


def _png(n: int) -> bytes:
    """A small PNG of its own colour: photos are kept by content, so each must differ."""
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (n * 40 % 256, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _rows(db):
    with db() as s:
        return [(r.id, r.status, r.title, r.result, r.virtue, len(r.photos), r.review_comment)
                for r in s.exec(select(BestPractice).order_by(BestPractice.id))]


def _pushes(db, to):
    with db() as s:
        return [m.messages[0]["text"] for m in s.exec(select(OutboxMessage).order_by(OutboxMessage.id))
                if to in m.recipients]


def _write_all(send, user, title="ลดกระดาษด้วยหนังสือเวียนออนไลน์"):
    send("text", user, "ถอดบทเรียน")
    send("text", user, title)
    send("text", user, "หนังสือเวียนพิมพ์แจกทุกคน เดือนละ 3,000 แผ่น")
    send("text", user, "ย้ายหนังสือเวียนขึ้นระบบออนไลน์")
    send("text", user, "กระดาษลดลงร้อยละ 80")
    send("text", user, "ผู้บริหารเริ่มใช้ก่อน ทุกคนจึงตามง่าย")


def _last_actions(line, user):
    return postbacks(line.messages_for(user)[-1])


def test_write_send_back_fix_approve_and_browse(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    _write_all(send, w.staff)
    assert "คุณธรรมข้อใด" in texts_to(line, w.staff)[-1]
    virtues = [p for a, p in _last_actions(line, w.staff) if a == "bp.virtue"]
    assert len(virtues) == 5
    send("postback", w.staff, encode("bp.virtue", k="sufficiency"))
    assert "แนบรูป" in texts_to(line, w.staff)[-1]  # no register this year: no activity question
    line.put_content("880001", PNG, "image/png")
    send(ev.image_event(w.staff, message_id="880001"))
    assert "1/3 รูป" in texts_to(line, w.staff)[-1]
    send("text", w.staff, "เสร็จ")
    summary = line.messages_for(w.staff)[-1]
    assert summary["type"] == "flex" and "ลดกระดาษ" in summary["altText"]
    [(bp_id, status, *_)] = _rows(db)
    assert status == "draft"
    assert ("bp.submit", {"id": str(bp_id)}) in postbacks(summary)
    send("postback", w.staff, encode("bp.submit", id=bp_id))
    assert "ให้คณะกรรมการพิจารณาแล้ว" in texts_to(line, w.staff)[-1]
    assert _rows(db)[0][1] == "submitted"

    # the committee's queue: the card with approve / send back, and the way to the nominations
    send("text", w.committee, "พิจารณา")
    head, card = line.messages_for(w.committee)[-2:]
    assert "รอพิจารณา 1 เรื่อง" in head["text"]
    actions = postbacks(card)
    assert ("bp.approve", {"id": str(bp_id)}) in actions and ("bp.return", {"id": str(bp_id)}) in actions
    assert "พิจารณาการเสนอชื่อ" in [i["action"].get("text") for i in card["quickReply"]["items"]]
    assert card["contents"]["contents"][0]["hero"]["url"].startswith("http://bot.test/media/photo/")

    send("postback", w.committee, encode("bp.return", id=bp_id))
    assert "พิมพ์ความเห็น" in texts_to(line, w.committee)[-1]
    send("text", w.committee, "ขอตัวเลขก่อน-หลังให้ชัดเจน")
    assert "ส่งกลับ" in texts_to(line, w.committee)[-1]
    assert _rows(db)[0][1] == "returned" and _rows(db)[0][6] == "ขอตัวเลขก่อน-หลังให้ชัดเจน"
    [told] = _pushes(db, w.staff)
    assert "ส่งกลับมาให้แก้ไข" in told and "ขอตัวเลขก่อน-หลังให้ชัดเจน" in told
    # the committee member's double tap on the old card changes nothing
    send("postback", w.committee, encode("bp.approve", id=bp_id))
    assert "พิจารณาไปแล้ว" in texts_to(line, w.committee)[-1] and _rows(db)[0][1] == "returned"

    # the author fixes one answer from the summary and sends again
    send("text", w.staff, "ถอดบทเรียน")
    note, summary = line.messages_for(w.staff)[-2:]
    assert "ส่งกลับมาให้แก้ไข" in note["text"] and "ขอตัวเลขก่อน-หลัง" in note["text"]
    assert ("bp.field", {"f": "result"}) in postbacks(summary)
    send("postback", w.staff, encode("bp.field", f="result"))
    assert "ข้อความเดิม: กระดาษลดลงร้อยละ 80" in texts_to(line, w.staff)[-1]
    send("text", w.staff, "กระดาษลดจาก 3,000 เหลือ 600 แผ่นต่อเดือน (ร้อยละ 80)")
    assert line.messages_for(w.staff)[-1]["type"] == "flex"  # back at the summary
    send("postback", w.staff, encode("bp.submit", id=bp_id))
    assert _rows(db)[0][1:4] == ("submitted", "ลดกระดาษด้วยหนังสือเวียนออนไลน์",
                                 "กระดาษลดจาก 3,000 เหลือ 600 แผ่นต่อเดือน (ร้อยละ 80)")

    send("postback", w.committee, encode("bp.approve", id=bp_id))
    assert "อนุมัติ" in texts_to(line, w.committee)[-1] and _rows(db)[0][1] == "approved"
    assert "ได้รับอนุมัติเข้าแหล่งเรียนรู้" in _pushes(db, w.staff)[-1]

    # anyone on the staff browses the library: the card with its photo, "อ่านต่อ", the virtue filters
    send("text", w.coord2, "แหล่งเรียนรู้")
    lib = line.messages_for(w.coord2)[-1]
    bubble = lib["contents"]["contents"][0]
    assert bubble["hero"]["url"].startswith("http://bot.test/media/photo/")
    assert ("bp.read", {"id": str(bp_id)}) in postbacks(bubble)
    assert ("bp.library", {"k": "honesty"}) in postbacks(lib["quickReply"])
    send("postback", w.coord2, encode("bp.read", id=bp_id))
    full = line.messages_for(w.coord2)[-2:]
    assert "ผู้บริหารเริ่มใช้ก่อน" in full[0]["text"] and "บุคลากร หนึ่ง" in full[0]["text"]
    assert full[1]["type"] == "image"
    send("postback", w.coord2, encode("bp.library", k="honesty"))
    assert "ยังไม่มีถอดบทเรียนด้านสุจริต" in texts_to(line, w.coord2)[-1]
    send("postback", w.coord2, encode("bp.library", k="sufficiency"))
    assert line.messages_for(w.coord2)[-1]["type"] == "flex"


def test_draft_is_kept_when_leaving_and_resumes_at_the_unanswered_question(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    send("text", w.coord, "ถอดบทเรียน")
    send("text", w.coord, "ประชุมตรงเวลาทั้งสำนัก")
    send("text", w.coord, "ประชุมเริ่มช้ากว่ากำหนดเฉลี่ย 15 นาที")
    send("text", w.coord, "ยกเลิก")
    send("text", w.coord, "สมุดความดีของฉัน")
    [(bp_id, status, title, *_)] = _rows(db)
    assert (status, title) == ("draft", "ประชุมตรงเวลาทั้งสำนัก")
    send("text", w.coord, "ถอดบทเรียน")
    note, question = texts_to(line, w.coord)[-2:]
    assert "ทำค้างไว้" in note and "(3/8)" in question  # what was done: the first unanswered question
    assert len(_rows(db)) == 1  # no second draft
    send("text", w.coord, "ตั้งนาฬิกาเตือนและเริ่มตรงเวลาแม้คนยังไม่ครบ")
    send("text", w.coord, "ประชุมเริ่มตรงเวลาทุกครั้งในไตรมาสนี้")
    send("text", w.coord, "หัวหน้าต้องมาก่อน")
    send("text", w.coord, "วินัย")  # a virtue typed by name works like its button
    assert line.messages_for(w.coord)[-1]["type"] == "flex"  # resumed: straight to the summary
    send("text", w.coord, "โอเคครับ")  # typed at the summary: the hint, then the summary again
    assert "แตะปุ่มบนการ์ดสรุป" in texts_to(line, w.coord)[-1] and line.messages_for(w.coord)[-2]["type"] == "flex"
    send("postback", w.coord, encode("bp.submit", id=bp_id))
    assert _rows(db)[0][1] == "submitted" and _rows(db)[0][4] == "discipline"
    # a double tap on the summary's button: said once, nothing changes
    send("postback", w.coord, encode("bp.submit", id=bp_id))
    assert "ส่งไปแล้ว" in texts_to(line, w.coord)[-1]


def test_the_activity_is_picked_from_this_years_register_or_typed_or_skipped(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    with db() as s:
        mine = Activity(fy=FY, code="1.2", name="อบรมการใช้ระบบหนังสือเวียน")
        other = Activity(fy=FY, code="3.1", name="กิจกรรมของสำนักอื่น")
        old = Activity(fy=FY - 1, code="9.9", name="กิจกรรมปีก่อน")
        s.add_all([mine, other, old])
        s.flush()
        s.add(ActivityBureau(activity_id=mine.id, bureau_id=w.b1))
        s.add(ActivityBureau(activity_id=other.id, bureau_id=w.b2))
        ids = (mine.id, other.id, old.id)
    _write_all(send, w.staff)
    send("postback", w.staff, encode("bp.virtue", k="sufficiency"))
    offered = [p["act"] for a, p in _last_actions(line, w.staff) if a == "bp.activity"]
    assert offered == [str(ids[0]), "0"]  # the author's bureau's activity, and "ข้าม"
    assert "๑.๒" in texts_to(line, w.staff)[-1]
    send("postback", w.staff, encode("bp.activity", act=ids[2]))  # forged: last year's activity
    assert "ปุ่มนี้เก่า" in texts_to(line, w.staff)[-1]
    send("text", w.staff, "๙.๙")  # last year's code typed: not in this year's register
    assert "ไม่พบกิจกรรมรหัส" in texts_to(line, w.staff)[-2]
    send("text", w.staff, "๑.๒")
    assert "แนบรูป" in texts_to(line, w.staff)[-1]
    send("text", w.staff, "เสร็จ")
    with db() as s:
        assert s.exec(select(BestPractice)).one().activity_id == ids[0]
    assert "อบรมการใช้ระบบหนังสือเวียน" in str(line.messages_for(w.staff)[-1]["contents"])


def test_role_checks_forged_and_stale_buttons(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    with db() as s:
        stranger = make_user(s, registered=False).line_user_id
    send("text", stranger, "ถอดบทเรียน")
    assert "ลงทะเบียนก่อน" in texts_to(line, stranger)[-1]
    send("text", stranger, "แหล่งเรียนรู้")
    assert "ลงทะเบียนก่อน" in texts_to(line, stranger)[-1]
    assert _rows(db) == []

    _write_all(send, w.staff)
    send("postback", w.staff, encode("bp.virtue", k="honesty"))
    send("text", w.staff, "เสร็จ")
    [(bp_id, *_)] = _rows(db)
    # another person's draft id, forged: refused, nothing sent
    send("postback", w.coord, encode("bp.submit", id=bp_id))
    assert "ไม่พบถอดบทเรียนนี้" in texts_to(line, w.coord)[-1] and _rows(db)[0][1] == "draft"
    send("postback", w.coord, encode("bp.discard_ok", id=bp_id))
    assert _rows(db)[0][1] == "draft"
    send("postback", w.coord, encode("bp.read", id=bp_id))  # not approved, not theirs
    assert "ไม่พบถอดบทเรียนนี้" in texts_to(line, w.coord)[-1]
    send("postback", w.staff, encode("bp.submit", id=bp_id))

    # not the committee: the queue and the review buttons are refused, nothing changes
    for who in (w.staff, w.coord):
        send("text", who, "พิจารณา")
        assert "สำหรับคณะกรรมการ" in texts_to(line, who)[-1] or "เท่านั้น" in texts_to(line, who)[-1]
        send("postback", who, encode("bp.approve", id=bp_id))
        assert "เท่านั้น" in texts_to(line, who)[-1]
        send("postback", who, encode("bp.return", id=bp_id))
        assert "เท่านั้น" in texts_to(line, who)[-1]
    assert _rows(db)[0][1] == "submitted"
    # malformed and unknown ids
    send("postback", w.committee, encode("bp.approve", id="x1"))
    assert "ปุ่มนี้เก่า" in texts_to(line, w.committee)[-1]
    send("postback", w.committee, encode("bp.approve", id=bp_id + 999))
    assert "ไม่พบถอดบทเรียนนี้" in texts_to(line, w.committee)[-1]
    # a virtue button outside its step: the old-button answer
    send("postback", w.staff, encode("bp.virtue", k="honesty"))
    assert "ปุ่มนี้เก่า" in texts_to(line, w.staff)[-1]
    assert _rows(db)[0][1] == "submitted"

    # the committee member's own best practice: another member must review it
    with db() as s:
        member = s.exec(select(User).where(User.line_user_id == w.committee)).one()
        row = BestPractice(fy=FY, author_id=member.id, bureau_id=member.bureau_id, title="เรื่องของกรรมการ",
                           problem="ก", action="ข", result="ค", lessons="ง", virtue="honesty", status="submitted",
                           submitted_at=JAN)
        s.add(row)
        s.flush()
        own_id = row.id
    send("postback", w.committee, encode("bp.approve", id=own_id))
    assert "ที่ท่านเขียนเอง" in texts_to(line, w.committee)[-1]
    send("postback", w.committee, encode("bp.return", id=own_id))
    assert "ที่ท่านเขียนเอง" in texts_to(line, w.committee)[-1]
    with db() as s:
        assert s.get(BestPractice, own_id).status == "submitted"


def test_a_committee_role_removed_mid_comment_ends_the_send_back(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    _write_all(send, w.staff)
    send("postback", w.staff, encode("bp.virtue", k="honesty"))
    send("text", w.staff, "เสร็จ")
    bp_id = _rows(db)[0][0]
    send("postback", w.staff, encode("bp.submit", id=bp_id))
    send("postback", w.committee, encode("bp.return", id=bp_id))
    from models.core import UserRole
    with db() as s:
        member = s.exec(select(User).where(User.line_user_id == w.committee)).one()
        for r in s.exec(select(UserRole).where(UserRole.user_id == member.id)):
            s.delete(r)
    send("text", w.committee, "ไม่ผ่าน")
    assert "เท่านั้น" in texts_to(line, w.committee)[-1]
    assert _rows(db)[0][1] == "submitted" and _pushes(db, w.staff) == []


def test_bad_input_is_answered_in_thai_and_nothing_breaks(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    send("text", w.staff, "ถอดบทเรียน")
    send(ev.sticker_event(w.staff))
    assert "ต้องการชื่อเรื่อง" in texts_to(line, w.staff)[-1]  # the hint, then the question again
    line.put_content("880002", PNG, "image/png")
    send(ev.image_event(w.staff, message_id="880002"))  # a photo where the title is asked
    assert "ต้องการชื่อเรื่อง" in texts_to(line, w.staff)[-1]
    send("text", w.staff, "ก" * 201)
    assert "ยาวเกินไป" in texts_to(line, w.staff)[-2] and _rows(db)[0][2] == ""
    send("text", w.staff, "🌱🌱 ปลูกผักกินเองในสำนักงาน 🥬")  # emoji are text like any other
    assert _rows(db)[0][2] == "🌱🌱 ปลูกผักกินเองในสำนักงาน 🥬"
    for answer in ("ก" * 2000, "ข" * 2000, "ค" * 2000, "ง" * 2000):  # the longest answers accepted
        send("text", w.staff, answer)
    send("text", w.staff, "พอเพียง")
    line.put_content("880003", b"not a picture at all", "image/jpeg")
    send(ev.image_event(w.staff, message_id="880003"))
    assert "ไม่ใช่รูปภาพ" in texts_to(line, w.staff)[-1]
    for n in range(4):  # a fourth photo is refused politely
        line.put_content(f"88001{n}", _png(n), "image/png")
        send(ev.image_event(w.staff, message_id=f"88001{n}"))
    assert "ครบ 3 รูปแล้ว" in texts_to(line, w.staff)[-1]
    send("text", w.staff, "เสร็จ")
    summary = line.messages_for(w.staff)[-1]
    assert summary["type"] == "flex"  # the summary of the longest draft still fits LINE's card
    send("postback", w.staff, encode("bp.read", id=_rows(db)[0][0]))
    full = line.messages_for(w.staff)[-5:]  # LINE's most a reply: the whole text in 2, then the 3 photos
    assert [m["type"] for m in full] == ["text", "text", "image", "image", "image"]
    assert full[1]["text"].endswith("ง" * 2000)  # nothing of the lessons lost


def test_discard_asks_first_and_then_a_new_draft_starts(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    send("text", w.staff, "ถอดบทเรียน")
    send("text", w.staff, "เรื่องที่จะทิ้ง")
    bp_id = _rows(db)[0][0]
    send("postback", w.staff, encode("bp.discard", id=bp_id))
    assert ("bp.discard_ok", {"id": str(bp_id)}) in _last_actions(line, w.staff)
    send("postback", w.staff, encode("bp.keep", id=bp_id))
    assert len(_rows(db)) == 1
    send("postback", w.staff, encode("bp.discard_ok", id=bp_id))
    assert "ลบร่าง" in texts_to(line, w.staff)[-1] and _rows(db) == []
    send("postback", w.staff, encode("bp.discard_ok", id=bp_id))  # the same button again
    assert "ไม่พบถอดบทเรียนนี้" in texts_to(line, w.staff)[-1]
    send("text", w.staff, "ถอดบทเรียน")
    assert "(1/8)" in texts_to(line, w.staff)[-1] and len(_rows(db)) == 1


def test_cancel_says_the_draft_is_kept_and_how_to_resume(send, line, db, clock):
    from tests.conftest import texts_to
    from tests.factories import make_bureau, make_user
    with db() as s:
        u = make_user(s, make_bureau(s), full_name="ผู้เขียน ยกเลิก")
        lid = u.line_user_id
    send("text", lid, "ถอดบทเรียน")
    send("text", lid, "ลดการใช้กระดาษ (ทดสอบ)")
    send("text", lid, "ยกเลิก")
    said = texts_to(line, lid)[-1]
    assert "ร่างถอดบทเรียน ยังเก็บไว้ครบ" in said and "พิมพ์ \"ถอดบทเรียน\" จะถามต่อเฉพาะข้อที่ยังไม่ได้ตอบ" in said
    assert "เลือกรอบเดิม" not in said  # the reports' wording is not borrowed


def test_an_emoji_is_not_a_title(send, line, db, clock):
    from tests.conftest import texts_to
    from tests.factories import make_bureau, make_user
    with db() as s:
        lid = make_user(s, make_bureau(s), full_name="ผู้เขียน อีโมจิ").line_user_id
    send("text", lid, "ถอดบทเรียน")
    send("text", lid, "😀")
    said = texts_to(line, lid)
    assert "ขอเป็นข้อความที่อ่านได้" in said[-2] and said[-1].startswith("(1/8)")  # asked the title again
    send("text", lid, "ลดกระดาษด้วยหนังสือเวียนออนไลน์ (ทดสอบ)")
    assert texts_to(line, lid)[-1].startswith("(2/8)")
