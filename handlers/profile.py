"""Flow: the profile. See and change name and position; a bureau change needs the new bureau's invite code.

```mermaid
stateDiagram-v2
    [*] --> card: profile keyword / profile.show
    card --> new: profile.edit field=name|position|bureau
    new --> new: wrong invite code (bureau; 5 in 1 h → locked)
    new --> card: saved
    card --> [*]
```
"""
from __future__ import annotations

from sqlmodel import select

import messages_th.onboarding as th
from bot.services import membership as registry
from bot.conversation.auth import require, roles_of
from messages_th.common import role_th
from models.core import Bureau, UserRole

FLOW = "profile"


def show(ctx):
    """Profile card with edit buttons; next: profile.edit."""
    refusal = require(ctx)
    if refusal:
        return refusal
    u = ctx.user
    bureau = ctx.session.get(Bureau, u.bureau_id) if u.bureau_id else None
    roles = sorted({role_th(r) for r, _ in roles_of(ctx.session, u)})
    return [th.profile_card(u.full_name, u.position, bureau.name if bureau else "", roles)]


def edit(ctx):
    """Ask for the new value; next: the "new" step."""
    refusal = require(ctx)
    if refusal:
        return refusal
    field = ctx.postback[1].get("field")
    if field not in ("name", "position", "bureau"):
        return None
    ctx.start(FLOW, "new", {"field": field})
    if field == "bureau":
        until = registry.locked_until(ctx.session, ctx.user, ctx.now)
        if until:
            ctx.end()
            return [th.locked(until)]
    return [th.ask_new(field)]


def on_new(ctx):
    """New name/position saved, or new bureau joined with its invite code; next: done (or retry the code)."""
    if ctx.text is None:
        return None
    refusal = require(ctx)
    if refusal:
        ctx.end()
        return refusal
    u, field = ctx.user, ctx.draft.get("field")
    if field == "bureau":
        return _change_bureau(ctx)
    if not ctx.text or len(ctx.text) > 200:
        return [th.bad_value(field)]
    if field == "name":
        u.full_name = ctx.text
    else:
        u.position = ctx.text
    u.updated_at = ctx.now
    ctx.session.add(u)
    ctx.end()
    return [th.profile_saved()]


def _change_bureau(ctx):
    u = ctx.user
    until = registry.locked_until(ctx.session, u, ctx.now)
    if until:
        ctx.end()
        return [th.locked(until)]
    inv, left = registry.check_code(ctx.session, u, ctx.text, ctx.now)
    if inv is None:
        until = registry.locked_until(ctx.session, u, ctx.now)
        if until:
            ctx.end()
        return [th.locked(until)] if until else [th.wrong_code(left)]
    if inv.bureau_id != u.bureau_id:
        if not registry.use_invite(ctx.session, inv, ctx.now):
            ctx.end()
            return [th.code_gone()]
        # a coordinator of the old bureau is not one of the new bureau
        for role in ctx.session.exec(select(UserRole).where(UserRole.user_id == u.id, UserRole.role == "coordinator")):
            ctx.session.delete(role)
        u.bureau_id, u.updated_at = inv.bureau_id, ctx.now
        ctx.session.add(u)
        ctx.session.flush()
        registry.relink(ctx, u)
    ctx.end()
    return [th.profile_saved()]


def register(router) -> None:
    router.text(th.PROFILE_WORDS[0], show, *th.PROFILE_WORDS[1:])
    router.postback("profile.show", show)
    router.postback("profile.edit", edit)
    router.step(FLOW, "new", on_new, hint=th.HINTS["new"])
