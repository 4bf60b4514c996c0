"""Flow: the pledge "ปัญหาที่อยากแก้ / ความดีที่อยากทำ" — staff view it and report personal progress; a
bureau's coordinator writes its items in handlers/pledge_write.py.

```mermaid
stateDiagram-v2
    [*] --> View: "พันธะของสำนัก" / pledge.view
    View --> ProgressText: pledge.progress i=item
    ProgressText --> ProgressPhoto: text
    ProgressPhoto --> [*]: image or "ข้าม" (one deed recorded)
```
"""
from __future__ import annotations

import messages_th.pledge as th
from bot.services import pledges as svc
from bot.conversation.auth import has_role, require
from bot.services.deeds import DeedError, record_deed
from bot.web.media import store_private
from messages_th.dates import fiscal_year_be, today_bkk
from messages_th.deeds import problem as deed_problem
from models.core import Bureau
from models.rounds import Pledge, PledgeItem

_item_dict = svc.item_dict


def bureau_param(ctx) -> int | None:
    """The postback's `b` (bureau id), else the actor's own bureau."""
    raw = (ctx.postback[1].get("b") if ctx.postback else None) or (ctx.user.bureau_id if ctx.user else None)
    return int(raw) if str(raw or "").isdigit() else None


def owner_label(ctx, bureau_id) -> str:
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
        return [th.no_pledge(owner_label(ctx, bureau_id), fy, can_edit)]
    # Edit buttons on the bureau's own items only (the organization's are the admins').
    return [th.pledge_view(owner_label(ctx, owner_id), fy, [_item_dict(i) for i in items],
                           can_edit=can_edit and owner_id is not None)]


def item_and_pledge(ctx, raw) -> tuple[PledgeItem | None, Pledge | None]:
    """The pledge item that `raw` (an id from a postback or a draft) names, and its pledge; (None, None)."""
    item = ctx.session.get(PledgeItem, int(raw)) if str(raw or "").isdigit() else None
    return item, (ctx.session.get(Pledge, item.pledge_id) if item else None)


def start_progress(ctx):
    """Staff pick an item of their bureau's (or the organization's) pledge. Next: progress text."""
    denied = require(ctx, "staff")
    if denied:
        return denied
    item, pledge = item_and_pledge(ctx, ctx.postback[1].get("i"))
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
    router.text(th.VIEW_WORD, view, *th.VIEW_ALIASES)
    router.postback("pledge.view", view)
    router.postback("pledge.progress", start_progress)
    router.step("progress", "text", on_progress_text, th.HINT_PROGRESS)
    router.step("progress", "photo", on_progress_photo, th.HINT_PHOTO)
