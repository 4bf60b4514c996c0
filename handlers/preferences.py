"""Flow: preferences — mute non-essential reminders, and a coordinator's own Monday bureau digest on/off.

Coordinators still get due-date reminders when muted (they may name a deputy instead: handlers/deputy.py,
or `flask --app bot delegate`). Each keyword answers at once; no conversation steps.
"""
from __future__ import annotations

from bot.services import membership as registry
from messages_th import reminders as th
from models.enums import Role
from models.worker import set_setting


def mute(ctx):
    """KW_MUTE: sets User.mute_reminders."""
    registry.set_mute(ctx.session, ctx.user, True)
    return [th.muted()]


def unmute(ctx):
    """KW_UNMUTE: clears User.mute_reminders."""
    registry.set_mute(ctx.session, ctx.user, False)
    return [th.unmuted()]


def _digest(ctx, on: bool):
    set_setting(ctx.session, f"digest_optout:{ctx.user.id}", not on)  # read by the Monday job (scheduler/digest.py)
    return [th.digest_opt(on)]


def digest_off(ctx):
    """Coordinator opts out of the Monday bureau digest."""
    return _digest(ctx, False)


def digest_on(ctx):
    """Coordinator opts back in."""
    return _digest(ctx, True)


def register(router) -> None:
    router.text(th.KW_MUTE, mute, role=Role.STAFF)
    router.text(th.KW_UNMUTE, unmute, role=Role.STAFF)
    router.text(th.KW_DIGEST_OFF, digest_off, role=Role.COORDINATOR)
    router.text(th.KW_DIGEST_ON, digest_on, role=Role.COORDINATOR)
