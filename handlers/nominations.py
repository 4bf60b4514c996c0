"""Flow: nominations (issue 17) — a coordinator nominates a person of their bureau (or the bureau) with reasons
per criterion; the nominee consents (a push with buttons) before anything reaches the committee; committee
members score per criterion (never their own bureau's nominee); after the window closes the result is ranked
and the committee announces it (the whole office or only those who opted in, the cost shown first).

```mermaid
stateDiagram-v2
    [*] --> kind: KW_NOMINATE (coordinator), two windows open
    [*] --> who: KW_NOMINATE, a person's window
    [*] --> bureau: KW_NOMINATE, a bureau's window, coordinator of several bureaus
    [*] --> reason: KW_NOMINATE, a bureau's window, one bureau
    kind --> who: nom.window w= (person)
    kind --> bureau: nom.window w= (bureau, several bureaus)
    kind --> reason: nom.window w= (bureau, one bureau)
    who --> who: a name typed (matches as buttons; none: asked again)
    who --> reason: nom.person u= (of the coordinator's bureau, not nominated yet)
    bureau --> reason: nom.bureau b=
    reason --> reason: text (the next criterion)
    reason --> confirm: text (the last criterion)
    confirm --> [*]: nom.send (a person: consent asked by push; a bureau: to the committee)
    [*] --> points: nom.score id= (committee, from the queue KW_REVIEW; not their own bureau's)
    points --> points: nom.point i= p= or 1-5 typed (the next criterion)
    points --> [*]: the last criterion (scores saved)
    [*] --> audience: KW_ANNOUNCE (committee, a window past its closing day)
    audience --> announce: KW_ALL_OFFICE / KW_OPTIN (recipients and cost shown, then the card)
    announce --> [*]: nom.announce w= (the outbox sends it in working hours)
    note right of reason: the cancel word leaves from any step; nothing is saved before nom.send
```
Outside the flow: nom.consent id= ans=yes|no (the nominee only), KW_RESULT / nom.result w= (the ranking),
nom.ann w= (which window to announce), KW_NEWS_ON / KW_NEWS_OFF (a staff member's opt-in).
"""
from __future__ import annotations

from enum import StrEnum

import messages_th.nominations as th
from bot.conversation.flow import restart, wait_for_button
from bot.services import membership, ops_status, quiet_hours
from bot.services import nominations as svc
from messages_th.dates import today_bkk
from messages_th.names import person
from models.enums import Role

FLOW = "nomination"
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


class Step(StrEnum):
    KIND = "kind"
    WHO = "who"
    BUREAU = "bureau"
    REASON = "reason"
    CONFIRM = "confirm"
    POINTS = "points"
    AUDIENCE = "audience"
    ANNOUNCE = "announce"


def _today(ctx):
    return today_bkk(ctx.now)


def _name(user) -> str:
    return person(user.title, user.full_name) if user else "-"


def _crit(ctx, window) -> list[tuple[int, str]]:
    return [(c.position, c.text) for c in svc.criteria(ctx.session, window)]


def _window(ctx):
    """The draft's window, still open for nominations; None otherwise (the step's buttons go stale)."""
    w = svc.get_window(ctx.session, ctx.draft.get("w"))
    return w if w is not None and svc.is_open(w, _today(ctx)) else None


# -- nominate ----------------------------------------------------------------------------------------------

def start(ctx):
    """KW_NOMINATE: the open window (or a choice of two); next: who / bureau / reason."""
    wins = svc.open_windows(ctx.session, _today(ctx))
    if not wins:
        return [th.no_open_window()]
    if not svc.coordinated_bureaus(ctx.session, ctx.user):
        return [th.no_bureau()]
    if len(wins) == 1:
        return _begin(ctx, wins[0])
    restart(ctx, FLOW, Step.KIND)
    return [_ask_kind(ctx)]


def _ask_kind(ctx):
    return th.pick_window([(w.id, w.kind, w.fy, w.closes_on) for w in svc.open_windows(ctx.session, _today(ctx))])


def choose_window(ctx):
    w = svc.get_window(ctx.session, ctx.arg("w", int))
    if w is None or not svc.is_open(w, _today(ctx)):
        return None
    return _begin(ctx, w)


def _begin(ctx, w):
    if not svc.criteria(ctx.session, w):
        return [th.no_criteria(w.kind, w.fy)]
    if w.kind == "person":
        restart(ctx, FLOW, Step.WHO, {"w": w.id})
        return [th.ask_who(w.kind, w.fy, w.closes_on)]
    bureaus = svc.coordinated_bureaus(ctx.session, ctx.user)
    if len(bureaus) == 1:
        restart(ctx, FLOW, Step.BUREAU, {"w": w.id})  # no choice to make: straight on to the reasons
        return _pick_bureau(ctx, w, bureaus[0])
    restart(ctx, FLOW, Step.BUREAU, {"w": w.id})
    return [_ask_bureau(ctx)]


def _ask_who(ctx):
    w = svc.get_window(ctx.session, ctx.draft.get("w"))
    return th.ask_who(w.kind, w.fy, w.closes_on)


def on_who(ctx):
    """A name typed: the registered people of the coordinator's bureaus who match, as buttons."""
    if not ctx.text or _window(ctx) is None:
        return None
    people = svc.search_nominees(ctx.session, ctx.user, ctx.text)
    if not people:
        return [th.nobody(ctx.text)]
    return [th.pick_person([(u.id, _name(u)) for u in people[:12]], len(people) > 12)]


def choose_person(ctx):
    """nom.person u=: someone of the coordinator's bureau not nominated yet; next: the first reason."""
    w = _window(ctx)
    nominee = membership.get_user(ctx.session, ctx.arg("u", int))
    if w is None:
        return None
    if nominee is None or not nominee.registered or not svc.may_nominate(ctx.session, ctx.user, nominee.bureau_id):
        return [th.refused("not_found")]
    if svc.live_nomination(ctx.session, w, nominee_id=nominee.id):
        ctx.end()
        return [th.already_nominated(_name(nominee))]
    ctx.goto(Step.REASON, u=nominee.id, b=nominee.bureau_id, name=_name(nominee), i=0, reasons={})
    return [_ask_reason(ctx)]


def _ask_bureau(ctx):
    return th.pick_bureau(svc.bureaus_named(ctx.session, svc.coordinated_bureaus(ctx.session, ctx.user)))


def choose_bureau(ctx):
    w = _window(ctx)
    if w is None:
        return None
    return _pick_bureau(ctx, w, ctx.arg("b", int))


def _pick_bureau(ctx, w, bureau_id):
    if not svc.may_nominate(ctx.session, ctx.user, bureau_id):
        return [th.refused("not_found")]
    bureau = membership.get_bureau(ctx.session, bureau_id)
    if svc.live_nomination(ctx.session, w, bureau_id=bureau_id):
        ctx.end()
        return [th.already_nominated(bureau.name)]
    ctx.goto(Step.REASON, u=None, b=bureau_id, name=bureau.name, i=0, reasons={})
    return [_ask_reason(ctx)]


def _ask_reason(ctx):
    d = ctx.draft
    crit = _crit(ctx, svc.get_window(ctx.session, d["w"]))
    pos, ctext = crit[min(d["i"], len(crit) - 1)]
    return th.ask_reason(d["i"] + 1, len(crit), ctext, d["name"])


def on_reason(ctx):
    """The reason for the current criterion; next: the next criterion, or the card to check."""
    w = _window(ctx)
    if not ctx.text or w is None:
        return None
    d = ctx.draft
    crit = _crit(ctx, w)
    pos = crit[min(d["i"], len(crit) - 1)][0]
    reasons = {**d.get("reasons", {}), str(pos): ctx.text[:svc.REASON_MAX]}
    if d["i"] + 1 < len(crit):
        ctx.goto(Step.REASON, i=d["i"] + 1, reasons=reasons)
        return [_ask_reason(ctx)]
    ctx.goto(Step.CONFIRM, reasons=reasons)
    return [_confirm_card(ctx)]


def _evidence(ctx, w) -> dict:
    d = ctx.draft
    if d.get("u"):
        return svc.person_evidence(ctx.session, membership.get_user(ctx.session, d["u"]), w.fy)
    return svc.bureau_evidence(ctx.session, d["b"], w.fy, ctx.now)


def _confirm_card(ctx):
    d = ctx.draft
    w = svc.get_window(ctx.session, d["w"])
    return th.confirm_card(w.kind, d["name"], membership.bureau_name(ctx.session, d["b"]) or "-", _crit(ctx, w),
                           d.get("reasons", {}), _evidence(ctx, w))


def send(ctx):
    """nom.send: saved; a person is asked for consent by push (nothing reaches the committee before)."""
    w = _window(ctx)
    if w is None:
        return None
    d = ctx.draft
    nominee = membership.get_user(ctx.session, d["u"]) if d.get("u") else None
    try:
        nom = svc.create(ctx.session, w, ctx.user, bureau_id=d["b"], nominee=nominee, reasons=d.get("reasons", {}),
                         now=ctx.now)
    except svc.NominationError as exc:
        ctx.end()
        return [th.refused(exc.code)]
    ctx.end()
    if nominee is None:
        return [th.sent_to_committee(d["name"])]
    card = th.consent_card(nom.id, w.kind, w.fy, _name(ctx.user), _crit(ctx, w), nom.reasons, nom.evidence,
                           w.closes_on)
    ctx.enqueue_push(f"nomination:{nom.id}:consent", nominee.line_user_id, [card],
                     not_before=quiet_hours.not_before(ctx.session, ctx.now))
    return [th.sent_for_consent(d["name"])]


def consent(ctx):
    """nom.consent id= ans=: the nominee's answer (anyone else: not theirs); the nominator is told."""
    ans = ctx.arg("ans")
    if ans not in ("yes", "no"):
        return None
    nom = svc.get(ctx.session, ctx.arg("id", int))
    code = svc.answer_consent(ctx.session, nom, ctx.user, ans == "yes", ctx.now)
    if code in (svc.SUBMITTED, svc.DECLINED):
        nominator = membership.get_user(ctx.session, nom.nominator_id)
        if nominator is not None and nominator.line_user_id:
            ctx.enqueue_push(f"nomination:{nom.id}:answer", nominator.line_user_id,
                             [th.told_nominator(_name(ctx.user), code == svc.SUBMITTED)],
                             not_before=quiet_hours.not_before(ctx.session, ctx.now))
    return [th.consent_answered(code)]


# -- the committee -----------------------------------------------------------------------------------------

def review(ctx):
    """KW_REVIEW: the submitted nominations of open windows, those not yet scored first."""
    items = svc.queue(ctx.session, ctx.user, _today(ctx))
    if not items:
        return [th.empty_queue()]
    rows = []
    for q in items[:10]:
        rows.append({"id": q.nomination.id, "kind": q.window.kind, "fy": q.window.fy,
                     "name": _name(q.nominee) if q.nominee else q.bureau.name, "bureau": q.bureau.name,
                     "criteria": _crit(ctx, q.window), "reasons": q.nomination.reasons,
                     "evidence": q.nomination.evidence, "scored": q.scored, "own": q.own_bureau})
    return [th.queue(rows, len(items))]


def _nominee_name(ctx, nom) -> str:
    if nom.nominee_id:
        return _name(membership.get_user(ctx.session, nom.nominee_id))
    return membership.bureau_name(ctx.session, nom.bureau_id) or "-"


def score_start(ctx):
    """nom.score id=: refused politely on the member's own bureau's nominee; next: points for criterion 1."""
    nom = svc.get(ctx.session, ctx.arg("id", int))
    problem = svc.score_problem(ctx.session, nom, ctx.user, _today(ctx))
    if problem:
        return [th.cannot_score(problem)]
    restart(ctx, FLOW, Step.POINTS, {"id": nom.id, "i": 0, "scores": {}})
    return [_ask_points(ctx)]


def _ask_points(ctx):
    d = ctx.draft
    nom = svc.get(ctx.session, d["id"])
    w = svc.get_window(ctx.session, nom.window_id)
    crit = _crit(ctx, w)
    pos, ctext = crit[min(d["i"], len(crit) - 1)]
    current = svc.scores_of(ctx.session, nom, ctx.user).get(str(pos))
    return th.ask_points(nom.id, d["i"] + 1, len(crit), _nominee_name(ctx, nom), ctext,
                         (nom.reasons or {}).get(str(pos), ""), current)


def _points_given(ctx) -> int | None:
    """A button (for this very nomination and criterion: an older one is stale) or a digit 1–5 typed."""
    d = ctx.draft
    if ctx.postback:
        if ctx.arg("id", int) != d["id"] or ctx.arg("i", int) != d["i"] + 1:
            return None
        p = ctx.arg("p", int)
    else:
        raw = (ctx.text or "").translate(THAI_DIGITS)
        p = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 1 else None
    return p if p in svc.POINTS else None


def on_points(ctx):
    """Points for the current criterion; next: the next one, or saved after the last."""
    p = _points_given(ctx)
    if p is None:
        return None
    d = ctx.draft
    nom = svc.get(ctx.session, d["id"])
    problem = svc.score_problem(ctx.session, nom, ctx.user, _today(ctx))
    if problem:
        ctx.end()
        return [th.cannot_score(problem)]
    crit = _crit(ctx, svc.get_window(ctx.session, nom.window_id))
    scores = {**d.get("scores", {}), str(crit[min(d["i"], len(crit) - 1)][0]): p}
    if d["i"] + 1 < len(crit):
        ctx.goto(Step.POINTS, i=d["i"] + 1, scores=scores)
        return [_ask_points(ctx)]
    new = svc.save_scores(ctx.session, nom, ctx.user, scores, ctx.now)
    ctx.end()
    return [th.scored(_nominee_name(ctx, nom), sum(scores.values()), len(crit) * max(svc.POINTS), new)]


# -- result and announcement -------------------------------------------------------------------------------

def result(ctx):
    """KW_RESULT: windows past their closing day (asking closes one still open), ranked."""
    wins = svc.finished_windows(ctx.session, _today(ctx))
    if not wins:
        return [th.no_result()]
    if len(wins) == 1:
        return _show_result(ctx, wins[0])
    return [th.pick_result_window([(w.id, w.kind, w.fy) for w in wins], "nom.result")]


def result_pick(ctx):
    w = svc.get_window(ctx.session, ctx.arg("w", int))
    if w is None or not svc.result_ready(w, _today(ctx)):
        return None
    return _show_result(ctx, w)


def _show_result(ctx, w):
    svc.close_if_due(ctx.session, w, _today(ctx))
    return th.result(w.kind, w.fy, svc.ranking(ctx.session, w), w.status == "announced")


def announce_start(ctx):
    """KW_ANNOUNCE: a finished window not announced yet; next: the audience."""
    wins = [w for w in svc.finished_windows(ctx.session, _today(ctx)) if w.status != "announced"]
    if not wins:
        return [th.no_result()]
    if len(wins) == 1:
        return _begin_announce(ctx, wins[0])
    return [th.pick_result_window([(w.id, w.kind, w.fy) for w in wins], "nom.ann")]


def announce_pick(ctx):
    w = svc.get_window(ctx.session, ctx.arg("w", int))
    if w is None or not svc.result_ready(w, _today(ctx)):
        return None
    return _begin_announce(ctx, w)


def _begin_announce(ctx, w):
    if w.status == "announced":
        return [th.already_announced()]
    svc.close_if_due(ctx.session, w, _today(ctx))
    if not [r for r in svc.ranking(ctx.session, w) if r.mean is not None]:
        return [th.nothing_to_announce()]
    restart(ctx, FLOW, Step.AUDIENCE, {"w": w.id})
    return [_ask_audience(ctx)]


def _ask_audience(ctx):
    return th.ask_audience(len(svc.audience_ids(ctx.session, "all")), len(svc.audience_ids(ctx.session, "optin")))


WHO = {th.KW_ALL_OFFICE: "all", th.KW_OPTIN: "optin"}


def on_audience(ctx):
    """The whole office or those who opted in; next: the cost and the card, then nom.announce."""
    who = WHO.get(ctx.text or "")
    if who is None:
        return None
    if not svc.audience_ids(ctx.session, who):
        return [th.nobody_to_tell()]
    ctx.goto(Step.ANNOUNCE, who=who)
    return _announce_confirm(ctx)


def _preview(ctx, w) -> dict:
    return th.announcement(w.kind, w.fy, [r for r in svc.ranking(ctx.session, w) if r.mean is not None])


def _quota_left(ctx) -> int | None:
    reading = ops_status.cached_quota(ctx.session, ctx.now)
    if reading is None or not reading.ok or reading.limit is None:
        return None
    return reading.limit - reading.used - ops_status.pending_recipients(ctx.session)


def _announce_confirm(ctx) -> list[dict]:
    d = ctx.draft
    w = svc.get_window(ctx.session, d["w"])
    n = len(svc.audience_ids(ctx.session, d["who"]))
    label = th.KW_ALL_OFFICE if d["who"] == "all" else th.KW_OPTIN
    return th.announce_confirm(w.id, label, n, _quota_left(ctx), _preview(ctx, w))


def announce(ctx):
    """nom.announce w=: into the outbox once (a second tap finds it announced), held to working hours."""
    d = ctx.draft
    w = svc.get_window(ctx.session, d.get("w"))
    if w is None or ctx.arg("w", int) != w.id:
        return None
    ctx.end()
    if not svc.mark_announced(ctx.session, w):
        return [th.already_announced()]
    to = svc.audience_ids(ctx.session, d["who"])
    ctx.enqueue_push(svc.announce_key(w), to, [_preview(ctx, w)], category="multicast",
                     not_before=quiet_hours.not_before(ctx.session, ctx.now))
    return [th.announced(len(to))]


def news_on(ctx):
    return [th.news(True, svc.set_news(ctx.session, ctx.user, True))]


def news_off(ctx):
    return [th.news(False, svc.set_news(ctx.session, ctx.user, False))]


PROMPTS = {
    Step.KIND: _ask_kind,
    Step.WHO: _ask_who,
    Step.BUREAU: _ask_bureau,
    Step.REASON: _ask_reason,
    Step.CONFIRM: _confirm_card,
    Step.POINTS: _ask_points,
    Step.AUDIENCE: _ask_audience,
    Step.ANNOUNCE: lambda ctx: _announce_confirm(ctx)[0],
}


def register(router) -> None:
    router.text(th.KW_NOMINATE, start, role=Role.COORDINATOR)
    router.text(th.KW_REVIEW, review, role=Role.COMMITTEE)
    router.text(th.KW_RESULT, result, role=Role.COMMITTEE)
    router.text(th.KW_ANNOUNCE, announce_start, role=Role.COMMITTEE)
    router.text(th.KW_NEWS_ON, news_on, role=Role.STAFF)
    router.text(th.KW_NEWS_OFF, news_off, role=Role.STAFF)
    coordinator_steps = {Step.KIND: wait_for_button, Step.WHO: on_who, Step.BUREAU: wait_for_button,
                         Step.REASON: on_reason, Step.CONFIRM: wait_for_button}
    hints = {Step.WHO: th.HINT_WHO, Step.REASON: th.HINT_REASON, Step.POINTS: th.HINT_POINTS,
             Step.AUDIENCE: th.HINT_AUDIENCE}
    for step, fn in coordinator_steps.items():
        router.step(FLOW, step, fn, hints.get(step, ""), prompt=PROMPTS[step], role=Role.COORDINATOR)
    committee_steps = {Step.POINTS: on_points, Step.AUDIENCE: on_audience, Step.ANNOUNCE: wait_for_button}
    for step, fn in committee_steps.items():
        router.step(FLOW, step, fn, hints.get(step, ""), prompt=PROMPTS[step], role=Role.COMMITTEE)
    router.postback("nom.window", choose_window, role=Role.COORDINATOR, in_step=(FLOW, Step.KIND))
    router.postback("nom.person", choose_person, role=Role.COORDINATOR, in_step=(FLOW, Step.WHO))
    router.postback("nom.bureau", choose_bureau, role=Role.COORDINATOR, in_step=(FLOW, Step.BUREAU))
    router.postback("nom.send", send, role=Role.COORDINATOR, in_step=(FLOW, Step.CONFIRM))
    router.postback("nom.consent", consent, role=Role.STAFF)
    router.postback("nom.score", score_start, role=Role.COMMITTEE)
    router.postback("nom.point", on_points, role=Role.COMMITTEE, in_step=(FLOW, Step.POINTS))
    router.postback("nom.result", result_pick, role=Role.COMMITTEE)
    router.postback("nom.ann", announce_pick, role=Role.COMMITTEE)
    router.postback("nom.announce", announce, role=Role.COMMITTEE, in_step=(FLOW, Step.ANNOUNCE))
