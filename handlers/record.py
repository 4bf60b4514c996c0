"""Flow: record a good deed (td.RECORD_WORD). The draft lives in ConversationState, so it survives restarts.

```mermaid
stateDiagram-v2
    [*] --> virtue: deed.start / RECORD_WORD
    [*] --> when: SHORTCUT + text (virtue guessed)
    [*] --> virtue: SHORTCUT + text (no guess)
    virtue --> describe
    virtue --> when: description known
    describe --> when
    when --> photos: today / yesterday / picker (FY start..today)
    photos --> photos: image (≤3)
    photos --> beneficiaries: skip/done, volunteer
    photos --> confirm: skip/done
    beneficiaries --> hours
    hours --> confirm
    confirm --> virtue: edit field (then back to confirm)
    confirm --> [*]: confirm (record / edit) or cancel
```
"""
from __future__ import annotations

import secrets
from datetime import date, timedelta

import messages_th.common as th
import messages_th.deeds as td
from bot import deeds_service as svc, deeds_stats as stats
from bot.auth import require
from bot.gateway import GatewayError
from messages_th.dates import fiscal_year_be, fiscal_year_bounds, today_bkk
from messages_th.virtues import VIRTUES, suggest_virtue

FLOW = "deed"
STEP_OF_FIELD = {"virtue": "virtue", "description": "describe", "deed_date": "when", "photos": "photos",
                 "beneficiaries": "beneficiaries", "hours": "hours"}


def _open(ctx, step: str, draft: dict):
    """Auth and the daily limit before any typing; None when the flow was started."""
    refusal = require(ctx)
    if refusal:
        return refusal
    try:
        svc.check_daily_limit(ctx.session, ctx.user, ctx.now)
    except svc.DeedError as err:
        return [td.problem(err.code, **err.info)]
    ctx.start(FLOW, step, {"nonce": secrets.token_hex(4), "photos": [], **draft})
    return None


def start_deed(ctx):
    """Start a deed; next: choose a virtue."""
    return _open(ctx, "virtue", {}) or [td.ask_virtue()]


def deed_shortcut(ctx):
    """Shortcut "<prefix><description>" in one message; next: when (virtue guessed) or virtue."""
    rest = ctx.text[len(td.SHORTCUT):].strip(" :：-–")
    if not rest:
        return start_deed(ctx)
    if len(rest) > svc.MAX_DESCRIPTION:
        return require(ctx) or [th.too_long(svc.MAX_DESCRIPTION, len(rest))]
    guess = suggest_virtue(rest)
    if guess:
        return _open(ctx, "when", {"description": rest, "virtue": guess, "suggested": True}) or [_ask_when(ctx, True)]
    return _open(ctx, "virtue", {"description": rest}) or [td.ask_virtue(described=True)]


def _ask_when(ctx, suggested: bool = False) -> dict:
    today = today_bkk(ctx.now)
    return td.ask_when(ctx.draft["virtue"], today, fiscal_year_bounds(fiscal_year_be(today))[0], suggested)


def _in_flow(ctx) -> bool:
    return ctx.flow == FLOW


def _next(ctx, after: str):
    """Move past `after`; a field edited from the card goes straight back to the card."""
    d = ctx.draft
    if d.get("back") or after == "hours" or (after == "photos" and d["virtue"] != "volunteer"):
        return confirm_card(ctx)
    nxt = {"virtue": "describe" if not d.get("description") else "when", "describe": "when", "when": "photos",
           "photos": "beneficiaries", "beneficiaries": "hours"}[after]
    ctx.goto(nxt)
    return [_prompt(ctx, nxt)]


def _prompt(ctx, step: str) -> dict:
    """The question a step asks."""
    if step == "virtue":
        return td.ask_virtue()
    if step == "describe":
        return td.ask_description(ctx.draft["virtue"], svc.MAX_DESCRIPTION)
    if step == "when":
        return _ask_when(ctx)
    if step == "photos":
        return td.ask_photos(svc.MAX_PHOTOS)
    return td.ask_beneficiaries() if step == "beneficiaries" else td.ask_hours()


def choose_virtue(ctx):
    """A virtue was tapped (also starts a deed outside the flow); next: describe or when."""
    key = (ctx.postback[1] if ctx.postback else {}).get("k")
    if key not in svc.VIRTUES:
        return None
    if not _in_flow(ctx):
        refused = _open(ctx, "virtue", {})
        if refused:
            return refused
    ctx.update_draft(virtue=key)
    return _next(ctx, "virtue")


def on_virtue_text(ctx):
    """Typed virtue name; next: describe or when."""
    for v in VIRTUES:
        if ctx.text in (v.name, v.label):
            ctx.update_draft(virtue=v.key)
            return _next(ctx, "virtue")
    return None


def on_describe(ctx):
    """Deed text (1..1,000 characters); next: when."""
    if ctx.text is None:
        return None
    try:
        ctx.update_draft(description=svc.check_description(ctx.text))
    except svc.DeedError as err:
        return [th.too_long(err.info["limit"], err.info["length"])] if err.code == "too_long" else None
    return _next(ctx, "describe")


def _set_date(ctx, day: date):
    try:
        svc.check_date(day, ctx.now)
    except svc.DeedError as err:
        bad = td.date_in_future(err.info["today"]) if err.code == "future" else td.date_before_fy(**err.info)
        return [bad, _ask_when(ctx)]
    ctx.update_draft(deed_date=day.isoformat())
    return _next(ctx, "when")


def choose_when(ctx):
    """Today / yesterday / picked date; next: photos."""
    if not (_in_flow(ctx) and ctx.step == "when"):
        return [td.problem("stale")]
    today, which = today_bkk(ctx.now), ctx.postback[1].get("d")
    if which == "pick":
        try:
            return _set_date(ctx, date.fromisoformat(ctx.postback_params.get("date", "")))
        except ValueError:
            return [_ask_when(ctx)]
    return _set_date(ctx, today - timedelta(days=1) if which == "yesterday" else today)


def on_when_text(ctx):
    """Typed today / yesterday word; next: photos."""
    today = today_bkk(ctx.now)
    if ctx.text in td.TODAY_WORDS:
        return _set_date(ctx, today)
    if ctx.text in td.YESTERDAY_WORDS:
        return _set_date(ctx, today - timedelta(days=1))
    return None


def on_photo(ctx):
    """Image (fetched now, checked, kept) or skip/done; next: more photos, volunteer details or confirm."""
    if ctx.text in td.SKIP_WORDS + td.DONE_WORDS:
        return _next(ctx, "photos")
    if ctx.message_type != "image":
        return None
    try:
        data, _ctype = ctx.fetch_content(ctx.message.get("id", ""))
        photo = svc.accept_photo(ctx.config.MEDIA_DIR, data)
    except GatewayError:
        return [td.photo_problem("fetch")]
    except svc.DeedError as err:
        return [td.photo_problem(err.code, svc.MAX_PHOTO_BYTES // (1024 * 1024))]
    photos = ctx.draft.get("photos", []) + [photo]
    ctx.update_draft(photos=photos)
    if len(photos) >= svc.MAX_PHOTOS:
        return [td.photo_saved(len(photos), svc.MAX_PHOTOS)] + _next(ctx, "photos")
    return [td.photo_saved(len(photos), svc.MAX_PHOTOS)]


def _number(ctx, field: str, cast, low, high):
    if ctx.text is None:
        return None
    if ctx.text in td.SKIP_WORDS:
        ctx.update_draft(**{field: None})
        return _next(ctx, field)
    try:
        value = cast(ctx.text.replace(",", ""))
        if not low <= value <= high:
            raise ValueError
    except ValueError:
        return [td.bad_number(field, low, high)]
    ctx.update_draft(**{field: value})
    return _next(ctx, field)


def on_beneficiaries(ctx):
    """Number of people helped or skip; next: hours."""
    return _number(ctx, "beneficiaries", int, 1, 100_000)


def on_hours(ctx):
    """Volunteer hours or skip; next: confirm."""
    return _number(ctx, "hours", float, 0.5, 24)


def confirm_card(ctx):
    """Show the card; next: confirm, fix a field or cancel."""
    ctx.goto("confirm", back=False)
    return [td.confirm_card(td.draft_view(ctx.draft), ctx.draft["nonce"], editing=bool(ctx.draft.get("deed_id")))]


def fix(ctx):
    """Which field to change; next: that field's step."""
    if not (_in_flow(ctx) and ctx.step == "confirm"):
        return [td.problem("stale")]
    return [td.fix_menu(ctx.draft.get("virtue") == "volunteer")]


def choose_field(ctx):
    """Go back to one field; next: its step, then the card again."""
    field = ctx.postback[1].get("f")
    if not _in_flow(ctx) or field not in STEP_OF_FIELD or ctx.step not in ("confirm", "when"):
        return [td.problem("stale")]
    back = ctx.step == "confirm"
    ctx.goto(STEP_OF_FIELD[field], back=back, **({"photos": []} if field == "photos" else {}))
    return [_prompt(ctx, STEP_OF_FIELD[field])]


def confirm(ctx):
    """Store the deed (or the edit) once; next: done."""
    d = ctx.draft
    if not (_in_flow(ctx) and ctx.step == "confirm" and ctx.postback[1].get("n") == d.get("nonce")):
        return [td.problem("stale")]
    refusal = require(ctx)
    if refusal:
        return refusal
    v = td.draft_view(d)
    fields = dict(virtue=v["virtue"], description=v["description"], deed_date=v["deed_date"],
                  photos=d.get("photos") or [], beneficiaries=v["beneficiaries"], hours=v["hours"])
    try:
        if d.get("deed_id"):
            deed = svc.own_deed(ctx.session, ctx.user, d["deed_id"], ctx.now)
            changed = svc.edit_deed(ctx.session, deed, ctx.user, fields, now=ctx.now)
            ctx.end()
            return [td.edited(changed)]
        svc.record_deed(ctx.session, ctx.user, now=ctx.now, **fields)
    except svc.DeedError as err:
        ctx.end()
        return [td.problem(err.code, **err.info)]
    ctx.end()
    return [td.saved(v, stats.fy_count(ctx.session, ctx.user, ctx.now))]


def register(router) -> None:
    router.text(td.RECORD_WORD, start_deed)
    router.text_prefix(td.SHORTCUT, deed_shortcut)
    router.postback("deed.start", start_deed)
    router.postback("deed.virtue", choose_virtue)
    router.postback("deed.when", choose_when)
    router.postback("deed.fix", fix)
    router.postback("deed.field", choose_field)
    router.postback("deed.confirm", confirm)
    for step, fn in (("virtue", on_virtue_text), ("describe", on_describe), ("when", on_when_text),
                     ("photos", on_photo), ("beneficiaries", on_beneficiaries), ("hours", on_hours),
                     ("confirm", lambda ctx: None)):
        router.step(FLOW, step, fn, hint=td.HINTS[step])
