"""Flow: an admin changes a round's due date in the chat ("แก้กำหนดส่ง"). Stateless: every step is a postback
that carries the round code, so a half-done change needs no conversation state.

```mermaid
stateDiagram-v2
    [*] --> PickRound: "แก้กำหนดส่ง"
    PickRound --> PickDate: rounds.pick r=code
    PickDate --> Confirm: rounds.date r=code (+ date picker params.date)
    Confirm --> [*]: rounds.setdue r=code d=date (saved)
    Confirm --> [*]: rounds.keep
```
"""
from __future__ import annotations

from datetime import date

import messages_th.rounds as th
from bot.services import rounds as svc
from bot.conversation.auth import require
from bot.conversation.postback import encode
from messages_th.dates import fiscal_year_be, today_bkk


def start(ctx):
    """Admins only; lists this FY's and next FY's rounds. Next: rounds.pick."""
    denied = require(ctx, "admin")
    if denied:
        return denied
    fy = fiscal_year_be(today_bkk(ctx.now))
    rounds = svc.rounds_of_fy(ctx.session, fy) + svc.rounds_of_fy(ctx.session, fy + 1)
    if not rounds:
        return [th.no_rounds()]
    return [th.pick_round_for_due([(r.code, r.key, r.fy, r.due_date) for r in rounds])]


def _round(ctx):
    """(round, refusal); an unknown round gives (None, None): the router answers "old button"."""
    denied = require(ctx, "admin")
    if denied:
        return None, denied
    return svc.get_round(ctx.session, ctx.postback[1].get("r")), None


def pick(ctx):
    """Shows the date picker for the chosen round. Next: rounds.date."""
    rnd, out = _round(ctx)
    if rnd is None:
        return out
    return [th.ask_due_date(rnd.code, rnd.title, rnd.due_date, encode("rounds.date", r=rnd.code))]


def picked_date(ctx):
    """Reads the picked date and asks to confirm. Next: rounds.setdue or rounds.keep."""
    rnd, out = _round(ctx)
    if rnd is None:
        return out
    try:
        new = date.fromisoformat(ctx.postback_params.get("date", ""))
    except ValueError:
        return [th.bad_date()]
    return [th.confirm_due(rnd.code, rnd.title, rnd.due_date, new)]


def confirm(ctx):
    """Saves the new due date. Next: end."""
    rnd, out = _round(ctx)
    if rnd is None:
        return out
    try:
        new = date.fromisoformat(ctx.postback[1].get("d", ""))
    except ValueError:
        return [th.bad_date()]
    svc.set_due(ctx.session, rnd.code, new)
    return [th.due_changed(rnd.title, new)]


def keep(ctx):
    """Leaves the due date as it was. Next: end."""
    denied = require(ctx, "admin")
    return denied or [th.due_kept()]


def register(router) -> None:
    router.text(th.CHANGE_DUE_WORD, start)
    router.postback("rounds.pick", pick)
    router.postback("rounds.date", picked_date)
    router.postback("rounds.setdue", confirm)
    router.postback("rounds.keep", keep)
