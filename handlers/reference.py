"""Flow: the reference corner. Open to everyone, registered or not (reading only, nothing is stored).

Stateless (no conversation steps): every topic is a button that works whenever it is tapped.

```mermaid
stateDiagram-v2
    [*] --> [*]: reference keyword / ref.menu (topic buttons and this fiscal year's deadlines)
    [*] --> [*]: ref.show topic=virtues|code|strong|moral_org|deadlines (another topic: quick replies)
```
"""
from __future__ import annotations

import messages_th.reference as th
from bot.services import rounds
from messages_th.dates import fiscal_year_be, today_bkk

DEADLINES = "deadlines"


def _deadlines(ctx) -> dict:
    today = today_bkk(ctx.now)
    return th.deadlines_card([(r.title, r.due_date) for r in rounds.rounds_of_fy(ctx.session, fiscal_year_be(today))],
                             today)


def show_menu(ctx):
    """Topic buttons and this fiscal year's report deadlines; next: tap a topic."""
    return [th.reference_menu(), _deadlines(ctx)]


def show_topic(ctx):
    """One topic's cards (an unknown topic gets the stale-button note); next: another topic or done."""
    topic = ctx.arg("topic")
    if topic == DEADLINES:
        return [_deadlines(ctx)]
    return th.reference_topic(topic)


def register(router) -> None:
    router.text(th.MENU_WORD, show_menu)
    router.postback("ref.menu", show_menu)
    router.postback(th.SHOW_ACTION, show_topic)
