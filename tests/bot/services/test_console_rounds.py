"""Unit tests of bot/services/console_rounds.py: the one status rule over a single query, the due-date flag,
the remind-now audience (the worker's), and who may do what."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.services import console_rounds as rule
from bot.services import pledges, rounds
from bot.services.console_access import Forbidden, as_viewer
from messages_th.dates import BKK
from models.core import Bureau, User
from models.worker import Delegation, Holiday
from tests.factories import make_bureau, make_user

NOW = datetime(2027, 3, 25, 10, 0, tzinfo=BKK)  # after 6m's due date (20 มี.ค. 2570), before 9m's


@pytest.fixture()
def world(db):
    with db() as s:
        rounds.open_fy(s, 2570)
        bureaus = [make_bureau(s, f"สำนักตัวอย่าง {n}", code=f"U{n}") for n in range(4)]
        coords = [make_user(s, b, roles=("coordinator",)) for b in bureaus]
        admin = make_user(s, bureaus[0], roles=("admin",))
        committee = make_user(s, bureaus[0], roles=("committee",))
        rnd = rounds.get_round(s, "2570-6m")
        for b in bureaus:
            pledges.add_item(s, 2570, b.id, problem="ปัญหา", good_deed="ความดี", virtue="honesty", indicator="", target="")
        rounds.open_draft(s, rnd, bureaus[0].id, coords[0].id)
        rounds.submit(s, rnd, bureaus[0].id, coords[0].id, datetime(2027, 3, 1, tzinfo=BKK))   # on time
        rounds.open_draft(s, rnd, bureaus[1].id, coords[1].id)
        rounds.submit(s, rnd, bureaus[1].id, coords[1].id, NOW)                                 # late
        rounds.open_draft(s, rnd, bureaus[2].id, coords[2].id)                                  # draft only (overdue)
        return {"bureaus": [b.id for b in bureaus], "coords": [c.id for c in coords], "admin": admin.id,
                "committee": committee.id}


def _viewer(s, user_id):
    return as_viewer(s, s.get(User, user_id))


def test_status_grid_agrees_with_the_chats_status_rule(db, world):
    with db() as s:
        rnds = rounds.rounds_of_fy(s, 2570)
        grid = rule.status_grid(s, rnds, world["bureaus"], NOW)
        for rnd in rnds:
            for b in world["bureaus"]:
                assert grid[(rnd.id, b)] == rounds.round_status(s, rnd, b, NOW), (rnd.code, b)
        six = rounds.get_round(s, "2570-6m")
        assert [grid[(six.id, b)] for b in world["bureaus"]] == ["submitted", "late", "overdue", "overdue"]


def test_year_view_counts_only_the_coordinators_bureau(db, world):
    with db() as s:
        mine = rule.year_view(s, _viewer(s, world["coords"][1]), 2570, NOW)
        everyone = rule.year_view(s, _viewer(s, world["committee"]), 2570, NOW)
    six_mine = next(r for r in mine.rows if r.round.key == "6m")
    six_all = next(r for r in everyone.rows if r.round.key == "6m")
    assert six_mine.counts == {"late": 1} and six_mine.mine == {world["bureaus"][1]: "late"}
    assert six_all.counts == {"submitted": 1, "late": 1, "overdue": 2} and six_all.mine == {}
    assert not mine.can_open and not everyone.can_edit


def test_due_flag_weekend_holiday_and_working_day(db, world):
    with db() as s:
        s.add(Holiday(day=date(2027, 4, 13), name="วันสงกรานต์"))
        s.flush()
        assert rule.due_flag(s, date(2027, 3, 20)).kind == "weekend"
        assert rule.due_flag(s, date(2027, 4, 13)) == rule.DueFlag("holiday", "วันสงกรานต์")
        assert rule.due_flag(s, date(2027, 3, 25)) is None


def test_reminder_plan_uses_the_workers_audience(db, world):
    with db() as s:
        deputy = make_user(s, s.get(Bureau, world["bureaus"][2]))
        s.add(Delegation(bureau_id=world["bureaus"][2], coordinator_id=world["coords"][2], deputy_id=deputy.id))
        s.get(User, world["coords"][3]).following = False  # unreachable: nobody to tell
        s.flush()
        plan = rule.reminder_plan(s, _viewer(s, world["admin"]), "2570-6m", NOW)
        assert [t.bureau_id for t in plan.targets] == world["bureaus"][2:]  # the two that sent are left out
        assert plan.targets[0].recipients == (deputy.line_user_id,)
        assert plan.recipients == 1 and [t.bureau_id for t in plan.unreachable] == [world["bureaus"][3]]
        assert plan.urgent and plan.days_left == -5
        with pytest.raises(Forbidden):
            rule.reminder_plan(s, _viewer(s, world["committee"]), "2570-6m", NOW)


def test_only_admins_open_years_and_edit_rounds(db, world):
    with db() as s:
        committee, coord = _viewer(s, world["committee"]), _viewer(s, world["coords"][0])
        for who in (committee, coord):
            with pytest.raises(Forbidden):
                rule.open_year(s, who, 2571, NOW)
            with pytest.raises(Forbidden):
                rule.edit_round(s, who, "2570-9m", "ชื่อ", date(2027, 6, 21), NOW)
        admin = _viewer(s, world["admin"])
        with pytest.raises(ValueError):
            rule.edit_round(s, admin, "2570-9m", "ชื่อ", date(3113, 6, 21), NOW)
        assert len(rule.open_year(s, admin, 2571, NOW)) == 5
        assert rule.open_year(s, admin, 2571, NOW) == []


def test_report_edits_follow_the_chats_rule(db, world):
    with db() as s:
        other = _viewer(s, world["coords"][3])
        with pytest.raises(Forbidden):
            rule.save_report(s, other, "2570-6m", world["bureaus"][2], {}, NOW)
        with pytest.raises(Forbidden):
            rule.report_view(s, other, "2570-6m", world["bureaus"][2], NOW)
        own = _viewer(s, world["coords"][0])
        with pytest.raises(rule.AlreadySubmitted):
            rule.save_report(s, own, "2570-6m", world["bureaus"][0], {}, NOW)
        view = rule.report_view(s, own, "2570-6m", world["bureaus"][0], NOW)
        assert not view.editable and view.version == 1
        draft_view = rule.report_view(s, _viewer(s, world["coords"][2]), "2570-6m", world["bureaus"][2], NOW)
        assert draft_view.editable and draft_view.has_draft and draft_view.late_now


def test_batched_counts_equal_the_chats_per_item_counts(db, world):
    from bot.services import report_forms
    from models.deeds import Deed
    with db() as s:
        rnd = rounds.get_round(s, "2570-6m")
        b = world["bureaus"][0]
        second = pledges.add_item(s, 2570, b, problem="ปัญหา", good_deed="ข้อสอง", virtue="volunteer", indicator="",
                                  target="")
        items = pledges.items_for(s, 2570, b)
        staff = make_user(s, s.get(Bureau, b))
        for day, virtue, item, gone in ((date(2026, 12, 1), "honesty", items[0].id, False),
                                        (date(2026, 12, 2), "volunteer", second.id, False),
                                        (date(2026, 12, 3), "volunteer", second.id, True),    # deleted
                                        (date(2027, 5, 1), "honesty", items[0].id, False)):   # after the period
            s.add(Deed(user_id=staff.id, bureau_id=b, virtue=virtue, description="ตัวอย่าง", deed_date=day,
                       source="pledge", pledge_item_id=item, deleted_at=NOW if gone else None))
        s.flush()
        batched = report_forms.known_counts_many(s, rnd, b, items)
        assert batched == {str(it.id): report_forms.known_counts(s, rnd, b, it) for it in items}
        assert batched[str(second.id)]["progress"] == 1 and batched[str(items[0].id)]["deeds"] == 1
        moral = rounds.get_round(s, "2570-moral-org")
        assert report_forms.known_counts_many(s, moral, b, report_forms.report_items(s, moral, b)) == \
            {c.id: {} for c in report_forms.CRITERIA}
