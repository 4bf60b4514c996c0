"""Flow: record a good deed (td.RECORD_WORD). The draft lives in ConversationState, so it survives restarts.
Photos, the volunteer numbers and the card's buttons are in handlers/record_finish.py.

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
from bot.services import deeds as svc
from bot.conversation.auth import require
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


def in_flow(ctx) -> bool:
    return ctx.flow == FLOW


def advance(ctx, after: str):
    """Move past `after`; a field edited from the card goes straight back to the card."""
    d = ctx.draft
    if d.get("back") or after == "hours" or (after == "photos" and d["virtue"] != "volunteer"):
        return confirm_card(ctx)
    nxt = {"virtue": "describe" if not d.get("description") else "when", "describe": "when", "when": "photos",
           "photos": "beneficiaries", "beneficiaries": "hours"}[after]
    ctx.goto(nxt)
    return [prompt_for(ctx, nxt)]


def prompt_for(ctx, step: str) -> dict:
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
    if not in_flow(ctx):
        refused = _open(ctx, "virtue", {})
        if refused:
            return refused
    ctx.update_draft(virtue=key)
    return advance(ctx, "virtue")


def on_virtue_text(ctx):
    """Typed virtue name; next: describe or when."""
    for v in VIRTUES:
        if ctx.text in (v.name, v.label):
            ctx.update_draft(virtue=v.key)
            return advance(ctx, "virtue")
    return None


def on_describe(ctx):
    """Deed text (1..1,000 characters); next: when."""
    if ctx.text is None:
        return None
    try:
        ctx.update_draft(description=svc.check_description(ctx.text))
    except svc.DeedError as err:
        return [th.too_long(err.info["limit"], err.info["length"])] if err.code == "too_long" else None
    return advance(ctx, "describe")


def _set_date(ctx, day: date):
    try:
        svc.check_date(day, ctx.now)
    except svc.DeedError as err:
        bad = td.date_in_future(err.info["today"]) if err.code == "future" else td.date_before_fy(**err.info)
        return [bad, _ask_when(ctx)]
    ctx.update_draft(deed_date=day.isoformat())
    return advance(ctx, "when")


def choose_when(ctx):
    """Today / yesterday / picked date; next: photos."""
    if not (in_flow(ctx) and ctx.step == "when"):
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


def confirm_card(ctx):
    """Show the card; next: confirm, fix a field or cancel."""
    ctx.goto("confirm", back=False)
    return [td.confirm_card(td.draft_view(ctx.draft), ctx.draft["nonce"], editing=bool(ctx.draft.get("deed_id")))]


def register(router) -> None:
    router.text(td.RECORD_WORD, start_deed)
    router.text_prefix(td.SHORTCUT, deed_shortcut)
    router.postback("deed.start", start_deed)
    router.postback("deed.virtue", choose_virtue)
    router.postback("deed.when", choose_when)
    for step, fn in (("virtue", on_virtue_text), ("describe", on_describe), ("when", on_when_text),
                     ("confirm", lambda ctx: None)):
        router.step(FLOW, step, fn, hint=td.HINTS[step])
