"""The organisation roll-up (issue 16): its KPI and counts match the database, and its XLSX adds up cell by cell."""
from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlmodel import select

from bot.services import rollup
from bot.services import rounds as svc
from bot.services.deeds import record_deed
from messages_th import rollup_xlsx
from models.activities import Activity, ActivityBureau
from models.campaigns import Campaign, CampaignResponse
from models.core import User
from tests.bot.services.test_rounds_support import FY, JAN, seed

R6 = f"{FY}-6m"


def _world(db):
    w = seed(db, items=0)
    with db() as s:
        acts = {}
        for code, owners in (("1.1.1", [w.b1]), ("1.2.1", [w.b1, w.b2]), ("2.1.1", [w.b2]), ("3.1.1", [w.b2])):
            a = Activity(fy=FY, code=code, name=f"กิจกรรม {code} (ทดสอบ)", measure=f"มาตรการที่ {code[0]}",
                         unit="ครั้ง", target=2)
            s.add(a)
            s.flush()
            s.add_all([ActivityBureau(activity_id=a.id, bureau_id=b) for b in owners])
            acts[code] = a.id
        rnd = svc.get_round(s, R6)
        coord = s.exec(select(User).where(User.line_user_id == w.coord)).one()
        coord2 = s.exec(select(User).where(User.line_user_id == w.coord2)).one()
        # bureau 1 reports: 1.1.1 done, 1.2.1 done; bureau 2 reports 1.2.1 in progress, 2.1.1 done, 3.1.1 cancelled
        for bureau, user, answers in (
                (w.b1, coord, {f"a{acts['1.1.1']}": {"status": "done", "result_value": 2, "participants": 10,
                                                      "budget_spent": 1000},
                               f"a{acts['1.2.1']}": {"status": "done", "participants": 5}}),
                (w.b2, coord2, {f"a{acts['1.2.1']}": {"status": "in_progress", "participants": 7,
                                                       "budget_spent": 250.5},
                                f"a{acts['2.1.1']}": {"status": "done", "participants": 3},
                                f"a{acts['3.1.1']}": {"status": "cancelled"}})):
            draft = svc.open_draft(s, rnd, bureau, user.id)
            svc.save_draft(s, draft, {"items": answers})
            svc.submit(s, rnd, bureau, user.id, JAN)
        staff = s.exec(select(User).where(User.line_user_id == w.staff)).one()
        for n, virtue in enumerate(("honesty", "honesty", "volunteer")):
            record_deed(s, staff, virtue, f"ทำความดีครั้งที่ {n} (ทดสอบ)", date(2026, 1, 10 + n), now=JAN)
        record_deed(s, staff, "honesty", "นอกรอบ (ทดสอบ)", date(2026, 5, 10), now=JAN + timedelta(days=116))  # after the period
        camp = Campaign(title="รณรงค์ (ทดสอบ)", starts_at=JAN - timedelta(days=3), status="confirmed")
        s.add(camp)
        s.flush()
        s.add(CampaignResponse(campaign_id=camp.id, user_id=staff.id, answer="join", checked_in_at=JAN))
        s.add(CampaignResponse(campaign_id=camp.id, user_id=coord.id, answer="join"))
    return w, acts


def test_kpi_statuses_and_counts_match_the_database(db):
    w, acts = _world(db)
    with db() as s:
        r = rollup.compute(s, R6, JAN)
    assert (r.kpi.planned, r.kpi.done) == (4, 2)  # 1.1.1 and 2.1.1; 1.2.1 is done by one of its two bureaus
    assert [(m.key, m.planned, m.done, m.percent) for m in r.measures] == [
        ("1", 2, 1, 50.0), ("2", 1, 1, 100.0), ("3", 1, 0, 0.0)]
    assert {a.code: a.status for a in r.activities} == {"1.1.1": "done", "1.2.1": "in_progress",
                                                         "2.1.1": "done", "3.1.1": "cancelled"}
    assert len(r.lines) == 5 and sum(x.participants for x in r.lines) == 25
    assert dict(r.deeds_by_virtue) == {"sufficiency": 0, "discipline": 0, "honesty": 2, "volunteer": 1,
                                       "gratitude": 0}
    assert [v for v, _ in r.deeds_by_virtue] == ["sufficiency", "discipline", "honesty", "volunteer", "gratitude"]
    assert sum(n for *_, n in r.deeds_by_bureau) == 3
    assert r.campaigns[0][2:] == (2, 1) and r.not_reported == []


def test_an_activity_without_any_report_is_not_reported_and_the_bureau_is_named():
    assert rollup.org_status(["not_reported", "not_reported"]) == "not_reported"
    assert rollup.org_status(["done", "not_reported"]) == "in_progress"
    assert rollup.org_status(["not_started", "not_reported"]) == "not_started"


def test_the_xlsx_adds_up_cell_by_cell(db):
    w, acts = _world(db)
    with db() as s:
        r = rollup.compute(s, R6, JAN)
    buf = io.BytesIO()
    rollup_xlsx.workbook(r).save(buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames[0] == rollup_xlsx.SUMMARY_SHEET
    assert "มาตรการ 1" in wb.sheetnames and "สำนัก B1" in wb.sheetnames and "สำนัก B2" in wb.sheetnames
    summary = [[c for c in row] for row in wb[rollup_xlsx.SUMMARY_SHEET].iter_rows(values_only=True)]
    kpi_total = next(row for row in summary if row[0] == "รวม" and row[2] is not None and len(row) >= 5)
    assert tuple(kpi_total[2:5]) == (4, 2, 50.0)
    measure_rows = [row for row in summary if str(row[0]).startswith("มาตรการที่")]
    assert sum(row[2] for row in measure_rows) == kpi_total[2] and sum(row[3] for row in measure_rows) == kpi_total[3]
    participants_col = rollup_xlsx.ACTIVITY_HEADERS.index("ผู้เข้าร่วม (คน)")
    budget_col = rollup_xlsx.ACTIVITY_HEADERS.index("งบประมาณที่ใช้ (บาท)")
    grand = 0
    for name in wb.sheetnames[1:]:
        rows = list(wb[name].iter_rows(min_row=5, values_only=True))
        body, total = rows[:-1], rows[-1]
        assert total[0] == "รวม"
        assert total[participants_col] == sum(row[participants_col] for row in body)
        assert total[budget_col] == sum(row[budget_col] for row in body)
        if name.startswith("มาตรการ"):
            grand += total[participants_col]
    assert grand == 25  # the measure sheets together hold every line once
    b2 = list(wb["สำนัก B2"].iter_rows(min_row=5, values_only=True))
    assert [row[0] for row in b2[:-1]] == ["๑.๒.๑", "๒.๑.๑", "๓.๑.๑"]
    assert b2[-1][budget_col] == 250.5


def test_cli_export_round_writes_the_rollup(app, db, tmp_path):
    _world(db)
    out, roll = tmp_path / "round.xlsx", tmp_path / "rollup.xlsx"
    result = app.test_cli_runner().invoke(args=["export-round", R6, "--out", str(out), "--rollup", str(roll)])
    assert result.exit_code == 0 and "KPI 2/4" in result.output, result.output
    assert load_workbook(roll).sheetnames[0] == rollup_xlsx.SUMMARY_SHEET
