"""Campaign jobs with a fixed clock: invite chunks, reminders at the offsets, check-in prompt, quota refusal."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models.campaigns import Campaign, CampaignResponse
from models.core import User
from scheduler import campaigns
from tests.factories import make_user
from tests.scheduler.helpers import at, bkk, bulk_staff, keys, make_bureau_with, outbox_rows

EVENT = bkk(2027, 3, 10, 9, 0)  # Wednesday 09:00


def make_campaign(s, **kw) -> Campaign:
    c = Campaign(title="ปลูกต้นไม้", description="ร่วมปลูกต้นไม้", place="สวนหลังอาคาร", starts_at=EVENT,
                 remind_minutes=[3 * 1440, 60], **kw)
    s.add(c)
    s.flush()
    return c


def run(db, now, gateway=None):
    with db() as s:
        return campaigns.run(s, now, gateway)


@pytest.fixture()
def small(db):
    with db() as s:
        b1, _, staff1 = make_bureau_with(s, 2, code="K1")
        b2, _, staff2 = make_bureau_with(s, 2, code="K2")
        camp = make_campaign(s, bureau_ids=[b1.id])
        return {"camp": camp, "in": staff1, "out": staff2, "b1": b1}


def test_invite_goes_to_target_bureaus_once(db, small):
    now = EVENT - timedelta(days=7)
    assert run(db, now) == 1
    assert run(db, now + timedelta(minutes=1)) == 0
    [row] = outbox_rows(db)
    assert row.key == f"campaign:{small['camp'].id}:invite" and row.category == "multicast"
    ids = {u.line_user_id for u in small["in"]}
    assert ids <= set(row.recipients) and not {u.line_user_id for u in small["out"]} & set(row.recipients)
    labels = [b["action"]["label"] for b in row.messages[0]["contents"]["footer"]["contents"]]
    assert labels == ["เข้าร่วม", "ไม่สะดวก"]


def test_invite_to_1200_staff_is_three_multicast_chunks(db):
    with db() as s:
        b, _, _ = make_bureau_with(s, 0, code="BIG")
        bulk_staff(s, b, 1199)
        make_campaign(s)
    assert run(db, EVENT - timedelta(days=7)) == 3
    assert [r.recipient_count for r in outbox_rows(db)] == [500, 500, 200]


def test_reminders_at_each_offset_skip_declined_and_muted(db, small):
    c, (a, b) = small["camp"], small["in"]
    with db() as s:
        s.add(CampaignResponse(campaign_id=c.id, user_id=a.id, answer="decline"))
        s.get(User, b.id).mute_reminders = True
    run(db, EVENT - timedelta(days=7))
    assert run(db, EVENT - timedelta(days=3)) == 1  # 3 days before
    assert run(db, EVENT - timedelta(days=2)) == 0
    assert run(db, EVENT - timedelta(minutes=60)) == 1  # 1 hour before
    rem = outbox_rows(db, f"campaign:{c.id}:remind")
    assert [r.key.rsplit(":", 1)[1] for r in rem] == ["4320m", "60m"]
    for r in rem:
        assert a.line_user_id not in r.recipients and b.line_user_id not in r.recipients


def test_catch_up_sends_only_the_latest_reminder(db, small):
    c = small["camp"]
    run(db, EVENT - timedelta(minutes=30))  # down until half an hour before: the 3-day one is stale
    assert keys(db, f"campaign:{c.id}:remind") == [f"campaign:{c.id}:remind:60m"]


def test_invite_is_skipped_when_the_event_already_started(db, small):
    assert run(db, EVENT + timedelta(minutes=5)) == 0
    assert keys(db, f"campaign:{small['camp'].id}:invite") == []


def test_checkin_prompt_goes_to_those_who_joined(db, small):
    c, (a, b) = small["camp"], small["in"]
    with db() as s:
        s.add(CampaignResponse(campaign_id=c.id, user_id=a.id, answer="join"))
    assert run(db, EVENT + timedelta(minutes=1)) == 1
    [row] = outbox_rows(db, f"campaign:{c.id}:checkin")
    assert row.recipients == [a.line_user_id]
    assert run(db, EVENT + timedelta(minutes=2)) == 0


def test_quota_refusal_enqueues_nothing_and_tells_admins_once_a_day(db, bot, line):
    with db() as s:
        b, _, _ = make_bureau_with(s, 0, code="Q1")
        bulk_staff(s, b, 150)
        admin = make_user(s, b, roles=("admin",))
        camp = make_campaign(s)
    line.set_quota(100)
    now = at(EVENT.date() - timedelta(days=7), 10)
    assert run(db, now, bot.gateway) == 0
    assert run(db, now + timedelta(minutes=1), bot.gateway) == 0
    assert keys(db, "campaign:") == []
    [alert] = outbox_rows(db, "quota-alert:")
    assert alert.recipients == [admin.line_user_id] and "โควตา" in alert.messages[0]["text"]
    line.set_quota(10_000)  # the admin raised the quota: the next tick sends
    assert run(db, now + timedelta(minutes=2), bot.gateway) == 1
    assert keys(db, "campaign:") == [f"campaign:{camp.id}:invite"]
