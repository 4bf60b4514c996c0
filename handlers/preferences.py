"""Flow: preferences — mute non-essential reminders, and a coordinator's own Monday bureau digest on/off.

Coordinators still get due-date reminders when muted (they may name a deputy instead: handlers/deputy.py,
or `flask --app bot delegate`). Each keyword answers at once; next step: none.
"""
from __future__ import annotations

from bot.conversation.auth import require
from messages_th import reminders as th
from models.worker import set_setting


def _mute(ctx, value: bool):
    refusal = require(ctx, "staff")
    if refusal:
        return refusal
    ctx.user.mute_reminders = value
    ctx.session.add(ctx.user)
    return [th.muted() if value else th.unmuted()]


def mute(ctx):
    """KW_MUTE: sets User.mute_reminders."""
    return _mute(ctx, True)


def unmute(ctx):
    """KW_UNMUTE: clears User.mute_reminders."""
    return _mute(ctx, False)


def _digest(ctx, on: bool):
    refusal = require(ctx, "coordinator")
    if refusal:
        return refusal
    set_setting(ctx.session, f"digest_optout:{ctx.user.id}", not on)
    return [th.digest_opt(on)]


def digest_off(ctx):
    """Coordinator opts out of the Monday bureau digest."""
    return _digest(ctx, False)


def digest_on(ctx):
    """Coordinator opts back in."""
    return _digest(ctx, True)


def register(router) -> None:
    router.text(th.KW_MUTE, mute)
    router.text(th.KW_UNMUTE, unmute)
    router.text(th.KW_DIGEST_OFF, digest_off)
    router.text(th.KW_DIGEST_ON, digest_on)
