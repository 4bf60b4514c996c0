"""Flow: campaigns — committee members create one in chat; staff answer, and check in after the event.

```mermaid
flowchart TD
    A["KW_CREATE keyword (committee only)"] --> T[title] --> D[description] --> W["date/time picker or typed"]
    W -- "past / unreadable" --> W
    W --> P[place or link] --> G{"target"}
    G -- KW_ALL --> C[confirm card]
    G -- KW_SOME --> B[bureau codes] --> C
    B -- "unknown code" --> B
    C -- "postback campaign.confirm" --> S["Campaign confirmed; the worker's campaign job enqueues the invite"]
    T & D & W & P & G & B & C -- "cancel word" --> X[flow ended]
```
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import select

import messages_th.campaigns as th
from bot.conversation.auth import require
from messages_th.dates import BKK
from models.campaigns import Campaign
from models.core import Bureau
from bot.services import audience
from bot.services import campaigns as svc

FLOW = "campaign"


def start(ctx):
    """Committee only; next step: title."""
    refusal = require(ctx, "committee")
    if refusal:
        return refusal
    ctx.start(FLOW, "title")
    return [th.ask_title()]


def on_title(ctx):
    """Next step: description."""
    if not ctx.text:
        return None
    ctx.goto("description", title=ctx.text[:200])
    return [th.ask_description()]


def on_description(ctx):
    """Next step: date and time."""
    if ctx.text is None:
        return None
    ctx.goto("when", description="" if ctx.text == "-" else ctx.text[:2000])
    return [th.ask_when(ctx.now)]


def _parse_when(ctx) -> datetime | None:
    raw = ctx.postback_params.get("datetime") or (ctx.text or "").replace("T", " ")
    try:
        when = datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M" if " " in raw.strip() else "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    when = when.replace(tzinfo=BKK)
    return when if when > ctx.now else None


def on_when(ctx):
    """Next step: place (asks again on a past or unreadable time)."""
    if ctx.flow != FLOW or ctx.step != "when":
        return [th.not_found()]
    when = _parse_when(ctx)
    if when is None:
        return [th.bad_when(), th.ask_when(ctx.now)] if (ctx.text or ctx.postback) else None
    ctx.goto("place", starts_at=when.isoformat())
    return [th.ask_place()]


def on_place(ctx):
    """Next step: target bureaus."""
    if not ctx.text:
        return None
    ctx.goto("target", place=ctx.text[:300])
    return [th.ask_target()]


def on_target(ctx):
    """Next step: confirm (all bureaus) or the bureau codes."""
    if ctx.text == th.KW_ALL:
        return _confirm(ctx, None)
    if ctx.text == th.KW_SOME:
        ctx.goto("bureaus")
        codes = list(ctx.session.exec(select(Bureau.code).where(Bureau.active == True)))  # noqa: E712
        return [th.ask_bureaus(codes)]
    return None


def on_bureaus(ctx):
    """Next step: confirm once every code is known."""
    if not ctx.text:
        return None
    codes = [c.strip().upper() for c in ctx.text.replace(" ", ",").split(",") if c.strip()]
    found = dict(ctx.session.exec(select(Bureau.code, Bureau.id).where(func.upper(Bureau.code).in_(codes))).all())
    unknown = [c for c in codes if c not in {k.upper() for k in found}]
    if unknown or not found:
        return [th.bad_bureaus(unknown or codes)]
    return _confirm(ctx, sorted(found.values()))


def _confirm(ctx, bureau_ids):
    ctx.goto("confirm", bureau_ids=bureau_ids)
    d = ctx.draft
    n = len(audience.staff_ids(ctx.session, bureau_ids))
    label = th.KW_ALL if bureau_ids is None else f"{th.KW_SOME} ({len(bureau_ids)})"
    return [th.confirm_card(d, datetime.fromisoformat(d["starts_at"]), n, label)]


def confirm(ctx):
    """Creates the campaign; next step: the worker's campaign job enqueues the invite."""
    refusal = require(ctx, "committee")
    if refusal:
        return refusal
    if ctx.flow != FLOW or ctx.step != "confirm":
        return [th.not_found()]
    d = ctx.draft
    camp = svc.create(ctx.session, title=d["title"], description=d.get("description", ""), place=d.get("place", ""),
                      starts_at=datetime.fromisoformat(d["starts_at"]), bureau_ids=d.get("bureau_ids"),
                      creator_id=ctx.user.id, now=ctx.now)
    ctx.end()
    return [th.created(camp)]


def _campaign(ctx):
    try:
        camp = ctx.session.get(Campaign, int(ctx.postback[1].get("id", "")))
    except ValueError:
        return None
    return camp if camp is not None and camp.status == "confirmed" else None


def answer(ctx):
    """Staff tap join / decline on the invite; a repeated tap changes nothing."""
    refusal = require(ctx, "staff")
    if refusal:
        return refusal
    camp, ans = _campaign(ctx), ctx.postback[1].get("ans")
    if camp is None or ans not in th.ANSWER_TH or not svc.in_target(camp, ctx.user):
        return [th.not_found()]
    return [th.answered(camp, ans, svc.respond(ctx.session, camp, ctx.user, ans, ctx.now))]


def check_in(ctx):
    """One tap after the event: records the deed once."""
    refusal = require(ctx, "staff")
    if refusal:
        return refusal
    camp = _campaign(ctx)
    if camp is None:
        return [th.not_found()]
    return [th.checked_in(svc.check_in(ctx.session, camp, ctx.user, ctx.now, description=th.deed_text(camp)))]


def list_open(ctx):
    """Upcoming campaigns for the user's bureau; next step: tap an answer."""
    refusal = require(ctx, "staff")
    if refusal:
        return refusal
    camps = ctx.session.exec(select(Campaign).where(Campaign.status == "confirmed", Campaign.starts_at > ctx.now)
                             .order_by(Campaign.starts_at)).all()
    return [th.list_open([c for c in camps if svc.in_target(c, ctx.user)])]


def results(ctx):
    """The creator's campaigns with answer counts (one GROUP BY)."""
    refusal = require(ctx, "committee")
    if refusal:
        return refusal
    camps = ctx.session.exec(select(Campaign).where(Campaign.creator_id == ctx.user.id)
                             .order_by(Campaign.starts_at.desc()).limit(10)).all()
    counts = svc.answer_counts(ctx.session, [c.id for c in camps])
    rows = [(c.title, c.starts_at, len(svc.targets(ctx.session, c)), *map(int, counts.get(c.id, (0, 0, 0))))
            for c in camps]
    return [th.results(rows)]


def register(router) -> None:
    router.text(th.KW_CREATE, start)
    router.text(th.KW_LIST, list_open)
    router.text(th.KW_RESULTS, results)
    for step, fn in (("title", on_title), ("description", on_description), ("when", on_when),
                     ("place", on_place), ("target", on_target), ("bureaus", on_bureaus)):
        router.step(FLOW, step, fn)
    router.step(FLOW, "confirm", lambda ctx: None)
    router.postback("campaign.when", on_when)
    router.postback("campaign.confirm", confirm)
    router.postback("campaign.answer", answer)
    router.postback("campaign.checkin", check_in)
