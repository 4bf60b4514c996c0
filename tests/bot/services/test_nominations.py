"""Nomination rules (bot/services/nominations.py): windows, the bureau's numbers, the ranking, PDPA export and
erase, and the cards at the longest input the flow accepts."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.services import nominations as svc
from bot.services import rounds
from bot.services.deeds import record_deed
from messages_th import nominations as th
from models.activities import CriteriaItem
from models.recognition import Nomination, NominationScore, NominationWindow
from tests.factories import make_bureau, make_user
from tests.messages_th.limits_check import assert_fits, long_text

JAN = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)  # FY 2569
FY = 2569


def test_one_open_window_per_year_and_kind_and_its_dates(db):
    with db() as s:
        w = svc.open_window(s, FY, "person", date(2026, 1, 10), date(2026, 2, 10), JAN)
        with pytest.raises(svc.NominationError) as exc:
            svc.open_window(s, FY, "person", date(2026, 3, 1), date(2026, 3, 20), JAN)
        assert exc.value.code == "exists"
        with pytest.raises(svc.NominationError) as exc:
            svc.open_window(s, FY, "bureau", date(2026, 3, 1), date(2026, 2, 1), JAN)
        assert exc.value.code == "bad_dates"
        with pytest.raises(svc.NominationError):
            svc.open_window(s, FY, "team", date(2026, 3, 1), date(2026, 3, 2), JAN)
        assert svc.is_open(w, date(2026, 2, 10)) and not svc.is_open(w, date(2026, 2, 11))
        assert not svc.result_ready(w, date(2026, 2, 10)) and svc.result_ready(w, date(2026, 2, 11))
        assert svc.close_window(s, w) and not svc.close_window(s, w)
        assert not svc.is_open(w, date(2026, 1, 20)) and svc.result_ready(w, date(2026, 1, 20))
        svc.open_window(s, FY, "person", date(2026, 3, 1), date(2026, 3, 20), JAN)  # the closed one is no obstacle


def test_seed_demo_marks_its_criteria_as_examples_and_runs_twice(db):
    with db() as s:
        first = svc.seed_demo(s, JAN)
        again = svc.seed_demo(s, JAN)
        assert [w.id for w in first] == [w.id for w in again]
        items = s.exec(select(CriteriaItem).where(CriteriaItem.kind.in_(("nom-person", "nom-bureau")))).all()
        assert len(items) == 6 and all(i.text.startswith("(ตัวอย่าง)") for i in items)


def test_bureau_numbers_participation_and_rounds_on_time(db):
    with db() as s:
        b = make_bureau(s)
        coord = make_user(s, b, roles=("coordinator",))
        make_user(s, b)
        make_user(s, b)
        record_deed(s, coord, "discipline", "มาประชุมตรงเวลา", date(2025, 11, 3), now=JAN)
        rounds.open_fy(s, FY)
        first = rounds.rounds_of_fy(s, FY)[0]
        rounds.open_draft(s, first, b.id, coord.id)
        rounds.submit(s, first, b.id, coord.id, datetime.combine(first.due_date, datetime.min.time(),
                                                                 tzinfo=timezone.utc) - timedelta(days=1))
        after_first = datetime.combine(first.due_date + timedelta(days=2), datetime.min.time(), tzinfo=timezone.utc)
        ev = svc.bureau_evidence(s, b.id, FY, after_first)
    assert (ev["participants"], ev["staff"], ev["participation_pct"]) == (1, 3, 33.3)
    assert (ev["rounds_due"], ev["rounds_on_time"], ev["rounds_late"]) == (1, 1, 0)


def _window_with(s, n_criteria=2):
    w = svc.open_window(s, FY, "person", date(2026, 1, 1), date(2026, 2, 1), JAN)
    for pos in range(1, n_criteria + 1):
        s.add(CriteriaItem(kind="nom-person", fy=FY, position=pos, text=f"เกณฑ์ {pos}"))
    s.flush()
    return w


def _submitted(s, w, bureau, nominee, nominator):
    nom = svc.create(s, w, nominator, bureau_id=bureau.id, nominee=nominee, reasons={"1": "ดี", "2": "ดีมาก"},
                     now=JAN)
    assert svc.answer_consent(s, nom, nominee, True, JAN) == "submitted"
    return nom


def test_ranking_by_mean_then_more_scorers_unscored_last(db):
    with db() as s:
        b, other = make_bureau(s), make_bureau(s)
        coord = make_user(s, b, roles=("coordinator",))
        a, c, d = (make_user(s, b, full_name=n) for n in ("ก ดี", "ข ดี", "ค ดี"))
        judges = [make_user(s, other, roles=("committee",)) for _ in range(2)]
        w = _window_with(s)
        na, nc, nd = (_submitted(s, w, b, p, coord) for p in (a, c, d))
        svc.save_scores(s, na, judges[0], {"1": 4, "2": 4}, JAN)               # mean 8, one scorer
        svc.save_scores(s, nc, judges[0], {"1": 5, "2": 3}, JAN)               # mean 8, two scorers
        svc.save_scores(s, nc, judges[1], {"1": 4, "2": 4}, JAN)
        assert not svc.save_scores(s, nc, judges[1], {"1": 4, "2": 4, "9": 7}, JAN)  # a rescore replaces
        ranked = svc.ranking(s, w)
    assert [(r.rank, r.name, r.mean, r.scorers) for r in ranked] == [
        (1, "ข ดี", 8.0, 2), (2, "ก ดี", 8.0, 1), (0, "ค ดี", None, 0)]
    assert ranked[0].max_points == 10


def test_a_refused_or_waiting_nomination_is_not_in_the_queue_nor_the_ranking(db):
    with db() as s:
        b, other = make_bureau(s), make_bureau(s)
        coord = make_user(s, b, roles=("coordinator",))
        waiting, refusing = make_user(s, b), make_user(s, b)
        judge = make_user(s, other, roles=("committee",))
        w = _window_with(s)
        svc.create(s, w, coord, bureau_id=b.id, nominee=waiting, reasons={"1": "x"}, now=JAN)
        nom = svc.create(s, w, coord, bureau_id=b.id, nominee=refusing, reasons={"1": "x"}, now=JAN)
        assert svc.answer_consent(s, nom, refusing, False, JAN) == "declined"
        assert svc.queue(s, judge, date(2026, 1, 15)) == [] and svc.ranking(s, w) == []
        assert svc.score_problem(s, nom, judge, date(2026, 1, 15)) == "gone"
        # the refused one may be nominated again (it never reached anyone); the waiting one not
        svc.create(s, w, coord, bureau_id=b.id, nominee=refusing, reasons={"1": "y"}, now=JAN)
        with pytest.raises(svc.NominationError) as exc:
            svc.create(s, w, coord, bureau_id=b.id, nominee=waiting, reasons={"1": "y"}, now=JAN)
        assert exc.value.code == "duplicate"


def test_export_and_erase(db):
    with db() as s:
        b, other = make_bureau(s), make_bureau(s)
        coord = make_user(s, b, roles=("coordinator",))
        nominee, judge = make_user(s, b), make_user(s, other, roles=("committee",))
        w = _window_with(s)
        nom = _submitted(s, w, b, nominee, coord)
        svc.save_scores(s, nom, judge, {"1": 5, "2": 5}, JAN)
        other_nom = _submitted(s, w, b, make_user(s, b), coord)
        svc.save_scores(s, other_nom, judge, {"1": 2, "2": 2}, JAN)
        svc.set_news(s, nominee, True)
        out = svc.export_for(s, nominee)
        assert out["nominated"][0]["reasons"] == {"1": "ดี", "2": "ดีมาก"} and out["announcement_opt_in"]
        assert svc.export_for(s, judge)["scores_given"][0]["scores"] == {"1": 5, "2": 5}
        assert svc.export_for(s, coord)["nominations_made"][0]["id"] == nom.id
        svc.erase_user(s, nominee, JAN)
        assert s.exec(select(Nomination).where(Nomination.nominee_id == nominee.id)).all() == []
        assert s.exec(select(NominationScore).where(NominationScore.nomination_id == nom.id)).all() == []
        assert not svc.follows_news(s, nominee) and svc.audience_ids(s, "optin") == []
        svc.erase_user(s, coord, JAN)
        assert s.get(Nomination, other_nom.id).nominator_id is None
        svc.erase_user(s, judge, JAN)  # the scores they gave stay (their user row is nameless after an erase)
        assert [r.mean for r in svc.ranking(s, w)] == [4.0]


def test_cards_fit_at_the_longest_input():
    crit = [(i, long_text(1000)) for i in range(1, 11)]
    reasons = {str(i): long_text(svc.REASON_MAX) for i in range(1, 11)}
    person_ev = {"fy": FY, "virtues": {"volunteer": 10 ** 6}, "volunteer_hours": 12345.5, "campaigns": 999,
                 "ledger": {"seq": 10 ** 7, "hash": "f" * 64}}
    name = long_text(200)
    assert_fits([th.confirm_card("person", name, long_text(200), crit, reasons, person_ev)])
    assert_fits([th.consent_card(1, "person", FY, name, crit, reasons, person_ev, date(2026, 2, 1))])
    rows = [{"id": 10 ** 9 + i, "kind": "person", "fy": FY, "name": name, "bureau": long_text(200),
             "criteria": crit, "reasons": reasons, "evidence": person_ev, "scored": i % 2 == 0, "own": i == 3}
            for i in range(12)]
    assert_fits([th.queue(rows, 40)])
    assert_fits([th.ask_points(10 ** 9, 10, 10, name, long_text(1000), long_text(svc.REASON_MAX), 5)])
    assert_fits([th.pick_person([(10 ** 9 + i, long_text(200)) for i in range(12)], True)])


def test_cli_loads_criteria_opens_lists_and_closes_a_window(app, db, tmp_path):
    """`flask nominations …`: the admin's way in (the console calls the same service functions)."""
    crit = tmp_path / "criteria.csv"
    crit.write_text("ข้อ,เกณฑ์\n1,ซื่อสัตย์สุจริต (ทดสอบ)\n2,มีจิตอาสา (ทดสอบ)\n", encoding="utf-8")
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["nominations", "criteria-import", str(crit), "--kind", "person", "--fy", "2569"])
    assert loaded.exit_code == 0 and "nom-person: 2 criteria" in loaded.output, loaded.output
    opened = runner.invoke(args=["nominations", "open", "--kind", "person", "--fy", "2569",
                                 "--opens", "1/2/2569", "--closes", "28/2/2569"])
    assert opened.exit_code == 0 and "2 criteria" in opened.output and "28 ก.พ. 2569" in opened.output, opened.output
    twice = runner.invoke(args=["nominations", "open", "--kind", "person", "--fy", "2569",
                                "--opens", "1/3/2569", "--closes", "2/3/2569"])
    assert twice.exit_code == 1 and "close it first" in twice.output
    with db() as s:
        [w] = s.exec(select(NominationWindow)).all()
        assert (w.opens_on, w.closes_on, w.status) == (date(2026, 2, 1), date(2026, 2, 28), "open")
    assert "FY 2569 person" in runner.invoke(args=["nominations", "list"]).output
    assert "closed" in runner.invoke(args=["nominations", "close", str(w.id)]).output
    assert runner.invoke(args=["nominations", "close", "999"]).exit_code == 1
