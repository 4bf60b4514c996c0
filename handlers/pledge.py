"""Flow: the pledge "ปัญหาที่อยากแก้ / ความดีที่อยากทำ" — staff view it and report personal progress; a
bureau's coordinator writes its items (until the FY's first round due date, unless an admin unlocked it).

```mermaid
stateDiagram-v2
    [*] --> View: "พันธะของสำนัก" / pledge.view
    View --> ProgressText: pledge.progress i=item
    ProgressText --> ProgressPhoto: text
    ProgressPhoto --> [*]: image or "ข้าม" (one deed recorded)
    [*] --> Problem: "เขียนพันธะ" / pledge.edit b=bureau (coordinator)
    Problem --> GoodDeed: text
    GoodDeed --> Virtue: text
    Virtue --> Indicator: pledge.virtue v=key
    Indicator --> Target: text
    Target --> Confirm: text or "ไม่มี"
    Confirm --> [*]: pledge.save
    note right of Problem: "ยกเลิก" leaves from any step
```
"""
from __future__ import annotations

import messages_th.pledge as th
from bot import pledges as svc
from bot.auth import has_role, require
from bot.deeds_service import DeedError, record_deed
from bot.media import store_private
from messages_th.dates import fiscal_year_be, today_bkk
from messages_th.deeds import problem as deed_problem
from messages_th.virtues import BY_KEY, VIRTUES
from models.core import Bureau
from models.rounds import Pledge, PledgeItem

FIELDS = svc.ITEM_FIELDS
_item_dict = svc.item_dict


def bureau_param(ctx) -> int | None:
    """The postback's `b` (bureau id), else the actor's own bureau."""
    raw = (ctx.postback[1].get("b") if ctx.postback else None) or (ctx.user.bureau_id if ctx.user else None)
    return int(raw) if str(raw or "").isdigit() else None


def _owner(ctx, bureau_id):
    bureau = ctx.session.get(Bureau, bureau_id) if bureau_id else None
    return th.owner_name(bureau.name if bureau else None)


def view(ctx):
    """Shows the bureau's pledge (or the organization's). Next: pledge.progress on an item."""
    denied = require(ctx, "staff")
    if denied:
        return denied
    fy, bureau_id = fiscal_year_be(ctx.now), ctx.user.bureau_id
    can_edit = bureau_id is not None and has_role(ctx.session, ctx.user, "coordinator", bureau_id)
    items = svc.items_for(ctx.session, fy, bureau_id) if bureau_id else []
    owner_id = bureau_id if items else None
    items = items or svc.items_for(ctx.session, fy, None)
    if not items:
        return [th.no_pledge(_owner(ctx, bureau_id), fy, can_edit)]
    return [th.pledge_view(_owner(ctx, owner_id), fy, [_item_dict(i) for i in items], can_edit=can_edit)]


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
    return [th.ask_problem(_owner(ctx, bureau_id), n)]


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
    item = svc.add_item(ctx.session, d["fy"], d.get("b"), **{f: d.get(f) for f in FIELDS})
    ctx.end()
    return [th.item_saved(item.position)]


def start_progress(ctx):
    """Staff pick an item of their bureau's (or the organization's) pledge. Next: progress text."""
    denied = require(ctx, "staff")
    if denied:
        return denied
    raw = ctx.postback[1].get("i", "")
    item = ctx.session.get(PledgeItem, int(raw)) if raw.isdigit() else None
    pledge = ctx.session.get(Pledge, item.pledge_id) if item else None
    if pledge is None or pledge.bureau_id not in (None, ctx.user.bureau_id):
        return None
    ctx.start("progress", "text", {"item": item.id})
    return [th.ask_progress(_item_dict(item))]


def on_progress_text(ctx):
    """Stores the short report. Next: photo (or "ข้าม")."""
    if not ctx.text:
        return None
    ctx.goto("photo", text=ctx.text[:1000])
    return [th.ask_progress_photo()]


def on_progress_photo(ctx):
    """Records ONE deed of the item's virtue (source "pledge"). Next: end."""
    photos = []
    if ctx.message_type == "image":
        try:
            data, ctype = ctx.fetch_content(ctx.message["id"])
        except Exception:  # noqa: BLE001 - gateway error or expired content: ask again
            return [th.photo_failed()]
        photos.append(store_private(ctx.config.MEDIA_DIR, data, "png" if "png" in (ctype or "") else "jpg"))
    elif ctx.text != th.SKIP_WORD:
        return None
    item, description = ctx.session.get(PledgeItem, ctx.draft["item"]), ctx.draft["text"]
    ctx.end()
    try:
        record_deed(ctx.session, ctx.user, item.virtue, description, today_bkk(ctx.now), source="pledge",
                    pledge_item_id=item.id, photos=photos, now=ctx.now)
    except DeedError as err:
        return [deed_problem(err.code, **err.info)]
    return [th.progress_saved(item.virtue, svc.progress_count(ctx.session, ctx.user.id, item.id))]


def register(router) -> None:
    router.text(th.VIEW_WORD, view, *th.VIEW_ALIASES, interrupts=True)
    router.postback("pledge.view", view)
    router.text(th.EDIT_WORD, start_edit, interrupts=True)
    router.postback("pledge.edit", start_edit)
    router.postback("pledge.virtue", on_virtue)
    router.postback("pledge.save", save)
    router.postback("pledge.progress", start_progress)
    router.step("pledge", "problem", on_problem, th.HINT_PROBLEM)
    router.step("pledge", "good_deed", on_good_deed, th.HINT_GOOD_DEED)
    router.step("pledge", "virtue", on_virtue_text, th.HINT_VIRTUE)
    router.step("pledge", "indicator", on_indicator, th.HINT_INDICATOR)
    router.step("pledge", "target", on_target, th.HINT_TARGET)
    router.step("pledge", "confirm", wait_for_button, th.HINT_CONFIRM)
    router.step("progress", "text", on_progress_text, th.HINT_PROGRESS)
    router.step("progress", "photo", on_progress_photo, th.HINT_PHOTO)
