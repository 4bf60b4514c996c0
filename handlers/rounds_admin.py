"""Flow: an admin changes a round's due date in the chat (CHANGE_DUE_WORD). Stateless: every button carries
the round code, so a half-done change needs no conversation state (and no steps are registered).

```mermaid
stateDiagram-v2
    [*] --> [*]: CHANGE_DUE_WORD (this and next fiscal year's rounds as buttons)
    [*] --> [*]: rounds.pick r=code (date picker) / rounds.date r=code + params.date (confirm card)
    [*] --> [*]: rounds.setdue r=code d=date (saved) / rounds.keep
```
"""
from __future__ import annotations

from datetime import date

import messages_th.rounds as th
from bot.conversation.context import StaleButton
from bot.conversation.postback import encode
from bot.services import rounds as svc
from messages_th.dates import fiscal_year_be, today_bkk
from models.enums import Role


def start(ctx):
    """Lists this FY's and next FY's rounds. Next: rounds.pick."""
    fy = fiscal_year_be(today_bkk(ctx.now))
    rounds = svc.rounds_of_fy(ctx.session, fy) + svc.rounds_of_fy(ctx.session, fy + 1)
    if not rounds:
        return [th.no_rounds()]
    return [th.pick_round_for_due([(r.code, r.key, r.fy, r.due_date) for r in rounds])]


def _round(ctx):
    """The round the button names; an unknown one is an old button."""
    rnd = svc.get_round(ctx.session, ctx.arg("r"))
    if rnd is None:
        raise StaleButton("no such round")
    return rnd


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


def pick(ctx):
    """Shows the date picker for the chosen round. Next: rounds.date."""
    rnd = _round(ctx)
    return [th.ask_due_date(rnd.code, rnd.title, rnd.due_date, encode("rounds.date", r=rnd.code))]


def picked_date(ctx):
    """Reads the picked date and asks to confirm. Next: rounds.setdue or rounds.keep."""
    rnd, new = _round(ctx), _date(ctx.postback_params.get("date"))
    if new is None:
        return [th.bad_date()]
    return [th.confirm_due(rnd.code, rnd.title, rnd.due_date, new)]


def confirm(ctx):
    """Saves the new due date. Next: end."""
    rnd, new = _round(ctx), _date(ctx.arg("d", default=None))
    if new is None:
        return [th.bad_date()]
    svc.set_due(ctx.session, rnd.code, new)
    return [th.due_changed(rnd.title, new)]


def keep(ctx):
    """Leaves the due date as it was. Next: end."""
    return [th.due_kept()]


def register(router) -> None:
    admin = Role.ADMIN
    router.text(th.CHANGE_DUE_WORD, start, role=admin)
    router.postback("rounds.pick", pick, role=admin)
    router.postback("rounds.date", picked_date, role=admin)
    router.postback("rounds.setdue", confirm, role=admin)
    router.postback("rounds.keep", keep, role=admin)
