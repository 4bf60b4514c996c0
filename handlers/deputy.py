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

from sqlmodel import select

import messages_th.deputy as th
from bot.conversation.auth import require
from bot.services import delegations
from models.core import User

FLOW = "deputy"
SHOWN = 12  # quick replies: 12 people + "ยกเลิก"


def _coordinator(ctx):
    refusal = require(ctx, "staff")
    if refusal:
        return refusal
    return require(ctx, "coordinator", bureau_id=ctx.user.bureau_id)


def _current(ctx):
    return delegations.current(ctx.session, ctx.user)


def _name(u: User) -> str:
    return u.full_name or u.display_name or "?"


def start(ctx):
    """Ask for a name; next: the "name" step."""
    refusal = _coordinator(ctx)
    if refusal:
        return refusal
    _, deputy = _current(ctx)
    ctx.start(FLOW, "name")
    return [th.ask(_name(deputy) if deputy else None)]


def on_name(ctx):
    """Colleagues whose name contains the text; next: deputy.set (or type again)."""
    query = (ctx.text or "").strip()
    if not query:
        return None
    refusal = _coordinator(ctx)
    if refusal:
        ctx.end()
        return refusal
    people = ctx.session.exec(
        select(User).where(User.bureau_id == ctx.user.bureau_id, User.id != ctx.user.id,
                           User.status == "registered", User.full_name.contains(query[:100], autoescape=True))
        .order_by(User.full_name).limit(SHOWN + 1)).all()
    if not people:
        return [th.nobody(query)]
    return [th.pick([(u.id, _name(u)) for u in people[:SHOWN]], more=len(people) > SHOWN)]


def choose(ctx):
    """deputy.set id: save (replacing any earlier deputy) and tell the deputy; next: done."""
    refusal = _coordinator(ctx)
    if refusal:
        return refusal
    try:
        person = ctx.session.get(User, int(ctx.postback[1].get("id", "")))
    except ValueError:
        person = None
    if (person is None or person.id == ctx.user.id or person.bureau_id != ctx.user.bureau_id
            or not person.registered):
        return [th.not_this_person()]
    row = delegations.set_deputy(ctx.session, ctx.user, person)
    ctx.end()
    ctx.enqueue_push(f"deputy:{row.coordinator_id}:{person.id}:{ctx.event.get('webhookEventId')}",
                     person.line_user_id, [th.told_deputy(_name(ctx.user))])
    return [th.set_ok(_name(person))]


def clear(ctx):
    """Back to getting one's own reminders; next: done."""
    refusal = _coordinator(ctx)
    if refusal:
        return refusal
    had = delegations.clear(ctx.session, ctx.user)
    if ctx.flow == FLOW:
        ctx.end()
    return [th.cleared(had)]


def register(router) -> None:
    router.text(th.KW_DEPUTY, start, *th.KW_DEPUTY_ALIASES)
    router.text(th.KW_DEPUTY_CLEAR, clear)
    router.postback("deputy.set", choose)
    router.postback("deputy.clear", clear)
    router.step(FLOW, "name", on_name, hint=th.HINT)
