"""Scenario (issue 16): in the 6-month round a coordinator reports the bureau's two activities from the
register and its pledge item in one report, through chat: drafts, leaves, resumes, submits. A campaign linked
to an activity pre-fills its participants; an activity not started asks only why."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from bot.conversation.postback import encode
from bot.services import rounds as svc
from models.activities import Activity, ActivityBureau
from models.campaigns import Campaign, CampaignResponse
from models.core import User
from models.rounds import RoundReport
from tests.bot.services.test_rounds_support import FY, JAN, seed
from tests.conftest import texts_to

R6 = f"{FY}-6m"


def _register(db, w):
    with db() as s:
        meet = Activity(fy=FY, code="1.1.1", name="ประชุมคณะทำงานคุณธรรม (ทดสอบ)", indicator="จำนวนครั้งที่ประชุม",
                        unit="ครั้ง", target=4)
        clean = Activity(fy=FY, code="2.1.2", name="จิตอาสาทำความสะอาด (ทดสอบ)", indicator="จำนวนผู้เข้าร่วม",
                         unit="คน", target=60)
        other = Activity(fy=FY, code="3.1.1", name="ของสำนักอื่น (ทดสอบ)")
        s.add_all([meet, clean, other])
        s.flush()
        s.add_all([ActivityBureau(activity_id=meet.id, bureau_id=w.b1),
                   ActivityBureau(activity_id=clean.id, bureau_id=w.b1),
                   ActivityBureau(activity_id=other.id, bureau_id=w.b2)])
        staff = s.exec(select(User).where(User.line_user_id == w.staff)).one()
        camp = Campaign(title="เก็บขยะรอบอาคาร (ทดสอบ)", starts_at=JAN - timedelta(days=5), activity_id=clean.id,
                        virtue="volunteer")
        s.add(camp)
        s.flush()
        s.add(CampaignResponse(campaign_id=camp.id, user_id=staff.id, checked_in_at=JAN - timedelta(days=5)))
        return meet.id, clean.id


def _data(db):
    with db() as s:
        return [(r.version, r.status, r.data) for r in s.exec(select(RoundReport).order_by(RoundReport.version))]


def test_two_activities_and_the_pledge_in_one_round_report(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=1)
    meet, clean = _register(db, w)
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    first = texts_to(line, w.coord)[-1]
    assert "ข้อ 1/3" in first and "กิจกรรม ๑.๑.๑" in first and "(1/7)" in first
    assert "ของสำนักอื่น" not in first
    buttons = [i["action"]["text"] for i in line.messages_for(w.coord)[-1]["quickReply"]["items"]]
    assert buttons[:4] == ["ยังไม่เริ่ม", "กำลังดำเนินการ", "ดำเนินการแล้ว", "ยกเลิกกิจกรรม"]
    send("text", w.coord, "🙂")  # not a status: asked again with the same buttons, nothing stored
    again = line.messages_for(w.coord)[-1]
    assert "สถานะของกิจกรรม" in again["text"]
    assert [i["action"]["text"] for i in again["quickReply"]["items"]][:4] == buttons[:4]
    send("text", w.coord, "ดำเนินการแล้ว")
    send("text", w.coord, "ประชุม 2 ครั้งในไตรมาสแรก")
    send("text", w.coord, "ครบตามแผน")  # no number: asked for one
    assert "ขอผลเป็นตัวเลข" in texts_to(line, w.coord)[-2]
    send("text", w.coord, "๒ ครั้ง ครบตามแผนของรอบ")
    send("text", w.coord, "ไม่มี")  # participants
    send("text", w.coord, "1,500")  # budget in baht
    send("text", w.coord, "ไม่มี")  # problems
    send("text", w.coord, "เสร็จ")  # photos
    second = texts_to(line, w.coord)[-1]
    assert "ข้อ 2/3" in second and "กิจกรรม ๒.๑.๒" in second
    # leave and come back: the draft continues at the second activity
    send("text", w.coord, "ยกเลิก")
    [(version, status, data)] = _data(db)
    assert (version, status) == (0, "draft") and data["cursor"] == {"i": 1, "step": "status"}
    assert data["items"][f"a{meet}"] == {"status": "done", "done": "ประชุม 2 ครั้งในไตรมาสแรก",
                                          "result": "๒ ครั้ง ครบตามแผนของรอบ", "result_value": 2.0,
                                          "participants": 0, "budget_spent": 1500.0, "problems": "ไม่มี"}
    send("postback", w.coord, encode("report.start", round=R6))
    assert "ข้อ 2/3" in texts_to(line, w.coord)[-1]
    send("text", w.coord, "กำลังดำเนินการ")
    send("text", w.coord, "ทำความสะอาดรอบอาคาร 1 ครั้ง")
    send("text", w.coord, "35 คน จากเป้าหมาย 60 คน")
    asked = texts_to(line, w.coord)[-1]
    assert "ระบบนับผู้เช็กอินกิจกรรมที่ผูกกับกิจกรรมนี้ได้ 1 คน" in asked  # the linked campaign's check-in
    send("text", w.coord, "1")
    send("text", w.coord, "ไม่มี")
    send("text", w.coord, "ฝนตก")
    send("text", w.coord, "เสร็จ")
    third = texts_to(line, w.coord)[-1]
    assert "ข้อ 3/3" in third and "ความดี 1" in third and "(1/4)" in third  # then the pledge item
    for answer in ("รณรงค์ 1 ครั้ง", "ร้อยละ 70", "ไม่มี", "เสร็จ"):
        send("text", w.coord, answer)
    summary = line.messages_for(w.coord)[-1]
    assert summary["type"] == "flex" and "กิจกรรม ๑.๑.๑" in str(summary) and "1,500.00 บาท" in str(summary)
    send("postback", w.coord, encode("report.submit", r=R6, b=w.b1))
    [(version, status, data)] = _data(db)
    assert (version, status) == (1, "submitted")
    assert data["items"][f"a{clean}"]["status"] == "in_progress" and data["items"][f"a{clean}"]["participants"] == 1
    assert data["counts"][f"a{clean}"] == {"attendance": 1}
    with db() as s:  # one report covers both parts: the round is sent for this bureau
        rnd = svc.get_round(s, R6)
        assert svc.round_status(s, rnd, w.b1, JAN) == "submitted"


def test_an_activity_not_started_asks_only_why(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=0)
    meet, clean = _register(db, w)
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    send("text", w.coord, "ยังไม่เริ่ม")
    assert "เหตุใดจึงยังไม่ได้ดำเนินการ" in texts_to(line, w.coord)[-1]
    send("text", w.coord, "รองบประมาณ")
    assert "ข้อ 2/2" in texts_to(line, w.coord)[-1]  # no result, participants, budget or photos asked
    [(_, _, data)] = _data(db)
    assert data["items"][f"a{meet}"] == {"status": "not_started", "problems": "รองบประมาณ"}


def test_the_round_is_sent_only_with_both_parts(send, line, db, clock):
    """A pledge-only summary card from before the register was loaded cannot send the round: the bot asks the
    activities first, and the bureau stays unsent (so its reminders keep coming) until they are answered."""
    clock.set(JAN)
    w = seed(db, items=1)
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    for answer in ("รณรงค์ 1 ครั้ง", "ร้อยละ 70", "ไม่มี", "เสร็จ"):
        send("text", w.coord, answer)
    assert line.messages_for(w.coord)[-1]["type"] == "flex"  # the summary, pledge item only
    meet, _ = _register(db, w)  # the register arrives before the coordinator taps submit
    send("postback", w.coord, encode("report.submit", r=R6, b=w.b1))
    said = texts_to(line, w.coord)
    assert "ยังส่งไม่ได้ครับ มีอีก 2 ข้อ" in said[-2] and "กิจกรรม ๑.๑.๑" in said[-1]
    with db() as s:
        rnd = svc.get_round(s, R6)
        assert svc.round_status(s, rnd, w.b1, JAN) == "draft"
    for answer in ("ยังไม่เริ่ม", "รองบประมาณ", "ยกเลิกกิจกรรม", "ย้ายไปปีหน้า"):
        send("text", w.coord, answer)
    send("postback", w.coord, encode("report.submit", r=R6, b=w.b1))
    assert "ฉบับที่ 1" in texts_to(line, w.coord)[-1]
    with db() as s:
        assert svc.round_status(s, svc.get_round(s, R6), w.b1, JAN) == "submitted"


def test_a_percent_target_reads_as_thai_writes_it_and_the_photo_step_is_seven_of_seven(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=0)
    with db() as s:
        a = Activity(fy=FY, code="1.4.1", name="อบรม (ทดสอบ)", indicator="ผู้ผ่านการอบรม", unit="ร้อยละ", target=90)
        s.add(a)
        s.flush()
        s.add(ActivityBureau(activity_id=a.id, bureau_id=w.b1))
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    assert "(เป้าหมาย ร้อยละ 90)" in texts_to(line, w.coord)[-1]
    for answer in ("ดำเนินการแล้ว", "อบรม 2 รุ่น", "ร้อยละ 95 ผ่าน", "30", "ไม่มี", "ไม่มี"):
        send("text", w.coord, answer)
    assert texts_to(line, w.coord)[-1].startswith("(7/7) ส่งรูปหลักฐาน")
