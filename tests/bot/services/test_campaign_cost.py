"""A campaign's cost preview is the most its pushes can bill: the invite, each reminder to who did not mute them,
the check-in prompt to every invitee; the worker's jobs never push more, and push that much when all join."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.services import campaigns as svc
from models.campaigns import CampaignResponse
from models.core import OutboxMessage, User
from scheduler import campaigns as jobs
from tests.scheduler.helpers import bkk, make_bureau_with

NOW = bkk(2027, 3, 1, 10, 0)
EVENT = bkk(2027, 3, 10, 9, 0)


def pushed(s) -> int:
    """Billed messages the campaign jobs enqueued (one per recipient)."""
    return sum(len(r.recipients) for r in s.exec(select(OutboxMessage)) if r.key.startswith("campaign:"))


def run_the_campaign(s, camp, answer: dict[int, str]) -> int:
    jobs.run(s, NOW)  # the invite
    for uid, ans in answer.items():
        s.add(CampaignResponse(campaign_id=camp.id, user_id=uid, answer=ans))
    s.flush()
    for at in (EVENT - timedelta(days=3), EVENT - timedelta(hours=1), EVENT + timedelta(minutes=1)):
        jobs.run(s, at)
    return pushed(s)


def test_the_preview_is_what_the_jobs_push_when_everyone_joins(db):
    with db() as s:
        b, coord, staff = make_bureau_with(s, 4, code="C1")
        make_bureau_with(s, 3, code="C2")  # not invited
        s.get(User, staff[0].id).mute_reminders = True
        cost = svc.cost(s, [b.id], EVENT, NOW)
        # 5 invited (4 staff and the coordinator), 2 reminders to the 4 unmuted, the check-in prompt to 5
        assert (cost.recipients, cost.reminders, cost.remindable, cost.most) == (5, 2, 4, 5 + 2 * 4 + 5)
        camp = svc.create(s, title="ปลูกต้นไม้", starts_at=EVENT, now=NOW, bureau_ids=[b.id])
        everyone = {u.id: "join" for u in [coord, *staff]}
        assert run_the_campaign(s, camp, everyone) == cost.most


def test_declines_and_no_shows_push_less_than_the_preview(db):
    with db() as s:
        b, coord, staff = make_bureau_with(s, 4, code="C1")
        cost = svc.cost(s, [b.id], EVENT, NOW)
        camp = svc.create(s, title="ปลูกต้นไม้", starts_at=EVENT, now=NOW, bureau_ids=[b.id])
        got = run_the_campaign(s, camp, {staff[0].id: "decline", staff[1].id: "join"})
    assert got == 5 + 2 * 4 + 1 < cost.most == 5 + 2 * 5 + 5  # the decliner gets no reminder, one checks in


def test_reminders_already_due_at_creation_go_as_one_push(db):
    with db() as s:
        b, _, _ = make_bureau_with(s, 2, code="C1")
        tomorrow = NOW + timedelta(days=1)  # the 3-day reminder is already due: the worker sends the latest only
        assert svc.cost(s, [b.id], tomorrow, NOW).reminders == 2
        soon = NOW + timedelta(minutes=30)  # both due: one reminder push
        assert svc.cost(s, [b.id], soon, NOW).reminders == 1
        assert svc.cost(s, [b.id], EVENT, NOW, remind_minutes=()).most == 3 + 3  # no reminders: invite, check-in
