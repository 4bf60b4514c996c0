"""Flow: the profile. See and change title (คำนำหน้า), name and position; a bureau change needs the new bureau's
invite code.

```mermaid
stateDiagram-v2
    [*] --> new: profile.edit field=title|name|position|bureau (buttons of the card: profile keyword / profile.show)
    new --> new: wrong invite code (bureau; 5 in 1 h → locked) / not a title
    new --> [*]: saved (a bureau change drops old coordinator roles and relinks the menu)
```
"""
from __future__ import annotations

from enum import StrEnum

import messages_th.names as names
import messages_th.onboarding as th
from bot.conversation.auth import roles_of
from bot.conversation.context import StaleButton
from bot.conversation.flow import restart
from bot.services import membership as registry
from messages_th.common import role_th
from models.enums import Role

FLOW = "profile"
FIELDS = ("title", "name", "position", "bureau")
MAX_LEN = 200


class Step(StrEnum):
    NEW = "new"


def show(ctx):
    """Profile card with edit buttons; next: profile.edit."""
    u = ctx.user
    roles = sorted({role_th(r) for r, _ in roles_of(ctx.session, u)})
    return [th.profile_card(u.full_name, u.position, registry.bureau_name(ctx.session, u.bureau_id) or "", roles,
                            u.title)]


def edit(ctx):
    """Ask for the new value; next: the "new" step."""
    field = ctx.arg("field")
    if field not in FIELDS:
        raise StaleButton(f"no profile field {field}")
    if field == "bureau":
        until = registry.locked_until(ctx.session, ctx.user, ctx.now)
        if until:
            return [th.locked(until)]
    restart(ctx, FLOW, Step.NEW, {"field": field})
    return [ask_new(ctx)]


def ask_new(ctx) -> dict:
    return th.ask_new(ctx.draft.get("field"))


def on_new(ctx):
    """New name/position saved, or new bureau joined with its invite code; next: done (or retry the code)."""
    if ctx.text is None:
        return None
    field = ctx.draft.get("field")
    if field == "bureau":
        return _change_bureau(ctx)
    if field == "title":
        ok, title = names.read_title(ctx.text)
        if not ok:
            return [th.bad_title(registration=False)]
        registry.set_profile_field(ctx.session, ctx.user, field, title, ctx.now)
        ctx.end()
        return [th.profile_saved()]
    if not ctx.text or len(ctx.text) > MAX_LEN:
        return [th.bad_value(field)]
    guess, name = names.split_title(ctx.text) if field == "name" else (None, ctx.text)
    registry.set_profile_field(ctx.session, ctx.user, field, name if guess else ctx.text, ctx.now)
    ctx.end()
    if guess:  # "นายสมชาย ใจดี" typed as the name: the title goes apart (never "นายนายสมชาย"); the card shows it
        registry.set_profile_field(ctx.session, ctx.user, "title", guess, ctx.now)
        return [th.profile_saved(), *show(ctx)]
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
    moved = registry.move_to_bureau(ctx.session, u, inv, ctx.now)
    ctx.end()
    if moved == registry.Move.GONE:
        return [th.code_gone()]
    if moved == registry.Move.MOVED:
        ctx.after_commit("link_menu", user_id=u.line_user_id, rich_menu_id=registry.relink(ctx.session, u))
    return [th.profile_saved()]


def register(router) -> None:
    router.text(th.PROFILE_WORDS[0], show, *th.PROFILE_WORDS[1:], role=Role.STAFF)
    router.postback("profile.show", show, role=Role.STAFF)
    router.postback("profile.edit", edit, role=Role.STAFF)
    router.step(FLOW, Step.NEW, on_new, th.HINTS[Step.NEW], prompt=ask_new)
