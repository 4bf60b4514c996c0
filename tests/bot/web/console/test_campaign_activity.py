"""A campaign may belong to an activity of the register (issue 16): picked in the console's form or named on
the CLI; another year's activity is refused; the link is what pre-fills the activity's participants."""
from __future__ import annotations

from sqlmodel import select

from models.activities import Activity
from models.campaigns import Campaign
from tests.bot.web.console.test_campaigns import NOW, _form  # noqa: F401  (the same fixed clock and form)
from tests.bot.web.console.test_campaigns import _fixed_clock  # noqa: F401


def _activities(db):
    with db() as s:
        this = Activity(fy=2570, code="2.1.2", name="จิตอาสาทำความสะอาด (ทดสอบ)")
        other = Activity(fy=2569, code="2.1.2", name="ของปีก่อน (ทดสอบ)")
        s.add_all([this, other])
        s.flush()
        return this.id, other.id


def test_console_links_the_campaign_to_this_years_activity(client, login, personas, db):
    this, other = _activities(db)
    login(client, personas.committee)
    page = client.get("/console/campaigns/new").get_data(as_text=True)
    assert "๒.๑.๒ จิตอาสาทำความสะอาด (ทดสอบ)" in page and "ของปีก่อน" not in page
    data = _form(client) | {"activity": str(this)}
    preview = client.post("/console/campaigns/new", data=data | {"action": "preview"})
    assert "กิจกรรมตามแผน" in preview.get_data(as_text=True)
    assert client.post("/console/campaigns/new", data=data | {"action": "confirm"}).status_code == 302
    with db() as s:
        assert s.exec(select(Campaign)).one().activity_id == this
    refused = client.post("/console/campaigns/new", data=_form(client) | {"activity": str(other),
                                                                            "title": "อีกงาน (ทดสอบ)"})
    assert refused.status_code == 400 and "ไม่อยู่ในทะเบียน" in refused.get_data(as_text=True)


def test_cli_names_the_activity_by_code(app, db, personas):
    this, _ = _activities(db)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["campaign", "create", "--title", "ทำความสะอาด (ทดสอบ)", "--at", "20 ม.ค. 2570 09:00",
                             "--activity", "๒.๑.๒"])
    assert ok.exit_code == 0, ok.output
    with db() as s:
        assert s.exec(select(Campaign)).one().activity_id == this
    bad = runner.invoke(args=["campaign", "create", "--title", "x (ทดสอบ)", "--at", "20 ม.ค. 2570 09:00",
                              "--activity", "9.9"])
    assert bad.exit_code != 0 and "no activity" in bad.output


def test_cli_refuses_a_start_that_has_passed(app, db):
    result = app.test_cli_runner().invoke(args=["campaign", "create", "--title", "ย้อนหลัง (ทดสอบ)",
                                                "--at", "1 ต.ค. 2568 09:00"])
    assert result.exit_code != 0 and "passed" in result.output
