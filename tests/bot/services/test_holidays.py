"""The holiday rule the console and `flask holidays` share: add, rename, remove, the fiscal year's list;
admins only in the console; every change audited."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from bot.services import console_access, holidays
from models.console import AuditEntry
from models.worker import Holiday
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)  # FY 2570


@pytest.fixture()
def viewers(db):
    with db() as s:
        b = make_bureau(s, code="HOL")
        admin = console_access.as_viewer(s, make_user(s, b, roles=("admin",)))
        committee = console_access.as_viewer(s, make_user(s, b, roles=("committee",)))
        coord = console_access.as_viewer(s, make_user(s, b, roles=("coordinator",)))
    return admin, committee, coord


def test_add_rename_remove_are_audited_with_before_and_after(db, viewers):
    admin = viewers[0]
    day = date(2026, 12, 7)
    with db() as s:
        holidays.add(s, admin, day, "  ชดเชยวันพ่อ  ", NOW)
    with db() as s:
        holidays.rename(s, admin, day, "วันหยุดชดเชยวันพ่อแห่งชาติ", NOW)
    with db() as s:
        assert s.get(Holiday, day).name == "วันหยุดชดเชยวันพ่อแห่งชาติ"
        holidays.remove(s, admin, day, NOW)
    with db() as s:
        assert s.get(Holiday, day) is None
        log = s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.target, e.actor_user_id) for e in log] == [
        ("holiday.add", "holiday:2026-12-07", admin.user_id),
        ("holiday.rename", "holiday:2026-12-07", admin.user_id),
        ("holiday.remove", "holiday:2026-12-07", admin.user_id)]
    assert log[0].after == {"day": "2026-12-07", "name": "ชดเชยวันพ่อ"}
    assert log[1].before == {"name": "ชดเชยวันพ่อ"} and log[1].after == {"name": "วันหยุดชดเชยวันพ่อแห่งชาติ"}
    assert log[2].before["name"] == "วันหยุดชดเชยวันพ่อแห่งชาติ"


@pytest.mark.parametrize("name, code", [("   ", "name_empty"), ("ก" * 201, "name_long")])
def test_bad_names_are_refused_and_nothing_is_written(db, viewers, name, code):
    with db() as s:
        with pytest.raises(holidays.HolidayError) as err:
            holidays.add(s, viewers[0], date(2026, 12, 10), name, NOW)
        assert err.value.code == code
    with db() as s:
        assert s.exec(select(Holiday)).all() == [] and s.exec(select(AuditEntry)).all() == []


def test_a_day_is_listed_once_and_missing_days_are_named(db, viewers):
    admin = viewers[0]
    with db() as s:
        holidays.add(s, admin, date(2026, 12, 10), "วันรัฐธรรมนูญ", NOW)
    with db() as s:
        with pytest.raises(holidays.HolidayError) as err:
            holidays.add(s, admin, date(2026, 12, 10), "ซ้ำ", NOW)
        assert err.value.code == "exists"
        for call in (lambda: holidays.rename(s, admin, date(2026, 12, 11), "x", NOW),
                     lambda: holidays.remove(s, admin, date(2026, 12, 11), NOW)):
            with pytest.raises(holidays.HolidayError) as err:
                call()
            assert err.value.code == "missing"
    with db() as s:
        assert s.get(Holiday, date(2026, 12, 10)).name == "วันรัฐธรรมนูญ"


def test_only_admins_change_or_read_them_in_the_console(db, viewers):
    _, committee, coord = viewers
    with db() as s:
        for v in (committee, coord):
            with pytest.raises(console_access.Forbidden):
                holidays.add(s, v, date(2026, 12, 10), "วันรัฐธรรมนูญ", NOW)
            with pytest.raises(console_access.Forbidden):
                holidays.of_fiscal_year(s, v, 2570)
    with db() as s:
        assert s.exec(select(Holiday)).all() == []


def test_fiscal_year_list_runs_october_to_september(db, viewers):
    admin = viewers[0]
    with db() as s:
        for day, name in ((date(2026, 9, 30), "ปีก่อน"), (date(2026, 10, 1), "วันแรกของปี"),
                          (date(2027, 9, 30), "วันสุดท้ายของปี"), (date(2027, 10, 1), "ปีถัดไป")):
            holidays.add(s, None, day, name, NOW)  # the CLI's way: no viewer
    with db() as s:
        year = holidays.of_fiscal_year(s, admin, 2570)
        assert [h.name for h in year.holidays] == ["วันแรกของปี", "วันสุดท้ายของปี"]
        assert holidays.fiscal_years(s, NOW) == [2571, 2570, 2569]
        assert s.exec(select(AuditEntry.actor_user_id)).all() == [None] * 4
