"""Issue 14: the fiscal year rolls over by itself. On 1 October the clock opens the new year's rounds from the
pattern, copies last year's pledge items into the new year's pledges as editable drafts and tells the admins
and the coordinators; it runs every day and again at start without adding anything twice."""
from __future__ import annotations

import threading
from datetime import date, timedelta

from bot.services import pledges, rounds
from models.rounds import PledgeItem
from scheduler import fiscal_year, jobs
from tests.factories import make_bureau, make_user
from tests.scheduler.helpers import at, outbox_rows

OCT1 = date(2026, 10, 1)  # Thursday: FY 2570 begins


def _item(s, fy, bureau_id, n):
    return pledges.add_item(s, fy, bureau_id, problem=f"ปัญหาที่ {n}", good_deed=f"ความดีที่ {n}",
                            virtue="discipline", indicator="ร้อยละ 80", target="80")


def _year_2569(db):
    with db() as s:
        rounds.open_fy(s, 2569)
        b1, b2 = make_bureau(s, "สำนักนวัตกรรม", code="FB1"), make_bureau(s, "สำนักสื่อสาร", code="FB2")
        coord = make_user(s, b1, roles=("coordinator",))
        admin = make_user(s, roles=("admin",))
        _item(s, 2569, b1.id, 1), _item(s, 2569, b1.id, 2), _item(s, 2569, None, 9)
        return {"b1": b1, "b2": b2, "coord": coord.line_user_id, "admin": admin.line_user_id}


def _run(bot, when):
    return jobs.run_job(bot.engine, "w1", "fiscal_year", fiscal_year.plan, now=when)


def test_1_october_opens_the_year_copies_pledges_and_tells_admins_and_coordinators(bot, db):
    w = _year_2569(db)
    assert _run(bot, at(OCT1 - timedelta(days=1), 23, 50)) == 0  # 30 September: nothing yet
    with db() as s:
        assert rounds.rounds_of_fy(s, 2570) == []
    assert _run(bot, at(OCT1, 0, 5)) == 2
    with db() as s:
        opened = {r.code: r.due_date for r in rounds.rounds_of_fy(s, 2570)}
        assert opened["2570-6m"] == date(2027, 3, 20) and len(opened) == 5
        b1_items = pledges.items_for(s, 2570, w["b1"].id)
        assert [i.good_deed for i in b1_items] == ["ความดีที่ 1", "ความดีที่ 2"]
        assert [i.good_deed for i in pledges.items_for(s, 2570, None)] == ["ความดีที่ 9"]
        assert pledges.items_for(s, 2570, w["b2"].id) == []  # had none last year
        assert not pledges.is_locked(s, 2570, w["b1"].id, OCT1)  # drafts: editable until the first due date
        assert pledges.is_locked(s, 2570, w["b1"].id, date(2027, 3, 21))
    rows = {r.key: r for r in outbox_rows(db, "fy-open:")}
    assert set(rows) == {"fy-open:2570:admins", "fy-open:2570:pledge:FB1"}
    admin = rows["fy-open:2570:admins"]
    assert admin.recipients == [w["admin"]]
    said = admin.messages[0]["text"]
    assert "ปีงบประมาณ 2570" in said and "วันเสาร์ที่ 20 มี.ค. 2570" in said and "แก้กำหนดส่ง" in said
    assert rows["fy-open:2570:pledge:FB1"].recipients == [w["coord"]]
    assert "ความดีที่ 2" in rows["fy-open:2570:pledge:FB1"].messages[0]["text"]
    assert admin.next_attempt_at == at(OCT1, 8)  # not at five past midnight


def test_running_again_adds_nothing_and_keeps_the_admins_edits(bot, db):
    w = _year_2569(db)
    _run(bot, at(OCT1, 0, 5))
    with db() as s:
        rounds.set_due(s, "2570-6m", date(2027, 3, 19))  # the admin moves a due date
        first = pledges.items_for(s, 2570, w["b1"].id)[0]
        pledges.remove_item(s, s.get(PledgeItem, first.id))  # the coordinator drops an item
    for when in (at(OCT1, 9), at(OCT1 + timedelta(days=1), 0, 5), at(OCT1 + timedelta(days=30), 0, 5)):
        assert _run(bot, when) == 0
    with db() as s:
        assert rounds.get_round(s, "2570-6m").due_date == date(2027, 3, 19)
        assert [i.good_deed for i in pledges.items_for(s, 2570, w["b1"].id)] == ["ความดีที่ 2"]
    assert len(outbox_rows(db, "fy-open:")) == 2


def test_a_worker_down_on_1_october_rolls_over_at_its_catch_up(bot, db):
    _year_2569(db)
    res = jobs.tick(bot.engine, "w1", at(OCT1 + timedelta(days=3), 10))  # Sunday: the notice waits for Monday
    assert res["fiscal_year"] == 2
    with db() as s:
        assert len(rounds.rounds_of_fy(s, 2570)) == 5
    assert outbox_rows(db, "fy-open:2570:admins")[0].next_attempt_at == at(OCT1 + timedelta(days=4), 8)


def test_a_fresh_install_is_not_rolled_over(bot, db):
    with db() as s:
        make_user(s, roles=("admin",))
    assert _run(bot, at(OCT1, 0, 5)) == 0
    with db() as s:
        assert rounds.rounds_of_fy(s, 2570) == []


def test_the_clock_runs_the_rollover_daily(bot, config):
    sched = jobs.start_clock(config, bot.engine, bot.gateway, threading.Event())
    try:
        fields = {f.name: str(f) for f in sched.get_job("fiscal_year").trigger.fields}
        assert fields["day"] == "*" and fields["hour"] == "0" and fields["minute"] == "5"
    finally:
        sched.shutdown(wait=True)
