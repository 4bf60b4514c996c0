"""Flow: a coordinator submits the bureau's round report item by item (bot/services/report_forms.py: the
register's activities then the pledge items in the 6/9/12-month rounds, the nine criteria in the moral-org
round, else the pledge items); the draft lives in the database (RoundReport version 0, with a cursor), so
leaving and coming back continues where one was. Which question follows which is report_forms.next_step's rule.
Also "สถานะรายงาน".

```mermaid
stateDiagram-v2
    [*] --> status: "ส่งรายงาน" / report.start, then report.round r=code b=bureau (an activity first)
    [*] --> done: (a pledge item or criterion first; resumes at the draft's cursor)
    status --> done: ดำเนินการแล้ว / กำลังดำเนินการ
    status --> problems: ยังไม่เริ่ม / ยกเลิกกิจกรรม (why), then the next item
    done --> result: text / "คงเดิม"
    result --> participants: an activity: a number in the indicator's unit and text
    participants --> budget: a number / "ไม่มี"
    budget --> problems: a number of baht / "ไม่มี"
    result --> problems: a pledge item or criterion: text / "คงเดิม"
    problems --> photos: text / "ไม่มี"
    photos --> photos: image (checked, stored privately; a non-image is refused)
    photos --> status: "เสร็จ" (next item, an activity)
    photos --> done: "เสร็จ" (next item)
    photos --> confirm: "เสร็จ" (last item)
    confirm --> [*]: report.submit (new version; late after the due date)
    note right of done: "ยกเลิก" or another flow leaves; the draft stays
```
"""
from __future__ import annotations

from enum import StrEnum

import messages_th.reports as th
from bot.conversation.auth import coordinator_of, has_role, refusal
from bot.conversation.flow import bureau_param, own_bureau, text_step, wait_for_button
from bot.services import files, numbers
from bot.services import report_forms as forms
from bot.services import rounds as svc
from messages_th.dates import fiscal_year_be, today_bkk
from models.enums import Role
from models.rounds import RoundReport

FLOW = "report"


class Step(StrEnum):
    STATUS = "status"  # activities only
    DONE = "done"
    RESULT = "result"
    PARTICIPANTS = "participants"  # activities only
    BUDGET = "budget"  # activities only
    PROBLEMS = "problems"
    PHOTOS = "photos"
    CONFIRM = "confirm"


def start(ctx):
    """Coordinator picks a round (nearest due first; `round=` skips the picker). Next: report.round."""
    bureau_id = bureau_param(ctx)
    if bureau_id is None:  # an admin without a bureau: nothing of its own to report on
        return [th.no_open_round()]
    wanted = svc.get_round(ctx.session, ctx.arg("round", default=None)) if ctx.postback else None
    if wanted:
        return _begin(ctx, wanted, bureau_id)
    today = today_bkk(ctx.now)
    first = svc.default_round(ctx.session, today)
    rounds = [first] + [r for r in svc.current_rounds(ctx.session, today) if r.id != first.id] if first else []
    if not rounds:
        return [th.no_open_round()]
    return [th.pick_round([(r.code, r.key, r.fy, r.due_date, svc.round_status(ctx.session, r, bureau_id, ctx.now))
                           for r in rounds], bureau_id)]


def choose_round(ctx):
    """Opens (or resumes) the bureau's draft. Next: the cursor's step (done for a new draft)."""
    rnd = svc.get_round(ctx.session, ctx.arg("r"))
    return _begin(ctx, rnd, bureau_param(ctx)) if rnd else None


def _begin(ctx, rnd, bureau_id):
    items = forms.report_items(ctx.session, rnd, bureau_id)
    if not items:
        return [th.no_items(rnd.fy)]
    draft = svc.open_draft(ctx.session, rnd, bureau_id, ctx.user.id)
    cursor = (draft.data or {}).get("cursor") or {"i": 0, "step": forms.first_step(items[0])}
    ctx.start(FLOW, cursor["step"], {"r": rnd.code, "b": bureau_id, "i": cursor["i"]})
    note = [th.resumed(rnd.title, cursor["i"] + 1, len(items))] if draft.data.get("cursor") else []
    return note + [_prompt(ctx, cursor["step"])]


def _load(ctx):
    d = ctx.draft
    rnd = svc.get_round(ctx.session, d["r"])
    items = forms.report_items(ctx.session, rnd, d["b"])
    return rnd, items, svc.get_draft(ctx.session, rnd.id, d["b"]), d["i"]


def _answer(draft: RoundReport, item_id: int) -> dict:
    return dict((draft.data or {}).get("items", {}).get(str(item_id), {}))


def _summary(ctx, rnd, items, draft, bureau_id):
    bureau = svc.get_bureau(ctx.session, bureau_id)
    rows = [(forms.item_view(it), _answer(draft, it.id)) for it in items]
    return th.summary(rnd.title, bureau.name, rnd.due_date, svc.is_late(rnd, ctx.now), rows, rnd.code, bureau.id)


def _prompt(ctx, step):
    """The step's question (with its buttons), from the draft in the database."""
    rnd, items, draft, i = _load(ctx)
    if step == Step.CONFIRM:
        return _summary(ctx, rnd, items, draft, ctx.draft["b"])
    item, ans = items[i], _answer(draft, items[i].id)
    view, activity = forms.item_view(item), forms.kind(item) == "activity"
    if step == Step.STATUS:
        return th.ask_activity_status(rnd.title, i + 1, len(items), view, ans.get("status"))
    if step == Step.DONE:
        if activity:
            return th.ask_activity_done(ans.get("done"))
        counts = forms.known_counts(ctx.session, rnd, ctx.draft["b"], item)
        return th.ask_done(rnd.title, i + 1, len(items), view, counts, ans.get("done"))
    if step == Step.PHOTOS:
        return th.ask_photos(len(ans.get("photos", [])), activity=activity)
    if step == Step.RESULT:
        if activity:
            return th.ask_activity_result(view, ans.get("result"))
        return th.ask_result(ans.get(step), criterion=forms.kind(item) == "criterion")
    if step == Step.PARTICIPANTS:
        counts = forms.known_counts(ctx.session, rnd, ctx.draft["b"], item)
        return th.ask_participants(counts.get("attendance", 0), ans.get("participants"))
    if step == Step.BUDGET:
        return th.ask_budget(view, ans.get("budget_spent"))
    if activity:
        return th.ask_activity_problems(ans.get("problems"), ans.get("status") in forms.NOT_DONE)
    return th.ask_problems(ans.get(step))


def _store(ctx, values: dict, next_step, next_i=None):
    """Merge `values` into the current item's answers, move the cursor, save the draft."""
    rnd, items, draft, i = _load(ctx)
    data = dict(draft.data or {})
    answers = dict(data.get("items", {}))
    if values:
        answers[str(items[i].id)] = {**_answer(draft, items[i].id), **values}
    i = i if next_i is None else next_i
    data.update(items=answers, cursor={"i": i, "step": str(next_step)})
    svc.save_draft(ctx.session, draft, data)
    ctx.goto(next_step, i=i)


def _advance(ctx, values: dict | None = None):
    """Store `values`, then go to the item's next question, the next item's first, or the summary."""
    _, items, draft, i = _load(ctx)
    answer = {**_answer(draft, items[i].id), **(values or {})}
    step = forms.next_step(items[i], ctx.step, answer)
    if step is None:
        last = i + 1 >= len(items)
        step, i = (Step.CONFIRM, i) if last else (forms.first_step(items[i + 1]), i + 1)
    _store(ctx, values or {}, step, i)
    return [_prompt(ctx, ctx.step)]


def _store_text(ctx, field, value, _next_step):
    keep = value == th.KEEP_WORD  # "คงเดิม": the answer from the last version stays
    _advance(ctx, None if keep else {field: value})


def _text(field):
    return text_step(field, "", lambda ctx: [_prompt(ctx, ctx.step)], limit=2000, save=_store_text)


on_done = _text("done")
on_problems = _text("problems")


def _item(ctx):
    _, items, draft, i = _load(ctx)
    return items[i], _answer(draft, items[i].id)


def on_status(ctx):
    """An activity's status from its buttons (or the same words typed); anything else: asked again."""
    status = th.status_from_text(ctx.text)
    return _advance(ctx, {"status": status}) if status else None


def on_result(ctx):
    """Pledge items and criteria: text. Activities: the result must hold a number (in the indicator's unit)."""
    if not ctx.text:
        return None
    item, _ = _item(ctx)
    value = ctx.text[:2000]
    if value == th.KEEP_WORD:
        return _advance(ctx)
    if forms.kind(item) != "activity":
        return _advance(ctx, {"result": value})
    found = numbers.numbers_in(value)
    if not found:
        return [th.result_needs_number(forms.item_view(item)), _prompt(ctx, Step.RESULT)]
    return _advance(ctx, {"result": value, "result_value": found[0]})


def _number_step(field, cast, what_th):
    def step(ctx):
        if not ctx.text:
            return None
        if ctx.text == th.KEEP_WORD:
            return _advance(ctx)
        if ctx.text == th.NONE_WORD:
            return _advance(ctx, {field: 0 if cast is int else None})
        try:
            value = numbers.read_number(ctx.text)
        except numbers.NumberInputError:
            return [th.need_number(what_th), _prompt(ctx, ctx.step)]
        return _advance(ctx, {field: cast(value)})
    step.__doc__ = f"Stores {field} (a number, or none). Next: report_forms.next_step."
    return step


on_participants = _number_step("participants", int, "คน")
on_budget = _number_step("budget_spent", float, "บาท")


def on_photos(ctx):
    """Image: checked, then kept as evidence (stay here). "เสร็จ": next item's first step, or the summary."""
    rnd, items, draft, i = _load(ctx)
    if ctx.message_type == "image":
        photos = _answer(draft, items[i].id).get("photos", [])
        if len(photos) >= th.MAX_PHOTOS:
            return [th.photos_full()]
        try:
            data, _ = ctx.fetch_content(ctx.message["id"])
        except Exception:  # noqa: BLE001 - gateway error or expired content: ask again
            return [th.photo_failed()]
        try:
            photo = files.accept_photo(ctx.config.MEDIA_DIR, data)
        except files.PhotoError as err:
            return [th.photo_problem(err.code, files.MAX_PHOTO_BYTES // (1024 * 1024))]
        photos = photos + [photo["path"]]
        _store(ctx, {"photos": photos}, Step.PHOTOS)
        svc.note_upload(ctx.session, draft, photo["path"], ctx.user.id)  # an erase removes their photos
        return [th.photo_added(len(photos))]
    if ctx.text not in (th.DONE_WORD, th.KEEP_WORD):
        return None
    return _advance(ctx)


def answers(ctx):
    """report.answers r b i: the summary card's "อ่านคำตอบเต็ม": item i's whole answers (the card clips them),
    then the summary again. Leaves the flow where it is (a reading aid, not a step)."""
    bureau_id = bureau_param(ctx)
    rnd = svc.get_round(ctx.session, ctx.arg("r", default=None))
    draft = svc.get_draft(ctx.session, rnd.id, bureau_id) if rnd else None
    if draft is None:
        return [th.nothing_to_submit()]
    items, i = forms.report_items(ctx.session, rnd, bureau_id), ctx.arg("i", int)
    if not 0 <= i < len(items):
        return None  # the items changed since the card: the old-button answer
    return (th.answers_full(rnd.title, forms.item_view(items[i]), _answer(draft, items[i].id))
            + [_summary(ctx, rnd, items, draft, bureau_id)])


def submit(ctx):
    """Turns the draft into a new submitted version (late after the due date). Next: end."""
    bureau_id = bureau_param(ctx)
    rnd = svc.get_round(ctx.session, ctx.arg("r", default=None))
    if rnd is None or svc.get_draft(ctx.session, rnd.id, bureau_id) is None:
        return [th.nothing_to_submit()]
    items = forms.report_items(ctx.session, rnd, bureau_id)
    draft = svc.get_draft(ctx.session, rnd.id, bureau_id)
    missing = forms.unanswered(items, (draft.data or {}).get("items", {}))
    if missing:  # e.g. activities loaded after the summary card was sent: answer them first
        first = missing[0]
        step = forms.first_step(items[first])
        svc.save_draft(ctx.session, draft, {**(draft.data or {}), "cursor": {"i": first, "step": step}})
        ctx.start(FLOW, step, {"r": rnd.code, "b": bureau_id, "i": first})
        return [th.incomplete(len(missing)), _prompt(ctx, step)]
    counts = {str(it.id): forms.known_counts(ctx.session, rnd, bureau_id, it) for it in items}
    report = svc.submit(ctx.session, rnd, bureau_id, ctx.user.id, ctx.now, counts)
    if ctx.flow == FLOW:
        ctx.end()
    _forget_parked_draft(ctx, rnd.code, bureau_id)
    return [th.submitted(rnd.title, report.version, report.late, ctx.now)]


def _forget_parked_draft(ctx, code, bureau_id) -> None:
    """A summary card tapped from another step parked this report's flow; its draft is now submitted, so
    there is nothing left to resume."""
    for p in ctx.parked:
        if p["flow"] == FLOW and (p["draft"].get("r"), p["draft"].get("b")) == (code, bureau_id):
            ctx.discard(p["id"])


def status(ctx):
    """Committee: all bureaus for the current round; coordinator: the bureau's rounds this FY. Next: none."""
    today = today_bkk(ctx.now)
    if has_role(ctx.session, ctx.user, Role.COMMITTEE):
        rnd = svc.default_round(ctx.session, today) or svc.next_due(ctx.session, today)
        if rnd is None:
            return [th.no_open_round()]
        rows = [(b.name, st) for b, st in svc.report_status_table(ctx.session, rnd, ctx.now)]
        return [th.all_bureaus_status(rnd.title, rnd.due_date, rows)]
    # Not the committee: the same rule as the report buttons (coordinator of the own bureau, else admin).
    denied = refusal(ctx, coordinator_of(own_bureau))
    if denied:
        return denied
    bureau_id = ctx.user.bureau_id
    fy = fiscal_year_be(today)
    rows = [(r.title, r.due_date, svc.round_status(ctx.session, r, bureau_id, ctx.now), (r.due_date - today).days)
            for r in svc.rounds_of_fy(ctx.session, fy)]
    return [th.bureau_status(svc.get_bureau(ctx.session, bureau_id).name, fy, rows)]


def _kept_on_cancel(ctx):
    """Cancelling leaves the draft in the database: the answer names it and the word that resumes it."""
    rnd = svc.get_round(ctx.session, ctx.draft.get("r"))
    return (rnd.title, th.REPORT_WORD) if rnd else None


def register(router) -> None:
    router.keeps_draft(FLOW, _kept_on_cancel)
    of_param, of_draft = coordinator_of(bureau_param), coordinator_of(lambda ctx: ctx.draft.get("b"))
    router.text(th.REPORT_WORD, start, role=of_param)
    router.postback("report.start", start, role=of_param)
    router.postback("report.round", choose_round, role=of_param)
    # The summary card's button; it also works after leaving the flow (the draft is in the database).
    router.postback("report.submit", submit, role=of_param, in_step=(FLOW, Step.CONFIRM), entry=True)
    router.postback("report.answers", answers, role=of_param, keeps_flow=True)
    router.text(th.STATUS_WORD, status, role=Role.STAFF)
    router.postback("report.status", status, role=Role.STAFF)
    hints = {Step.STATUS: th.HINT_STATUS, Step.DONE: th.HINT_DONE, Step.RESULT: th.HINT_RESULT,
             Step.PARTICIPANTS: th.HINT_PARTICIPANTS, Step.BUDGET: th.HINT_BUDGET, Step.PROBLEMS: th.HINT_PROBLEMS,
             Step.PHOTOS: th.HINT_PHOTOS, Step.CONFIRM: th.HINT_CONFIRM}
    steps = {Step.STATUS: on_status, Step.DONE: on_done, Step.RESULT: on_result,
             Step.PARTICIPANTS: on_participants, Step.BUDGET: on_budget, Step.PROBLEMS: on_problems,
             Step.PHOTOS: on_photos,
             Step.CONFIRM: wait_for_button}  # typed text at the summary: the hint, then the summary again
    for step, fn in steps.items():
        # the role is checked at every answer: a coordinator removed meanwhile stops here
        router.step(FLOW, step, fn, hints[step], prompt=lambda ctx, s=step: _prompt(ctx, s), role=of_draft)
