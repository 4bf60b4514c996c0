"""ITA survey drive jobs with a fixed clock: the invite once on the first day, reminders only to those who have
not tapped "ตอบแล้ว" (nor muted), quiet hours, a closed drive sends nothing."""
from __future__ import annotations

from datetime import date, timedelta

from bot.conversation.postback import decode
from bot.services import survey as svc
from models.core import User
from scheduler import survey as jobs
from tests.scheduler.helpers import bkk, bulk_staff, keys, make_bureau_with, outbox_rows

CREATED = bkk(2027, 2, 22, 10, 0)  # Monday
OPENS, CLOSES = date(2027, 3, 1), date(2027, 3, 19)  # Monday to Friday: reminders on Fri 12 and Wed 17 March


def make_drive(s, bureau_ids=None, opens=OPENS, closes=CLOSES):
    drive, _ = svc.create(s, svc.Draft("แบบ IIT ปี 2570", "https://itas.example.go.th/iit?x=1", opens, closes,
                                       bureau_ids), CREATED, actor_id=None)
    return drive


def run(db, now):
    with db() as s:
        return jobs.run(s, now)


def buttons(row):
    return [b["action"] for b in row.messages[0]["contents"]["footer"]["contents"]]


def test_invite_on_the_first_day_once_to_the_drives_bureaus(db):
    with db() as s:
        b1, coord1, staff1 = make_bureau_with(s, 2, code="S1")
        _b2, _, staff2 = make_bureau_with(s, 2, code="S2")
        drive = make_drive(s, [b1.id])
    assert run(db, bkk(2027, 2, 28, 12, 0)) == 0  # the day before: nothing
    assert run(db, bkk(2027, 3, 1, 9, 0)) == 1
    assert run(db, bkk(2027, 3, 1, 9, 5)) == 0
    [row] = outbox_rows(db, "survey:")
    assert row.key == f"survey:{drive.id}:invite" and row.category == "multicast"
    assert set(row.recipients) == {u.line_user_id for u in [coord1, *staff1]}
    link, done = buttons(row)
    assert link == {"type": "uri", "uri": "https://itas.example.go.th/iit?x=1", "label": "เปิดแบบสำรวจ"}
    assert decode(done["data"]) == ("survey.done", {"id": str(drive.id)})


def test_invite_planned_at_night_waits_for_working_hours(db):
    with db() as s:
        make_bureau_with(s, 1, code="S1")
        make_drive(s)
    run(db, bkk(2027, 3, 1, 0, 5))  # just after midnight on the first day
    [row] = outbox_rows(db, "survey:")
    assert row.next_attempt_at == bkk(2027, 3, 1, 8, 0)


def test_reminders_skip_who_answered_and_who_muted(db):
    with db() as s:
        b, coord, (a, m) = make_bureau_with(s, 2, code="S1")
        drive = make_drive(s)
        s.get(User, m.id).mute_reminders = True
    run(db, bkk(2027, 3, 1, 9, 0))
    with db() as s:
        assert svc.mark_done(s, drive.id, s.get(User, a.id), bkk(2027, 3, 2, 10, 0))[0] == "ok"
    assert run(db, bkk(2027, 3, 12, 8, 59)) == 0  # the reminder day, before 09:00
    assert run(db, bkk(2027, 3, 12, 9, 0)) == 1
    assert run(db, bkk(2027, 3, 12, 15, 0)) == 0
    [rem] = outbox_rows(db, f"survey:{drive.id}:remind")
    assert rem.key == f"survey:{drive.id}:remind:7d" and rem.recipients == [coord.line_user_id]
    assert "เหลืออีก 7 วัน" in rem.messages[0]["altText"]
    assert run(db, bkk(2027, 3, 17, 9, 0)) == 1
    assert keys(db, f"survey:{drive.id}:remind") == [f"survey:{drive.id}:remind:7d", f"survey:{drive.id}:remind:2d"]


def test_everyone_answered_means_no_reminder(db):
    with db() as s:
        _b, coord, [a] = make_bureau_with(s, 1, code="S1")
        drive = make_drive(s)
        for u in (coord, a):
            svc.mark_done(s, drive.id, s.get(User, u.id), bkk(2027, 3, 1, 10, 0))
    assert run(db, bkk(2027, 3, 12, 9, 0)) == 0
    assert keys(db, "survey:") == []  # they answered before the invite went out: no invite either


def test_catch_up_sends_only_the_latest_reminder_and_nothing_after_close(db):
    with db() as s:
        make_bureau_with(s, 1, code="S1")
        drive = make_drive(s)
    run(db, bkk(2027, 3, 1, 9, 0))
    run(db, bkk(2027, 3, 18, 10, 0))  # the worker was down over both reminder days
    assert keys(db, f"survey:{drive.id}:remind") == [f"survey:{drive.id}:remind:2d"]
    assert run(db, bkk(2027, 3, 20, 9, 0)) == 0


def test_closed_early_by_the_admin_sends_nothing(db):
    with db() as s:
        make_bureau_with(s, 1, code="S1")
        drive = make_drive(s)
        svc.close(s, drive, bkk(2027, 3, 1, 7, 0), actor_id=None)
    assert run(db, bkk(2027, 3, 1, 9, 0)) == 0


def test_friday_evening_invite_waits_until_monday(db):
    with db() as s:
        make_bureau_with(s, 1, code="S1")
        make_drive(s, opens=date(2027, 3, 5), closes=date(2027, 3, 19))
    run(db, bkk(2027, 3, 5, 20, 30))  # opened Friday but planned only after 20:00
    [row] = outbox_rows(db, "survey:")
    assert row.next_attempt_at == bkk(2027, 3, 8, 8, 0)


def test_invite_to_1200_staff_is_three_chunks(db):
    with db() as s:
        b, _, _ = make_bureau_with(s, 0, code="BIG")
        bulk_staff(s, b, 1199)
        make_drive(s)
    assert run(db, bkk(2027, 3, 1, 9, 0)) == 3
    assert [r.recipient_count for r in outbox_rows(db)] == [500, 500, 200]


def test_a_drive_of_one_day_has_no_reminder(db):
    assert svc.remind_days(OPENS, OPENS) == []
    assert svc.remind_days(OPENS, OPENS + timedelta(days=3)) == [OPENS + timedelta(days=1)]
