"""Flow: record a good deed (td.RECORD_WORD). The draft lives in ConversationState, so it survives restarts.
Photos, the volunteer numbers and the card's buttons are in handlers/record_finish.py.

```mermaid
stateDiagram-v2
    [*] --> virtue: deed.start / RECORD_WORD / deed.virtue
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
    confirm --> virtue: deed.field (then back to confirm)
    confirm --> [*]: deed.confirm (record / edit) or cancel
```
A menu word or tile in any step parks the draft (bot/conversation/parking.py); "ทำรายการค้างต่อ" resumes it.
"""
from __future__ import annotations

import secrets
from datetime import date, timedelta
from enum import StrEnum

import messages_th.common as th
import messages_th.deeds as td
from bot.services import deeds as svc
from bot.conversation.context import StaleButton
from bot.conversation.flow import virtue_from_text, wait_for_button
from messages_th.dates import today_bkk
from messages_th.virtues import suggest_virtue
from models.enums import Role

FLOW = "deed"


class Step(StrEnum):
    VIRTUE = "virtue"
    DESCRIBE = "describe"
    WHEN = "when"
    PHOTOS = "photos"
    BENEFICIARIES = "beneficiaries"
    HOURS = "hours"
    CONFIRM = "confirm"


STEP_OF_FIELD = {"virtue": Step.VIRTUE, "description": Step.DESCRIBE, "deed_date": Step.WHEN,
                 "photos": Step.PHOTOS, "beneficiaries": Step.BENEFICIARIES, "hours": Step.HOURS}


def _open(ctx, step: str, draft: dict):
    """The daily limit before any typing (the route checked the role); None when the flow was started."""
    try:
        svc.check_daily_limit(ctx.session, ctx.user, ctx.now)
    except svc.DeedError as err:
        return [td.problem(err.code, **err.info)]
    ctx.start(FLOW, step, {"nonce": secrets.token_hex(4), "photos": [], **draft})
    return None


def start_deed(ctx):
    """Start a deed; next: choose a virtue."""
    return _open(ctx, Step.VIRTUE, {}) or [td.ask_virtue()]


def deed_shortcut(ctx):
    """Shortcut "<prefix><description>" in one message; next: when (virtue guessed) or virtue."""
    rest = ctx.text[len(td.SHORTCUT):].strip(" :：-–")
    if not rest:
        return start_deed(ctx)
    if len(rest) > svc.MAX_DESCRIPTION:
        return [th.too_long(svc.MAX_DESCRIPTION, len(rest))]
    if svc.letters_in(rest) < svc.MIN_DESCRIPTION_LETTERS:
        return start_deed(ctx)  # "บันทึกความดี 👍": no description yet, the usual steps ask for one
    guess = suggest_virtue(rest)
    if guess:
        return _open(ctx, Step.WHEN, {"description": rest, "virtue": guess, "suggested": True}) or [_ask_when(ctx, True)]
    return _open(ctx, Step.VIRTUE, {"description": rest}) or [td.ask_virtue(described=True)]


def _ask_when(ctx, suggested: bool = False) -> dict:
    today = today_bkk(ctx.now)
    return td.ask_when(ctx.draft["virtue"], today, svc.earliest_date(ctx.now), suggested)


def in_flow(ctx) -> bool:
    return ctx.flow == FLOW


def advance(ctx, after: str):
    """Move past `after`; a field edited from the card goes straight back to the card."""
    d = ctx.draft
    if d.get("back") or after == Step.HOURS or (after == Step.PHOTOS and d["virtue"] != "volunteer"):
        return confirm_card(ctx)
    nxt = {Step.VIRTUE: Step.WHEN if d.get("description") else Step.DESCRIBE, Step.DESCRIBE: Step.WHEN,
           Step.WHEN: Step.PHOTOS, Step.PHOTOS: Step.BENEFICIARIES, Step.BENEFICIARIES: Step.HOURS}[Step(after)]
    ctx.goto(nxt)
    return [prompt_for(ctx, nxt)]


def prompt_for(ctx, step: str) -> dict:
    """The question a step asks (with its buttons); the router also sends it after a hint."""
    asks = {Step.VIRTUE: td.ask_virtue,
            Step.DESCRIBE: lambda: td.ask_description(ctx.draft["virtue"], svc.MAX_DESCRIPTION),
            Step.WHEN: lambda: _ask_when(ctx), Step.PHOTOS: lambda: td.ask_photos(svc.MAX_PHOTOS),
            Step.BENEFICIARIES: td.ask_beneficiaries, Step.HOURS: td.ask_hours,
            Step.CONFIRM: lambda: _card(ctx)}
    return asks[Step(step)]()


def _card(ctx) -> dict:
    return td.confirm_card(td.draft_view(ctx.draft), ctx.draft["nonce"], editing=bool(ctx.draft.get("deed_id")))


def prompt(step: Step):
    return lambda ctx: prompt_for(ctx, step)


def choose_virtue(ctx):
    """A virtue was tapped (also starts a deed outside the flow); next: describe or when."""
    key = ctx.arg("k")
    if key not in svc.VIRTUES:
        raise StaleButton("unknown virtue")
    if not in_flow(ctx):
        refused = _open(ctx, Step.VIRTUE, {})
        if refused:
            return refused
    ctx.update_draft(virtue=key)
    return advance(ctx, Step.VIRTUE)


def on_virtue_text(ctx):
    """Typed virtue name; next: describe or when."""
    key = virtue_from_text(ctx.text)
    if key is None:
        return None
    ctx.update_draft(virtue=key)
    return advance(ctx, Step.VIRTUE)


def on_describe(ctx):
    """Deed text (1..1,000 characters); next: when."""
    if ctx.text is None:
        return None
    try:
        ctx.update_draft(description=svc.check_description(ctx.text))
    except svc.DeedError as err:
        if err.code == "too_long":
            return [th.too_long(err.info["limit"], err.info["length"])]
        if err.code == "too_short":  # an emoji or a word or two: asked again politely, with an example
            return [td.description_too_short(), td.ask_description(ctx.draft["virtue"], svc.MAX_DESCRIPTION)]
        return None
    return advance(ctx, Step.DESCRIBE)


def _set_date(ctx, day: date):
    try:
        svc.check_date(day, ctx.now)
    except svc.DeedError as err:
        bad = td.date_in_future(err.info["today"]) if err.code == "future" else td.date_before_fy(**err.info)
        return [bad, _ask_when(ctx)]
    ctx.update_draft(deed_date=day.isoformat())
    return advance(ctx, Step.WHEN)


def choose_when(ctx):
    """Today / yesterday / picked date; next: photos."""
    today, which = today_bkk(ctx.now), ctx.arg("d")
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
    ctx.goto(Step.CONFIRM, back=False)
    return [_card(ctx)]


def register(router) -> None:
    router.text(td.RECORD_WORD, start_deed, role=Role.STAFF)
    router.text_prefix(td.SHORTCUT, deed_shortcut, role=Role.STAFF)
    router.postback("deed.start", start_deed, role=Role.STAFF)
    router.postback("deed.virtue", choose_virtue, role=Role.STAFF, in_step=(FLOW, Step.VIRTUE), entry=True)
    router.postback("deed.when", choose_when, in_step=(FLOW, Step.WHEN))
    for step, fn in ((Step.VIRTUE, on_virtue_text), (Step.DESCRIBE, on_describe), (Step.WHEN, on_when_text),
                     (Step.CONFIRM, wait_for_button)):
        router.step(FLOW, step, fn, hint=td.HINTS[step], prompt=prompt(step))
