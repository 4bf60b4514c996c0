"""What a round's report asks about, item by item: the bureau's pledge items for most rounds; for the
moral-organization round, the plan's nine criteria of a model moral organization. Both are answered the same
way (done, result, problems, photos) and stored in the report under the item's id (str)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.services import pledges
from messages_th.reference_data import REPORT_CRITERIA as MORAL_ORG_CRITERIA
from models.rounds import Round

MORAL_ORG = "moral-org"


@dataclass(frozen=True)
class Criterion:
    id: str  # "c1".."c9": the key of its answers, as a pledge item's id is
    position: int
    text: str


CRITERIA = tuple(Criterion(f"c{n}", n, t) for n, t in enumerate(MORAL_ORG_CRITERIA, start=1))


def uses_criteria(rnd: Round) -> bool:
    return rnd.key == MORAL_ORG


def report_items(session: Session, rnd: Round, bureau_id: int) -> list:
    return list(CRITERIA) if uses_criteria(rnd) else pledges.report_items(session, rnd.fy, bureau_id)


def item_view(item) -> dict:
    """The dict messages show: a pledge item's fields, or a criterion's text (as the heading, `good_deed`)."""
    if isinstance(item, Criterion):
        return {"id": item.id, "position": item.position, "good_deed": item.text, "criterion": True}
    return pledges.item_dict(item)


def known_counts(session: Session, rnd: Round, bureau_id: int, item) -> dict:
    """What the bot already knows for the item (none for a criterion)."""
    return {} if isinstance(item, Criterion) else pledges.prefill_counts(session, rnd, bureau_id, item)
