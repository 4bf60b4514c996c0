"""A small router of our own: flows register (predicate, handler) routes; conversation steps come first.

Order: "ยกเลิก" → expired flow note → postback action → active step → keyword / prefix → image → hint.
A handler returns a list of message dicts (or None: "not understood here", answered with a hint).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Optional

from bot.conversation.context import Ctx

log = logging.getLogger("bot.router")
Handler = Callable[[Ctx], Optional[list]]
CANCEL_WORDS = {"ยกเลิก", "cancel", "ยกเลิกรายการ"}


@dataclass
class Step:
    fn: Handler
    hint: str  # what the step expects, said back when something else arrives


class Router:
    def __init__(self):
        self._keywords: dict[str, tuple[Handler, bool]] = {}
        self._prefixes: list[tuple[str, Handler]] = []
        self._postbacks: dict[str, Handler] = {}
        self._steps: dict[tuple[str, str], Step] = {}
        self._images: list[Handler] = []
        self._follow: list[Handler] = []
        self._unfollow: list[Handler] = []
        self._fallback: Handler | None = None

    # -- registration ----------------------------------------------------------------------------
    def text(self, keyword: str, fn: Handler, *aliases: str, interrupts: bool = False) -> None:
        """Exact keyword (after strip). `interrupts` lets it leave an active flow (e.g. "เมนู")."""
        for word in (keyword, *aliases):
            if word in self._keywords:
                raise ValueError(f"keyword registered twice: {word}")
            self._keywords[word] = (fn, interrupts)

    def text_prefix(self, prefix: str, fn: Handler) -> None:
        self._prefixes.append((prefix, fn))
        self._prefixes.sort(key=lambda p: -len(p[0]))  # longest prefix wins

    def postback(self, action: str, fn: Handler) -> None:
        if action in self._postbacks:
            raise ValueError(f"postback action registered twice: {action}")
        self._postbacks[action] = fn

    def step(self, flow: str, step: str, fn: Handler, hint: str = "") -> None:
        self._steps[(flow, step)] = Step(fn, hint)

    def image(self, fn: Handler) -> None:
        self._images.append(fn)

    def follow(self, fn: Handler) -> None:
        self._follow.append(fn)

    def unfollow(self, fn: Handler) -> None:
        self._unfollow.append(fn)

    def fallback(self, fn: Handler) -> None:
        """What answers text no route understood (default: the keyword list)."""
        self._fallback = fn

    @property
    def postback_actions(self) -> set[str]:
        return set(self._postbacks)

    @property
    def keywords(self) -> set[str]:
        return set(self._keywords) | CANCEL_WORDS

    # -- dispatch --------------------------------------------------------------------------------
    def dispatch(self, ctx: Ctx) -> list[dict]:
        import messages_th.common as th

        etype = ctx.event.get("type")
        if etype == "follow":
            return _run_all(self._follow, ctx)
        if etype == "unfollow":
            _run_all(self._unfollow, ctx)
            return []  # no reply token: nothing can be said
        if etype not in ("message", "postback"):
            return []  # stored in the inbox, deliberately not answered

        notes: list[dict] = []
        if ctx.flow and ctx.state.updated_at < ctx.now - timedelta(minutes=ctx.config.FLOW_IDLE_MINUTES):
            log.info("flow %s/%s expired for %s", ctx.flow, ctx.step, ctx.line_user_id)
            ctx.end()
            notes.append(th.flow_expired())

        text = ctx.text
        if text is not None and text.lower() in CANCEL_WORDS:
            if ctx.flow:
                ctx.end()
                return notes + [th.cancelled()]
            return notes + ([] if notes else [th.nothing_to_cancel()])

        if etype == "postback":
            fn = self._postbacks.get(ctx.postback[0]) if ctx.postback else None
            if fn is None:
                log.info("unknown postback from %s: %s", ctx.line_user_id, ctx.postback or ctx.postback_error)
                return notes + [th.bad_postback()]
            out = fn(ctx)  # [] = handled, nothing to say (a rich-menu tab switch)
            return notes + (out if out is not None else [th.bad_postback()])

        keyword = self._keywords.get(text) if text is not None else None
        if ctx.flow and not (keyword and keyword[1]):
            step = self._steps.get((ctx.flow, ctx.step))
            if step is not None:
                out = step.fn(ctx)
                return notes + (out if out is not None else [th.unexpected_input(step.hint)])
            log.warning("no step %s/%s registered; ending the flow", ctx.flow, ctx.step)
            ctx.end()

        if text is not None:
            if keyword:
                return notes + (keyword[0](ctx) or [])
            for prefix, fn in self._prefixes:
                if text.startswith(prefix):
                    out = fn(ctx)
                    if out is not None:
                        return notes + out
            return notes + ((self._fallback(ctx) if self._fallback else None) or [th.help_text()])
        if ctx.message_type == "image" and self._images:
            for fn in self._images:
                out = fn(ctx)
                if out is not None:
                    return notes + out
        return notes + [th.not_readable()]  # outside any flow: no step to cancel


def _run_all(fns: list[Handler], ctx: Ctx) -> list[dict]:
    out: list[dict] = []
    for fn in fns:
        out.extend(fn(ctx) or [])
    return out
