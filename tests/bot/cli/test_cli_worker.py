"""`flask --app bot outbox | digest --preview | quota | campaign create | holidays | delegate | staff-reminders`."""
from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from bot.line import outbox
from models.campaigns import Campaign
from models.core import utcnow
from models.worker import Delegation, Holiday, get_setting
from tests.factories import make_bureau, make_user


def cli(app, *args):
    res = app.test_cli_runner().invoke(args=list(args))
    assert res.exit_code == 0, res.output
    return res.output


def test_outbox_shows_counts_and_last_rows(app, db):
    with db() as s:
        outbox.enqueue(s, "k:1", ["U1", "U2"], [{"type": "text", "text": "x"}])
    out = cli(app, "outbox", "--last", "5")
    assert "pending  rows=1 recipients=2" in out and "k:1" in out


def test_digest_preview_prints_text(app, db):
    out = cli(app, "digest", "--preview")
    assert "สรุปความดีประจำสัปดาห์" in out and "สมุดบันทึก" in out


def test_quota_prints_limit_usage_and_forecast(app, db, line):
    line.set_quota(1000)
    with db() as s:
        outbox.enqueue(s, "k:2", [f"U{i}" for i in range(7)], [{"type": "text", "text": "x"}])
        b = make_bureau(s, code="QF")
        for _ in range(3):
            make_user(s, b)
        s.add(Campaign(title="x", starts_at=utcnow() + timedelta(days=2), remind_minutes=[]))
    out = cli(app, "quota")
    assert "limit: 1000" in out and "used: 0" in out and "pending 7" in out and "campaigns 3" in out
    assert "forecast to" in out and "left after forecast: 990" in out


def test_campaign_create_and_holidays_and_delegation(app, db):
    with db() as s:
        b = make_bureau(s, code="H1")
        coord, deputy = make_user(s, b, roles=("coordinator",)), make_user(s, b)
    soon = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%d 09:00")  # a start ahead of the real clock
    cli(app, "campaign", "create", "--title", "บริจาคโลหิต", "--at", soon, "--place", "ห้อง 1",
        "--bureaus", "H1", "--remind", "3d,1h")
    cli(app, "holidays", "add", "2026-12-07", "ชดเชยวันพ่อ")
    assert "2026-12-07 ชดเชยวันพ่อ" in cli(app, "holidays", "list")
    cli(app, "delegate", "set", coord.line_user_id, deputy.line_user_id)
    cli(app, "staff-reminders", "on")
    with db() as s:
        camp = s.exec(select(Campaign)).one()
        assert camp.remind_minutes == [4320, 60] and camp.bureau_ids == [b.id]
        assert s.get(Holiday, date(2026, 12, 7)) is not None
        assert s.exec(select(Delegation)).one().deputy_id == deputy.id
        assert get_setting(s, "staff_reminders") is True
    cli(app, "holidays", "remove", "2026-12-07")
    with db() as s:
        assert s.get(Holiday, date(2026, 12, 7)) is None
