"""Flow: a coordinator names a deputy, who gets the bureau's report-deadline reminders instead (leave, travel).

```mermaid
stateDiagram-v2
    [*] --> name: deputy keyword (coordinators only)
    name --> name: no one in the bureau matches
    name --> [*]: deputy.set id (registered, same bureau, not oneself) → the deputy is told
    [*] --> [*]: deputy.clear / clear keyword
```
The same as `flask --app bot delegate set|clear` (both write through bot/services/delegations.py). Names are
searched only within the coordinator's own bureau, and the chosen id is checked again when it arrives (forged
postbacks).
"""
from __future__ import annotations

from enum import StrEnum

import messages_th.deputy as th
import messages_th.names as names
from bot.conversation.auth import coordinator_of
from bot.conversation.context import StaleButton
from bot.conversation.flow import drop_parked, own_bureau, restart
from bot.services import delegations
from bot.services import membership as registry
from models.core import User

FLOW = "deputy"
SHOWN = 12  # quick replies: 12 people + the cancel word


class Step(StrEnum):
    NAME = "name"


def _current(ctx):
    return delegations.current(ctx.session, ctx.user)


def _name(u: User) -> str:
    """Title and full name, no "คุณ" ("นางสาวทดลอง ใจดี"): the full name says exactly who, in the list of
    colleagues, the confirmation and the push to the deputy."""
    return names.person(u.title, u.full_name or u.display_name)


def start(ctx):
    """Ask for a name; next: the "name" step."""
    restart(ctx, FLOW, Step.NAME)
    return [ask(ctx)]


def ask(ctx) -> dict:
    _, deputy = _current(ctx)
    return th.ask(_name(deputy) if deputy else None)


def on_name(ctx):
    """Colleagues whose name contains the text; next: deputy.set (or type again)."""
    query = (ctx.text or "").strip()
    if not query:
        return None
    # the title is kept apart from the name: "นางสาวสมหญิง" searches "สมหญิง"
    people = registry.search_registered(ctx.session, names.split_title(query)[1], SHOWN + 1,
                                        bureau_id=ctx.user.bureau_id, exclude=ctx.user.id)
    if not people:
        return [th.nobody(query)]
    return [th.pick([(u.id, _name(u)) for u in people[:SHOWN]], more=len(people) > SHOWN)]


def choose(ctx):
    """deputy.set id: save (replacing any earlier deputy) and tell the deputy; next: done."""
    try:
        person = registry.get_user(ctx.session, ctx.arg("id", int))
    except StaleButton:
        person = None  # a forged id gets the same answer as someone who may not be named
    if (person is None or person.id == ctx.user.id or person.bureau_id != ctx.user.bureau_id
            or not person.registered):
        return [th.not_this_person()]
    row = delegations.set_deputy(ctx.session, ctx.user, person)
    ctx.end()
    ctx.enqueue_push(f"deputy:{row.coordinator_id}:{person.id}:{ctx.event.get('webhookEventId')}",
                     person.line_user_id, [th.told_deputy(_name(ctx.user))])
    return [th.set_ok(_name(person))]  # the full name: the coordinator sees exactly who it is


def clear(ctx):
    """Back to getting one's own reminders; next: done (a deputy search left open is dropped)."""
    had = delegations.clear(ctx.session, ctx.user)
    drop_parked(ctx, FLOW)
    if ctx.flow == FLOW:
        ctx.end()
    return [th.cleared(had)]


def register(router) -> None:
    coordinator = coordinator_of(own_bureau)  # of their own bureau, else an admin
    router.text(th.KW_DEPUTY, start, *th.KW_DEPUTY_ALIASES, role=coordinator)
    router.text(th.KW_DEPUTY_CLEAR, clear, role=coordinator)
    # the name step's buttons; elsewhere (an older list, a chat scrolled back) they still do their job
    router.postback("deputy.set", choose, role=coordinator, in_step=(FLOW, Step.NAME), entry=True)
    router.postback("deputy.clear", clear, role=coordinator, in_step=(FLOW, Step.NAME), entry=True)
    router.step(FLOW, Step.NAME, on_name, th.HINT, prompt=ask)
