"""The weekly digest job: the committee digest with its chart and the bureau digests, once a week, on time."""
from __future__ import annotations

from datetime import timedelta

from models.worker import set_setting
from scheduler import digest
from tests.bot.services.test_digest import NOW, data  # noqa: F401 - `data` is a pytest fixture
from tests.scheduler.helpers import keys, outbox_rows


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


def test_digest_is_not_sent_midweek_after_downtime(db, data, config):
    with db() as s:
        assert digest.run(s, NOW + timedelta(days=2), config) == 0  # Wednesday: stale
        assert digest.run(s, NOW - timedelta(minutes=1), config) == 0  # before 08:30
    assert keys(db) == []
