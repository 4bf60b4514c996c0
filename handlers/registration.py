"""Flow: registration. Proves membership with the bureau's invite code, or files a request for an admin.

```mermaid
stateDiagram-v2
    [*] --> code: consent given (handlers/onboarding.py)
    code --> code: wrong code (5 in 1 h → locked 1 h, persisted)
    code --> bureau: approval keyword
    code --> name: valid invite code
    bureau --> name: bureau tapped or typed
    name --> title: name typed (a title it starts with is split off, to confirm)
    title --> title: reg.title op=other (type a rank) / op=asis (the name had no title) / not a title
    title --> position: title tapped or typed (or ไม่ระบุ)
    position --> confirm
    confirm --> name: reg.edit
    confirm --> [*]: reg.confirm, invite (registered; staff menu linked after commit)
    confirm --> [*]: reg.confirm, approval (pending_approval; admins decide in chat or CLI)
```

The name step is prefilled with the LINE display name: consent asks for the `save_profile` effect, which
fetches the profile after the commit (handlers never call LINE) and stores it; the user may type another.
The title (คำนำหน้า) is asked apart from the name, so people are addressed right (messages_th/names.py).
"""
from __future__ import annotations

from enum import StrEnum

import messages_th.admin as admin_th
import messages_th.names as names
import messages_th.onboarding as th
from bot.conversation.context import StaleButton
from bot.conversation.flow import restart, wait_for_button
from bot.services import membership as registry
from handlers import admin
from messages_th.menu import menu_message
from models.enums import Role, UserStatus

FLOW = "reg"
MAX_LEN = 200


class Step(StrEnum):
    CODE = "code"
    BUREAU = "bureau"
    NAME = "name"
    TITLE = "title"
    POSITION = "position"
    CONFIRM = "confirm"


def give_consent(ctx):
    """Record consent once (new, refused, erased); the caller decides the next step."""
    if registry.give_consent(ctx.session, ctx.user, ctx.now):
        # the LINE display name prefills the name step; fetched after commit (handlers never call LINE)
        ctx.after_commit("save_profile", user_id=ctx.user.line_user_id)  # the effect runner has the engine


def start_code(ctx):
    """Enter the code step (or say the lock is still on); next: on_code."""
    until = registry.locked_until(ctx.session, ctx.user, ctx.now)
    restart(ctx, FLOW, Step.CODE)
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
        alert = registry.guessing_alert(ctx.session, ctx.now)
        if alert is not None and alert.admins:  # once per window: the key makes the push idempotent
            ctx.enqueue_push(alert.key, alert.admins, [admin_th.code_guessing_alert(alert.fails, alert.since)],
                             urgent=True, category="alert")
        until = registry.locked_until(ctx.session, ctx.user, ctx.now)
        return [th.locked(until)] if until else [th.wrong_code(left)]
    ctx.goto(Step.NAME, invite_id=inv.id, bureau_id=inv.bureau_id, mode="invite")
    return [ask_name(ctx)]


def request_approval(ctx):
    """Ask an admin instead of a code; next: choose the bureau."""
    if ctx.user.registered:
        return [th.already_registered()]
    if ctx.user.status == UserStatus.PENDING_APPROVAL:
        return [th.pending_note()]
    if ctx.user.status != UserStatus.CONSENTED:
        return [th.consent_card(ctx.config)]  # nothing is collected before consent
    restart(ctx, FLOW, Step.BUREAU, {"mode": "approval"})
    return [ask_bureau(ctx)]


def on_bureau(ctx):
    """Bureau typed (name or code) or tapped (reg.bureau id); next: the name."""
    if ctx.postback:
        b = registry.get_bureau(ctx.session, ctx.arg("id", int))
    elif ctx.text:
        b = registry.find_bureau(ctx.session, ctx.text)
    else:
        return None
    if b is None or not b.active:
        return [th.bureau_unknown()]
    ctx.goto(Step.NAME, bureau_id=b.id)
    return [ask_name(ctx)]


def on_name(ctx):
    """Name typed (or the LINE name tapped); next: the title (to confirm, when the name started with one)."""
    if not _ok(ctx.text):
        return [th.bad_value("name")] if ctx.text is not None else None
    guess, name = names.split_title(ctx.text)
    ctx.goto(Step.TITLE, full_name=name if guess else ctx.text, typed_name=ctx.text, title_guess=guess)
    return [ask_title(ctx)]


def on_title(ctx):
    """Title tapped or typed (ranks, academic titles; "ไม่ระบุ" for none); next: the position."""
    if ctx.text is None:
        return None
    ok, title = names.read_title(ctx.text)
    if not ok:
        return [th.bad_title()]
    ctx.goto(Step.POSITION, title=title)
    return [th.ask_position()]


def on_title_button(ctx):
    """reg.title op=other: say to type it; op=asis: the name had no title after all, keep it as typed."""
    op = ctx.arg("op")
    if op == "other":
        return [th.ask_title_typed()]
    if op != "asis":
        raise StaleButton(f"no title op {op}")
    if ctx.draft.get("title_guess"):
        ctx.goto(Step.TITLE, full_name=ctx.draft.get("typed_name") or ctx.draft.get("full_name"), title_guess=None)
    return [ask_title(ctx)]


def on_position(ctx):
    """Position typed; next: confirm."""
    if not _ok(ctx.text):
        return [th.bad_value("position")] if ctx.text is not None else None
    ctx.goto(Step.CONFIRM, position=ctx.text)
    return [confirm_card(ctx)]


def on_edit(ctx):
    """Start over at the name; next: the name step."""
    ctx.goto(Step.NAME)
    return [ask_name(ctx)]


def on_confirm(ctx):
    """Register (invite) or file the request (approval); next: the menu, or waiting for an admin."""
    if ctx.user.registered:
        return None
    d, u = ctx.draft, ctx.user
    ctx.end()
    if d.get("mode") == "approval":
        registry.request_approval(ctx.session, u, d["bureau_id"], d["full_name"], d["position"], ctx.now,
                                  d.get("title"))
        admin.tell_admins(ctx, u)
        return [th.request_sent()]
    if not registry.register_with_invite(ctx.session, u, d.get("invite_id"), d["bureau_id"], d["full_name"],
                                         d["position"], ctx.now, d.get("title")):
        return [th.code_gone()]
    ctx.after_commit("link_menu", user_id=u.line_user_id, rich_menu_id=registry.relink(ctx.session, u))
    return [th.registered(d["full_name"], registry.bureau_name(ctx.session, d["bureau_id"]), d.get("title")),
            menu_message(Role.STAFF)]


# -- the steps' questions, asked again (with their buttons) after a hint or a stale button -----------------

def ask_bureau(ctx) -> dict:
    return th.ask_bureau([(b.id, b.name) for b in registry.active_bureaus(ctx.session)])


def ask_name(ctx) -> dict:
    return th.ask_name(ctx.user.display_name)


def ask_title(ctx) -> dict:
    return th.ask_title(ctx.draft.get("full_name") or "", ctx.draft.get("title_guess"))


def confirm_card(ctx) -> dict:
    d = ctx.draft
    return th.confirm_card(d["full_name"], d["position"], registry.bureau_name(ctx.session, d["bureau_id"]),
                           d.get("mode") == "approval", d.get("title"))


def _ok(value: str | None) -> bool:
    return bool(value) and len(value) <= MAX_LEN


def register(router) -> None:
    router.text(th.APPROVAL_WORD, request_approval)
    router.postback("reg.bureau", on_bureau, in_step=(FLOW, Step.BUREAU))
    router.postback("reg.title", on_title_button, in_step=(FLOW, Step.TITLE))
    router.postback("reg.edit", on_edit, in_step=(FLOW, Step.CONFIRM))
    router.postback("reg.confirm", on_confirm, in_step=(FLOW, Step.CONFIRM))
    # the code step reads the approval word itself (it is also a menu word elsewhere)
    router.step(FLOW, Step.CODE, on_code, th.HINTS[Step.CODE], prompt=lambda ctx: th.ask_code(),
                takes=(th.APPROVAL_WORD,))
    router.step(FLOW, Step.BUREAU, on_bureau, th.HINTS[Step.BUREAU], prompt=ask_bureau)
    router.step(FLOW, Step.NAME, on_name, th.HINTS[Step.NAME], prompt=ask_name)
    router.step(FLOW, Step.TITLE, on_title, th.HINTS[Step.TITLE], prompt=ask_title)
    router.step(FLOW, Step.POSITION, on_position, th.HINTS[Step.POSITION], prompt=lambda ctx: th.ask_position())
    router.step(FLOW, Step.CONFIRM, wait_for_button, th.HINTS[Step.CONFIRM], prompt=confirm_card)
