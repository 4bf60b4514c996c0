"""PDPA for recognition (issue 17): "ข้อมูลของฉัน" lists best practices, nominations and survey taps;
"ลบข้อมูลของฉัน" removes what names the person: an approved best practice stays in the library without its
author, unpublished ones go with their photos, nominations of them go with their scores, survey taps stay
anonymous."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlmodel import select

from bot.conversation.postback import encode
from models.recognition import (BestPractice, Nomination, NominationScore, NominationWindow, SurveyDrive,
                                SurveyResponse)
from models.core import User
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)
U = "U" + "7" * 32


def _world(db):
    with db() as s:
        b = make_bureau(s, "สำนักทดสอบความเป็นส่วนตัว", code="PRV")
        u = make_user(s, b, line_user_id=U, full_name="สมหมาย ลบได้")
        other = make_user(s, b, roles=("committee",), full_name="กรรมการ ผู้ให้คะแนน")
        s.add_all([BestPractice(fy=2570, author_id=u.id, bureau_id=b.id, title="ลดกระดาษ (ทดสอบ)", status="approved",
                                problem="ก", action="ข", result="ค", lessons="ง"),
                   BestPractice(fy=2570, author_id=u.id, bureau_id=b.id, title="ร่างของสมหมาย (ทดสอบ)",
                                status="draft")])
        w = NominationWindow(fy=2570, kind="person", opens_on=date(2026, 10, 1), closes_on=date(2026, 12, 31))
        drive = SurveyDrive(fy=2570, title="ITA 2570 (ทดสอบ)", url="https://example.org/ita",
                            opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=20))
        s.add_all([w, drive])
        s.flush()
        nom = Nomination(window_id=w.id, bureau_id=b.id, nominee_id=u.id, nominator_id=other.id,
                         reasons={"1": "ซื่อสัตย์ (ทดสอบ)"}, status="submitted")
        s.add(nom)
        s.flush()
        s.add(NominationScore(nomination_id=nom.id, scorer_id=other.id, scores={"1": 5}))
        s.add(SurveyResponse(drive_id=drive.id, user_id=u.id, bureau_id=b.id, answered_at=NOW))
        return u.id


def test_export_lists_the_recognition_records(send, line, db, clock):
    clock.set(NOW)
    _world(db)
    send("text", U, "ข้อมูลของฉัน")
    everything = "\n".join(m["text"] for m in line.messages_for(U))
    for needle in ("งานยกย่องเชิดชูและแหล่งเรียนรู้", "ลดกระดาษ (ทดสอบ) (เผยแพร่แล้ว)", "ร่างของสมหมาย (ทดสอบ) (ร่าง)",
                   "การเสนอชื่อท่าน 1 รายการ", "ITA 2570 (ทดสอบ)"):
        assert needle in everything, needle


def test_erase_keeps_the_library_entry_without_its_author(send, line, db, clock):
    clock.set(NOW)
    uid = _world(db)
    send("text", U, "ลบข้อมูลของฉัน")
    send("postback", U, encode("privacy.erase"))
    with db() as s:
        assert s.get(User, uid).status == "erased"
        bps = s.exec(select(BestPractice)).all()
        assert [(b.title, b.author_id) for b in bps] == [("ลดกระดาษ (ทดสอบ)", None)]
        assert s.exec(select(Nomination)).all() == [] and s.exec(select(NominationScore)).all() == []
        [tap] = s.exec(select(SurveyResponse)).all()
        assert tap.bureau_id is not None  # the bureau's response rate does not change
        local = tap.answered_at.astimezone(timezone(timedelta(hours=7)))
        assert (local.hour, local.minute) == (0, 0)  # the moment of the tap is cut to its day
