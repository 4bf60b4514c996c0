"""Issue 14: due dates on a weekend. Reminders count working days: a stage falling on a weekend or holiday goes
on the working day before, the last working day before the due date always gets one, overdue goes on the
first working day after, and the card states the real due date. The job runs every day at 09:00 (and again)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.services import deadlines
from models.rounds import Round
from models.worker import Holiday
from scheduler import reminders
from tests.scheduler.helpers import at, make_bureau_with, outbox_rows

SAT_6M = date(2027, 3, 20)  # FY 2570's 6-month round: Saturday 20 มี.ค. 2570
SUN_9M = date(2027, 6, 20)  # FY 2570's 9-month round: Sunday 20 มิ.ย. 2570


def _setup(db, due, key="6m"):
    with db() as s:
        s.add(Round(code=f"2570-{key}", fy=2570, key=key, title=f"รอบ {key}", period_start=date(2026, 10, 1),
                    period_end=due, due_date=due))
        make_bureau_with(s, 1, code="WB1")


def _walk(db, first: date, last: date) -> dict[date, list[str]]:
    """Run the job at 09:00 and again at 15:00 every day; the keys each day added."""
    sent, seen = {}, set()
    day = first
    while day <= last:
        with db() as s:
            reminders.run(s, at(day))
        with db() as s:
            assert reminders.run(s, at(day, 15)) == 0  # a second run adds nothing
        new = [r.key for r in outbox_rows(db) if r.key not in seen]
        seen.update(new)
        if new:
            sent[day] = new
        day += timedelta(days=1)
    return sent


@pytest.mark.parametrize("due, expected", [
    (SAT_6M, {date(2027, 3, 5): "T-14", date(2027, 3, 12): "T-7", date(2027, 3, 17): "T-3",
              date(2027, 3, 19): "T-1", date(2027, 3, 22): "overdue"}),
    (SUN_9M, {date(2027, 6, 4): "T-14", date(2027, 6, 11): "T-7", date(2027, 6, 17): "T-3",
              date(2027, 6, 18): "T-1", date(2027, 6, 21): "overdue"}),
])
def test_weekend_due_date_reminders_go_on_working_days(db, due, expected):
    key = "6m" if due == SAT_6M else "9m"
    _setup(db, due, key)
    sent = _walk(db, due - timedelta(days=20), due + timedelta(days=5))
    assert sent == {d: [f"deadline:2570-{key}:WB1:{stage}"] for d, stage in expected.items()}
    assert all(d.weekday() < 5 for d in sent)  # nothing on a weekend, no "due today" on the Saturday/Sunday


def test_last_working_day_card_states_the_real_due_date(db):
    _setup(db, SUN_9M, "9m")
    _walk(db, date(2027, 6, 18), date(2027, 6, 18))
    [row] = outbox_rows(db)
    assert row.key == "deadline:2570-9m:WB1:T-1"
    card = row.messages[0]
    assert "วันอาทิตย์ที่ 20 มิถุนายน 2570" in card["altText"] and "อีก 2 วัน" in card["altText"]
    assert "วันทำการสุดท้าย" in card["altText"]


def test_a_holiday_moves_the_stage_to_the_working_day_before(db):
    with db() as s:
        s.add(Holiday(day=date(2027, 3, 17), name="วันหยุดทดสอบ"))  # T-3's Wednesday
    _setup(db, SAT_6M)
    sent = _walk(db, date(2027, 3, 16), date(2027, 3, 19))
    assert sent == {date(2027, 3, 16): ["deadline:2570-6m:WB1:T-3"], date(2027, 3, 19): ["deadline:2570-6m:WB1:T-1"]}


def test_catch_up_after_downtime_sends_the_current_stage_once(db):
    _setup(db, SAT_6M)
    sent = _walk(db, date(2027, 3, 18), date(2027, 3, 19))  # down until Thursday: T-3 (Wednesday) goes out once
    assert sent == {date(2027, 3, 18): ["deadline:2570-6m:WB1:T-3"], date(2027, 3, 19): ["deadline:2570-6m:WB1:T-1"]}


def test_schedule_merges_stages_that_land_on_one_day():
    monday = date(2027, 3, 22)  # T-3 is Friday, T-1 (Sunday) moves to Friday too: the nearest one is sent
    plan = deadlines.schedule(monday)
    assert [(d.isoformat(), s, m) for d, s, m in plan][2:] == [
        ("2027-03-19", "T-1", ["T-3"]), ("2027-03-22", "T-0", []), ("2027-03-23", "overdue", [])]
