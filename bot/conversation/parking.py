"""Parked flows: one rule for menu words and menu buttons tapped in the middle of a flow.

The menu action runs as it does outside a flow; the unfinished flow (its step and draft) is kept, and the
reply offers "ทำรายการค้างต่อ" (back to the same step, its question asked again) or "ทิ้งรายการค้าง". The offer
comes with the menu action's reply and with every later menu action's while the flow stays parked, or, when
the action started another flow, when that flow ends. Nothing
the user typed is lost; parked flows are kept for KEEP_HOURS, at most PARKED_MAX of them (context.py).
"""
from __future__ import annotations

import logging

import messages_th.conversation as tc

log = logging.getLogger("bot.parking")
KEEP_HOURS = 24


def offer(ctx, out: list[dict], *, ended: bool) -> list[dict]:
    """`out` plus the offer of the newest parked flow, when there is one and no flow is active now, and this
    turn was a menu action (it may have parked the flow; a later menu tap offers it again) or ended a flow."""
    parked = ctx.parked
    if not parked or ctx.flow or not (ended or ctx.offer_parked):
        return out
    newest = parked[0]
    return tc.with_offer(out, newest["flow"], newest["id"])


def resume(ctx):
    """"ทำรายการค้างต่อ": back into the parked flow at its step; next: that step."""
    entry = ctx.resume(ctx.arg("p"))
    if entry is None:
        return [tc.parked_gone()]
    log.info("user %s resumed %s/%s", ctx.user_ref, entry["flow"], entry["step"])
    return [tc.resumed(entry["flow"])] + ctx.router_prompt()


def discard(ctx):
    """"ทิ้งรายการค้าง": the parked draft is dropped; next: none."""
    entry = ctx.discard(ctx.arg("p"))
    return [tc.discarded(entry["flow"]) if entry else tc.parked_gone()]


def register(router) -> None:
    router.postback("flow.resume", resume, keeps_flow=True)  # Ctx.resume parks the active flow itself
    router.postback("flow.discard", discard, keeps_flow=True)
