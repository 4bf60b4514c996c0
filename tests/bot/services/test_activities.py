"""The activity register's import: all rows or none, each problem named by row and column, update by code."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook
from sqlmodel import select

from bot.services import activities
from messages_th import activities as th
from models.activities import Activity, ActivityBureau
from models.core import utcnow
from tests.factories import make_bureau

FY = 2570


def _csv(rows, headers=th.HEADERS) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _row(code="1.1.1", name="ประชุมคณะทำงาน (ทดสอบ)", bureaus="EXA", target="4", budget=""):
    return [code, name, "มาตรการที่ 1", "1.1", bureaus, "จำนวนครั้ง", "ครั้ง", target, "ต.ค.–ก.ย.", budget]


def test_a_good_file_imports_with_bureaus_by_code_or_name(db):
    with db() as s:
        a = make_bureau(s, "สำนักตัวอย่างหนึ่ง", code="EXA")
        b = make_bureau(s, "สำนักตัวอย่างสอง", code="EXB")
        data = _csv([_row(), _row("๒.๑.๑", "รณรงค์ (ทดสอบ)", "EXA, สำนักตัวอย่างสอง", "๘๐", "5,000")])
        result = activities.import_file(s, FY, data, "register.csv", utcnow())
    assert result.ok and (result.created, result.updated) == (2, 0)
    with db() as s:
        acts = activities.list_for(s, FY)
        assert [x.code for x in acts] == ["1.1.1", "2.1.1"]  # Thai digits stored as the same code
        assert acts[1].target == 80 and acts[1].budget == 5000
        assert activities.bureaus_of(s, [acts[1].id])[acts[1].id] == [a.id, b.id]
        assert [x.code for x in activities.list_for(s, FY, bureau_id=b.id)] == ["2.1.1"]


def test_one_bad_row_imports_nothing_and_names_row_and_column(db):
    with db() as s:
        make_bureau(s, "สำนักตัวอย่างหนึ่ง", code="EXA")
        data = _csv([_row(), _row("1.1.2", target="สี่"), _row("1.1.3", bureaus="สำนักที่ไม่มี"),
                     _row("1.1.1")])
        result = activities.import_file(s, FY, data, "register.csv", utcnow())
    lines = [th.error_line(e) for e in result.errors]
    assert not result.ok
    assert 'แถว 3 คอลัมน์ "ค่าเป้าหมาย": ต้องเป็นตัวเลข ("สี่")' in lines
    assert any(line.startswith('แถว 4 คอลัมน์ "สำนักที่รับผิดชอบ"') for line in lines)
    assert any(line.startswith('แถว 5 คอลัมน์ "รหัสกิจกรรม": รหัสซ้ำ') for line in lines)
    with db() as s:
        assert s.exec(select(Activity)).all() == []


def test_reimport_updates_by_code_and_keeps_the_others(db):
    with db() as s:
        make_bureau(s, "สำนักตัวอย่างหนึ่ง", code="EXA")
        activities.import_file(s, FY, _csv([_row(), _row("1.1.2", "อบรม (ทดสอบ)")]), "r.csv", utcnow())
    with db() as s:
        result = activities.import_file(s, FY, _csv([_row(target="6")]), "r.csv", utcnow())
    assert (result.created, result.updated, result.untouched) == (0, 1, ["1.1.2"])
    with db() as s:
        acts = {a.code: a for a in activities.list_for(s, FY)}
        assert acts["1.1.1"].target == 6 and "1.1.2" in acts
        assert len(s.exec(select(ActivityBureau)).all()) == 2  # links replaced, not added again


def test_the_shipped_xlsx_template_reads_back_and_a_missing_column_is_named(db):
    with db() as s:
        make_bureau(s, "สำนักตัวอย่าง", code="EXS")
        make_bureau(s, "สำนักตัวอย่างสอง", code="EXT")
        ok = activities.import_file(s, FY, th.template_xlsx(), "template.xlsx", utcnow())
        assert ok.ok and ok.created == 2, [th.error_line(e) for e in ok.errors]
        s.rollback()
        wb = Workbook()
        wb.active.append(th.HEADERS[:4])
        buf = io.BytesIO()
        wb.save(buf)
        missing = activities.import_file(s, FY, buf.getvalue(), "x.xlsx", utcnow())
    assert [e.column for e in missing.errors] == ["สำนักที่รับผิดชอบ"]
    assert load_workbook(io.BytesIO(th.template_xlsx())).active["A2"].value == "1.1.1"


def test_a_photo_or_garbage_upload_is_refused_in_thai(db):
    with db() as s:
        bad = activities.import_file(s, FY, b"\x89PNG\r\n", "photo.png", utcnow())
        broken = activities.import_file(s, FY, b"not a zip", "r.xlsx", utcnow())
    assert th.error_line(bad.errors[0]) == "รับเฉพาะไฟล์ .csv หรือ .xlsx"
    assert th.error_line(broken.errors[0]).startswith("เปิดไฟล์ไม่ได้")


def test_copy_into_the_next_year_skips_codes_it_has(db):
    with db() as s:
        make_bureau(s, "สำนักตัวอย่างหนึ่ง", code="EXA")
        activities.import_file(s, FY, _csv([_row(), _row("1.1.2")]), "r.csv", utcnow())
        activities.import_file(s, FY + 1, _csv([_row("1.1.2", "ปรับแล้ว (ทดสอบ)")]), "r.csv", utcnow())
        assert activities.copy_year(s, FY, FY + 1, utcnow()) == 1
        nxt = {a.code: a for a in activities.list_for(s, FY + 1)}
    assert set(nxt) == {"1.1.1", "1.1.2"} and nxt["1.1.2"].name == "ปรับแล้ว (ทดสอบ)"
    assert nxt["1.1.1"].period == "" and nxt["1.1.1"].target == 4
