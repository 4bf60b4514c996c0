"""Flow: the personal deed book, edits and deletes of one's own deeds (7 days), and the bureau view.

No steps of its own: each answer is one reply (the book, a page, the delete question, the bureau view);
"deed.edit" opens the "deed" flow (handlers/record.py) at its confirm step.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

import messages_th.deeds as td
import messages_th.deeds_book as tb
from bot.services import deeds as svc
from bot.services import membership
from bot.services import deed_stats as stats
from bot.services import photo_links
from bot.conversation.auth import coordinator_of
from handlers.record import FLOW, Step
from messages_th.dates import fiscal_year_be, fiscal_year_bounds, today_bkk
from models.enums import Role

PAGE = 10


def _view(deed, now, edited: bool = False) -> dict:
    return {"id": deed.id, "virtue": deed.virtue, "description": deed.description, "deed_date": deed.deed_date,
            "photos": len(deed.photos or []), "beneficiaries": deed.beneficiaries, "hours": deed.hours,
            "editable": deed.created_at >= now - svc.EDIT_WINDOW, "edited": edited}


def _photo_urls(ctx, deed) -> list[str]:
    """Signed, expiring links to the deed's private photos (LINE fetches them; see photo_links for why)."""
    base, secret = getattr(ctx.config, "PUBLIC_BASE_URL", ""), getattr(ctx.config, "LINE_CHANNEL_SECRET", "")
    urls = [photo_links.signed_url(base, secret, p.get("path", ""), ctx.now) for p in deed.photos or []]
    return [u for u in urls if u]


def photos(ctx):
    """"ดูรูป" on a deed of one's own: its photos as image messages; next: nothing."""
    try:
        deed = svc.own_deed(ctx.session, ctx.user, ctx.arg("id"), ctx.now, window=False)
    except svc.DeedError as err:
        return [td.problem(err.code, **err.info)]
    return tb.photo_messages(_photo_urls(ctx, deed))


def my_book(ctx):
    """FY totals, streak and the last ten deeds; next: an earlier page, edit or delete."""
    offset = max(0, ctx.arg("o", int, 0))
    deeds = stats.recent(ctx.session, ctx.user, offset=offset, limit=PAGE + 1)
    if not deeds and offset == 0:
        return [tb.book_empty()]
    edited = stats.edited_ids(ctx.session, [d.id for d in deeds])
    out = []
    if offset == 0:
        fy = fiscal_year_be(today_bkk(ctx.now))
        out.append(tb.book_summary(fy, stats.fy_totals(ctx.session, ctx.user, ctx.now),
                                   stats.streak_weeks(ctx.session, ctx.user, ctx.now)))
    page = [{**_view(d, ctx.now, d.id in edited), "photo_urls": _photo_urls(ctx, d)} for d in deeds[:PAGE]]
    if page:
        out.append(tb.deeds_carousel(page, offset + PAGE if len(deeds) > PAGE else None))
    return out


def _own(ctx):
    """(deed, None) or (None, the reason as messages)."""
    try:
        return svc.own_deed(ctx.session, ctx.user, ctx.arg("id"), ctx.now), None
    except svc.DeedError as err:
        return None, [td.problem(err.code, **err.info)]


def edit_deed(ctx):
    """Load one's own recent deed into the deed flow; next: the card's field menu."""
    deed, refusal = _own(ctx)
    if refusal:
        return refusal
    ctx.start(FLOW, Step.CONFIRM, {
        "nonce": secrets.token_hex(4), "deed_id": deed.id, "virtue": deed.virtue, "description": deed.description,
        "deed_date": deed.deed_date.isoformat(), "photos": list(deed.photos or []),
        "beneficiaries": deed.beneficiaries, "hours": deed.hours})
    d = _view(deed, ctx.now)
    return [td.confirm_card(d, ctx.draft["nonce"], editing=True), td.fix_menu(deed.virtue == "volunteer")]


def delete_deed(ctx):
    """Ask before deleting; next: deed.delete_ok."""
    deed, refusal = _own(ctx)
    return refusal or [tb.delete_ask(_view(deed, ctx.now))]


def delete_ok(ctx):
    """Delete (soft, with history and a ledger entry); next: done."""
    deed, refusal = _own(ctx)
    if refusal:
        return refusal
    svc.delete_deed(ctx.session, deed, ctx.user, now=ctx.now)
    return [tb.deleted()]


def keep(ctx):
    """"ไม่ลบ" on the delete question: nothing changes; next: done."""
    return [tb.kept()]


def bureau_view(ctx):
    """Participation of the coordinator's bureau this week and this FY; next: nothing."""
    bureau = membership.get_bureau(ctx.session, ctx.user.bureau_id)
    if bureau is None:  # an admin with no bureau of their own
        return [tb.no_bureau()]
    today = today_bkk(ctx.now)
    monday = today - timedelta(days=today.weekday())
    fy = fiscal_year_be(today)
    fy_start, _ = fiscal_year_bounds(fy)
    week = stats.participation(ctx.session, bureau.id, monday, monday + timedelta(days=6))
    year = stats.participation(ctx.session, bureau.id, fy_start, today)
    return [tb.bureau_view(bureau.name, fy, week, year)]


def _own_bureau(ctx):
    return ctx.user.bureau_id if ctx.user else None


def register(router) -> None:
    own = coordinator_of(_own_bureau)
    router.text(td.BOOK_WORD, my_book, *td.BOOK_ALIASES, role=Role.STAFF)
    router.postback("deeds.mine", my_book, role=Role.STAFF)
    router.text(td.BUREAU_WORD, bureau_view, role=own)
    router.postback("deeds.bureau", bureau_view, role=own)
    router.postback("deed.edit", edit_deed, role=Role.STAFF)
    router.postback("deed.delete", delete_deed, role=Role.STAFF)
    router.postback("deed.delete_ok", delete_ok, role=Role.STAFF)
    router.postback("deed.keep", keep)
    router.postback("deed.photos", photos, role=Role.STAFF)
