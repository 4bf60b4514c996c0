"""Scenarios: a coordinator drafts the bureau's round report, leaves, comes back, submits, resubmits; late
submissions; role checks; the status views."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import select

from bot.services import rounds as svc
from bot.services.deeds import record_deed
from bot.conversation.postback import encode
from bot.dev.sandbox import events as ev
from models.core import User
from models.rounds import RoundReport
from tests.conftest import texts_to
from tests.bot.services.test_rounds_support import FY, JAN, PNG, seed

R6 = f"{FY}-6m"


def _reports(db):
    with db() as s:
        return [(r.version, r.status, r.late, r.data) for r in
                s.exec(select(RoundReport).order_by(RoundReport.version))]


def _answer_item(send, user, done, result="ร้อยละ 85 ของบุคลากรเข้าร่วม", problems="ไม่มี"):
    send("text", user, done)
    send("text", user, result)
    send("text", user, problems)
    send("text", user, "เสร็จ")


def test_draft_leave_resume_submit_and_resubmit(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=2)
    with db() as s:
        staff = s.exec(select(User).where(User.line_user_id == w.staff)).one()
        record_deed(s, staff, "discipline", "มาประชุมตรงเวลา", date(2026, 1, 10), now=JAN)
        record_deed(s, staff, "discipline", "ชวนเพื่อนมาตรงเวลา", date(2026, 1, 12), source="pledge",
                    pledge_item_id=w.items[0], now=JAN)
        record_deed(s, staff, "honesty", "คืนกระเป๋าเงิน", date(2026, 1, 12), now=JAN)  # another virtue
    send("text", w.coord, "ส่งรายงาน")
    picker = line.messages_for(w.coord)[-1]
    assert "report.round" in picker["quickReply"]["items"][0]["action"]["data"]
    assert "r=2569-6m" in picker["quickReply"]["items"][0]["action"]["data"]  # nearest due first
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    first = texts_to(line, w.coord)[-1]
    assert "ข้อ 1/2" in first and "ความดีด้านวินัย 2 ครั้ง" in first and "รายงานความคืบหน้า 1 ครั้ง" in first
    send("text", w.coord, "จัดกิจกรรมรณรงค์ 2 ครั้ง")
    send("text", w.coord, "ร้อยละ 85 ของบุคลากรเข้าร่วม")
    send("text", w.coord, "ไม่มี")
    line.put_content("777001", PNG, "image/png")
    send(ev.image_event(w.coord, message_id="777001"))
    assert "1 รูป" in texts_to(line, w.coord)[-1]
    send("text", w.coord, "เสร็จ")
    assert "ข้อ 2/2" in texts_to(line, w.coord)[-1]
    # leave: cancel, then another flow
    send("text", w.coord, "ยกเลิก")
    send("text", w.coord, "ความดีที่อยากทำ")
    [(version, status, late, data)] = _reports(db)
    assert (version, status) == (0, "draft") and data["cursor"] == {"i": 1, "step": "done"}
    assert data["items"][str(w.items[0])]["done"] == "จัดกิจกรรมรณรงค์ 2 ครั้ง"
    assert len(data["items"][str(w.items[0])]["photos"]) == 1
    # come back later: continues at item 2
    send("postback", w.coord, encode("report.start", round=R6))
    assert "ทำต่อจากข้อที่ 2" in texts_to(line, w.coord)[-2] and "ข้อ 2/2" in texts_to(line, w.coord)[-1]
    _answer_item(send, w.coord, "ประชุมตรงเวลาครบทุกครั้ง", problems="บางคนติดภารกิจ")
    summary = line.messages_for(w.coord)[-1]
    assert summary["type"] == "flex" and "สรุป" in summary["altText"]
    send("postback", w.coord, encode("report.submit", r=R6, b=w.b1))
    assert "ฉบับที่ 1" in texts_to(line, w.coord)[-1]
    [(version, status, late, data)] = _reports(db)
    assert (version, status, late) == (1, "submitted", False)
    assert data["items"][str(w.items[1])]["problems"] == "บางคนติดภารกิจ"
    assert data["counts"][str(w.items[0])] == {"deeds": 2, "progress": 1, "attendance": 0}
    # resubmit before the due date: a new version, answers pre-filled from version 1
    send("text", w.coord, "ส่งรายงาน")
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    assert "คำตอบเดิม: จัดกิจกรรมรณรงค์ 2 ครั้ง" in texts_to(line, w.coord)[-1]
    for _ in range(3):
        send("text", w.coord, "คงเดิม")
    send("text", w.coord, "เสร็จ")
    _answer_item(send, w.coord, "ประชุมตรงเวลาครบทุกครั้ง และจัดอบรมเพิ่ม")
    send("postback", w.coord, encode("report.submit", r=R6, b=w.b1))
    reports = _reports(db)
    assert [(v, s) for v, s, _, _ in reports] == [(1, "submitted"), (2, "submitted")]
    assert reports[0][3]["items"][str(w.items[1])]["done"] == "ประชุมตรงเวลาครบทุกครั้ง"  # history kept
    assert reports[1][3]["items"][str(w.items[1])]["done"] == "ประชุมตรงเวลาครบทุกครั้ง และจัดอบรมเพิ่ม"
    assert reports[1][3]["items"][str(w.items[0])]["done"] == "จัดกิจกรรมรณรงค์ 2 ครั้ง"


def _full_report(send, user, bureau_id, items):
    send("postback", user, encode("report.start", round=R6, b=bureau_id))
    for n in range(items):
        _answer_item(send, user, f"ทำข้อ {n + 1}")
    send("postback", user, encode("report.submit", r=R6, b=bureau_id))


def test_due_date_ends_at_23_59_bangkok_and_late_is_accepted(send, line, db, clock):
    clock.set(datetime(2026, 3, 20, 16, 30, tzinfo=timezone.utc))  # 23:30 Bangkok on the due date
    w = seed(db, items=1)
    _full_report(send, w.coord, w.b1, 1)
    clock.set(datetime(2026, 3, 20, 17, 1, tzinfo=timezone.utc))  # 00:01 Bangkok the next day
    send("postback", w.coord, encode("report.start", round=R6, b=w.b1))
    send("text", w.coord, "คงเดิม")
    send("text", w.coord, "คงเดิม")
    send("text", w.coord, "คงเดิม")
    send("text", w.coord, "เสร็จ")
    summary = line.messages_for(w.coord)[-1]
    assert "ส่งช้า" in str(summary["contents"])
    send("postback", w.coord, encode("report.submit", r=R6, b=w.b1))
    assert "ส่งช้า" in texts_to(line, w.coord)[-1]
    assert [(v, late) for v, _, late, _ in _reports(db)] == [(1, False), (2, True)]
    with db() as s:
        assert svc.round_status(s, svc.get_round(s, R6), w.b1, clock()) == "late"


def test_role_checks_refuse_politely_and_change_nothing(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=1)
    send("text", w.staff, "ส่งรายงาน")
    send("postback", w.staff, encode("report.round", r=R6, b=w.b1))
    assert all("สำหรับผู้ประสานงานสำนัก" in t for t in texts_to(line, w.staff))
    send("postback", w.coord2, encode("report.round", r=R6, b=w.b1))  # forged: B2's coordinator on B1
    assert "สำหรับผู้ประสานงานสำนัก" in texts_to(line, w.coord2)[-1]
    assert _reports(db) == []
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))  # B1 starts a draft
    send("postback", w.coord2, encode("report.submit", r=R6, b=w.b1))  # B2 tries to submit it
    assert "สำหรับผู้ประสานงานสำนัก" in texts_to(line, w.coord2)[-1]
    assert [(v, s) for v, s, _, _ in _reports(db)] == [(0, "draft")]


def test_status_views_for_coordinator_and_committee(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=1)
    _full_report(send, w.coord, w.b1, 1)
    send("postback", w.coord2, encode("report.round", r=R6, b=w.b2))  # B2 has no items of its own: org's
    send("text", w.coord, "สถานะรายงาน")
    mine = texts_to(line, w.coord)[-1]
    assert "สำนักทดสอบหนึ่ง" in mine and "✅ ส่งแล้ว รายงานรอบ 6 เดือน" in mine and "⬜ ยังไม่เริ่ม" in mine
    assert "20 มี.ค. 2569" in mine
    send("postback", w.committee, encode("report.status"))
    table = texts_to(line, w.committee)[-1]
    assert "✅ ส่งแล้ว สำนักทดสอบหนึ่ง" in table and "⬜ ยังไม่เริ่ม สำนักทดสอบสอง" in table
    send("postback", w.staff, encode("report.status"))
    assert "สำหรับผู้ประสานงานสำนัก" in texts_to(line, w.staff)[-1]


def test_bureau_without_items_reports_on_the_organizations_and_a_lost_photo_is_asked_again(send, line, db, clock):
    clock.set(JAN)
    w = seed(db, items=1)
    with db() as s:
        from bot.services import pledges
        org = pledges.add_item(s, FY, None, problem="ใช้พลังงานสิ้นเปลือง", good_deed="ประหยัดไฟ",
                               virtue="sufficiency", indicator="ค่าไฟฟ้า", target="ลดลงร้อยละ 5").id
    send("postback", w.coord2, encode("report.round", r=R6, b=w.b2))
    assert "ประหยัดไฟ" in texts_to(line, w.coord2)[-1] and "ข้อ 1/1" in texts_to(line, w.coord2)[-1]
    for answer in ("ปิดไฟตอนพักเที่ยง", "ลดลงร้อยละ 6", "ไม่มี"):
        send("text", w.coord2, answer)
    send(ev.image_event(w.coord2, message_id="999404"))  # content the platform no longer has
    assert "ดึงรูปไม่สำเร็จ" in texts_to(line, w.coord2)[-1]
    send("text", w.coord2, "เสร็จ")
    send("postback", w.coord2, encode("report.submit", r=R6, b=w.b2))
    [(version, status, late, data)] = _reports(db)
    assert (version, status) == (1, "submitted") and data["items"][str(org)]["done"] == "ปิดไฟตอนพักเที่ยง"


def test_moral_org_round_asks_the_nine_criteria_and_exports_them(send, line, db, clock, app, tmp_path):
    import json

    from openpyxl import load_workbook

    from messages_th.export_xlsx import ITEM_HEADER_ROW
    from messages_th.reports import EXPORT_CRITERIA_HEADERS
    from messages_th.rounds import MORAL_ORG_CRITERIA
    clock.set(JAN)
    w = seed(db, items=2)  # the bureau has pledge items; this round asks the plan's criteria instead
    code = f"{FY}-moral-org"
    send("postback", w.coord, encode("report.start", round=code))
    first = texts_to(line, w.coord)[-1]
    assert "เกณฑ์ข้อ 1/9" in first and "ประกาศข้อตกลง" in first and "ความดีด้าน" not in first
    for n in range(1, 10):
        send("text", w.coord, f"ทำข้อ {n}")
        if n == 1:
            assert "หลักฐาน" in texts_to(line, w.coord)[-1]
        send("text", w.coord, f"ผลข้อ {n}")
        send("text", w.coord, "ไม่มี")
        send("text", w.coord, "เสร็จ")
        if n < 9:
            assert f"เกณฑ์ข้อ {n + 1}/9" in texts_to(line, w.coord)[-1]
    summary = json.dumps(line.messages_for(w.coord)[-1], ensure_ascii=False)
    assert "ทำข้อ 1" in summary and "ทำข้อ 9" in summary
    send("postback", w.coord, encode("report.submit", r=code, b=w.b1))
    assert "ส่ง" in texts_to(line, w.coord)[-1]
    out = tmp_path / "moral-org.xlsx"
    res = app.test_cli_runner().invoke(args=["export-round", code, "--out", str(out)])
    assert res.exit_code == 0, res.output
    ws = load_workbook(out)["B1"]
    assert [c.value for c in ws[ITEM_HEADER_ROW]] == list(EXPORT_CRITERIA_HEADERS)
    assert [c.value for c in ws[ITEM_HEADER_ROW + 1]] == [1, MORAL_ORG_CRITERIA[0], "ทำข้อ 1", "ผลข้อ 1", "ไม่มี", 0]
    assert ws.cell(ITEM_HEADER_ROW + 9, 3).value == "ทำข้อ 9" and ws.max_row == ITEM_HEADER_ROW + 9


def test_a_non_image_at_the_photos_step_is_refused_and_nothing_is_stored(send, line, db, clock, config):
    from pathlib import Path
    clock.set(JAN)
    w = seed(db, items=1)
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    for answer in ("จัดกิจกรรม", "ร้อยละ 80", "ไม่มี"):
        send("text", w.coord, answer)
    line.put_content("777404", b"not an image", "image/png")
    send(ev.image_event(w.coord, message_id="777404"))
    assert "ไม่ใช่รูปภาพ" in texts_to(line, w.coord)[-1]
    assert not list((Path(config.MEDIA_DIR) / "private").glob("*"))
    [(_, _, _, data)] = _reports(db)
    assert data["cursor"]["step"] == "photos" and "photos" not in data["items"][str(w.items[0])]
    line.put_content("777001", PNG, "image/png")  # a real one still goes in at the same step
    send(ev.image_event(w.coord, message_id="777001"))
    assert "1 รูป" in texts_to(line, w.coord)[-1]


def test_a_coordinator_whose_role_was_removed_mid_draft_stops_at_the_next_answer(send, line, db, clock):
    from models.core import ConversationState, UserRole
    clock.set(JAN)
    w = seed(db, items=2)
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    send("text", w.coord, "จัดกิจกรรมรณรงค์ 2 ครั้ง")
    with db() as s:
        coord = s.exec(select(User).where(User.line_user_id == w.coord)).one()
        for role in s.exec(select(UserRole).where(UserRole.user_id == coord.id)):
            s.delete(role)
        before = [r.data for r in s.exec(select(RoundReport))]
    send("text", w.coord, "ผลงานที่ไม่ควรถูกบันทึก")
    assert "ผู้ประสานงาน" in texts_to(line, w.coord)[-1]  # the refusal names the role needed
    with db() as s:
        assert [r.data for r in s.exec(select(RoundReport))] == before  # nothing written
        assert s.get(ConversationState, w.coord).flow is None


def test_cancelling_a_report_says_the_draft_is_kept_and_how_to_resume(send, line, db, clock):
    """Issue 14: "ยกเลิก (เก็บร่างไว้)" answered only "ยกเลิกรายการเรียบร้อยแล้ว"; "2570ที่ทำค้างไว้" had no space."""
    clock.set(JAN)
    w = seed(db, items=2)
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    _answer_item(send, w.coord, "จัดกิจกรรมรณรงค์ 2 ครั้ง")
    send("text", w.coord, "ยกเลิก")
    said = line.messages_for(w.coord)[-1]
    assert "เก็บไว้" in said["text"] and "ส่งรายงาน" in said["text"] and "ยกเลิกรายการเรียบร้อยแล้ว" not in said["text"]
    assert "ส่งรายงาน" in [q["action"]["text"] for q in said["quickReply"]["items"]]
    send("postback", w.coord, encode("report.round", r=R6, b=w.b1))
    resumed = texts_to(line, w.coord)[-2]
    assert f"{FY} ที่ทำค้างไว้" in resumed and "ทำต่อจากข้อที่ 2" in resumed
    # another flow's cancel still says the plain words
    send("text", w.coord, "บันทึกความดี")
    send("text", w.coord, "ยกเลิก")
    assert "ยกเลิกรายการเรียบร้อยแล้ว" in texts_to(line, w.coord)[-1]


def test_a_submitted_round_shows_no_countdown(send, line, db, clock):
    """Issue 14: a submitted round still showed "(อีก 108 วัน)"."""
    clock.set(JAN)
    w = seed(db, items=1)
    _full_report(send, w.coord, w.b1, 1)
    send("text", w.coord, "สถานะรายงาน")
    mine = texts_to(line, w.coord)[-1]
    sent = mine.split("✅ ส่งแล้ว")[1].split("\n\n")[0]
    assert "กำหนดส่ง 20 มี.ค. 2569" in sent and "อีก" not in sent
    assert "(อีก" in mine  # the rounds not yet sent keep theirs
