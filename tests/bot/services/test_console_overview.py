"""Unit tests of bot/services/console_overview.py: the fiscal year's weeks, virtues and bureaus (the digest's
small-group rule), the round status and what is coming, and what a coordinator sees of it."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.services import console_overview as rule
from bot.services import rounds
from bot.services.console_access import Forbidden, Viewer, as_viewer
from messages_th.dates import BKK
from models.campaigns import Campaign
from models.core import User, UserRole, utcnow
from models.deeds import Deed
from tests.factories import make_bureau, make_user

NOW = datetime(2027, 3, 25, 10, 0, tzinfo=BKK)  # Thursday, FY 2570 (1 ต.ค. 2569 – 30 ก.ย. 2570)


def deed(s, user, virtue, day, deleted=False, bureau_id=None):
    s.add(Deed(user_id=user.id, bureau_id=bureau_id or user.bureau_id, virtue=virtue, description="ทดสอบ",
               deed_date=day, deleted_at=utcnow() if deleted else None))


@pytest.fixture()
def world(db):
    with db() as s:
        rounds.open_fy(s, 2570)
        big = make_bureau(s, "สำนักตัวอย่างใหญ่", code="OVA")
        other = make_bureau(s, "สำนักตัวอย่างกลาง", code="OVB")
        tiny = make_bureau(s, "สำนักตัวอย่างเล็ก", code="OVC")
        coord_big = make_user(s, big, roles=("coordinator",))
        staff_big = [make_user(s, big) for _ in range(5)]          # 6 people with the coordinator
        coord_other = make_user(s, other, roles=("coordinator",))
        staff_other = [make_user(s, other) for _ in range(4)]      # 5 people
        coord_tiny = make_user(s, tiny, roles=("coordinator",))
        staff_tiny = [make_user(s, tiny) for _ in range(1)]        # 2 people: never shown alone
        admin = make_user(s, None, roles=("admin",))
        committee = make_user(s, None, roles=("committee",))
        # week of Monday 15 March: two people of the big bureau, three deeds; one deleted deed not counted
        deed(s, staff_big[0], "honesty", date(2027, 3, 16))
        deed(s, staff_big[0], "honesty", date(2027, 3, 21))         # Sunday: still that week
        deed(s, staff_big[1], "volunteer", date(2027, 3, 18))
        deed(s, staff_big[2], "volunteer", date(2027, 3, 18), deleted=True)
        # this week (Monday 22 March to today)
        deed(s, staff_other[0], "discipline", date(2027, 3, 22))
        deed(s, staff_tiny[0], "discipline", date(2027, 3, 24))
        # the year's first day (a Thursday) and one deed of the year before: not this year
        deed(s, staff_big[3], "gratitude", date(2026, 10, 1))
        deed(s, staff_big[4], "gratitude", date(2026, 9, 30))
        rnd = rounds.get_round(s, "2570-moral-org")  # the open round due next (30 มิ.ย.)
        rounds.open_draft(s, rnd, big.id, coord_big.id)
        s.add(Campaign(title="ปลูกป่าชายเลน (สมมติ)", starts_at=NOW + timedelta(days=5), bureau_ids=[other.id]))
        s.add(Campaign(title="บริจาคโลหิต (สมมติ)", starts_at=NOW + timedelta(days=9), bureau_ids=None))
        s.add(Campaign(title="ไกลเกินไป (สมมติ)", starts_at=NOW + timedelta(days=90)))
        return {"big": big.id, "other": other.id, "tiny": tiny.id, "coord_big": coord_big.id,
                "coord_tiny": coord_tiny.id, "admin": admin.id, "committee": committee.id}


def _see(db, user_id, fy=None):
    with db() as s:
        return rule.overview(s, as_viewer(s, s.get(User, user_id)), NOW, fy)


def test_weeks_run_monday_to_sunday_from_the_years_first_day(db, world):
    d = _see(db, world["admin"])
    assert d["fy"] == 2570 and d["fy_start"] == date(2026, 10, 1)
    first, last = d["weeks"][0], d["weeks"][-1]
    assert (first.start, first.end, first.deeds, first.participants) == (date(2026, 10, 1), date(2026, 10, 4), 1, 1)
    assert (last.start, last.end, last.deeds, last.participants) == (date(2027, 3, 22), date(2027, 3, 25), 2, 2)
    week = next(w for w in d["weeks"] if w.start == date(2027, 3, 15))
    assert (week.end, week.deeds, week.participants) == (date(2027, 3, 21), 3, 2)   # the deleted one left out
    assert sum(w.deeds for w in d["weeks"]) == d["deeds"] == 6
    assert all(w.deeds == 0 for w in d["weeks"][1:] if w.start not in (date(2027, 3, 15), date(2027, 3, 22)))


def test_all_five_virtues_in_the_plans_order(db, world):
    d = _see(db, world["admin"])
    assert d["by_virtue"] == [("sufficiency", 0), ("discipline", 2), ("honesty", 2), ("volunteer", 1),
                              ("gratitude", 1)]


def test_bureaus_under_the_threshold_are_never_shown_alone(db, world):
    rows = _see(db, world["committee"])["bureaus"]
    named = {r["name"]: r for r in rows if r["name"]}
    assert set(named) == {"สำนักตัวอย่างใหญ่", "สำนักตัวอย่างกลาง"}
    assert (named["สำนักตัวอย่างใหญ่"]["staff"], named["สำนักตัวอย่างใหญ่"]["participants"]) == (6, 3)
    group = rows[-1]
    assert group["name"] is None and group["grouped"] == 1 and group["members"] is None   # a group of one: unnamed
    assert (group["staff"], group["participants"]) == (2, 1)


def test_a_coordinator_sees_only_their_bureau(db, world):
    d = _see(db, world["coord_big"])
    assert [r["name"] for r in d["bureaus"]] == ["สำนักตัวอย่างใหญ่"]
    assert d["deeds"] == 4 and d["participants"] == 3 and d["staff"] == 6
    assert [name for name, _id, _st in d["round"]["table"]] == ["สำนักตัวอย่างใหญ่"]
    assert d["round"]["table"][0][2] == "draft" and d["round"]["counts"]["draft"] == 1
    assert sum(d["round"]["counts"].values()) == 1
    # a campaign for another bureau only is not listed; one for everyone is
    assert [t for t, _at in d["upcoming"]["campaigns"]] == ["บริจาคโลหิต (สมมติ)"]


def test_a_small_bureaus_coordinator_gets_deeds_but_no_people_counts(db, world):
    d = _see(db, world["coord_tiny"])
    assert d["hide_people"] and d["participants"] is None
    assert d["deeds"] == 1 and all(w.participants is None for w in d["weeks"])
    assert d["bureaus"][0]["participants"] is None


def test_a_coordinator_of_two_bureaus_gets_no_people_count_of_the_small_one(db, world):
    with db() as s:
        s.add(UserRole(user_id=world["coord_big"], role="coordinator", bureau_id=world["tiny"]))
    d = _see(db, world["coord_big"])
    rows = {r["name"]: r["participants"] for r in d["bureaus"]}
    assert rows == {"สำนักตัวอย่างใหญ่": 3, "สำนักตัวอย่างเล็ก": None}
    assert not d["hide_people"] and d["deeds"] == 5      # 8 people together: the weekly counts are a crowd
    assert (d["participants"], d["staff"]) == (3, 6)     # the totals leave the small one out, not subtractable


def test_round_status_names_every_bureau_for_the_committee(db, world):
    d = _see(db, world["committee"])
    assert d["round"]["code"] == "2570-moral-org"
    assert {name: st for name, _id, st in d["round"]["table"]} == {
        "สำนักตัวอย่างใหญ่": "draft", "สำนักตัวอย่างกลาง": "not_started", "สำนักตัวอย่างเล็ก": "not_started"}
    titles = [t for t, _at in d["upcoming"]["campaigns"]]
    assert titles == ["ปลูกป่าชายเลน (สมมติ)", "บริจาคโลหิต (สมมติ)"]       # 90 days ahead is not
    assert d["upcoming"]["rounds"][0][1] == date(2027, 6, 20)


def test_an_earlier_year_and_the_years_to_pick(db, world):
    d = _see(db, world["admin"], fy=2569)
    assert d["deeds"] == 1 and d["weeks"][-1].end == date(2026, 9, 30) and not d["is_current"]
    with db() as s:
        assert rule.years(s, NOW) == [2570, 2569]


def test_someone_without_a_bureau_or_the_all_seeing_role_is_refused(db, world):
    with db() as s:
        with pytest.raises(Forbidden):
            rule.overview(s, Viewer(world["admin"], "coordinator", frozenset()), NOW)
