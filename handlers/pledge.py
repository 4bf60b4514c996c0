"""Flow: the pledge "ปัญหาที่อยากแก้ / ความดีที่อยากทำ" — staff view it and report personal progress; a
bureau's coordinator writes its items in handlers/pledge_write.py.

```mermaid
stateDiagram-v2
    [*] --> text: pledge.progress i=item (from the view, "ความดีที่อยากทำ" / pledge.view)
    text --> photo: text
    photo --> photo: not a JPEG/PNG, or too big (refused, asked again)
    photo --> [*]: image or "ข้าม" (one deed recorded)
```
"""
from __future__ import annotations

from enum import StrEnum

import messages_th.pledge as th
from bot.conversation.auth import has_role
from bot.services import files
from bot.services import pledges as svc
from bot.services.deeds import DeedError, record_deed
from messages_th.dates import fiscal_year_be, today_bkk
from messages_th.deeds import problem as deed_problem
from models.enums import Role

FLOW = "progress"
_item_dict = svc.item_dict


class Step(StrEnum):
    TEXT = "text"
    PHOTO = "photo"


def owner_label(ctx, bureau_id) -> str:
    return th.owner_name(svc.bureau_name(ctx.session, bureau_id))


def item_and_pledge(ctx, raw=None):
    """The pledge item the postback's `i` (or `raw`, e.g. a draft's id) names, and its pledge; (None, None)."""
    if raw is None:
        raw = ctx.arg("i", int, default=None) if ctx.postback else None
    return svc.item_with_pledge(ctx.session, int(raw) if str(raw or "").isdigit() else None)


def view(ctx):
    """Shows the bureau's pledge (or the organization's). Next: pledge.progress on an item."""
    fy, bureau_id = fiscal_year_be(ctx.now), ctx.user.bureau_id
    can_edit = bureau_id is not None and has_role(ctx.session, ctx.user, Role.COORDINATOR, bureau_id)
    items = svc.items_for(ctx.session, fy, bureau_id) if bureau_id else []
    owner_id = bureau_id if items else None
    items = items or svc.items_for(ctx.session, fy, None)
    if not items:
        return [th.no_pledge(owner_label(ctx, bureau_id), fy, can_edit)]
    # A page from `o` ("ดูข้อถัดไป"); an offset past the end (items removed meanwhile) shows the first page.
    offset = ctx.arg("o", int, default=0) if ctx.postback else 0
    offset = offset if 0 <= offset < len(items) else 0
    # Edit buttons on the bureau's own items only (the organization's are the admins').
    return [th.pledge_view(owner_label(ctx, owner_id), fy, [_item_dict(i) for i in items],
                           can_edit=can_edit and owner_id is not None, offset=offset)]


def read_item(ctx):
    """pledge.item i: the whole item (the view's card clips long fields). Leaves any flow where it is."""
    item, pledge = item_and_pledge(ctx)
    if pledge is None:
        return [th.item_gone()]
    if pledge.bureau_id not in (None, ctx.user.bureau_id):
        return [th.not_your_item()]
    return th.item_full(owner_label(ctx, pledge.bureau_id), _item_dict(item))


def start_progress(ctx):
    """Staff pick an item of their bureau's (or the organization's) pledge. Next: progress text."""
    item, pledge = item_and_pledge(ctx)
    if pledge is None:
        return [th.item_gone()]
    if pledge.bureau_id not in (None, ctx.user.bureau_id):
        return [th.not_your_item()]
    ctx.start(FLOW, Step.TEXT, {"item": item.id})
    return [th.ask_progress(_item_dict(item))]


def _ask_progress(ctx) -> dict:
    item, _ = item_and_pledge(ctx, ctx.draft.get("item"))
    return th.ask_progress(_item_dict(item)) if item else th.item_gone()


def on_progress_text(ctx):
    """Stores the short report. Next: photo (or "ข้าม")."""
    if not ctx.text:
        return None
    ctx.goto(Step.PHOTO, text=ctx.text[:1000])
    return [th.ask_progress_photo()]


def on_progress_photo(ctx):
    """Records ONE deed of the item's virtue (source "pledge"); a photo that is not a JPEG/PNG (or too big)
    is refused and the step stays. Next: end."""
    photos = []
    if ctx.message_type == "image":
        try:
            data, _ = ctx.fetch_content(ctx.message["id"])
        except Exception:  # noqa: BLE001 - gateway error or expired content: ask again
            return [th.photo_failed()]
        try:
            photos.append(files.accept_photo(ctx.config.MEDIA_DIR, data))
        except files.PhotoError as err:
            return [th.photo_problem(err.code, files.MAX_PHOTO_BYTES // (1024 * 1024))]
    elif ctx.text != th.SKIP_WORD:
        return None
    item, _ = item_and_pledge(ctx, ctx.draft.get("item"))
    description = ctx.draft["text"]
    ctx.end()
    if item is None:
        return [th.item_gone()]
    try:
        record_deed(ctx.session, ctx.user, item.virtue, description, today_bkk(ctx.now), source="pledge",
                    pledge_item_id=item.id, photos=photos, now=ctx.now)
    except DeedError as err:
        return [deed_problem(err.code, **err.info)]
    return [th.progress_saved(item.virtue, svc.progress_count(ctx.session, ctx.user.id, item.id))]


def register(router) -> None:
    router.text(th.VIEW_WORD, view, *th.VIEW_ALIASES, role=Role.STAFF)
    router.postback("pledge.view", view, role=Role.STAFF)
    router.postback("pledge.progress", start_progress, role=Role.STAFF)
    router.postback("pledge.item", read_item, role=Role.STAFF, keeps_flow=True)
    router.step(FLOW, Step.TEXT, on_progress_text, th.HINT_PROGRESS, prompt=_ask_progress)
    router.step(FLOW, Step.PHOTO, on_progress_photo, th.HINT_PHOTO, prompt=lambda ctx: th.ask_progress_photo())

