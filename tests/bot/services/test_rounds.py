"""Rounds service and CLI: the plan's pattern, FY rollover, due dates ending 23:59 Bangkok, admin edits."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.services import rounds as svc
from messages_th.dates import BKK
from models.rounds import Round
from tests.factories import make_bureau


def _rounds(db, fy):
    with db() as s:
        return {r.key: (r.code, r.period_start, r.period_end, r.due_date, r.title) for r in svc.rounds_of_fy(s, fy)}


def test_open_fy_follows_the_plan_and_is_idempotent(db):
    with db() as s:
        assert [r.code for r in svc.open_fy(s, 2570)] == [f"2570-{k}" for k in
                                                           ("6m", "9m", "12m", "moral-org", "bureau-eval")]
    with db() as s:
        svc.open_fy(s, 2570)
        assert len(s.exec(select(Round)).all()) == 5
    r = _rounds(db, 2570)
    assert r["6m"][1:4] == (date(2026, 10, 1), date(2027, 3, 31), date(2027, 3, 20))
    assert r["9m"][1:4] == (date(2027, 4, 1), date(2027, 6, 30), date(2027, 6, 20))
    assert r["12m"][1:4] == (date(2027, 7, 1), date(2027, 9, 30), date(2027, 9, 10))
    assert r["moral-org"][3] == date(2027, 6, 30)
    assert r["bureau-eval"][3] == date(2027, 7, 30)
    assert r["6m"][4] == "รายงานรอบ 6 เดือน ปีงบประมาณ พ.ศ. 2570"


def test_fy_open_cli_rolls_over_and_keeps_edited_dates(app, db):
    runner = app.test_cli_runner()
    res = runner.invoke(args=["fy-open", "2571"])
    assert res.exit_code == 0, res.output
    assert "2571-6m" in res.output
    assert _rounds(db, 2571)["6m"][3] == date(2028, 3, 20)
    assert runner.invoke(args=["rounds", "set-due", "2571-6m", "2028-03-27"]).exit_code == 0
    again = runner.invoke(args=["fy-open", "2571"])
    assert again.exit_code == 0
    with db() as s:
        assert len(svc.rounds_of_fy(s, 2571)) == 5
    assert _rounds(db, 2571)["6m"][3] == date(2028, 3, 27)  # an admin's edit survives a second fy-open


def test_rounds_cli_list_add_and_errors(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["fy-open", "2570"])
    res = runner.invoke(args=["rounds", "add", "2570", "extra", "--title", "รายงานพิเศษ", "--start", "2027-01-01",
                              "--end", "2027-01-31", "--due", "2027-02-10"])
    assert res.exit_code == 0, res.output
    out = runner.invoke(args=["rounds", "list", "--fy", "2570"]).output
    assert "2570-extra" in out and "20 มี.ค. 2570" in out
    assert runner.invoke(args=["rounds", "add", "2570", "extra", "--title", "x", "--start", "2027-01-01",
                               "--end", "2027-01-31", "--due", "2027-02-10"]).exit_code != 0
    assert runner.invoke(args=["rounds", "set-due", "2570-nope", "2027-01-01"]).exit_code != 0
    assert runner.invoke(args=["rounds", "set-due", "2570-6m", "20/03/2027"]).exit_code != 0


def test_due_date_ends_at_23_59_bangkok(db):
    with db() as s:
        rnd = svc.open_fy(s, 2570)[0]
    assert not svc.is_late(rnd, datetime(2027, 3, 20, 23, 30, tzinfo=BKK))
    assert not svc.is_late(rnd, datetime(2027, 3, 20, 23, 59, 59, tzinfo=BKK))
    assert svc.is_late(rnd, datetime(2027, 3, 21, 0, 1, tzinfo=BKK))
    assert svc.is_late(rnd, datetime(2027, 3, 20, 17, 1, tzinfo=timezone.utc))  # = 00:01 on the 21st in Bangkok


def test_current_default_and_next_due(db):
    with db() as s:
        svc.open_fy(s, 2570)
        assert [r.key for r in svc.current_rounds(s, date(2027, 1, 15))] == ["6m", "moral-org", "bureau-eval"]
        assert svc.default_round(s, date(2027, 1, 15)).key == "6m"
        assert svc.default_round(s, date(2027, 3, 25)).key == "moral-org"  # 6m is overdue, 9m not started
        assert svc.default_round(s, date(2027, 4, 2)).key == "9m"
        assert svc.next_due(s, date(2027, 3, 21)).key == "9m"
        assert svc.next_due(s, date(2027, 9, 11)) is None
        assert [r.key for r in svc.rounds_due_between(s, date(2027, 6, 1), date(2027, 6, 30))] == ["9m", "moral-org"]


def test_report_status_table_for_the_digest(db):
    now = datetime(2027, 3, 1, tzinfo=timezone.utc)
    with db() as s:
        b1, b2, b3 = make_bureau(s, "ก", code="A1"), make_bureau(s, "ข", code="A2"), make_bureau(s, "ค", code="A3")
        rnd = svc.open_fy(s, 2570)[0]
        svc.open_draft(s, rnd, b1.id, None)
        svc.open_draft(s, rnd, b2.id, None)
        svc.submit(s, rnd, b2.id, None, now)
        svc.open_draft(s, rnd, b3.id, None)
        svc.submit(s, rnd, b3.id, None, now + timedelta(days=30))
        table = [(b.code, st) for b, st in svc.report_status_table(s, rnd, now)]
        after_due = [(b.code, st) for b, st in svc.report_status_table(s, rnd, now + timedelta(days=30))]
    assert table == [("A1", "draft"), ("A2", "submitted"), ("A3", "late")]
    # Past the due date a draft is overdue, everywhere the status is shown (the digest uses the same rule).
    assert after_due == [("A1", "overdue"), ("A2", "submitted"), ("A3", "late")]


def test_submit_without_a_draft_fails(db):
    with db() as s:
        b = make_bureau(s)
        rnd = svc.open_fy(s, 2570)[0]
        with pytest.raises(LookupError):
            svc.submit(s, rnd, b.id, None, datetime(2027, 1, 1, tzinfo=timezone.utc))


def test_campaign_check_ins_in_the_period_count_as_attendance(db):
    from bot.services import pledges
    from models.campaigns import Campaign, CampaignResponse
    from tests.factories import make_user
    with db() as s:
        b, other = make_bureau(s, "ก", code="A1"), make_bureau(s, "ข", code="A2")
        mine, theirs = make_user(s, b), make_user(s, other)
        rnd = svc.open_fy(s, 2570)[0]  # 6 months: 1 Oct 2026 - 31 Mar 2027
        inside = Campaign(title="เก็บขยะ", starts_at=datetime(2027, 1, 10, 2, 0, tzinfo=timezone.utc))
        outside = Campaign(title="ปลูกป่า", starts_at=datetime(2027, 5, 10, 2, 0, tzinfo=timezone.utc))
        s.add_all([inside, outside])
        s.flush()
        at = datetime(2027, 1, 10, 3, 0, tzinfo=timezone.utc)
        s.add_all([CampaignResponse(campaign_id=inside.id, user_id=mine.id, checked_in_at=at),
                   CampaignResponse(campaign_id=inside.id, user_id=theirs.id, checked_in_at=at),
                   CampaignResponse(campaign_id=outside.id, user_id=mine.id, checked_in_at=at),
                   CampaignResponse(campaign_id=inside.id, user_id=make_user(s, b).id)])  # joined, never came
        s.flush()
        assert pledges.campaign_attendance(s, rnd, b.id) == 1
