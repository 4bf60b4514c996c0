"""Quiet hours: 20:00–08:00 Bangkok, weekends and holidays; urgent pushes only wait for the morning."""
from __future__ import annotations

from datetime import date

from scheduler.quiet import next_allowed_time
from tests.scheduler.helpers import bkk


def test_daytime_on_a_working_day_goes_now():
    now = bkk(2027, 3, 29, 10, 15)  # Monday
    assert next_allowed_time(now) == now


def test_night_waits_for_eight_next_morning():
    assert next_allowed_time(bkk(2027, 3, 29, 20, 0)) == bkk(2027, 3, 30, 8, 0)
    assert next_allowed_time(bkk(2027, 3, 30, 6, 59)) == bkk(2027, 3, 30, 8, 0)


def test_friday_evening_and_weekend_wait_for_monday():
    assert next_allowed_time(bkk(2027, 3, 26, 21, 0)) == bkk(2027, 3, 29, 8, 0)
    assert next_allowed_time(bkk(2027, 3, 27, 11, 0)) == bkk(2027, 3, 29, 8, 0)


def test_holidays_are_skipped_too():
    chakri = date(2027, 4, 6)  # Tuesday
    assert next_allowed_time(bkk(2027, 4, 5, 20, 30), {chakri}) == bkk(2027, 4, 7, 8, 0)


def test_urgent_ignores_weekend_but_not_night():
    assert next_allowed_time(bkk(2027, 3, 27, 11, 0), urgent=True) == bkk(2027, 3, 27, 11, 0)
    assert next_allowed_time(bkk(2027, 3, 27, 22, 0), urgent=True) == bkk(2027, 3, 28, 8, 0)


def test_result_is_utc():
    assert next_allowed_time(bkk(2027, 3, 27, 11, 0)).utcoffset().total_seconds() == 0
