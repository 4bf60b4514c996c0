"""The weekly digest job: the committee digest with its chart every week, the bureau digests every other week
and every week while a round is due soon; once a week, on time."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from bot.services.rounds import set_due

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


def test_every_other_quiet_week_the_coordinators_get_it(db, data, config):
    with db() as s:
        for week in range(4):  # 1, 8, 15 March and 22 March (odd, but the round is due 10 days later)
            digest.run(s, bkk(2027, 3, 1, 8, 30) + timedelta(weeks=week), config)
    assert keys(db) == ["digest:2027-W09", "digest:2027-W09:bureau:DA", "digest:2027-W09:bureau:DB",
                        "digest:2027-W10",
                        "digest:2027-W11", "digest:2027-W11:bureau:DA", "digest:2027-W11:bureau:DB",
                        "digest:2027-W12", "digest:2027-W12:bureau:DA", "digest:2027-W12:bureau:DB"]


def test_a_week_with_a_due_date_within_14_days_sends_the_coordinators_digest(db, data, config):
    ca, cb, _ = data["coords"]
    monday = bkk(2027, 3, 22, 8, 30)  # an odd week, like 8 March, but the round is due 1 April
    assert (DUE - monday.date()).days == 10
    with db() as s:
        assert digest.run(s, monday, config) == 3
    assert keys(db) == ["digest:2027-W12", "digest:2027-W12:bureau:DA", "digest:2027-W12:bureau:DB"]
    assert [r.recipients for r in outbox_rows(db)] == [[data["committee"].line_user_id], [ca.line_user_id],
                                                       [cb.line_user_id]]


@pytest.mark.parametrize("due, sent", [(date(2027, 3, 22), True), (date(2027, 3, 23), False)])
def test_the_14_days_count_from_the_weeks_monday(db, data, config, due, sent):
    with db() as s:
        set_due(s, "2570-6m", due)  # 14 or 15 days after Monday 8 March, an odd week
    with db() as s:
        assert digest.run(s, bkk(2027, 3, 9, 9, 0), config) == (3 if sent else 1)  # Tuesday's catch-up run
    assert keys(db, "digest:2027-W10:bureau:") == (["digest:2027-W10:bureau:DA", "digest:2027-W10:bureau:DB"]
                                                   if sent else [])


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
