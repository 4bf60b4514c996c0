"""Flow: registration. Proves membership with the bureau's invite code, or files a request for an admin.

```mermaid
stateDiagram-v2
    [*] --> code: consent given (handlers/onboarding.py)
    code --> code: wrong code (5 in 1 h → locked 1 h, persisted)
    code --> bureau: approval keyword
    code --> name: valid invite code
    bureau --> name: bureau tapped or typed
    name --> position
    position --> confirm
    confirm --> name: reg.edit
    confirm --> registered: reg.confirm (invite; staff menu linked after commit)
    confirm --> pending_approval: reg.confirm (approval; admins decide in chat or CLI)
    registered --> [*]
    pending_approval --> [*]
```

The name step is prefilled with the LINE display name: consent asks for the `save_profile` effect, which
fetches the profile after the commit (handlers never call LINE) and stores it; the user may type another.
"""
from __future__ import annotations

from sqlmodel import select

import messages_th.onboarding as th
from bot.services import membership as registry
from messages_th.menu import menu_message
from models.core import Bureau
from models.onboarding import InviteCode

FLOW = "reg"


def give_consent(ctx):
    """Record consent once (new, refused); the caller decides the next step."""
    u = ctx.user
    if u.status in ("new", "refused", "erased"):
        u.status, u.consent_at, u.updated_at = "consented", ctx.now, ctx.now
        ctx.session.add(u)
        # the LINE display name prefills the name step; fetched after commit (handlers never call LINE)
        ctx.after_commit("save_profile", user_id=u.line_user_id)  # the effect runner has the engine


def start_code(ctx):
    """Enter the code step (or say the lock is still on); next: on_code."""
    until = registry.locked_until(ctx.session, ctx.user, ctx.now)
    ctx.start(FLOW, "code")
    return [th.locked(until)] if until else [th.ask_code()]


def on_code(ctx):
    """Invite code typed; next: the name (valid), the same step (wrong), or the bureau (approval path)."""
    if ctx.text is None:
        return None
    if ctx.text == th.APPROVAL_WORD:
        return request_approval(ctx)
    until = registry.locked_until(ctx.session, ctx.user, ctx.now)
    if until:
        return [th.locked(until)]
    inv, left = registry.check_code(ctx.session, ctx.user, ctx.text, ctx.now)
    if inv is None:
        until = registry.locked_until(ctx.session, ctx.user, ctx.now)
        return [th.locked(until)] if until else [th.wrong_code(left)]
    ctx.goto("name", invite_id=inv.id, bureau_id=inv.bureau_id, mode="invite")
    return [th.ask_name(ctx.user.display_name)]


def request_approval(ctx):
    """Ask an admin instead of a code; next: choose the bureau."""
    if ctx.user.registered:
        return [th.already_registered()]
    if ctx.user.status == "pending_approval":
        return [th.pending_note()]
    if ctx.user.status != "consented":
        return [th.consent_card()]  # nothing is collected before consent
    ctx.start(FLOW, "bureau", {"mode": "approval"})
    rows = ctx.session.exec(select(Bureau).where(Bureau.active.is_(True)).order_by(Bureau.name))
    return [th.ask_bureau([(b.id, b.name) for b in rows])]


def on_bureau(ctx):
    """Bureau typed (name or code) or tapped; next: the name."""
    if (ctx.flow, ctx.step) != (FLOW, "bureau"):
        return None  # a stale or forged reg.bureau outside this step
    if ctx.postback:
        ref = ctx.postback[1].get("id", "")
        b = ctx.session.get(Bureau, int(ref)) if ref.isdigit() else None
    elif ctx.text:
        b = registry.find_bureau(ctx.session, ctx.text)
    else:
        return None
    if b is None or not b.active:
        return [th.bureau_unknown()]
    ctx.goto("name", bureau_id=b.id)
    return [th.ask_name(ctx.user.display_name)]


def on_name(ctx):
    """Name typed (or the LINE name tapped); next: the position."""
    if not _ok(ctx.text):
        return [th.bad_value("name")] if ctx.text is not None else None
    ctx.goto("position", full_name=ctx.text)
    return [th.ask_position()]


def on_position(ctx):
    """Position typed; next: confirm."""
    if not _ok(ctx.text):
        return [th.bad_value("position")] if ctx.text is not None else None
    ctx.goto("confirm", position=ctx.text)
    d = ctx.draft
    bureau = ctx.session.get(Bureau, d["bureau_id"])
    return [th.confirm_card(d["full_name"], d["position"], bureau.name, d.get("mode") == "approval")]


def on_edit(ctx):
    """Start over at the name; next: the name step."""
    if (ctx.flow, ctx.step) != (FLOW, "confirm"):
        return None
    ctx.goto("name")
    return [th.ask_name(ctx.user.display_name)]


def on_confirm(ctx):
    """Register (invite) or file the request (approval); next: the menu, or waiting for an admin."""
    if (ctx.flow, ctx.step) != (FLOW, "confirm") or ctx.user.registered:
        return None
    d, u = ctx.draft, ctx.user
    ctx.end()
    bureau = ctx.session.get(Bureau, d["bureau_id"])
    if d.get("mode") == "approval":
        u.status, u.bureau_id, u.full_name, u.position = "pending_approval", bureau.id, d["full_name"], d["position"]
        u.updated_at = ctx.now
        ctx.session.add(u)
        return [th.request_sent()]
    inv = ctx.session.get(InviteCode, d.get("invite_id") or 0)
    if inv is None or inv.bureau_id != bureau.id or not registry.use_invite(ctx.session, inv, ctx.now):
        return [th.code_gone()]
    registry.register(ctx.session, u, bureau.id, d["full_name"], d["position"], ctx.now)
    registry.relink(ctx, u)
    return [th.registered(d["full_name"], bureau.name), menu_message("staff")]


def wait_confirm(ctx):
    """Anything but the buttons: answered with the hint; next: still confirm."""
    return None


def _ok(value: str | None) -> bool:
    return bool(value) and len(value) <= 200


def register(router) -> None:
    router.text(th.APPROVAL_WORD, request_approval)
    router.postback("reg.bureau", on_bureau)
    router.postback("reg.edit", on_edit)
    router.postback("reg.confirm", on_confirm)
    steps = {"code": on_code, "bureau": on_bureau, "name": on_name, "position": on_position, "confirm": wait_confirm}
    for step, fn in steps.items():
        router.step(FLOW, step, fn, hint=th.HINTS[step])
