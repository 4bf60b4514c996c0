"""Every CLI date goes through the Thai date parser: พ.ศ. like the fiscal years, echoed back in Thai พ.ศ."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import select

from bot.services import rounds as svc
from messages_th.dates import to_bkk
from models.campaigns import Campaign
from models.worker import Holiday


@pytest.fixture()
def cli(app):
    runner = app.test_cli_runner()

    def run(*args, ok=True):
        res = runner.invoke(args=list(args))
        assert (res.exit_code == 0) == ok, res.output
        assert "Traceback" not in res.output
        return res.output
    return run


def _due(db, code):
    with db() as s:
        return next(r.due_date for r in svc.rounds_of_fy(s, int(code[:4])) if r.code == code)


@pytest.mark.parametrize("typed", ["2570-03-25", "25/3/2570", "25 มี.ค. 2570", "25 มีนาคม 2570", "๒๕/๓/๒๕๗๐"])
def test_set_due_reads_the_thai_year(cli, db, typed):
    cli("fy-open", "2570")
    out = cli("rounds", "set-due", "2570-6m", typed)
    assert "2570-6m due 25 มี.ค. 2570" in out and "3113" not in out and "ค.ศ." not in out
    assert _due(db, "2570-6m") == date(2027, 3, 25)


def test_set_due_the_issue_case_is_no_longer_3113(cli, db):
    cli("fy-open", "2570")
    out = cli("rounds", "set-due", "2570-6m", "2570-03-20")
    assert "20 มี.ค. 2570" in out and "3113" not in out
    assert _due(db, "2570-6m") == date(2027, 3, 20)


def test_a_ce_iso_date_is_accepted_and_said_to_be_read_as_ce(cli, db):
    cli("fy-open", "2570")
    out = cli("rounds", "set-due", "2570-6m", "2027-03-27")
    assert "27 มี.ค. 2570" in out and "read 2027-03-27 as ค.ศ." in out
    assert _due(db, "2570-6m") == date(2027, 3, 27)


@pytest.mark.parametrize("typed,why", [
    ("20/03/2027", "CE year"), ("31 ก.พ. 2570", "no such day"), ("20/3/70", "two-digit"),
    ("พรุ่งนี้", "not a date"), ("20 มี.ค. 2570 09:00", "only a date"), ("20 มีน 2570", "month"),
])
def test_nonsense_is_a_clean_click_error(cli, db, typed, why):
    cli("fy-open", "2570")
    out = cli("rounds", "set-due", "2570-6m", typed, ok=False)
    assert "Invalid value" in out and why in out and "2570-03-20" in out  # the hint shows the accepted forms
    assert _due(db, "2570-6m") == date(2027, 3, 20)


def test_rounds_add_and_list_in_thai(cli, db):
    cli("fy-open", "2570")
    out = cli("rounds", "add", "2570", "extra", "--title", "รายงานพิเศษ", "--start", "1 ม.ค. 2570",
              "--end", "31/1/2570", "--due", "2570-02-10")
    assert "added 2570-extra: 1 ม.ค. 2570 .. 31 ม.ค. 2570, due 10 ก.พ. 2570" in out
    assert "1 ม.ค. 2570 – 31 ม.ค. 2570  due 10 ก.พ. 2570" in cli("rounds", "list", "--fy", "2570")
    cli("rounds", "add", "2570", "other", "--title", "x", "--start", "1 ม.ค. 2570", "--end", "31 ก.พ. 2570",
        "--due", "2570-02-10", ok=False)


def test_campaign_create_and_holidays_take_thai_dates(cli, db):
    out = cli("campaign", "create", "--title", "บริจาคโลหิต", "--at", "10 ธ.ค. 2569 เวลา 09:00 น.")
    assert "10 ธ.ค. 2569 09:00 น." in out
    cli("campaign", "create", "--title", "x", "--at", "10 ธ.ค. 2569", ok=False)  # a campaign needs its time
    with db() as s:
        assert to_bkk(s.exec(select(Campaign)).one().starts_at).replace(tzinfo=None) == datetime(2026, 12, 10, 9)
    assert "holiday 7 ธ.ค. 2569 ชดเชยวันพ่อ" in cli("holidays", "add", "7/12/2569", "ชดเชยวันพ่อ")
    assert "(7 ธ.ค. 2569)" in cli("holidays", "list")
    cli("holidays", "add", "7/12/69", "x", ok=False)
    with db() as s:
        assert s.get(Holiday, date(2026, 12, 7)).name == "ชดเชยวันพ่อ"
    assert "removed" in cli("holidays", "remove", "๗ ธ.ค. ๒๕๖๙")
