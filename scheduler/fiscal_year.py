"""The fiscal-year rollover: on 1 October the clock opens the new year's rounds from the plan's pattern
(bot/services/rounds.py open_fy), offers each bureau last year's pledge items as drafts
(bot/services/pledges.py carry_over: copied into the new year's pledge, editable until its lock date), and
tells the admins and the bureaus' coordinators.

Runs daily (and at start, catch-up), so a worker that was down on 1 October does it the next day. It acts
only when the year just closed had rounds (a fresh install opens its first year by hand, `fy-open`) and
something is still missing; both writes are idempotent and the keys `fy-open:<fy>:admins` and
`fy-open:<fy>:pledge:<bureau>` are deterministic, so running it again adds nothing. Admins then change due
dates as before ("แก้กำหนดส่ง" in chat, `rounds set-due`).
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.services import audience, pledges, rounds
from messages_th.dates import fiscal_year_be, today_bkk
from messages_th.fiscal_year import fy_opened, pledge_drafts
from models.core import Bureau
from models.enums import Role
from scheduler.quiet import not_before
from scheduler.sends import Send

log = logging.getLogger("scheduler.fiscal_year")


def plan(session: Session, now: datetime) -> list[Send]:
    fy = fiscal_year_be(today_bkk(now))
    if not rounds.rounds_of_fy(session, fy - 1):
        return []  # nothing to roll over from
    planned = rounds.planned_rounds(session, fy)
    missing = [r for r, exists in planned if not exists]
    carry = pledges.carry_over_plan(session, fy)
    if not missing and not carry:
        return []
    dues = [r.due_date for r, _ in planned]
    lock = min(dues) if dues else None  # pledges.lock_date once the rounds exist

    def apply(s: Session) -> None:
        opened = [r.code for r, exists in rounds.planned_rounds(s, fy) if not exists]
        rounds.open_fy(s, fy)
        copied = pledges.carry_over(s, fy)
        log.info("fiscal year %d: opened %s; last year's pledge items copied for %d owner(s)",
                 fy, ", ".join(opened) or "no round", len(copied))

    when = not_before(session, now)
    sends = [Send(f"fy-open:{fy}", [], apply=apply)]
    admins = audience.role_ids(session, Role.ADMIN)
    notice = fy_opened(fy, [(r.title, r.due_date) for r, _ in planned], len(missing), len(carry), lock)
    if admins:
        sends.append(Send(f"fy-open:{fy}:admins", admins, [notice], not_before=when, category="push",
                          logger=log, done="fiscal year %(key)s to %(to)d admin(s) (%(state)s)"))
    else:
        log.info("fiscal year %d opened: no reachable admin to tell", fy)
    for owner, items in carry.items():
        if owner is None:
            continue  # the organization's pledge is the admins': their notice counts it
        bureau = session.get(Bureau, owner)
        to = audience.reminder_targets(session, owner)
        if not to:
            log.info("fiscal year %d: %s has no reachable coordinator for its pledge drafts", fy, bureau.code)
            continue
        msg = pledge_drafts(fy, bureau.name, [i.good_deed for i in items], lock)
        sends.append(Send(f"fy-open:{fy}:pledge:{bureau.code}", to, [msg], not_before=when, category="push",
                          logger=log, done="fiscal year %(key)s to %(to)d coordinator(s) (%(state)s)"))
    return sends
