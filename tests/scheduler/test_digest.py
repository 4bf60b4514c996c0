"""The weekly digest job: the committee digest with its chart every week, the bureau digests every other week
(even when a round is due soon); once a week, on time."""
from __future__ import annotations

import json
from datetime import timedelta

from models.worker import set_setting
from scheduler import digest
from tests.bot.services.test_digest import NOW, data  # noqa: F401 - `data` is a pytest fixture
from tests.scheduler.helpers import DUE, bkk, keys, outbox_rows


def test_weekly_run_sends_committee_digest_with_chart_and_bureau_digests(db, data, config):
    ca, cb, cc = data["coords"]
    with db() as s:
        set_setting(s, f"digest_optout:{ca.id}", True)
    with db() as s:
        assert digest.run(s, NOW, config) == 2
    with db() as s:
        assert digest.run(s, NOW + timedelta(hours=2), config) == 0
    assert keys(db) == ["digest:2027-W11", "digest:2027-W11:bureau:DB"]
    row = outbox_rows(db)[0]
    assert row.recipients == [data["committee"].line_user_id]
    flex, image = row.messages
    assert flex["type"] == "flex" and image["type"] == "image"
    assert image["originalContentUrl"].startswith("http://bot.test/media/")
    assert outbox_rows(db)[1].recipients == [cb.line_user_id]


def test_a_quiet_week_skips_the_coordinators_digest_but_not_the_committees(db, data, config):
    quiet = bkk(2027, 3, 8, 8, 30)  # the Monday before NOW's: the round is due 24 days later
    with db() as s:
        assert digest.run(s, quiet, config) == 1
    assert keys(db) == ["digest:2027-W10"]
    assert outbox_rows(db)[0].recipients == [data["committee"].line_user_id]


def test_the_coordinators_get_it_every_other_week_and_the_committee_every_week(db, data, config):
    with db() as s:
        for week in range(5):  # Mondays 1 to 29 March: even, odd, even, odd (due in 10 days), even (in 3 days)
            digest.run(s, bkk(2027, 3, 1, 8, 30) + timedelta(weeks=week), config)
    assert keys(db) == ["digest:2027-W09", "digest:2027-W09:bureau:DA", "digest:2027-W09:bureau:DB",
                        "digest:2027-W10",
                        "digest:2027-W11", "digest:2027-W11:bureau:DA", "digest:2027-W11:bureau:DB",
                        "digest:2027-W12",
                        "digest:2027-W13", "digest:2027-W13:bureau:DA", "digest:2027-W13:bureau:DB"]


def test_an_odd_week_with_a_round_due_in_10_days_skips_the_coordinators_digest(db, data, config):
    monday = bkk(2027, 3, 22, 8, 30)  # an odd week; the round is due 1 April (its reminders cover that week)
    assert (DUE - monday.date()).days == 10
    with db() as s:
        assert digest.run(s, monday, config) == 1
    assert keys(db) == ["digest:2027-W12"]
    assert outbox_rows(db)[0].recipients == [data["committee"].line_user_id]


def test_digest_is_not_sent_midweek_after_downtime(db, data, config):
    with db() as s:
        assert digest.run(s, NOW + timedelta(days=2), config) == 0  # Wednesday: stale
        assert digest.run(s, NOW - timedelta(minutes=1), config) == 0  # before 08:30
    assert keys(db) == []


def test_the_monday_digest_keeps_its_iso_key_but_names_the_week_in_thai(db, data, config):
    with db() as s:
        digest.run(s, NOW, config)
    assert keys(db)[0] == "digest:2027-W11"  # internal: the key a second run finds
    flex = outbox_rows(db)[0].messages[0]
    assert "สรุปสัปดาห์ 8–14 มี.ค. 2570" in json.dumps(flex, ensure_ascii=False)
    assert "W11" not in json.dumps(flex, ensure_ascii=False)


def test_the_monday_digest_for_thirty_bureaus_with_long_names_fits_lines_limits(db, config):
    from tests.messages_th.limits_check import assert_fits, long_text
    from tests.factories import make_user
    from tests.scheduler.helpers import bkk, make_bureau_with, make_round
    with db() as s:
        make_round(s)
        make_user(s, None, roles=("committee",))
        for i in range(30):
            b, _, _ = make_bureau_with(s, 5 if i < 25 else 1, code=f"L{i:02d}")
            b.name = f"{i} " + long_text(190)
    with db() as s:
        assert digest.run(s, bkk(2027, 4, 5, 8, 30), config) >= 1  # after the due: all 30 overdue
    row = outbox_rows(db)[0]
    assert_fits(row.messages[:1])  # the chart URL is the test config's http:// one
    body = json.dumps(row.messages[0], ensure_ascii=False)
    assert "เลยกำหนด ยังไม่ส่ง 30 สำนัก" in body and body.count("• ") == 30
