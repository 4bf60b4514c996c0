"""Flow: best practices (ถอดบทเรียน, issue 17). A staff member or coordinator writes one question by question; the
draft is its BestPractice row (status draft), saved at every answer, so leaving and typing the word again
continues. The committee's "พิจารณา" lists the submitted ones (and offers the nominations' queue); approve, or
send back with a typed comment (the "comment" step); the author is told by push. Approved ones are the library
"แหล่งเรียนรู้" (newest first, by virtue, "อ่านต่อ" for the whole text).

```mermaid
stateDiagram-v2
    [*] --> title: BP_WORD (a new draft)
    [*] --> confirm: BP_WORD (an open draft with every question answered, or one sent back)
    title --> problem
    problem --> action
    action --> result
    result --> lessons
    lessons --> virtue
    virtue --> activity: bp.virtue / a virtue typed (this year's register has activities)
    virtue --> photos: (no register this year)
    activity --> photos: bp.activity / a code typed / "ข้าม"
    photos --> photos: image (≤3)
    photos --> confirm: "เสร็จ"
    confirm --> title: bp.field f=… (one question, then back to confirm)
    confirm --> [*]: bp.submit (to the committee's queue)
    [*] --> comment: bp.return id (committee)
    comment --> [*]: the comment typed (sent back, the author told)
```
A resumed draft asks only its unanswered questions, then the summary. bp.approve, bp.read, bp.library and
bp.discard are one-reply actions.
"""
from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum

import messages_th.best_practice as th
from bot.conversation.auth import has_role
from bot.conversation.flow import virtue_from_text, wait_for_button
from bot.services import best_practice as svc
from bot.services import files, photo_links, quiet_hours
from models.enums import Role

FLOW = "bp"


class Step(StrEnum):
    TITLE = "title"
    PROBLEM = "problem"
    ACTION = "action"
    RESULT = "result"
    LESSONS = "lessons"
    VIRTUE = "virtue"
    ACTIVITY = "activity"
    PHOTOS = "photos"
    CONFIRM = "confirm"
    COMMENT = "comment"  # the committee's send-back


AUTHOR_STEPS = tuple(s for s in Step if s != Step.COMMENT)
ORDER = (Step.TITLE, Step.PROBLEM, Step.ACTION, Step.RESULT, Step.LESSONS, Step.VIRTUE, Step.ACTIVITY, Step.PHOTOS)


# ---- helpers -------------------------------------------------------------------------------------

def _urls(ctx, paths) -> list[str]:
    base, secret = getattr(ctx.config, "PUBLIC_BASE_URL", ""), getattr(ctx.config, "LINE_CHANNEL_SECRET", "")
    urls = [photo_links.signed_url(base, secret, p, ctx.now) for p in paths]
    return [u for u in urls if u]


def _card(ctx, v: svc.View) -> dict:
    """A view as the plain dict the cards take, with a signed link to its first photo."""
    d = asdict(v)
    d.pop("photo_paths")
    urls = _urls(ctx, v.photo_paths[:1])
    d["photo_url"] = urls[0] if urls else None
    return d


def _row(ctx):
    """The flow's own open row; None when it was sent or deleted meanwhile (another device, a parked copy)."""
    try:
        return svc.own_open(ctx.session, ctx.user, ctx.draft.get("id"))
    except svc.BestPracticeError:
        return None


def _has_activities(ctx, row) -> bool:
    return bool(svc.activity_choices(ctx.session, row))


def _summary(ctx, row) -> dict:
    return th.summary(_card(ctx, svc.view(ctx.session, row)), _has_activities(ctx, row))


def _prompt(ctx, step) -> dict:
    """The step's question (with its buttons), read from the row."""
    if step == Step.COMMENT:
        try:
            row = svc.check_reviewable(ctx.session, ctx.user, ctx.draft.get("review"))
        except svc.BestPracticeError as err:
            return th.problem(err.code)
        return th.ask_comment(row.title)
    row = _row(ctx)
    if row is None:
        return th.problem("not_open")
    if step == Step.CONFIRM:
        return _summary(ctx, row)
    if step == Step.VIRTUE:
        return th.ask_virtue(row.virtue)
    if step == Step.ACTIVITY:
        v = svc.view(ctx.session, row)
        return th.ask_activity([(a.id, a.code, a.name) for a in svc.activity_choices(ctx.session, row)], row.fy,
                               v.activity)
    if step == Step.PHOTOS:
        return th.ask_photos(len(row.photos or []), svc.MAX_PHOTOS)
    return th.ask_text(str(step), getattr(row, str(step)) or None)


def _next(ctx, row, done: Step) -> Step:
    """After `done`: the summary when editing one field or nothing is missing on a resumed draft; on a new
    draft the next question in order (the activity only when this year has a register)."""
    d = ctx.draft
    if d.get("back"):
        return Step.CONFIRM
    if not d.get("seq"):
        gone = svc.missing(row)
        return Step(gone[0]) if gone else Step.CONFIRM
    for step in ORDER[ORDER.index(done) + 1:]:
        if step == Step.ACTIVITY and not _has_activities(ctx, row):
            continue
        return step
    return Step.CONFIRM


def _advance(ctx, row, done: Step) -> list[dict]:
    step = _next(ctx, row, done)
    ctx.goto(step, back=False) if step == Step.CONFIRM else ctx.goto(step)
    return [_prompt(ctx, step)]


def _drop_parked_drafts(ctx) -> None:
    """Parked copies of the author's draft: starting again, sending or deleting replaces them."""
    for entry in ctx.parked:
        if entry["flow"] == FLOW and "id" in (entry.get("draft") or {}):
            ctx.discard(entry["id"])


# ---- writing -------------------------------------------------------------------------------------

def start(ctx):
    """BP_WORD: a new draft (title first) or the open one (its unanswered question, or the summary)."""
    _drop_parked_drafts(ctx)
    row, resumed = svc.start_draft(ctx.session, ctx.user, ctx.now)
    if not resumed:
        ctx.start(FLOW, Step.TITLE, {"id": row.id, "seq": True})
        return [th.started(), _prompt(ctx, Step.TITLE)]
    gone = svc.missing(row)
    step = Step(gone[0]) if gone and row.status == svc.DRAFT else Step.CONFIRM
    ctx.start(FLOW, step, {"id": row.id})
    return [th.resumed(row.title, row.status == svc.RETURNED, row.review_comment), _prompt(ctx, step)]


def _text_step(step: Step):
    def on_text(ctx):
        if not ctx.text:
            return None  # a sticker or photo: the hint and the question again
        row = _row(ctx)
        if row is None:
            ctx.end()
            return [th.problem("not_open")]
        if ctx.text == th.KEEP_WORD and getattr(row, str(step)):
            return _advance(ctx, row, step)
        try:
            svc.set_text(ctx.session, row, str(step), ctx.text, ctx.now)
        except svc.BestPracticeError as err:
            return [th.problem(err.code, **err.info), _prompt(ctx, step)]  # why, then the same question
        return _advance(ctx, row, step)
    on_text.__doc__ = f"Keeps the {step} (typed text). Next: the next question, or the summary."
    return on_text


def _set_virtue(ctx, key):
    row = _row(ctx)
    if row is None:
        ctx.end()
        return [th.problem("not_open")]
    svc.set_virtue(ctx.session, row, key, ctx.now)
    return _advance(ctx, row, Step.VIRTUE)


def choose_virtue(ctx):
    """bp.virtue k=: the virtue tapped. Next: the activity (or photos)."""
    key = ctx.arg("k")
    return _set_virtue(ctx, key) if key in th.BY_KEY else None


def on_virtue_text(ctx):
    """A virtue typed by name; anything else: asked again."""
    key = virtue_from_text(ctx.text)
    return _set_virtue(ctx, key) if key else None


def _set_activity(ctx, activity_id):
    row = _row(ctx)
    if row is None:
        ctx.end()
        return [th.problem("not_open")]
    try:
        svc.set_activity(ctx.session, row, activity_id, ctx.now)
    except svc.BestPracticeError:
        return None  # not this year's: the stale-button answer (a tap) or the question again (typed)
    return _advance(ctx, row, Step.ACTIVITY)


def choose_activity(ctx):
    """bp.activity act= (0: none). Next: photos."""
    aid = ctx.arg("act", int)
    return _set_activity(ctx, aid or None)


def on_activity_text(ctx):
    """"ข้าม", or an activity's code typed."""
    if not ctx.text:
        return None
    if ctx.text == th.SKIP_WORD:
        return _set_activity(ctx, None)
    row = _row(ctx)
    act = svc.activity_by_code(ctx.session, row, ctx.text) if row else None
    if act is None:
        return [th.no_such_activity(ctx.text), _prompt(ctx, Step.ACTIVITY)]
    return _set_activity(ctx, act.id)


def on_photos(ctx):
    """Image: checked, kept (≤3, stay here). "เสร็จ"/"ข้าม": the summary."""
    row = _row(ctx)
    if row is None:
        ctx.end()
        return [th.problem("not_open")]
    if ctx.message_type == "image":
        if len(row.photos or []) >= svc.MAX_PHOTOS:
            return [th.photos_full(svc.MAX_PHOTOS)]
        try:
            data, _ = ctx.fetch_content(ctx.message["id"])
        except Exception:  # noqa: BLE001 - gateway error or expired content: ask again
            return [th.photo_failed()]
        try:
            photo = files.accept_photo(ctx.config.MEDIA_DIR, data)
        except files.PhotoError as err:
            return [th.photo_problem(err.code, files.MAX_PHOTO_BYTES // (1024 * 1024))]
        try:
            n = svc.add_photo(ctx.session, row, photo, ctx.now)
        except svc.BestPracticeError:
            return [th.photos_full(svc.MAX_PHOTOS)]
        return [th.photo_added(n, svc.MAX_PHOTOS)]
    if ctx.text not in (th.DONE_WORD, th.SKIP_WORD):
        return None
    return _advance(ctx, row, Step.PHOTOS)


def edit_field(ctx):
    """bp.field f=: one question again from the summary (also after leaving the flow), then the summary."""
    field = ctx.arg("f")
    if field not in th.EDIT_FIELDS:
        return None
    row = _row(ctx) if ctx.flow == FLOW else None
    row = row or svc.open_row(ctx.session, ctx.user)
    if row is None:
        return [th.problem("not_open")]
    _drop_parked_drafts(ctx)
    ctx.start(FLOW, Step(field), {"id": row.id, "back": True})
    return [_prompt(ctx, Step(field))]


def submit(ctx):
    """bp.submit id: to the committee's queue (every required answer first). Next: end."""
    try:
        row = svc.own_open(ctx.session, ctx.user, ctx.arg("id", int))
        svc.submit(ctx.session, row, ctx.now)
    except svc.BestPracticeError as err:
        if err.code == "incomplete":
            step = Step(err.info["missing"][0])
            ctx.start(FLOW, step, {"id": row.id})
            return [th.incomplete(err.info["missing"]), _prompt(ctx, step)]
        return [th.problem(err.code)]
    if ctx.flow == FLOW:
        ctx.end()
    _drop_parked_drafts(ctx)
    return [th.submitted(row.title, ctx.now)]


def discard(ctx):
    """bp.discard id: asks before deleting the draft. Next: bp.discard_ok / bp.keep."""
    try:
        row = svc.own_open(ctx.session, ctx.user, ctx.arg("id", int))
    except svc.BestPracticeError as err:
        return [th.problem(err.code)]
    return [th.discard_ask(row.title, row.id)]


def discard_ok(ctx):
    """bp.discard_ok id: the draft deleted (its parked copies too)."""
    try:
        row = svc.own_open(ctx.session, ctx.user, ctx.arg("id", int))
    except svc.BestPracticeError as err:
        return [th.problem(err.code)]
    svc.discard(ctx.session, row)
    _drop_parked_drafts(ctx)
    return [th.discarded()]


def keep(ctx):
    """bp.keep: nothing deleted."""
    return [th.kept()]


# ---- reading -------------------------------------------------------------------------------------

def library(ctx):
    """LIBRARY_WORD / bp.library k= o=: approved ones, newest first, one virtue or all."""
    virtue = ctx.arg("k", default=None) if ctx.postback else None
    if virtue is not None and virtue not in th.BY_KEY:
        return None
    offset = ctx.arg("o", int, 0) if ctx.postback else 0
    rows, more = svc.library(ctx.session, virtue, offset)
    cards = [_card(ctx, v) for v in svc.views(ctx.session, rows)]
    return th.library(cards, virtue, offset + len(rows) if more else None)


def read(ctx):
    """bp.read id: the whole text and its photos (approved ones; one's own; the queue for the committee)."""
    committee = has_role(ctx.session, ctx.user, Role.COMMITTEE)
    try:
        row = svc.readable(ctx.session, ctx.user, ctx.arg("id", int), committee)
    except svc.BestPracticeError as err:
        return [th.problem(err.code)]
    v = svc.view(ctx.session, row)
    return th.full_text(_card(ctx, v), _urls(ctx, v.photo_paths))


# ---- the committee -------------------------------------------------------------------------------

def review_queue(ctx):
    """REVIEW_WORD / bp.queue: the submitted best practices, the longest waiting first."""
    rows, total = svc.queue(ctx.session)
    return th.queue([_card(ctx, v) for v in svc.views(ctx.session, rows)], total)


def _tell_author(ctx, row, message: dict) -> None:
    author = svc.author_of(ctx.session, row)
    if author is not None:  # an erased or blocked author cannot be told
        ctx.enqueue_push(f"bp:{row.id}:{row.status}:{row.reviewed_at.isoformat()}", author.line_user_id, [message],
                         not_before=quiet_hours.not_before(ctx.session, ctx.now))


def approve(ctx):
    """bp.approve id: into the library; the author told by push."""
    try:
        row = svc.approve(ctx.session, ctx.user, ctx.arg("id", int), ctx.now)
    except svc.BestPracticeError as err:
        return [th.problem(err.code)]
    _tell_author(ctx, row, th.approved_push(row.title))
    return [th.approved(row.title)]


def send_back(ctx):
    """bp.return id: asks for the comment. Next: comment."""
    try:
        row = svc.check_reviewable(ctx.session, ctx.user, ctx.arg("id", int))
    except svc.BestPracticeError as err:
        return [th.problem(err.code)]
    ctx.start(FLOW, Step.COMMENT, {"review": row.id})
    return [_prompt(ctx, Step.COMMENT)]


def on_comment(ctx):
    """The comment typed: sent back, the author told by push. Next: end."""
    if not ctx.text:
        return None
    try:
        row = svc.send_back(ctx.session, ctx.user, ctx.draft.get("review"), ctx.text, ctx.now)
    except svc.BestPracticeError as err:
        if err.code == "too_long":
            return [th.problem(err.code, **err.info)]
        ctx.end()
        return [th.problem(err.code)]
    ctx.end()
    _tell_author(ctx, row, th.returned_push(row.title, row.review_comment))
    return [th.returned(row.title)]


def _kept_on_cancel(ctx):
    """Cancelling leaves the draft row: the answer says so and how it resumes (the same word)."""
    return th.KEPT_NAME, th.BP_WORD, th.RESUME_HOW


def register(router) -> None:
    router.keeps_draft(FLOW, _kept_on_cancel)
    staff, committee = Role.STAFF, Role.COMMITTEE
    router.text(th.BP_WORD, start, role=staff)
    author_steps = (FLOW, AUTHOR_STEPS)
    router.postback("bp.virtue", choose_virtue, role=staff, in_step=(FLOW, Step.VIRTUE))
    router.postback("bp.activity", choose_activity, role=staff, in_step=(FLOW, Step.ACTIVITY))
    router.postback("bp.field", edit_field, role=staff, in_step=author_steps, entry=True)
    router.postback("bp.submit", submit, role=staff, in_step=(FLOW, Step.CONFIRM), entry=True)
    router.postback("bp.discard", discard, role=staff)
    router.postback("bp.discard_ok", discard_ok, role=staff)
    router.postback("bp.keep", keep, role=staff)
    router.text(th.LIBRARY_WORD, library, role=staff)
    router.postback("bp.library", library, role=staff)
    router.postback("bp.read", read, role=staff, keeps_flow=True)
    router.text(th.REVIEW_WORD, review_queue, role=committee)
    router.postback("bp.queue", review_queue, role=committee)
    router.postback("bp.approve", approve, role=committee)
    router.postback("bp.return", send_back, role=committee)
    text_steps = {s: _text_step(s) for s in (Step.TITLE, Step.PROBLEM, Step.ACTION, Step.RESULT, Step.LESSONS)}
    steps = {**text_steps, Step.VIRTUE: on_virtue_text, Step.ACTIVITY: on_activity_text, Step.PHOTOS: on_photos,
             Step.CONFIRM: wait_for_button}
    for step, fn in steps.items():
        # the photo step reads "เสร็จ"/"ข้าม" itself; the role is checked at every answer
        router.step(FLOW, step, fn, th.HINTS[str(step)], prompt=lambda ctx, s=step: _prompt(ctx, s), role=staff)
    router.step(FLOW, Step.COMMENT, on_comment, th.HINTS["comment"],
                prompt=lambda ctx: _prompt(ctx, Step.COMMENT), role=committee)
