"""A small router of our own: flows register routes that declare who may use them and in which step a button
is valid; the router answers refusals, stale buttons and unexpected input the same way everywhere.

Order: "ยกเลิก" → expired flow note → postback → menu word (from any step) → active step → prefix → image → hint.

One meaning of a handler's `None`: "not understood here". For a postback that is the stale-button answer;
for a step the hint plus the step's question again (with its buttons); for text, the next route or the
fallback. A handler may also raise `StaleButton` (bad or missing postback parameter, see `Ctx.arg`).

Menu words and menu buttons work from any step (issue 12): the unfinished flow is parked (`Ctx.park`), the
action runs, and the reply offers "ทำรายการค้างต่อ" / "ทิ้งรายการค้าง" (see bot/conversation/parking.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Iterable, Optional

import messages_th.common as th
import messages_th.conversation as tc
from bot.conversation import parking
from bot.conversation.auth import Need, refusal
from bot.conversation.context import Ctx, StaleButton

log = logging.getLogger("bot.router")
Handler = Callable[[Ctx], Optional[list]]
Prompt = Callable[[Ctx], dict]
CANCEL_WORDS = {th.CANCEL_WORD, "cancel", "ยกเลิกรายการ"}


@dataclass
class Step:
    fn: Handler
    hint: str = ""              # what the step expects, said back when something else arrives
    prompt: Prompt | None = None  # the step's question again (with its buttons), sent after the hint
    takes: frozenset = frozenset()  # words this step reads itself, even where they are also menu words
    role: Need | None = None        # checked at every input, not only when the flow started


@dataclass
class Route:
    fn: Handler
    role: Need | None = None
    steps: frozenset | None = None  # (flow, step) pairs where the button is valid; None = a menu action
    entry: bool = False             # with `steps`: also starts its flow from anywhere else (a menu action there)
    keeps_flow: bool = False        # a menu action that leaves the active flow alone (parked-flow buttons)


def _need(role) -> Need | None:
    return role if isinstance(role, Need) or role is None else Need(role)


def _steps(in_step) -> frozenset | None:
    """("deed", "confirm") | ("deed", ("confirm", "when")) | [pairs...] → {(flow, step), ...}."""
    if in_step is None:
        return None
    if isinstance(in_step, tuple) and len(in_step) == 2 and isinstance(in_step[0], str):
        flow, steps = in_step
        return frozenset((str(flow), str(s)) for s in ((steps,) if isinstance(steps, str) else steps))
    return frozenset(p for pair in in_step for p in _steps(pair))


class Router:
    def __init__(self):
        self._keywords: dict[str, Route] = {}
        self._prefixes: list[tuple[str, Route]] = []
        self._postbacks: dict[str, Route] = {}
        self._steps: dict[tuple[str, str], Step] = {}
        self._images: list[Handler] = []
        self._follow: list[Handler] = []
        self._unfollow: list[Handler] = []
        self._fallback: Handler | None = None
        self._kept_on_cancel: dict[str, Callable] = {}
        parking.register(self)

    # -- registration ----------------------------------------------------------------------------
    def text(self, keyword: str, fn: Handler, *aliases: str, role=None) -> None:
        """Exact keyword (after strip); a menu word: it works from any step (the flow is parked)."""
        for word in (keyword, *aliases):
            if word in self._keywords:
                raise ValueError(f"keyword registered twice: {word}")
            self._keywords[word] = Route(fn, _need(role))

    def text_prefix(self, prefix: str, fn: Handler, role=None) -> None:
        """Text starting with `prefix` outside a flow (inside one it is the step's input)."""
        self._prefixes.append((prefix, Route(fn, _need(role))))
        self._prefixes.sort(key=lambda p: -len(p[0]))  # longest prefix wins

    def postback(self, action: str, fn: Handler, *, role=None, in_step=None, entry: bool = False,
                 keeps_flow: bool = False) -> None:
        """A button. `in_step`: where it is valid (elsewhere: the stale-button answer); without it the button
        is a menu action. `entry`: valid in `in_step`, and elsewhere it starts its flow like a menu action."""
        if action in self._postbacks:
            raise ValueError(f"postback action registered twice: {action}")
        self._postbacks[action] = Route(fn, _need(role), _steps(in_step), entry, keeps_flow)

    def step(self, flow: str, step: str, fn: Handler, hint: str = "", *, prompt: Prompt | None = None,
             takes: Iterable[str] = (), role=None) -> None:
        """A step's input handler. `role`: who may still be in this step (a role removed meanwhile ends it)."""
        key = (str(flow), str(step))
        if key in self._steps:
            raise ValueError(f"step registered twice: {key}")
        self._steps[key] = Step(fn, hint, prompt, frozenset(takes), _need(role))

    def keeps_draft(self, flow: str, fn: Callable) -> None:
        """`flow` keeps its draft elsewhere (in the database) when cancelled: `fn(ctx)` (called before the flow
        ends) gives (what the draft is, the word that resumes it), so the cancel answer says it is kept and
        how to come back, or None when nothing is kept this time."""
        self._kept_on_cancel[str(flow)] = fn

    def image(self, fn: Handler) -> None:
        self._images.append(fn)

    def follow(self, fn: Handler) -> None:
        self._follow.append(fn)

    def unfollow(self, fn: Handler) -> None:
        self._unfollow.append(fn)

    def fallback(self, fn: Handler) -> None:
        """What answers text no route understood (default: the keyword list)."""
        self._fallback = fn

    # -- what is registered (contract tests, the help text) ----------------------------------------
    @property
    def postback_actions(self) -> set[str]:
        return set(self._postbacks)

    @property
    def keywords(self) -> set[str]:
        return set(self._keywords) | CANCEL_WORDS

    def steps_of(self, flow: str) -> set[str]:
        return {s for f, s in self._steps if f == flow}

    @property
    def flows(self) -> set[str]:
        return {f for f, _ in self._steps}

    def prompt(self, ctx: Ctx) -> list[dict]:
        """The active step's question (with its buttons), or nothing when the step has none."""
        step = self._steps.get((ctx.flow, ctx.step)) if ctx.flow else None
        return [step.prompt(ctx)] if step and step.prompt else []

    # -- dispatch --------------------------------------------------------------------------------
    def dispatch(self, ctx: Ctx) -> list[dict]:
        ctx.router = self
        etype = ctx.event.get("type")
        if (ctx.event.get("source") or {}).get("type") in ("group", "room"):
            return self._shared_chat(ctx, etype)
        if etype == "follow":
            return _run_all(self._follow, ctx)
        if etype == "unfollow":
            _run_all(self._unfollow, ctx)
            return []  # no reply token: nothing can be said
        if etype not in ("message", "postback"):
            return []  # stored in the inbox, deliberately not answered

        notes: list[dict] = []
        if ctx.flow and ctx.state.updated_at < ctx.now - timedelta(minutes=ctx.config.FLOW_IDLE_MINUTES):
            log.info("flow %s/%s expired for user %s", ctx.flow, ctx.step, ctx.user_ref)
            ctx.end()
            notes.append(th.flow_expired())
        ctx.expire_parked(timedelta(hours=parking.KEEP_HOURS))
        was_in_flow = bool(ctx.flow)
        out = self._route(ctx, etype)
        return notes + parking.offer(ctx, out, ended=was_in_flow and not ctx.flow)

    def _shared_chat(self, ctx: Ctx, etype: str) -> list[dict]:
        """The bot is for one-to-one chats: in a group or room no flow runs and nothing personal is shown;
        being added, a button, or one of our words gets the short note (other chatter gets nothing)."""
        text = ctx.text
        if etype in ("join", "postback") or (text is not None and (text in self._keywords
                                                                   or text.lower() in CANCEL_WORDS)):
            return [tc.one_to_one_only()]
        return []

    def _route(self, ctx: Ctx, etype: str) -> list[dict]:
        text = ctx.text
        if text is not None and text.lower() in CANCEL_WORDS:
            if ctx.flow:
                keeper = self._kept_on_cancel.get(ctx.flow)
                kept = keeper(ctx) if keeper else None
                ctx.end()
                return [th.cancelled(*kept) if kept else th.cancelled()]
            return [th.nothing_to_cancel()]

        if etype == "postback":
            return self._postback(ctx)

        step = self._steps.get((ctx.flow, ctx.step)) if ctx.flow else None
        keyword = self._keywords.get(text) if text is not None else None
        if keyword and not (step and text in step.takes):
            return self._menu_action(ctx, keyword, fallback=True)
        if ctx.flow:
            if step is not None:
                return self._run_step(ctx, step)
            log.warning("no step %s/%s registered; ending the flow", ctx.flow, ctx.step)
            ctx.end()

        if text is not None:
            for prefix, route in self._prefixes:
                if text.startswith(prefix):
                    out = self._guarded(ctx, route)
                    if out is not None:
                        return out
            return self._not_understood(ctx)
        if ctx.message_type == "image":
            for fn in self._images:
                out = fn(ctx)
                if out is not None:
                    return out
        return [th.not_readable()]  # outside any flow: no step to cancel

    def _postback(self, ctx: Ctx) -> list[dict]:
        route = self._postbacks.get(ctx.postback[0]) if ctx.postback else None
        if route is None:
            log.info("unknown postback from user %s: %s", ctx.user_ref, ctx.postback_error or ctx.postback[0])
            return self._stale(ctx)
        if route.steps is None or (route.entry and (ctx.flow, ctx.step) not in route.steps):
            return self._menu_action(ctx, route)
        if (ctx.flow, ctx.step) not in route.steps:
            return self._stale(ctx)
        out = self._guarded(ctx, route)
        return self._stale(ctx) if out is None else out  # [] = handled, nothing to say (a tab switch)

    def _menu_action(self, ctx: Ctx, route: Route, fallback: bool = False) -> list[dict]:
        """A menu word or button: what it does outside a flow; an unfinished flow is parked first."""
        denied = refusal(ctx, route.role)
        if denied:
            return denied  # a refused tap leaves the flow where it was
        if not route.keeps_flow:
            ctx.park()
            ctx.offer_parked = True  # parked now or earlier: a menu reply offers it back
        out = self._call(ctx, route.fn)
        if out is None:
            return self._not_understood(ctx) if fallback else self._stale(ctx)
        return out

    def _run_step(self, ctx: Ctx, step: Step) -> list[dict]:
        denied = refusal(ctx, step.role)
        if denied:
            log.info("user %s lost the role for %s/%s; the flow ends", ctx.user_ref, ctx.flow, ctx.step)
            ctx.end()
            return denied
        try:
            out = step.fn(ctx)
        except StaleButton:
            out = None
        if out is not None:
            return out
        return tc.reprompt(th.unexpected_input(step.hint), step.prompt(ctx) if step.prompt else None)

    def _guarded(self, ctx: Ctx, route: Route) -> list[dict] | None:
        return refusal(ctx, route.role) or self._call(ctx, route.fn)

    @staticmethod
    def _call(ctx: Ctx, fn: Handler) -> list[dict] | None:
        try:
            return fn(ctx)
        except StaleButton as exc:
            log.info("stale button from user %s: %s", ctx.user_ref, exc)
            return None

    def _stale(self, ctx: Ctx) -> list[dict]:
        """One answer for an old, used or forged button; in a flow, the step's question follows."""
        return tc.reprompt(th.bad_postback(), (self.prompt(ctx) or [None])[0])

    def _not_understood(self, ctx: Ctx) -> list[dict]:
        return (self._fallback(ctx) if self._fallback else None) or [th.help_text()]


def _run_all(fns: list[Handler], ctx: Ctx) -> list[dict]:
    out: list[dict] = []
    for fn in fns:
        out.extend(fn(ctx) or [])
    return out
