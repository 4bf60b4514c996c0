"""Flow "deed" (handlers/record.py), its last part: photos, the volunteer numbers, then the card with its
buttons: fix a field, confirm (record, or save the edit of an existing deed)."""
from __future__ import annotations

import messages_th.deeds as td
from bot.services import deeds as svc
from bot.services import deed_stats as stats
from bot.services import numbers
from bot.line.gateway import GatewayError
from handlers.record import FLOW, STEP_OF_FIELD, Step, advance, prompt, prompt_for
from models.enums import Role


def on_photo(ctx):
    """Image (fetched now, checked, kept) or skip/done; next: more photos, volunteer details or confirm."""
    if ctx.text in td.SKIP_WORDS + td.DONE_WORDS:
        return advance(ctx, Step.PHOTOS)
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
        return [td.photo_saved(len(photos), svc.MAX_PHOTOS)] + advance(ctx, Step.PHOTOS)
    return [td.photo_saved(len(photos), svc.MAX_PHOTOS)]


def _number(ctx, field: str, read, low, high, *, whole: bool = False):
    """A number read out of the answer ("ประมาณ 20 คน", "๒๐", "1 ชม. 30 นาที"); two different numbers in it,
    a fraction where a whole number is asked, or a value out of range: asked again with the reason."""
    if ctx.text is None:
        return None
    if ctx.text in td.SKIP_WORDS:
        ctx.update_draft(**{field: None})
        return advance(ctx, field)
    try:
        value = read(ctx.text)
    except numbers.NumberInputError as err:
        if err.code == "many":
            return [td.many_numbers(field, err.found)]
        return [td.bad_number(field, low, high)]
    if whole and value != int(value) or not low <= value <= high:
        return [td.bad_number(field, low, high)]
    ctx.update_draft(**{field: int(value) if whole else value})
    return advance(ctx, field)


def on_beneficiaries(ctx):
    """Number of people helped or skip; next: hours."""
    return _number(ctx, Step.BENEFICIARIES, numbers.read_number, 1, 100_000, whole=True)


def on_hours(ctx):
    """Volunteer hours or skip; next: confirm."""
    return _number(ctx, Step.HOURS, numbers.read_hours, 0.5, 24)


def fix(ctx):
    """Which field to change; next: that field's step."""
    return [td.fix_menu(ctx.draft.get("virtue") == "volunteer")]


def choose_field(ctx):
    """Go back to one field; next: its step, then the card again."""
    field = ctx.arg("f")
    if field not in STEP_OF_FIELD:
        return None
    back = ctx.step == Step.CONFIRM
    ctx.goto(STEP_OF_FIELD[field], back=back, **({"photos": []} if field == "photos" else {}))
    return [prompt_for(ctx, STEP_OF_FIELD[field])]


def confirm(ctx):
    """Store the deed (or the edit) once; next: done."""
    d = ctx.draft
    if ctx.arg("n") != d.get("nonce"):
        return None  # a card of an earlier draft
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
    router.postback("deed.fix", fix, in_step=(FLOW, Step.CONFIRM))
    router.postback("deed.field", choose_field, in_step=(FLOW, (Step.CONFIRM, Step.WHEN)))
    router.postback("deed.confirm", confirm, role=Role.STAFF, in_step=(FLOW, Step.CONFIRM))
    for step, fn in ((Step.PHOTOS, on_photo), (Step.BENEFICIARIES, on_beneficiaries), (Step.HOURS, on_hours)):
        router.step(FLOW, step, fn, hint=td.HINTS[step], prompt=prompt(step))
