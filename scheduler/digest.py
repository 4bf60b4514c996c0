"""The committee's weekly digest job: Monday 08:30 (`digest:<YYYY-Www>`), plus the coordinators' bureau digests
every other week (coordinator_week).

The ISO week is only the outbox key (deterministic, so a second run adds nothing); every message names the week
by its Thai dates (messages_th.digest.week_th).

The numbers are bot.services.digest.compute (the chat reads the same); messages_th.digest renders them. The
chart is rendered between the read and the write session. Next step: the sender pushes the rows.
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlmodel import Session

from bot.services import audience
from bot.services.digest import compute, week_key
from bot.services.files import publish
from messages_th import digest as th
from messages_th.dates import BKK, today_bkk
from models.worker import get_setting
from scheduler.quiet import not_before
from scheduler.sends import Send, enqueued, run_in

log = logging.getLogger("scheduler.digest")

# Issue 19 (bench.year_cost): two coordinators per bureau every Monday cost 0.08–0.10 pushes per staff member a
# month, which put the months with due dates over the goal of 0.2. So the bureau digest goes strictly every other
# week. Going weekly while a round was due within 14 days still left June at 0.23, and those weeks need no digest:
# the deadline reminders reach the coordinators before a due date, and the console's overview shows the round's
# status any day. The committee's digest stays weekly.


def coordinator_week(now: datetime) -> bool:
    """True when this week's bureau digests go out: an even week, counted from Python's day 1 (a Monday), so the
    rhythm never breaks at a year's end as ISO week numbers would with W53 then W01."""
    today = today_bkk(now)
    monday = today - timedelta(days=today.weekday())
    return (monday.toordinal() // 7) % 2 == 0


def due_now(now: datetime) -> bool:
    """Monday 08:30 onwards; a worker that was down catches up until Tuesday night, later is stale."""
    local_day = today_bkk(now)
    monday = local_day - timedelta(days=local_day.weekday())
    return local_day.weekday() in (0, 1) and now >= datetime.combine(monday, time(8, 30), tzinfo=BKK)


def run(session: Session, now: datetime, config=None, gateway=None) -> int:
    """Enqueue this week's digests in this session; returns rows added (tests, CLI; the clock uses plan)."""
    return run_in(session, lambda s, t: plan(s, t, config), now, gateway)


def plan(session: Session, now: datetime, config=None) -> list[Send]:
    """The committee digest and the coordinators' bureau digests for this week (once per week)."""
    key = f"digest:{week_key(now)}"
    if not due_now(now):
        log.info("%s skipped: not Monday 08:30–Tuesday (stale or early)", key)
        return []
    if enqueued(session, key):
        return []
    data = compute(session, now)
    when, sends = not_before(session, now), []
    committee = audience.role_ids(session, "committee")
    if committee:
        def render() -> list[dict]:  # Pillow and a file write: outside any transaction when the clock runs it
            url = publish(config.MEDIA_DIR, config.PUBLIC_BASE_URL, th.chart_png(data)) if config else None
            return th.digest_messages(data, url)
        sends.append(Send(key, committee, render=render, not_before=when, category="digest", quota_what=key,
                          logger=log, done="%(key)s to %(to)d committee member(s)"))
    if not coordinator_week(now):
        log.info("%s: bureau digests skipped (odd week)", key)
        return sends
    for row in data["bureaus"]:
        if row.get("id") is None:
            continue
        to = [u.line_user_id for u in audience.coordinators(session, row["id"]) if audience.is_reachable(u)
              and not get_setting(session, f"digest_optout:{u.id}", False)]
        if to:
            sends.append(Send(f"{key}:bureau:{row['code']}", to, [th.bureau_digest(data, row)], not_before=when,
                              category="digest"))
    return sends
