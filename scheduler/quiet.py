"""Quiet hours for the worker's jobs: the rule is `bot.services.quiet_hours` (chat handlers push too, and
handlers may not import the scheduler); these names stay here for the jobs that import them."""
from __future__ import annotations

from bot.services.quiet_hours import (DAY_END, DAY_START, is_working_day, load_holidays,  # noqa: F401
                                      next_allowed_time, not_before)
