"""Deadline reminders with a fixed clock: every offset, submission stops them, overdue, catch-up, quiet days."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.conversation.postback import decode
from models.rounds import RoundReport
from models.worker import Delegation, Holiday, set_setting
from scheduler import reminders
from tests.factories import make_user
from tests.scheduler.helpers import DUE, at, keys, make_bureau_with, make_round, outbox_rows


@pytest.fixture()
def setup(db):
    with db() as s:
        rnd = make_round(s)
        b, coord, staff = make_bureau_with(s, 2, code="RB1")
        return {"round": rnd, "bureau": b, "coord": coord, "staff": staff}


def run(db, now):
    with db() as s:
        return reminders.run(s, now)


@pytest.mark.parametrize("offset", [14, 7, 3, 1, 0])
def test_each_offset_sends_one_card_to_the_coordinator(db, setup, offset):
    now = at(DUE - timedelta(days=offset))
    assert run(db, now) == 1
    assert run(db, now + timedelta(hours=3)) == 0  # the job running again adds nothing
    [row] = outbox_rows(db)
    assert row.key == f"deadline:2570-6m:RB1:T-{offset}"
    assert row.recipients == [setup["coord"].line_user_id]
    card = row.messages[0]
    assert card["type"] == "flex" and "รอบ 6 เดือน" in card["altText"] and "2570" in card["altText"]
    button = card["contents"]["footer"]["contents"][0]["action"]
    assert decode(button["data"]) == ("report.start", {"round": "2570-6m"})
    assert row.urgent == (offset == 0)


def test_days_between_offsets_add_nothing_new(db, setup):
    run(db, at(DUE - timedelta(days=14)))
    for d in range(13, 7, -1):
        assert run(db, at(DUE - timedelta(days=d))) == 0
    assert keys(db) == ["deadline:2570-6m:RB1:T-14"]


def test_submitted_bureau_gets_no_more_reminders(db, setup):
    run(db, at(DUE - timedelta(days=7)))
    with db() as s:
        s.add(RoundReport(round_id=setup["round"].id, bureau_id=setup["bureau"].id, version=1, status="submitted"))
    assert run(db, at(DUE - timedelta(days=3))) == 0
    assert run(db, at(DUE + timedelta(days=1))) == 0
    assert keys(db) == ["deadline:2570-6m:RB1:T-7"]


def test_a_draft_does_not_stop_reminders(db, setup):
    with db() as s:
        s.add(RoundReport(round_id=setup["round"].id, bureau_id=setup["bureau"].id, version=0, status="draft"))
    assert run(db, at(DUE - timedelta(days=1))) == 1


def test_overdue_notice_the_day_after(db, setup):
    assert run(db, at(DUE + timedelta(days=1))) == 1
    assert keys(db) == ["deadline:2570-6m:RB1:overdue"]
    assert "เลยกำหนด" in outbox_rows(db)[0].messages[0]["altText"]


def test_catch_up_after_downtime_sends_the_current_stage_once_and_skips_stale(db, setup, caplog):
    caplog.set_level("INFO", "scheduler.reminders")
    run(db, at(DUE - timedelta(days=14)))
    # down from T-13 to T-2: T-7 was missed and is superseded by T-3
    assert run(db, at(DUE - timedelta(days=2), 10)) == 1
    assert run(db, at(DUE - timedelta(days=2), 11)) == 0  # restart again: no burst of repeats
    assert keys(db) == ["deadline:2570-6m:RB1:T-14", "deadline:2570-6m:RB1:T-3"]
    assert "อีก 2 วัน" in outbox_rows(db)[1].messages[0]["altText"]
    assert any("T-7 skipped: stale" in r.message for r in caplog.records)


def test_deadline_long_past_is_skipped_with_a_log_line(db, setup, caplog):
    caplog.set_level("INFO", "scheduler.reminders")
    assert run(db, at(DUE + timedelta(days=6))) == 0
    assert any("passed" in r.message for r in caplog.records)


def test_early_morning_row_waits_until_eight(db, setup):
    run(db, at(DUE - timedelta(days=3), 6))  # Monday 06:00
    assert outbox_rows(db)[0].next_attempt_at == at(DUE - timedelta(days=3), 8)


def test_weekend_and_holiday_defer_to_the_next_working_day(db, setup):
    with db() as s:
        s.add(Holiday(day=DUE - timedelta(days=7), name="วันหยุดทดสอบ"))
    assert run(db, at(DUE - timedelta(days=7))) == 0  # holiday Thursday
    assert run(db, at(DUE - timedelta(days=6))) == 1  # Friday: T-7 goes out, 6 days left
    assert "อีก 6 วัน" in outbox_rows(db)[0].messages[0]["altText"]
    assert run(db, at(DUE - timedelta(days=5))) == 0  # Saturday


def test_due_day_on_a_holiday_gets_its_last_reminder_the_working_day_before(db, setup):
    # issue 14: no "due today" push on a holiday; before, the due-day card went out on the holiday itself
    with db() as s:
        s.add(Holiday(day=DUE, name="วันหยุดทดสอบ"))
    assert run(db, at(DUE - timedelta(days=1))) == 1
    assert run(db, at(DUE)) == 0
    assert keys(db) == ["deadline:2570-6m:RB1:T-1"]
    assert "วันทำการสุดท้าย" in outbox_rows(db)[0].messages[0]["altText"]


def test_muted_coordinator_still_gets_due_reminders_but_muted_staff_do_not(db, setup):
    with db() as s:
        set_setting(s, "staff_reminders", True)
        for u in (setup["coord"], setup["staff"][0]):
            u = s.merge(u)
            u.mute_reminders = True
    run(db, at(DUE - timedelta(days=3)))
    rows = {r.key: r for r in outbox_rows(db)}
    assert rows["deadline:2570-6m:RB1:T-3"].recipients == [setup["coord"].line_user_id]
    assert rows["deadline:2570-6m:RB1:T-3:staff"].recipients == [setup["staff"][1].line_user_id]


def test_staff_reminder_is_off_unless_an_admin_enables_it(db, setup):
    run(db, at(DUE - timedelta(days=3)))
    assert keys(db) == ["deadline:2570-6m:RB1:T-3"]


def test_deputy_gets_the_reminder_instead_of_the_coordinator(db, setup):
    with db() as s:
        deputy = make_user(s, setup["bureau"])
        s.add(Delegation(bureau_id=setup["bureau"].id, coordinator_id=setup["coord"].id, deputy_id=deputy.id))
    run(db, at(DUE - timedelta(days=1)))
    assert outbox_rows(db)[0].recipients == [deputy.line_user_id]


def test_unfollowed_or_unregistered_people_get_nothing(db, setup):
    with db() as s:
        s.merge(setup["coord"]).following = False
    assert run(db, at(DUE - timedelta(days=1))) == 0


def test_stage_table():
    assert reminders.stage_for(DUE - timedelta(days=15), DUE) == (None, [])
    assert reminders.stage_for(DUE - timedelta(days=5), DUE) == ("T-7", ["T-14"])
    assert reminders.stage_for(DUE + timedelta(days=4), DUE) == (None, [])
    assert reminders.stage_for(date(2027, 3, 31), DUE, offsets=(2,)) == ("T-2", [])
