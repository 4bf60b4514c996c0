"""Flow: the reference corner. Open to everyone, registered or not (reading only, nothing is stored).

```mermaid
stateDiagram-v2
    [*] --> menu: reference keyword / ref.menu
    menu --> topic: ref.show topic=virtues|code|strong|moral_org
    menu --> deadlines: ref.show topic=deadlines
    topic --> topic: another topic (quick replies)
    topic --> [*]
    deadlines --> [*]
```
"""
from __future__ import annotations

from sqlmodel import select

import messages_th.reference as th
from messages_th.dates import fiscal_year_be, today_bkk
from models.rounds import Round


def _deadlines(ctx) -> dict:
    today = today_bkk(ctx.now)
    rows = ctx.session.exec(select(Round).where(Round.fy == fiscal_year_be(today)).order_by(Round.due_date))
    return th.deadlines_card([(r.title, r.due_date) for r in rows], today)


def show_menu(ctx):
    """Topic buttons and this fiscal year's report deadlines; next: tap a topic."""
    return [th.reference_menu(), _deadlines(ctx)]


def show_topic(ctx):
    """One topic's cards (an unknown topic gets the stale-button note); next: another topic or done."""
    topic = (ctx.postback[1] if ctx.postback else {}).get("topic", "")
    if topic == "deadlines":
        return [_deadlines(ctx)]
    return th.reference_topic(topic)


def register(router) -> None:
    router.text(th.MENU_WORD, show_menu)
    router.postback("ref.menu", show_menu)
    router.postback(th.SHOW_ACTION, show_topic)
