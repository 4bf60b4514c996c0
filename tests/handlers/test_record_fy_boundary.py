"""Issue 14: a late-September deed recorded in early October. Back-dating up to 7 days works across the fiscal
year boundary (the picker's min allows it too) and the deed counts in the year of its date."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.conversation.postback import encode
from bot.services import deed_stats
from bot.services.deeds import DeedError, check_date, earliest_date
from models.core import User
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user
from tests.handlers.test_record import confirm_now, deeds

OCT3 = datetime(2026, 10, 3, 3, 0, tzinfo=timezone.utc)  # Saturday 3 ต.ค. 2569 10:00 Bangkok: FY 2570, day 3


@pytest.fixture()
def uid(db, clock):
    clock.set(OCT3)
    with db() as s:
        return make_user(s, make_bureau(s)).line_user_id


def _picker(line, uid):
    items = line.messages_for(uid)[-1]["quickReply"]["items"]
    return [a["action"] for a in items if a["action"]["type"] == "datetimepicker"][0]


def test_late_september_deed_recorded_on_3_october_counts_in_the_year_just_closed(uid, send, line, db):
    send("text", uid, "ความดี ปิดไฟห้องประชุมหลังเลิกงาน")
    assert _picker(line, uid)["min"] == "2026-09-26"  # 7 days back, across 1 October
    send("postback", uid, encode("deed.when", d="pick"), params={"date": "2026-09-28"})
    send("text", uid, "ข้าม")
    confirm_now(send, line, uid)
    [deed] = deeds(db)
    assert deed.deed_date == date(2026, 9, 28)
    with db() as s:
        user = s.query(User).filter(User.line_user_id == uid).one()
        assert deed_stats.fy_count(s, user, OCT3) == 0  # not in FY 2570 ...
        assert deed_stats.fy_count(s, user, datetime(2026, 9, 30, 3, tzinfo=timezone.utc)) == 1  # ... in FY 2569


def test_more_than_7_days_back_across_the_boundary_is_refused_with_the_earliest_day(uid, send, line, db):
    send("text", uid, "ความดี ปิดไฟห้องประชุมหลังเลิกงาน")
    send("postback", uid, encode("deed.when", d="pick"), params={"date": "2026-09-25"})
    said = texts_to(line, uid)[-2]
    assert "26 ก.ย. 2569" in said and "2569" in said
    assert deeds(db) == []


def test_earliest_date_rule():
    assert earliest_date(OCT3) == date(2026, 9, 26)
    assert earliest_date(datetime(2026, 11, 4, 3, tzinfo=timezone.utc)) == date(2026, 10, 1)  # FY start later
    assert check_date(date(2026, 9, 26), OCT3) == date(2026, 9, 26)
    with pytest.raises(DeedError) as err:
        check_date(date(2026, 9, 25), OCT3)
    assert err.value.code == "before_fy" and err.value.info["earliest"] == date(2026, 9, 26)
