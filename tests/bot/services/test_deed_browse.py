"""bot.services.deed_browse: who sees which bureau's deeds, keyset pages merged across bureaus, the capped count,
the export cap, and what is left out (deleted deeds)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.services import deed_browse as browse
from bot.services import deeds as deeds_svc
from bot.services.console_access import Forbidden, Viewer
from messages_th.dates import BKK
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BKK)
ADMIN = Viewer(1, "admin", frozenset())
COMMITTEE = Viewer(2, "committee", frozenset())


@pytest.fixture()
def world(db):
    """Three bureaus; deeds on 30 days of October, alternating bureau and virtue; one deleted."""
    with db() as s:
        bs = [make_bureau(s) for _ in range(3)]
        people = [make_user(s, b) for b in bs]
        ids = []
        for i in range(30):
            who = people[i % 3]
            virtue = ("honesty", "volunteer")[i % 2]
            ids.append(deeds_svc.record_deed(s, who, virtue, f"ทำความดีครั้งที่ {i}", date(2026, 10, 1) + timedelta(days=i),
                                             now=NOW, enforce_limits=False).id)
        gone = deeds_svc.record_deed(s, people[0], "honesty", "ลบแล้ว", date(2026, 10, 31), now=NOW,
                                     enforce_limits=False)
        deeds_svc.delete_deed(s, gone, people[0], now=NOW)
        return [b.id for b in bs], ids


def test_every_page_in_order_without_gaps_across_bureaus(db, world, monkeypatch):
    monkeypatch.setattr(browse, "PAGE", 7)
    _, ids = world
    seen, after = [], None
    with db() as s:
        while True:
            page = browse.browse(s, ADMIN, browse.Filters(), NOW, after=after)
            seen += [r.id for r in page.rows]
            if page.next_after is None:
                break
            after = page.next_after
    assert seen == list(reversed(ids))  # newest deed date first; the deleted deed is not listed


def test_a_coordinator_sees_only_their_bureau_and_is_refused_another(db, world):
    bureaus, _ = world
    coord = Viewer(9, "coordinator", frozenset({bureaus[1]}))
    with db() as s:
        page = browse.browse(s, coord, browse.Filters(), NOW)
        assert {r.bureau_id for r in page.rows} == {bureaus[1]} and page.count == 10
        with pytest.raises(Forbidden):
            browse.browse(s, coord, browse.Filters(bureau_id=bureaus[0]), NOW)
        with pytest.raises(Forbidden):
            browse.export_rows(s, coord, browse.Filters(bureau_id=bureaus[2]))


def test_filters_combine(db, world):
    bureaus, _ = world
    f = browse.Filters(bureau_id=bureaus[0], virtue="honesty", date_from=date(2026, 10, 5), date_to=date(2026, 10, 25))
    with db() as s:
        rows = browse.browse(s, COMMITTEE, f, NOW).rows
    # bureau 0 has days i = 0, 3, 6, …; honesty is even i: 6, 12, 18, 24 → 7, 13, 19, 25 ต.ค.
    assert [r.deed_date.day for r in rows] == [25, 19, 13, 7]


def test_bad_filters_are_named(db, world):
    with db() as s:
        with pytest.raises(browse.BadFilter) as err:
            browse.browse(s, ADMIN, browse.Filters(virtue="bravery"), NOW)
        assert err.value.field == "virtue"
        with pytest.raises(browse.BadFilter) as err:
            browse.browse(s, ADMIN, browse.Filters(date_from=date(2026, 10, 9), date_to=date(2026, 10, 1)), NOW)
        assert err.value.code == "range"
        with pytest.raises(browse.BadFilter):
            browse.browse(s, ADMIN, browse.Filters(bureau_id=999_999), NOW)


def test_the_count_stops_at_the_cap(db, world, monkeypatch):
    monkeypatch.setattr(browse, "COUNT_CAP", 12)
    with db() as s:
        page = browse.browse(s, ADMIN, browse.Filters(), NOW)
        assert (page.count, page.more_than) == (12, True)
        page = browse.browse(s, ADMIN, browse.Filters(virtue="honesty", date_to=date(2026, 10, 20)), NOW)
        assert (page.count, page.more_than) == (10, False)


def test_export_keeps_the_newest_rows_up_to_the_cap(db, world):
    _, ids = world
    with db() as s:
        rows, more = browse.export_rows(s, ADMIN, browse.Filters(), cap=5)
        assert [r.id for r in rows] == list(reversed(ids))[:5] and more
        rows, more = browse.export_rows(s, ADMIN, browse.Filters())
        assert len(rows) == 30 and not more


def test_the_ledger_check_is_for_admins_and_the_committee_and_is_audited(db, world):
    coord = Viewer(9, "coordinator", frozenset({world[0][0]}))
    with db() as s:
        with pytest.raises(Forbidden):
            browse.run_ledger_check(s, coord, NOW, key=None, media_dir=None)
        with pytest.raises(Forbidden):
            browse.head(s, coord)
        assert browse.last_ledger_check(s, ADMIN) is None
        result = browse.run_ledger_check(s, ADMIN, NOW, key=None, media_dir=None)
        assert result.ok and result.count == 32  # 31 creates and one delete
        last = browse.last_ledger_check(s, COMMITTEE)
        assert last.ok and last.head == browse.head(s, COMMITTEE)[1] and last.actor_user_id == ADMIN.user_id
