"""Flow: onboarding. Welcome, PDPA consent (or its refusal), unfollow / re-follow; then registration.

No conversation steps of its own: what changes is the user's status (a column, see models.enums.UserStatus):
new → consented (consent.yes / the consent keyword) → the registration flow (handlers/registration.py);
new → refused (consent.no: only the refusal is kept) → consented when they type the keyword;
registered → unfollowed (kept, following = False, no pushes) → registered again on a re-follow.

```mermaid
stateDiagram-v2
    [*] --> [*]: follow (welcome; consent card, the code step, or welcome back with the menu relinked)
    [*] --> [*]: consent.yes / register or consent keyword (then the registration flow's code step)
    [*] --> [*]: consent.no (only the refusal is kept)
    [*] --> [*]: unfollow (kept, following = False, no pushes)
```
"""
from __future__ import annotations

import messages_th.onboarding as th
from bot.conversation.auth import top_role
from bot.conversation.flow import drop_parked
from bot.services import membership as registry
from handlers.registration import FLOW as REG_FLOW, give_consent, start_code
from messages_th.menu import menu_message
from models.enums import UserStatus


def on_follow(ctx):
    """Welcome; registered users come back as they were, others see the consent card next."""
    u = ctx.user
    registry.set_following(ctx.session, u, True, ctx.now)
    if u.registered:
        ctx.after_commit("link_menu", user_id=u.line_user_id, rich_menu_id=registry.relink(ctx.session, u))
        return [th.welcome_back(u.full_name, u.title), menu_message(top_role(ctx.session, u))]
    if u.status == UserStatus.PENDING_APPROVAL:
        return [th.welcome(), th.pending_note()]
    if u.status == UserStatus.CONSENTED:
        return [th.welcome(), *start_code(ctx)]
    return [th.welcome(), th.consent_card(ctx.config)]


def on_unfollow(ctx):
    """Blocked or removed: kept but marked, so no pushes go out; a re-follow brings them back."""
    registry.set_following(ctx.session, ctx.user, False, ctx.now)
    ctx.end()


def start_register(ctx):
    """Register/consent keyword: consent card, or straight to the invite code when already consented."""
    u = ctx.user
    if u.registered:
        return [th.already_registered()]
    if u.status == UserStatus.PENDING_APPROVAL:
        return [th.pending_note()]
    if u.status == UserStatus.CONSENTED or ctx.text == th.CONSENT_WORD:
        give_consent(ctx)
        return start_code(ctx)
    return [th.consent_card(ctx.config)]


def consent_yes(ctx):
    """Consent given (stored with its time); next: the invite code."""
    if ctx.user.registered:
        return [th.already_registered()]
    give_consent(ctx)
    return start_code(ctx)


def consent_no(ctx):
    """No consent: keep only the refusal; next: nothing until they type the consent keyword."""
    if ctx.user.registered:
        return [th.already_registered()]
    registry.refuse_consent(ctx.session, ctx.user, ctx.now)
    drop_parked(ctx, REG_FLOW)  # nothing collected is kept, so no registration to resume
    ctx.end()
    return [th.refused()]


def tab_switched(ctx):
    """A rich-menu tab switch (LINE already changed the menu); nothing to say."""
    return []


def register(router) -> None:
    router.follow(on_follow)
    router.unfollow(on_unfollow)
    router.text(th.REGISTER_WORDS[0], start_register, *th.REGISTER_WORDS[1:])
    router.postback("consent.yes", consent_yes)
    router.postback("consent.no", consent_no)
    router.postback("menu.tab", tab_switched, keeps_flow=True)  # LINE switched the tab: not a step change
