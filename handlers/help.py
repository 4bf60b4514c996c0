"""Help and the typed menu (MENU_WORDS): every rich-menu action also works by typing (LINE for PC has no rich
menu).

Both are menu words: typed in the middle of a flow they answer, and the unfinished flow is kept to be resumed
(bot/conversation/parking.py)."""
from __future__ import annotations

import messages_th.common as th
from bot.conversation.auth import top_role
from messages_th.menu import HELP_WORDS, MENU_WORDS, menu_message


def show_help(ctx):
    """Keyword list of the user's role (staff, coordinator, committee, admin); next: whatever they type."""
    return [th.help_text(role=top_role(ctx.session, ctx.user))]


def not_understood(ctx):
    """Text no flow understood: the keyword list, or for someone not registered yet the two things they can
    do (register, read the virtues) instead of a list of features they cannot use yet."""
    if ctx.user is None or not ctx.user.registered:
        return [menu_message(None)]
    return [th.help_text(role=top_role(ctx.session, ctx.user))]


def show_menu(ctx):
    """Quick-reply menu for the user's role; next step: whichever action they tap."""
    return [menu_message(top_role(ctx.session, ctx.user))]


def register(router) -> None:
    router.text(HELP_WORDS[0], show_help, *HELP_WORDS[1:])
    router.text(MENU_WORDS[0], show_menu, *MENU_WORDS[1:])
    router.fallback(not_understood)
