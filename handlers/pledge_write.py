"""Flow: a bureau's coordinator writes, fixes and removes the pledge's items (until the FY's first round due
date, unless an admin unlocked it). The organization's pledge (no bureau) is the admins'.

```mermaid
stateDiagram-v2
    [*] --> Problem: "เขียนพันธะ" / pledge.edit b=bureau (coordinator)
    [*] --> Problem: pledge.fix i=item (the same steps, then replaces the item)
    Problem --> GoodDeed: text
    GoodDeed --> Virtue: text
    Virtue --> Indicator: pledge.virtue v=key
    Indicator --> Target: text
    Target --> Confirm: text or "ไม่มี"
    Confirm --> [*]: pledge.save (adds, or updates the item being fixed)
    [*] --> Remove: pledge.remove i=item
    Remove --> [*]: pledge.remove_ok (refused once staff reported progress on it)
    note right of Problem: "ยกเลิก" leaves from any step
```
"""
from __future__ import annotations

import messages_th.pledge as th
from bot.services import pledges as svc
from bot.conversation.auth import require
from handlers.pledge import bureau_param, item_and_pledge, owner_label
from messages_th.dates import fiscal_year_be, today_bkk
from messages_th.virtues import BY_KEY, VIRTUES

FIELDS = svc.ITEM_FIELDS
_item_dict = svc.item_dict


def start_edit(ctx):
    """Coordinator of the bureau only, while the pledge is not locked. Next: problem."""
    bureau_id = bureau_param(ctx)
    denied = require(ctx, "coordinator", bureau_id=bureau_id) if bureau_id else require(ctx, "admin")
    if denied:
        return denied
    fy, today = fiscal_year_be(ctx.now), today_bkk(ctx.now)
    if svc.is_locked(ctx.session, fy, bureau_id, today):
        return [th.locked(svc.lock_date(ctx.session, fy))]
    n = len(svc.items_for(ctx.session, fy, bureau_id)) + 1
    ctx.start("pledge", "problem", {"b": bureau_id, "fy": fy})
    return [th.ask_problem(owner_label(ctx, bureau_id), n)]


def _editable_item(ctx):
    """(item, pledge, None) when the actor may change this item now; else (None, None, the refusal)."""
    item, pledge = item_and_pledge(ctx, (ctx.postback[1].get("i") if ctx.postback else None) or ctx.draft.get("item"))
    if pledge is None:
        return None, None, require(ctx, "staff") or [th.item_gone()]
    denied = (require(ctx, "coordinator", bureau_id=pledge.bureau_id) if pledge.bureau_id
              else require(ctx, "admin"))
    if denied:
        return None, None, denied
    if svc.is_locked(ctx.session, pledge.fy, pledge.bureau_id, today_bkk(ctx.now)):
        return None, None, [th.locked(svc.lock_date(ctx.session, pledge.fy))]
    return item, pledge, None


def start_fix(ctx):
    """Rewrite one item through the same steps. Next: problem."""
    item, pledge, refusal = _editable_item(ctx)
    if refusal:
        return refusal
    ctx.start("pledge", "problem", {"b": pledge.bureau_id, "fy": pledge.fy, "item": item.id})
    return [th.ask_problem_again(item.position, _item_dict(item))]


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


def _text_step(field, next_step, prompt):
    def step(ctx):
        if not ctx.text:
            return None
        ctx.goto(next_step, **{field: ctx.text[:1000]})
        return [prompt(ctx)]
    step.__doc__ = f"Stores {field}. Next: {next_step}."
    return step


on_problem = _text_step("problem", "good_deed", lambda ctx: th.ask_good_deed(ctx.text))
on_good_deed = _text_step("good_deed", "virtue", lambda ctx: th.ask_virtue())
on_indicator = _text_step("indicator", "target", lambda ctx: th.ask_target())


def on_virtue(ctx):
    """Picked virtue (postback while in the flow). Next: indicator."""
    key = ctx.postback[1].get("virtue")
    if (ctx.flow, ctx.step) != ("pledge", "virtue") or key not in BY_KEY:
        return None
    ctx.goto("indicator", virtue=key)
    return [th.ask_indicator(key)]


def on_virtue_text(ctx):
    """A typed virtue name works like the button. Next: indicator."""
    key = next((v.key for v in VIRTUES if ctx.text and ctx.text in (v.name, v.label)), None)
    if key is None:
        return None
    ctx.goto("indicator", virtue=key)
    return [th.ask_indicator(key)]


def wait_for_button(ctx):
    """Typed text at the confirm card is not understood. Next: pledge.save."""
    return None


def on_target(ctx):
    """Stores the target ("ไม่มี" = none). Next: confirm card."""
    if not ctx.text:
        return None
    ctx.goto("confirm", target=None if ctx.text == th.NONE_WORD else ctx.text[:200])
    return [th.confirm_item({"position": 0, **{f: ctx.draft.get(f) for f in FIELDS}})]


def save(ctx):
    """Adds the item after re-checking role and lock. Next: end."""
    if (ctx.flow, ctx.step) != ("pledge", "confirm"):
        return None
    d = ctx.draft
    denied = require(ctx, "coordinator", bureau_id=d["b"]) if d.get("b") else require(ctx, "admin")
    if denied:
        ctx.end()
        return denied
    if svc.is_locked(ctx.session, d["fy"], d.get("b"), today_bkk(ctx.now)):
        ctx.end()
        return [th.locked(svc.lock_date(ctx.session, d["fy"]))]
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
    router.text(th.EDIT_WORD, start_edit)
    router.postback("pledge.edit", start_edit)
    router.postback("pledge.virtue", on_virtue)
    router.postback("pledge.save", save)
    router.postback("pledge.fix", start_fix)
    router.postback("pledge.remove", ask_remove)
    router.postback("pledge.remove_ok", remove)
    router.step("pledge", "problem", on_problem, th.HINT_PROBLEM)
    router.step("pledge", "good_deed", on_good_deed, th.HINT_GOOD_DEED)
    router.step("pledge", "virtue", on_virtue_text, th.HINT_VIRTUE)
    router.step("pledge", "indicator", on_indicator, th.HINT_INDICATOR)
    router.step("pledge", "target", on_target, th.HINT_TARGET)
    router.step("pledge", "confirm", wait_for_button, th.HINT_CONFIRM)
