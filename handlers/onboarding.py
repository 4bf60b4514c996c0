"""Flow: onboarding. Welcome, PDPA consent (or its refusal), unfollow / re-follow; then registration.

```mermaid
stateDiagram-v2
    [*] --> consent: follow / register or consent keyword
    consent --> refused: consent.no (only the refusal is kept)
    refused --> consent: register or consent keyword
    consent --> registration: consent.yes (handlers/registration.py)
    registered --> unfollowed: unfollow (kept, following = False, no pushes)
    unfollowed --> registered: follow (welcome back, menu relinked)
```
"""
from __future__ import annotations

import messages_th.onboarding as th
from bot.services import membership as registry
from bot.conversation.auth import top_role
from handlers.registration import give_consent, start_code
from messages_th.menu import menu_message


def on_follow(ctx):
    """Welcome; registered users come back as they were, others see the consent card next."""
    u = ctx.user
    u.following, u.updated_at = True, ctx.now
    ctx.session.add(u)
    if u.registered:
        registry.relink(ctx, u)
        return [th.welcome_back(u.full_name), menu_message(top_role(ctx.session, u))]
    if u.status == "pending_approval":
        return [th.welcome(), th.pending_note()]
    if u.status == "consented":
        return [th.welcome(), *start_code(ctx)]
    return [th.welcome(), th.consent_card()]


def on_unfollow(ctx):
    """Blocked or removed: kept but marked, so no pushes go out; a re-follow brings them back."""
    ctx.user.following, ctx.user.updated_at = False, ctx.now
    ctx.session.add(ctx.user)
    ctx.end()


def start_register(ctx):
    """Register/consent keyword: consent card, or straight to the invite code when already consented."""
    u = ctx.user
    if u.registered:
        return [th.already_registered()]
    if u.status == "pending_approval":
        return [th.pending_note()]
    if u.status == "consented" or ctx.text == th.CONSENT_WORD:
        give_consent(ctx)
        return start_code(ctx)
    return [th.consent_card()]


def consent_yes(ctx):
    """Consent given (stored with its time); next: the invite code."""
    if ctx.user.registered:
        return [th.already_registered()]
    give_consent(ctx)
    return start_code(ctx)


def consent_no(ctx):
    """No consent: keep only the refusal; next: nothing until they type the consent keyword."""
    u = ctx.user
    if u.registered:
        return [th.already_registered()]
    u.status, u.consent_at, u.display_name, u.full_name, u.position, u.bureau_id = "refused", None, None, None, None, None
    u.updated_at = ctx.now
    ctx.session.add(u)
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
    router.postback("menu.tab", tab_switched)
