"""Flow: a coordinator submits the bureau's round report item by item (pledge items, or the moral-org round's
nine criteria: bot/report_forms.py); the draft lives in the database (RoundReport version 0, with a cursor), so
leaving and coming back continues where one was. Also "สถานะรายงาน".

```mermaid
stateDiagram-v2
    [*] --> PickRound: "ส่งรายงาน" / report.start
    PickRound --> Done: report.round r=code b=bureau (resumes at the draft's cursor)
    Done --> Result: text / "คงเดิม"
    Result --> Problems: text / "คงเดิม"
    Problems --> Photos: text / "ไม่มี"
    Photos --> Photos: image (stored privately)
    Photos --> Done: "เสร็จ" (next item)
    Photos --> Confirm: "เสร็จ" (last item)
    Confirm --> [*]: report.submit (new version; late after the due date)
    note right of Done: "ยกเลิก" or another flow leaves; the draft stays
```
"""
from __future__ import annotations

import messages_th.reports as th
from bot.services import report_forms as forms
from bot.services import rounds as svc
from bot.conversation.auth import has_role, require
from bot.web.media import store_private
from handlers.pledge import bureau_param
from messages_th.dates import fiscal_year_be, today_bkk
from models.core import Bureau
from models.rounds import RoundReport


def start(ctx):
    """Coordinator picks a round (nearest due first; `round=` skips the picker). Next: report.round."""
    bureau_id = bureau_param(ctx)
    denied = require(ctx, "coordinator", bureau_id=bureau_id) if bureau_id else require(ctx, "coordinator")
    if denied or bureau_id is None:
        return denied or [th.no_open_round()]
    wanted = ctx.postback[1].get("round") if ctx.postback else None
    if wanted and svc.get_round(ctx.session, wanted):
        return _begin(ctx, svc.get_round(ctx.session, wanted), bureau_id)
    today = today_bkk(ctx.now)
    first = svc.default_round(ctx.session, today)
    rounds = [first] + [r for r in svc.current_rounds(ctx.session, today) if r.id != first.id] if first else []
    if not rounds:
        return [th.no_open_round()]
    return [th.pick_round([(r.code, r.key, r.fy, r.due_date, svc.round_status(ctx.session, r, bureau_id, ctx.now))
                           for r in rounds], bureau_id)]


def choose_round(ctx):
    """Opens (or resumes) the bureau's draft. Next: the cursor's step (done for a new draft)."""
    bureau_id = bureau_param(ctx)
    denied = require(ctx, "coordinator", bureau_id=bureau_id) if bureau_id else require(ctx, "admin")
    if denied:
        return denied
    rnd = svc.get_round(ctx.session, ctx.postback[1].get("r"))
    return _begin(ctx, rnd, bureau_id) if rnd else None


def _begin(ctx, rnd, bureau_id):
    items = forms.report_items(ctx.session, rnd, bureau_id)
    if not items:
        return [th.no_items(rnd.fy)]
    draft = svc.open_draft(ctx.session, rnd, bureau_id, ctx.user.id)
    cursor = (draft.data or {}).get("cursor") or {"i": 0, "step": "done"}
    ctx.start("report", cursor["step"], {"r": rnd.code, "b": bureau_id, "i": cursor["i"]})
    note = [th.resumed(rnd.title, cursor["i"] + 1, len(items))] if draft.data.get("cursor") else []
    return note + [_prompt(ctx, cursor["step"])]


def _load(ctx):
    d = ctx.draft
    rnd = svc.get_round(ctx.session, d["r"])
    items = forms.report_items(ctx.session, rnd, d["b"])
    return rnd, items, svc.get_draft(ctx.session, rnd.id, d["b"]), d["i"]


def _answer(draft: RoundReport, item_id: int) -> dict:
    return dict((draft.data or {}).get("items", {}).get(str(item_id), {}))


def _prompt(ctx, step):
    rnd, items, draft, i = _load(ctx)
    if step == "confirm":
        bureau = ctx.session.get(Bureau, ctx.draft["b"])
        rows = [(forms.item_view(it), _answer(draft, it.id)) for it in items]
        return th.summary(rnd.title, bureau.name, rnd.due_date, svc.is_late(rnd, ctx.now), rows, rnd.code, bureau.id)
    item, ans = items[i], _answer(draft, items[i].id)
    if step == "done":
        counts = forms.known_counts(ctx.session, rnd, ctx.draft["b"], item)
        return th.ask_done(rnd.title, i + 1, len(items), forms.item_view(item), counts, ans.get("done"))
    if step == "photos":
        return th.ask_photos(len(ans.get("photos", [])))
    if step == "result":
        return th.ask_result(ans.get(step), criterion=forms.uses_criteria(rnd))
    return th.ask_problems(ans.get(step))


def _store(ctx, field, value, next_step, next_i=None):
    rnd, items, draft, i = _load(ctx)
    data = dict(draft.data or {})
    answers = dict(data.get("items", {}))
    if field:
        answers[str(items[i].id)] = {**_answer(draft, items[i].id), field: value}
    i = i if next_i is None else next_i
    data.update(items=answers, cursor={"i": i, "step": next_step})
    svc.save_draft(ctx.session, draft, data)
    ctx.goto(next_step, i=i)


def _text_step(field, next_step):
    def step(ctx):
        if not ctx.text:
            return None
        keep = ctx.text == th.KEEP_WORD
        _store(ctx, None if keep else field, None if keep else ctx.text[:2000], next_step)
        return [_prompt(ctx, next_step)]
    step.__doc__ = f"Saves '{field}' into the draft. Next: {next_step}."
    return step


on_done = _text_step("done", "result")
on_result = _text_step("result", "problems")
on_problems = _text_step("problems", "photos")


def on_photos(ctx):
    """Image: keep it as evidence (stay here). "เสร็จ": next item's done step, or the summary after the last."""
    rnd, items, draft, i = _load(ctx)
    if ctx.message_type == "image":
        photos = _answer(draft, items[i].id).get("photos", [])
        if len(photos) >= th.MAX_PHOTOS:
            return [th.photos_full()]
        try:
            data, ctype = ctx.fetch_content(ctx.message["id"])
        except Exception:  # noqa: BLE001 - gateway error or expired content: ask again
            return [th.photo_failed()]
        photos = photos + [store_private(ctx.config.MEDIA_DIR, data, "png" if "png" in (ctype or "") else "jpg")[0]]
        _store(ctx, "photos", photos, "photos")
        return [th.photo_added(len(photos))]
    if ctx.text not in (th.DONE_WORD, th.KEEP_WORD):
        return None
    last = i + 1 >= len(items)
    _store(ctx, None, None, "confirm" if last else "done", i if last else i + 1)
    return [_prompt(ctx, ctx.step)]


def submit(ctx):
    """Turns the draft into a new submitted version (late after the due date). Next: end."""
    bureau_id = bureau_param(ctx)
    denied = require(ctx, "coordinator", bureau_id=bureau_id) if bureau_id else require(ctx, "admin")
    if denied:
        return denied
    rnd = svc.get_round(ctx.session, ctx.postback[1].get("r"))
    if rnd is None or svc.get_draft(ctx.session, rnd.id, bureau_id) is None:
        return [th.nothing_to_submit()]
    items = forms.report_items(ctx.session, rnd, bureau_id)
    counts = {str(it.id): forms.known_counts(ctx.session, rnd, bureau_id, it) for it in items}
    report = svc.submit(ctx.session, rnd, bureau_id, ctx.user.id, ctx.now, counts)
    if ctx.flow == "report":
        ctx.end()
    return [th.submitted(rnd.title, report.version, report.late, ctx.now)]


def status(ctx):
    """Committee: all bureaus for the current round; coordinator: the bureau's rounds this FY. Next: none."""
    denied = require(ctx, "staff")
    if denied:
        return denied
    today = today_bkk(ctx.now)
    if has_role(ctx.session, ctx.user, "committee"):
        rnd = svc.default_round(ctx.session, today) or svc.next_due(ctx.session, today)
        if rnd is None:
            return [th.no_open_round()]
        rows = [(b.name, st) for b, st in svc.report_status_table(ctx.session, rnd, ctx.now)]
        return [th.all_bureaus_status(rnd.title, rnd.due_date, rows)]
    bureau_id = ctx.user.bureau_id
    denied = require(ctx, "coordinator", bureau_id=bureau_id)
    if denied:
        return denied
    fy = fiscal_year_be(today)
    rows = [(r.title, r.due_date, svc.round_status(ctx.session, r, bureau_id, ctx.now), (r.due_date - today).days)
            for r in svc.rounds_of_fy(ctx.session, fy)]
    return [th.bureau_status(ctx.session.get(Bureau, bureau_id).name, fy, rows)]


def register(router) -> None:
    router.text(th.REPORT_WORD, start)
    router.postback("report.start", start)
    router.postback("report.round", choose_round)
    router.postback("report.submit", submit)
    router.text(th.STATUS_WORD, status)
    router.postback("report.status", status)
    router.step("report", "done", on_done, th.HINT_DONE)
    router.step("report", "result", on_result, th.HINT_RESULT)
    router.step("report", "problems", on_problems, th.HINT_PROBLEMS)
    router.step("report", "photos", on_photos, th.HINT_PHOTOS)
    # Typed text at the summary is not understood: the router repeats the hint (next: report.submit).
    router.step("report", "confirm", lambda ctx: None, th.HINT_CONFIRM)
