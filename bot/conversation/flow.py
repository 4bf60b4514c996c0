"""Small helpers flows share: read a virtue typed by name, a step that waits for a button, a text step."""
from __future__ import annotations

from typing import Callable

from bot.conversation.context import StaleButton
from messages_th.virtues import VIRTUES


def virtue_from_text(text: str | None) -> str | None:
    """The virtue key for a typed Thai name or label ("สุจริต", "ซื่อสัตย์สุจริต"), else None."""
    for v in VIRTUES:
        if text in (v.name, v.label):
            return v.key
    return None


def wait_for_button(ctx):
    """A step that only a button moves on: typed input is "not understood" (the router re-asks)."""
    return None


def text_step(field: str, next_step: str, reply: Callable, *, limit: int = 1000, save: Callable | None = None):
    """A step that keeps typed text: `text[:limit]` becomes the draft's `field` (or `save(ctx, field, value,
    next_step)` stores it elsewhere and moves on), then the flow goes to `next_step` and answers `reply(ctx)`
    (a list of messages). Anything but text (a sticker, a photo) is "not understood": the router re-asks."""
    def step(ctx):
        if not ctx.text:
            return None
        value = ctx.text[:limit]
        if save is None:
            ctx.goto(next_step, **{field: value})
        else:
            save(ctx, field, value, next_step)
        return reply(ctx)
    step.__doc__ = f"Stores {field}. Next: {next_step}."
    return step


def drop_parked(ctx, flow: str) -> None:
    """Forget parked copies of `flow`: starting it afresh (its menu word typed in its own middle) or finishing
    its job another way (a deputy cleared) replaces them, so they are not offered back later."""
    for entry in ctx.parked:
        if entry["flow"] == flow:
            ctx.discard(entry["id"])


def restart(ctx, flow: str, step: str, draft: dict | None = None) -> None:
    """`ctx.start` for a flow's entry: a parked copy of the same flow (parked by this very tap) is dropped."""
    drop_parked(ctx, flow)
    ctx.start(flow, step, draft)


def own_bureau(ctx) -> int | None:
    """The actor's own bureau (for `coordinator_of(own_bureau)`)."""
    return ctx.user.bureau_id if ctx.user else None


def bureau_param(ctx) -> int | None:
    """The postback's `b` (bureau id), else the actor's own bureau. A malformed `b` names no bureau, so only
    an admin passes `coordinator_of(bureau_param)`; it never raises, since the router's role check calls it."""
    try:
        raw = ctx.arg("b", int, default=None) if ctx.postback else None
    except StaleButton:
        return None
    return raw or own_bureau(ctx)
