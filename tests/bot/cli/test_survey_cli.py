"""`flask survey create|list|edit|close|rates`: the cost shown before saving, the link and พ.ศ. dates checked."""
from __future__ import annotations

from sqlmodel import select

from bot.services import survey as svc
from models.core import User
from models.recognition import SurveyDrive
from tests.factories import make_bureau, make_user
from tests.scheduler.helpers import bkk

NOW = bkk(2027, 2, 22, 10, 0)
URL = "https://itas.example.go.th/iit"


def _drives(db):
    with db() as s:
        return list(s.exec(select(SurveyDrive)))


def test_create_shows_the_cost_and_asks_first(app, db, clock):
    clock.set(NOW)
    with db() as s:
        b = make_bureau(s, code="CLI1")
        for _ in range(6):
            make_user(s, b)
    run = app.test_cli_runner().invoke
    args = ["survey", "create", "--url", URL, "--opens", "1/3/2570", "--closes", "19 มี.ค. 2570"]
    no = run(args=args, input="n\n")
    assert no.exit_code == 1 and "invite to 6 staff, 2 reminder(s)" in no.output and "at most 18 pushes" in no.output
    assert _drives(db) == []
    yes = run(args=args + ["--bureau", "cli1", "--yes"])
    assert yes.exit_code == 0 and "saved" in yes.output, yes.output
    [d] = _drives(db)
    assert d.bureau_ids == [b.id] and d.title == svc.DEFAULT_TITLE
    with db() as s:
        svc.mark_done(s, d.id, s.exec(select(User)).first(), bkk(2027, 3, 2, 10, 0))
    clock.set(bkk(2027, 3, 2, 11, 0))
    assert "1/6 answered" in run(args=["survey", "list"]).output
    assert "     1/6" in run(args=["survey", "rates", str(d.id)]).output
    assert run(args=["survey", "edit", str(d.id), "--url", URL + "/2", "--closes", "26/3/2570"]).exit_code == 0
    assert _drives(db)[0].url == URL + "/2"
    assert "closed" in run(args=["survey", "close", str(d.id)]).output
    assert "already closed" in run(args=["survey", "close", str(d.id)]).output


def test_bad_link_dates_and_names_are_clean_errors(app, db, clock):
    clock.set(NOW)
    run = app.test_cli_runner().invoke
    bad = run(args=["survey", "create", "--url", "http://x.go.th", "--opens", "1/2/2570", "--closes", "1/3/2570", "--yes"])
    assert bad.exit_code == 1 and "url must start with https://" in bad.output and "opens_on has passed" in bad.output
    ce = run(args=["survey", "create", "--url", URL, "--opens", "1/3/2027", "--closes", "19/3/2570"])
    assert ce.exit_code == 2 and "--opens" in ce.output
    assert run(args=["survey", "create", "--url", URL, "--opens", "1/3/2570", "--closes", "19/3/2570",
                     "--bureau", "NOPE"]).exit_code == 1
    assert "no survey drive 99" in run(args=["survey", "close", "99"]).output
    assert _drives(db) == []
