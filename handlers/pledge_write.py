"""Flow: a bureau's coordinator writes, fixes and removes the pledge's items (until the FY's first round due
date, unless an admin unlocked it). The organization's pledge (no bureau) is the admins'.

```mermaid
stateDiagram-v2
    [*] --> problem: "เขียนความดีที่อยากทำ" (or an alias) / pledge.edit b=bureau (coordinator)
    [*] --> problem: pledge.fix i=item (the same steps, then replaces the item)
    problem --> good_deed: text
    good_deed --> virtue: text
    virtue --> indicator: pledge.virtue v=key, or the virtue's name typed
    indicator --> target: text
    target --> confirm: text or "ไม่มี"
    confirm --> [*]: pledge.save (adds, or updates the item being fixed)
    note right of problem: "ยกเลิก" leaves from any step; pledge.remove / pledge.remove_ok (refused once staff reported progress) are buttons outside the flow
```
"""
from __future__ import annotations

from enum import StrEnum

import messages_th.pledge as th
from bot.conversation.auth import coordinator_of
from bot.conversation.context import StaleButton
from bot.conversation.flow import bureau_param, own_bureau, text_step, virtue_from_text, wait_for_button
from bot.services import pledges as svc
from handlers.pledge import item_and_pledge, owner_label
from messages_th.dates import fiscal_year_be, today_bkk
from messages_th.virtues import BY_KEY

FLOW = "pledge"
FIELDS = svc.ITEM_FIELDS
_item_dict = svc.item_dict


class Step(StrEnum):
    PROBLEM = "problem"
    GOOD_DEED = "good_deed"
    VIRTUE = "virtue"
    INDICATOR = "indicator"
    TARGET = "target"
    CONFIRM = "confirm"


def _item_id(ctx) -> int | None:
    """The postback's `i`, else the draft's item (pledge.save of an item being fixed); a malformed `i` names
    nothing (role checks call this, so it never raises)."""
    try:
        return ctx.arg("i", int, default=None) or ctx.draft.get("item")
    except StaleButton:
        return None


def _item_bureau(ctx) -> int | None:
    """Whose item the postback's `i` (or the draft's item) is: its pledge's bureau (None: the organization's,
    admins only). A gone item names the actor's own bureau, so its coordinator hears that it is gone."""
    raw = _item_id(ctx)
    _, pledge = item_and_pledge(ctx, raw)
    return pledge.bureau_id if pledge is not None else own_bureau(ctx)


def _draft_bureau(ctx) -> int | None:
    return ctx.draft.get("b")


def _locked(ctx, fy, bureau_id) -> list[dict] | None:
    if svc.is_locked(ctx.session, fy, bureau_id, today_bkk(ctx.now)):
        return [th.locked(svc.lock_date(ctx.session, fy))]
    return None


def start_edit(ctx):
    """Coordinator of the bureau only (router), while the pledge is not locked. Next: problem."""
    bureau_id = bureau_param(ctx)
    fy = fiscal_year_be(ctx.now)
    locked = _locked(ctx, fy, bureau_id)
    if locked:
        return locked
    ctx.start(FLOW, Step.PROBLEM, {"b": bureau_id, "fy": fy})
    return [_ask_problem(ctx)]


def _editable_item(ctx):
    """(item, pledge, None) when the item is there and not locked; else (None, None, the answer). The role
    (coordinator of the item's bureau, else admin) is the router's check."""
    raw = _item_id(ctx)
    item, pledge = item_and_pledge(ctx, raw)
    if pledge is None:
        return None, None, [th.item_gone()]
    locked = _locked(ctx, pledge.fy, pledge.bureau_id)
    return (None, None, locked) if locked else (item, pledge, None)


def start_fix(ctx):
    """Rewrite one item through the same steps. Next: problem."""
    item, pledge, refusal = _editable_item(ctx)
    if refusal:
        return refusal
    ctx.start(FLOW, Step.PROBLEM, {"b": pledge.bureau_id, "fy": pledge.fy, "item": item.id})
    return [_ask_problem(ctx)]


def ask_remove(ctx):
    """Confirm before removing. Next: pledge.remove_ok."""
    item, _, refusal = _editable_item(ctx)
    return refusal or [th.ask_remove(_item_dict(item))]


def remove(ctx):
    """Remove an item no one has reported progress on; the later ones move up. Next: end."""
    item, _, refusal = _editable_item(ctx)
    if refusal:
        return refusal
    n = item.position
    used = svc.remove_item(ctx.session, item)
    return [th.cannot_remove(used) if used else th.item_removed(n)]


# ---- step prompts: the question again, with its buttons ------------------------------------------------

def _ask_problem(ctx) -> dict:
    d = ctx.draft
    if d.get("item"):
        item, _ = item_and_pledge(ctx, d["item"])
        if item is not None:
            return th.ask_problem_again(item.position, _item_dict(item))
    n = len(svc.items_for(ctx.session, d["fy"], d.get("b"))) + 1
    return th.ask_problem(owner_label(ctx, d.get("b")), n)


def _confirm_card(ctx) -> dict:
    return th.confirm_item({"position": 0, **{f: ctx.draft.get(f) for f in FIELDS}})


PROMPTS = {
    Step.PROBLEM: _ask_problem,
    Step.GOOD_DEED: lambda ctx: th.ask_good_deed(ctx.draft.get("problem") or ""),
    Step.VIRTUE: lambda ctx: th.ask_virtue(),
    Step.INDICATOR: lambda ctx: th.ask_indicator(ctx.draft.get("virtue")),
    Step.TARGET: lambda ctx: th.ask_target(),
    Step.CONFIRM: _confirm_card,
}


def _then(step):
    return lambda ctx: [PROMPTS[step](ctx)]


on_problem = text_step("problem", Step.GOOD_DEED, _then(Step.GOOD_DEED))
on_good_deed = text_step("good_deed", Step.VIRTUE, _then(Step.VIRTUE))
on_indicator = text_step("indicator", Step.TARGET, _then(Step.TARGET))


def _picked(ctx, key):
    ctx.goto(Step.INDICATOR, virtue=key)
    return [th.ask_indicator(key)]


def on_virtue(ctx):
    """Picked virtue (a button of the virtue step). Next: indicator."""
    key = ctx.arg("virtue")
    return _picked(ctx, key) if key in BY_KEY else None


def on_virtue_text(ctx):
    """A typed virtue name works like the button. Next: indicator."""
    key = virtue_from_text(ctx.text)
    return _picked(ctx, key) if key else None


def on_target(ctx):
    """Stores the target ("ไม่มี" = none). Next: confirm card."""
    if not ctx.text:
        return None
    ctx.goto(Step.CONFIRM, target=None if ctx.text == th.NONE_WORD else ctx.text[:200])
    return [_confirm_card(ctx)]


def save(ctx):
    """Adds the item after re-checking the lock (the role is the router's check). Next: end."""
    d = ctx.draft
    locked = _locked(ctx, d["fy"], d.get("b"))
    if locked:
        ctx.end()
        return locked
    if d.get("item"):
        item, _, refusal = _editable_item(ctx)
        ctx.end()
        if refusal:
            return refusal
        svc.update_item(ctx.session, item, **{f: d.get(f) for f in FIELDS})
        return [th.item_updated(item.position)]
    item = svc.add_item(ctx.session, d["fy"], d.get("b"), **{f: d.get(f) for f in FIELDS})
    ctx.end()
    return [th.item_saved(item.position)]


def register(router) -> None:
    of_param, of_item = coordinator_of(bureau_param), coordinator_of(_item_bureau)
    router.text(th.EDIT_WORD, start_edit, *th.EDIT_ALIASES, role=of_param)
    router.postback("pledge.edit", start_edit, role=of_param)
    router.postback("pledge.virtue", on_virtue, role=coordinator_of(_draft_bureau), in_step=(FLOW, Step.VIRTUE))
    router.postback("pledge.save", save, role=coordinator_of(_draft_bureau), in_step=(FLOW, Step.CONFIRM))
    router.postback("pledge.fix", start_fix, role=of_item)
    router.postback("pledge.remove", ask_remove, role=of_item)
    router.postback("pledge.remove_ok", remove, role=of_item)
    hints = {Step.PROBLEM: th.HINT_PROBLEM, Step.GOOD_DEED: th.HINT_GOOD_DEED, Step.VIRTUE: th.HINT_VIRTUE,
             Step.INDICATOR: th.HINT_INDICATOR, Step.TARGET: th.HINT_TARGET, Step.CONFIRM: th.HINT_CONFIRM}
    steps = {Step.PROBLEM: on_problem, Step.GOOD_DEED: on_good_deed, Step.VIRTUE: on_virtue_text,
             Step.INDICATOR: on_indicator, Step.TARGET: on_target, Step.CONFIRM: wait_for_button}
    for step, fn in steps.items():
        router.step(FLOW, step, fn, hints[step], prompt=PROMPTS[step], role=coordinator_of(_draft_bureau))
