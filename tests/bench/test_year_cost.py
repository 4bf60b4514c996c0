"""bench.year_cost on a reduced year (200 invented staff, March–April: the 6-month round's reminders, one
campaign): the properties its report claims, checked on what the real jobs and sender did."""
from __future__ import annotations

from datetime import date

import pytest

from bench.year_cost import (CATEGORIES, Params, checks, month_total, parse_tiers, report, simulate)


def reduced(tmp_path, **kw):
    p = Params(staff=200, months=2, start=date(2027, 3, 1), **kw)
    return simulate(f"sqlite:///{tmp_path / 'year.sqlite3'}", p)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    return reduced(tmp_path_factory.mktemp("year"))


def test_reminders_went_out_and_stopped_for_bureaus_that_submitted(year):
    assert sum(year.billed[(m, "reminders")] for m in year.months) > 0
    assert year.reminders_after_submit == []
    assert year.reminded_then_submitted > 0  # some bureaus were reminded, then sent, then heard no more


def test_no_month_over_the_configured_quota(year):
    assert all(month_total(year, m) <= year.p.quota for m in year.months)
    assert not year.refused and not year.quota_alerts
    assert dict((name, ok) for name, ok, _ in checks(year))["no month over the configured quota (Basic: 15,000)"]


def test_categories_add_up_to_the_outbox_total(year):
    assert sum(year.billed[(m, c)] for m in year.months for c in CATEGORIES) == year.outbox_total > 0
    assert set(year.outbox_rows) == {"sent"}  # nothing left pending or dead


def test_the_campaign_was_previewed_before_its_invite_and_pushed_no_more_than_the_most_shown(year):
    [camp] = [c for c in year.campaigns if c["kind"] == "campaign"]
    assert camp["shown_before"] and camp["invite"] == camp["preview"] > 0
    # its reminders and check-in prompt come on top of the invite, within the most the preview showed
    assert camp["preview"] < camp["pushed"] <= camp["preview_most"]
    assert dict((name, ok) for name, ok, _ in checks(year))[
        "every campaign's cost shown before it is sent, and never exceeded"]


def test_the_report_names_every_category_and_a_verdict_per_goal(year):
    text = report(year)
    for word in ("deadline reminders", "digests", "campaigns", "approvals", "reply fallbacks", "alerts/other",
                 "มี.ค. 2570", "เม.ย. 2570", "reply share"):
        assert word in text
    assert text.count("PASS") + text.count("FAIL") == len(checks(year))


def test_a_quota_too_small_for_the_months_fails_the_quota_check(tmp_path):
    small = reduced(tmp_path, tiers=parse_tiers("Tiny=150/0,Basic=15000/1280"), plan="Tiny")
    verdict = dict((name, ok) for name, ok, _ in checks(small))
    assert verdict["no month over the configured quota (Tiny: 150)"] is False
    assert all(month_total(small, m) <= 150 for m in small.months)  # LINE refused the rest
    assert sum(small.refused.values()) > 0
