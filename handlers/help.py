"""Help and the typed menu ("เมนู"): every rich-menu action also works by typing (LINE for PC has no rich menu)."""
from __future__ import annotations

import messages_th.common as th
from bot.conversation.auth import top_role


def show_help(ctx):
    """Keyword list; the user stays where they were."""
    return [th.help_text()]


def not_understood(ctx):
    """Text no flow understood: the keyword list, or for someone not registered yet the two things they can
    do (register, read the virtues) instead of a list of features they cannot use yet."""
    from messages_th.menu import menu_message
    if ctx.user is None or not ctx.user.registered:
        return [menu_message(None)]
    return [th.help_text()]


def show_menu(ctx):
    """Quick-reply menu for the user's role; next step: whichever action they tap."""
    from messages_th.menu import menu_message
    return [menu_message(top_role(ctx.session, ctx.user))]


def register(router) -> None:
    router.text("ช่วยเหลือ", show_help, "help", "วิธีใช้")
    router.text("เมนู", show_menu, "menu")
    router.fallback(not_understood)
