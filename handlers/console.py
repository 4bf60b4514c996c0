"""Flow: console sign-in — the word KW_CONSOLE (or the menu tile) replies with a one-time link to the web
console (bot/web/console); staff get a polite refusal. One step, nothing is asked.

The link is bound to this LINE user and their console role, single use, valid 10 minutes
(bot/services/console_access.py). Group chats never get it (the router answers them first).
"""
from __future__ import annotations

from bot.services import console_access
from messages_th import common as tc
from messages_th import console as th


def console_link(ctx):
    if ctx.user is None or not ctx.user.registered:
        return [tc.not_registered()]
    issued = console_access.issue_link(ctx.session, ctx.user, ctx.now)
    if issued is None:
        return [th.staff_refusal()]
    token, role = issued
    return [th.link_card(f"{ctx.config.PUBLIC_BASE_URL}/console/login/{token}", role)]


def register(router) -> None:
    router.text(th.KW_CONSOLE, console_link, *th.ALIASES)
