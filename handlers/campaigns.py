"""Flow: campaigns — committee members create one in chat; staff answer, and check in after the event.

```mermaid
stateDiagram-v2
    [*] --> title: KW_CREATE keyword (committee only)
    title --> description: text
    description --> virtue: text ("-" for none)
    virtue --> when: campaign.virtue k= (or a virtue's name typed): the deed each check-in records
    when --> when: past, past next fiscal year or unreadable (the reason, asked again with the picker)
    when --> place: campaign.when date/time picker, or typed in พ.ศ. (shown back in พ.ศ.)
    place --> target: text (place or link)
    target --> confirm: KW_ALL
    target --> bureaus: KW_SOME
    bureaus --> bureaus: campaign.bureau id= (toggle a bureau's button), unknown code, "เสร็จ" with none picked
    bureaus --> confirm: KW_DONE (the picked bureaus), KW_ALL, or typed bureau codes
    confirm --> [*]: campaign.confirm (the worker's campaign job enqueues the invite)
    note right of title: the cancel word leaves from any step
```
Outside the flow: campaign.answer id= ans= (join / decline on the invite), campaign.checkin id= (after the
event), KW_LIST and KW_RESULTS.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import messages_th.campaigns as th
from bot.conversation.flow import text_step, virtue_from_text, wait_for_button
from bot.services import campaigns as svc
from bot.services import thai_dates as dates
from messages_th.dates import BKK
from messages_th.virtues import KEYS as VIRTUE_KEYS
from models.enums import Role

FLOW = "campaign"


class Step(StrEnum):
    TITLE = "title"
    DESCRIPTION = "description"
    VIRTUE = "virtue"
    WHEN = "when"
    PLACE = "place"
    TARGET = "target"
    BUREAUS = "bureaus"
    CONFIRM = "confirm"


def start(ctx):
    """Committee only (router); next step: title."""
    ctx.start(FLOW, Step.TITLE)
    return [th.ask_title()]


on_title = text_step("title", Step.DESCRIPTION, lambda ctx: [th.ask_description()], limit=200)
on_place = text_step("place", Step.TARGET, lambda ctx: [th.ask_target()], limit=300)


def on_description(ctx):
    """Next step: the virtue."""
    if ctx.text is None:
        return None
    ctx.goto(Step.VIRTUE, description="" if ctx.text == "-" else ctx.text[:2000])
    return [th.ask_virtue()]


def on_virtue(ctx):
    """A virtue's button or its name typed; next step: date and time."""
    key = ctx.arg("k", default=None) if ctx.postback else virtue_from_text(ctx.text)
    if key not in VIRTUE_KEYS:
        return None
    ctx.goto(Step.WHEN, virtue=key)
    return [_ask_when(ctx)]


def _latest(ctx):
    return svc.latest_start_day(ctx.now)


def _ask_when(ctx) -> dict:
    return th.ask_when(ctx.now, _latest(ctx))


def _read_when(ctx) -> tuple[datetime, bool]:
    """(start, was_ce) from LINE's picker ("YYYY-MM-DDTHH:mm", CE by LINE's format) or typed Thai text."""
    picked = ctx.postback_params.get("datetime")
    if picked:
        try:
            return datetime.strptime(picked, "%Y-%m-%dT%H:%M").replace(tzinfo=BKK), False
        except ValueError:
            raise dates.DateInputError("format", picked) from None
    typed = dates.parse(ctx.text or "", with_time="required")
    return typed.at(), typed.was_ce


def on_when(ctx):
    """The picker's answer or typed text; next step: place, the start shown back in พ.ศ. (asks again, with the
    picker and the reason, on a past, too far or unreadable time)."""
    if not (ctx.text or ctx.postback):
        return None
    latest = _latest(ctx)
    try:
        when, was_ce = _read_when(ctx)
    except dates.DateInputError as exc:
        return [th.bad_when(exc.code, ctx.now, latest), _ask_when(ctx)]
    late = svc.start_problem(when, ctx.now)  # the console's campaign form asks the same rule
    if late:
        return [th.bad_when(late, ctx.now, latest, when), _ask_when(ctx)]
    ctx.goto(Step.PLACE, starts_at=when.isoformat())
    return [th.ask_place(when, was_ce)]


def on_target(ctx):
    """Next step: confirm (all bureaus) or the bureau codes."""
    if ctx.text == th.KW_ALL:
        return _confirm(ctx, None)
    if ctx.text == th.KW_SOME:
        ctx.goto(Step.BUREAUS)
        return [_ask_bureaus(ctx)]
    return None


def _ask_bureaus(ctx) -> dict:
    return th.ask_bureaus(svc.active_bureaus(ctx.session), ctx.draft.get("picked"))


def toggle_bureau(ctx):
    """A bureau's button: picked ↔ not picked, the card shown again with the new marks; next: more taps,
    "เสร็จ" or "ทุกสำนัก". A bureau no longer active is a stale button."""
    bid = ctx.arg("id", int)
    if bid not in {b for b, _ in svc.active_bureaus(ctx.session)}:
        return None
    picked = set(ctx.draft.get("picked") or ())
    picked ^= {bid}
    ctx.update_draft(picked=sorted(picked))
    return [_ask_bureaus(ctx)]


def on_bureaus(ctx):
    """"เสร็จ" confirms the picked bureaus, "ทุกสำนัก" every bureau; typed codes ("F1, F2") still work for
    those used to them. Next step: confirm."""
    if not ctx.text:
        return None
    if ctx.text == th.KW_ALL:
        return _confirm(ctx, None)
    if ctx.text == th.KW_DONE:
        picked = ctx.draft.get("picked") or []
        return _confirm(ctx, picked) if picked else [th.none_picked(), _ask_bureaus(ctx)]
    codes = [c.strip().upper() for c in ctx.text.replace(" ", ",").split(",") if c.strip()]
    found = svc.bureau_ids_by_code(ctx.session, codes)
    unknown = [c for c in codes if c not in {k.upper() for k in found}]
    if unknown or not found:
        return [th.bad_bureaus(unknown or codes)]
    return _confirm(ctx, sorted(found.values()))


def _confirm(ctx, bureau_ids):
    ctx.goto(Step.CONFIRM, bureau_ids=bureau_ids)
    return [_confirm_card(ctx)]


def _confirm_card(ctx) -> dict:
    d = ctx.draft
    bureau_ids = d.get("bureau_ids")
    starts_at = datetime.fromisoformat(d["starts_at"])
    cost = svc.cost(ctx.session, bureau_ids, starts_at, ctx.now)  # the chat's campaigns keep the default reminders
    label = th.KW_ALL if bureau_ids is None else f"{th.KW_SOME} ({len(bureau_ids)})"
    return th.confirm_card(d, starts_at, cost.recipients, label, cost.most)


def confirm(ctx):
    """Creates the campaign; next step: the worker's campaign job enqueues the invite."""
    d = ctx.draft
    camp = svc.create(ctx.session, title=d["title"], description=d.get("description", ""), place=d.get("place", ""),
                      starts_at=datetime.fromisoformat(d["starts_at"]), bureau_ids=d.get("bureau_ids"),
                      creator_id=ctx.user.id, now=ctx.now, virtue=d.get("virtue"))
    ctx.end()
    return [th.created(camp)]


def answer(ctx):
    """Staff tap join / decline on the invite; a repeated tap changes nothing."""
    camp, ans = svc.get_confirmed(ctx.session, ctx.arg("id", int)), ctx.arg("ans")
    if ans not in th.ANSWER_TH:
        return None  # a forged answer: the stale-button answer
    if camp is None or not svc.in_target(camp, ctx.user):
        return [th.not_found()]
    return [th.answered(camp, ans, svc.respond(ctx.session, camp, ctx.user, ans, ctx.now))]


def check_in(ctx):
    """One tap after the event: records the deed once."""
    camp = svc.get_confirmed(ctx.session, ctx.arg("id", int))
    if camp is None:
        return [th.not_found()]
    return [th.checked_in(svc.check_in(ctx.session, camp, ctx.user, ctx.now, description=th.deed_text(camp)),
                          camp.id)]


def list_open(ctx):
    """Upcoming campaigns for the user's bureau; next step: tap an answer."""
    return [th.list_open(svc.upcoming_for(ctx.session, ctx.user, ctx.now))]


def results(ctx):
    """The creator's campaigns with answer counts (one GROUP BY)."""
    camps = svc.created_by(ctx.session, ctx.user.id)
    counts = svc.answer_counts(ctx.session, [c.id for c in camps])
    rows = [(c.title, c.starts_at, len(svc.targets(ctx.session, c)), *map(int, counts.get(c.id, (0, 0, 0))))
            for c in camps]
    return [th.results(rows)]


PROMPTS = {
    Step.TITLE: lambda ctx: th.ask_title(),
    Step.DESCRIPTION: lambda ctx: th.ask_description(),
    Step.VIRTUE: lambda ctx: th.ask_virtue(),
    Step.WHEN: _ask_when,
    Step.PLACE: lambda ctx: th.ask_place(),
    Step.TARGET: lambda ctx: th.ask_target(),
    Step.BUREAUS: _ask_bureaus,
    Step.CONFIRM: _confirm_card,
}


def register(router) -> None:
    router.text(th.KW_CREATE, start, role=Role.COMMITTEE)
    router.text(th.KW_LIST, list_open, role=Role.STAFF)
    router.text(th.KW_RESULTS, results, role=Role.COMMITTEE)
    steps = {Step.TITLE: on_title, Step.DESCRIPTION: on_description, Step.VIRTUE: on_virtue, Step.WHEN: on_when,
             Step.PLACE: on_place,
             Step.TARGET: on_target, Step.BUREAUS: on_bureaus, Step.CONFIRM: wait_for_button}
    for step, fn in steps.items():
        router.step(FLOW, step, fn, prompt=PROMPTS[step])
    router.postback("campaign.virtue", on_virtue, role=Role.COMMITTEE, in_step=(FLOW, Step.VIRTUE))
    router.postback("campaign.when", on_when, in_step=(FLOW, Step.WHEN))
    router.postback("campaign.bureau", toggle_bureau, role=Role.COMMITTEE, in_step=(FLOW, Step.BUREAUS))
    router.postback("campaign.confirm", confirm, role=Role.COMMITTEE, in_step=(FLOW, Step.CONFIRM))
    router.postback("campaign.answer", answer, role=Role.STAFF)
    router.postback("campaign.checkin", check_in, role=Role.STAFF)
