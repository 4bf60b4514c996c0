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
    assert d["by_virtue"] == {"honesty": [2, 2], "volunteer": [2, 0], "discipline": [1, 0]}
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
