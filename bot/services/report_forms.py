"""What a round's report asks about, item by item, and in which order its questions come:
- the 6-, 9- and 12-month rounds (the integrated plan's): first the bureau's activities from the register
  (status, what was done, the result against the indicator as a number, participants, budget spent, problems,
  photos), then its pledge items; one report, so the round counts as sent only when both parts are;
- the moral-organization round: its criteria list loaded for the year, else the plan's nine criteria of a
  model moral organization (quoted in the plan's text);
- the bureau-evaluation round: its criteria list once loaded (they are in the printed plan, not our text),
  else the pledge items;
- other rounds: the pledge items.
Pledge items and criteria are answered the same way (done, result, problems, photos). Answers are stored in
the report under the item's id as text ("12" a pledge item, "c3" a criterion, "a7" an activity)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.services import activities, pledges
from messages_th.reference_data import REPORT_CRITERIA as MORAL_ORG_CRITERIA
from models.activities import Activity
from models.rounds import Round

MORAL_ORG = "moral-org"
PLAN_ROUNDS = ("6m", "9m", "12m")  # the rounds the plan ties to its activities (seed, section ๓)

# An activity's status, in the order the buttons show them
ACTIVITY_STATUSES = ("not_started", "in_progress", "done", "cancelled")
NOT_DONE = ("not_started", "cancelled")  # nothing was done: only the reason (problems) is asked

# The questions of each kind of item, in order (the chat flow's steps; the console's form fields)
STEPS = {
    "pledge": ("done", "result", "problems", "photos"),
    "criterion": ("done", "result", "problems", "photos"),
    "activity": ("status", "done", "result", "participants", "budget", "problems", "photos"),
}


@dataclass(frozen=True)
class Criterion:
    id: str  # "c1".."c9": the key of its answers, as a pledge item's id is
    position: int
    text: str


@dataclass(frozen=True)
class ActivityItem:
    id: str  # "a<activity id>"
    position: int
    activity: Activity


CRITERIA = tuple(Criterion(f"c{n}", n, t) for n, t in enumerate(MORAL_ORG_CRITERIA, start=1))


BUREAU_EVAL = "bureau-eval"


def criteria_for(session: Session, rnd: Round) -> list[Criterion] | None:
    """The round's criteria, or None when it asks about items."""
    return criteria_of_kind(session, rnd.key, rnd.fy)


def criteria_of_kind(session: Session, kind: str, fy_be: int) -> list[Criterion] | None:
    """A list loaded for the year (moral-org, bureau-eval: bot/services/activities.import_criteria), else for
    the moral-org round the plan's nine; None for other kinds (and bureau-eval with nothing loaded)."""
    if kind not in (MORAL_ORG, BUREAU_EVAL):
        return None
    loaded = activities.criteria_of(session, kind, fy_be)
    if loaded:
        return [Criterion(f"c{c.position}", c.position, c.text) for c in loaded]
    return list(CRITERIA) if kind == MORAL_ORG else None


def uses_criteria(session: Session, rnd: Round) -> bool:
    return criteria_for(session, rnd) is not None


def uses_activities(rnd: Round) -> bool:
    return rnd.key in PLAN_ROUNDS


def report_items(session: Session, rnd: Round, bureau_id: int) -> list:
    criteria = criteria_for(session, rnd)
    if criteria is not None:
        return criteria
    acts = activities.list_for(session, rnd.fy, bureau_id) if uses_activities(rnd) else []
    return ([ActivityItem(f"a{a.id}", n, a) for n, a in enumerate(acts, start=1)]
            + pledges.report_items(session, rnd.fy, bureau_id))


def kind(item) -> str:
    return "criterion" if isinstance(item, Criterion) else "activity" if isinstance(item, ActivityItem) else "pledge"


def first_step(item) -> str:
    return STEPS[kind(item)][0]


def next_step(item, step: str, answer: dict) -> str | None:
    """The question after `step` for this item given its answers so far; None when the item is complete.
    An activity not started or cancelled skips to why (problems) and has no photos."""
    steps = STEPS[kind(item)]
    if kind(item) == "activity" and answer.get("status") in NOT_DONE:
        steps = ("status", "problems")
    if step not in steps:
        return steps[0]
    i = steps.index(step) + 1
    return steps[i] if i < len(steps) else None


def item_view(item) -> dict:
    """The dict messages show: a pledge item's fields, a criterion's text (as the heading, `good_deed`), or an
    activity's code, name (the heading) and indicator."""
    if isinstance(item, Criterion):
        return {"id": item.id, "position": item.position, "good_deed": item.text, "criterion": True}
    if isinstance(item, ActivityItem):
        a = item.activity
        return {"id": item.id, "position": item.position, "activity": True, "code": a.code, "good_deed": a.name,
                "indicator": a.indicator, "unit": a.unit, "target": a.target, "budget": a.budget}
    return pledges.item_dict(item)


def known_counts(session: Session, rnd: Round, bureau_id: int, item) -> dict:
    """What the bot already knows for the item (none for a criterion; for an activity, the check-ins of the
    bureau's staff at campaigns linked to it in the round's period)."""
    if isinstance(item, Criterion):
        return {}
    if isinstance(item, ActivityItem):
        return {"attendance": activities.attendance(session, rnd, bureau_id, item.activity.id)}
    return pledges.prefill_counts(session, rnd, bureau_id, item)


def unanswered(items: list, answers: dict) -> list[int]:
    """Indexes of the items a report would leave empty (an activity with no status, an item with nothing
    done): a round is sent only with every part answered, so the activities and the pledge go together."""
    key = {"activity": "status", "pledge": "done", "criterion": "done"}
    return [i for i, it in enumerate(items) if not (answers.get(str(it.id)) or {}).get(key[kind(it)])]


def known_counts_many(session: Session, rnd: Round, bureau_id: int, items: list) -> dict[str, dict]:
    """`known_counts` of every item, keyed as the report's answers are (str id); one batch of queries."""
    pledge_items = [it for it in items if kind(it) == "pledge"]
    found = pledges.prefill_counts_many(session, rnd, bureau_id, pledge_items)
    out = {}
    for it in items:
        k = kind(it)
        out[str(it.id)] = (found[it.id] if k == "pledge" else {} if k == "criterion" else
                           {"attendance": activities.attendance(session, rnd, bureau_id, it.activity.id)})
    return out
