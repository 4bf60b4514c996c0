"""The weekly digest numbers against fixture data: by virtue, by bureau (small ones grouped), round status, ledger."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.services import digest
from bot.services.ledger import head
from messages_th.digest import preview_text
from models.campaigns import Campaign
from models.core import utcnow
from models.deeds import Deed
from models.rounds import RoundReport
from tests.factories import make_user
from tests.scheduler.helpers import bkk, make_bureau_with, make_round

NOW = bkk(2027, 3, 15, 8, 30)  # Monday: last week is 8–14 March, the week before 1–7 March


def deed(s, user, virtue, day, deleted=False):
    s.add(Deed(user_id=user.id, bureau_id=user.bureau_id, virtue=virtue, description="ทดสอบ", deed_date=day,
               deleted_at=utcnow() if deleted else None))


@pytest.fixture()
def data(db):
    with db() as s:
        rnd = make_round(s)
        a, ca, sa = make_bureau_with(s, 5, code="DA")
        b, cb, sb = make_bureau_with(s, 5, code="DB")
        c, cc, sc = make_bureau_with(s, 2, code="DC")  # 3 people: shown only inside "อื่น ๆ"
        committee = make_user(s, None, roles=("committee",))
        last, prev = date(2027, 3, 8), date(2027, 3, 1)
        deed(s, sa[0], "honesty", last)
        deed(s, sa[0], "honesty", last + timedelta(days=6))
        deed(s, sa[1], "volunteer", last + timedelta(days=2))
        deed(s, sa[1], "volunteer", last + timedelta(days=2), deleted=True)
        deed(s, sb[0], "volunteer", last + timedelta(days=3))
        deed(s, sc[0], "discipline", last + timedelta(days=1))
        deed(s, sa[2], "honesty", prev)
        deed(s, sa[3], "honesty", prev + timedelta(days=6))
        deed(s, sa[4], "gratitude", prev - timedelta(days=1))     # too old
        deed(s, sa[4], "gratitude", date(2027, 3, 15))            # this week: not yet counted
        s.add(RoundReport(round_id=rnd.id, bureau_id=a.id, version=1, status="submitted"))
        s.add(RoundReport(round_id=rnd.id, bureau_id=b.id, version=0, status="draft"))
        s.add(Campaign(title="เดินการกุศล", starts_at=bkk(2027, 3, 20, 7, 0)))
        return {"coords": (ca, cb, cc), "committee": committee}


def test_digest_numbers(db, data):
    with db() as s:
        d = digest.compute(s, NOW)
        ledger = head(s)
    assert d["week"] == "2027-W11" and d["last_monday"] == date(2027, 3, 8)
    # issue 14: all five virtues, zeros included, in the plan's order (was only the three with deeds)
    assert d["by_virtue"] == {"honesty": [2, 2], "volunteer": [2, 0], "discipline": [1, 0],
                              "sufficiency": [0, 0], "gratitude": [0, 0]}
    assert list(d["by_virtue"]) == ["sufficiency", "discipline", "honesty", "volunteer", "gratitude"]
    assert (d["deeds_last"], d["deeds_prev"]) == (5, 2)
    rows = {r["code"]: (r["deeds"], r["participants"], r["staff"]) for r in d["bureaus"]}
    assert rows == {"DA": (3, 2, 6), "DB": (1, 1, 6), None: (1, 1, 3)}
    assert (d["participants"], d["staff"]) == (4, 15)  # the committee member has no bureau
    assert d["round"]["counts"] == {"submitted": 1, "late": 0, "overdue": 0, "draft": 1, "not_started": 1}
    assert [t for t, _ in d["upcoming"]["rounds"]] == ["รอบ 6 เดือน"]
    assert [t for t, _ in d["upcoming"]["campaigns"]] == ["เดินการกุศล"]
    assert d["ledger"] == ledger


def test_preview_text_has_the_same_numbers(db, data):
    with db() as s:
        text = preview_text(digest.compute(s, NOW))
    assert "5 (+3 จากสัปดาห์ก่อน)" in text
    assert "อื่น ๆ (1 สำนัก): 1 / 1 / 3" in text
    assert "ส่งแล้ว 1, ส่งช้า 0, เลยกำหนด ยังไม่ส่ง 0, ร่าง 1, ยังไม่เริ่ม 1" in text
    assert "DC" not in text


def test_past_the_due_date_unsent_is_overdue_as_in_the_status_view(db, data):
    from bot.services import rounds as svc
    now = bkk(2027, 4, 5, 9, 0)
    with db() as s:
        d = digest.compute(s, now)
        rnd = svc.get_round(s, d["round"]["code"])
        view = {b.id: st for b, st in svc.report_status_table(s, rnd, now)}
    assert d["round"]["counts"]["overdue"] == 2 and d["round"]["counts"]["submitted"] == 1
    assert d["round"]["counts"]["late"] == 0
    assert {bid: st for _name, bid, st in d["round"]["table"]} == view


def test_the_trend_covers_last_week_and_the_four_before_it(db, data):
    with db() as s:
        d = digest.compute(s, NOW)
    assert [w["start"] for w in d["weeks"]] == [date(2027, 2, 8), date(2027, 2, 15), date(2027, 2, 22),
                                               date(2027, 3, 1), date(2027, 3, 8)]
    assert d["weeks"][-1]["end"] == d["week_end"] == date(2027, 3, 14)
    assert [w["deeds"] for w in d["weeks"]] == [0, 0, 1, 2, 5]  # the 28 Feb deed is three weeks back
    assert [w["participants"] for w in d["weeks"]] == [0, 0, 1, 2, 4]
    assert d["virtue_weeks"]["gratitude"] == [0, 0, 1, 0, 0]
    assert d["virtue_weeks"]["sufficiency"] == [0] * 5


def test_a_group_of_small_bureaus_is_named_only_when_it_hides_no_one(db, data):
    with db() as s:
        assert digest.compute(s, NOW)["bureaus"][-1]["members"] is None  # one bureau of 3: naming it exposes it
        make_bureau_with(s, 1, code="DD")  # a second small bureau: 2 bureaus, 5 people together
    with db() as s:
        group = digest.compute(s, NOW)["bureaus"][-1]
    assert (group["grouped"], group["staff"]) == (2, 5)
    assert len(group["members"]) == 2


def test_a_group_of_two_bureaus_with_too_few_people_stays_unnamed(db):
    with db() as s:
        make_bureau_with(s, 0, code="E1")
        make_bureau_with(s, 1, code="E2")  # 1 + 2 people
    with db() as s:
        group = digest.compute(s, NOW)["bureaus"][-1]
    assert (group["grouped"], group["staff"], group["members"]) == (2, 3, None)


def test_the_next_due_date_is_listed_even_when_more_than_a_month_away(db):
    with db() as s:
        make_round(s, due=date(2027, 6, 20), code="2570-9m")
        make_round(s, due=date(2027, 9, 30), code="2570-12m")
    with db() as s:
        d = digest.compute(s, NOW)
    assert [due for _, due in d["upcoming"]["rounds"]] == [date(2027, 6, 20)]
