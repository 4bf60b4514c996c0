"""Console page ทะเบียนกิจกรรมตามแผน (issue 16): role matrix, all-or-nothing import with Thai errors, copy,
criteria lists, and the roll-up page and XLSX."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.services import rounds as svc
from messages_th import activities as th
from models.activities import Activity
from models.console import AuditEntry
from tests.bot.web.console.conftest import csrf_of

FY = 2570


def _csv(rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(th.HEADERS)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _row(code, bureaus="EXA"):
    return [code, f"กิจกรรม {code} (ทดสอบ)", "มาตรการที่ 1", "1.1", bureaus, "จำนวนครั้ง", "ครั้ง", "4", "", ""]


def _signed(app, login, user_id):
    c = app.test_client()
    login(c, user_id)
    return c


def _import(c, data: bytes, name="r.csv"):
    token = csrf_of(c.get(f"/console/register/?fy={FY}").get_data(as_text=True))
    return c.post(f"/console/register/import?fy={FY}", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                  content_type="multipart/form-data")


def test_admin_imports_and_a_bad_row_imports_nothing(app, db, personas, login):
    c = _signed(app, login, personas.admin)
    bad = _import(c, _csv([_row("1.1.1"), _row("1.1.2", "สำนักที่ไม่มี")]))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'แถว 3 คอลัมน์ &#34;สำนักที่รับผิดชอบ&#34;' in page
    with db() as s:
        assert s.exec(select(Activity)).all() == []
    ok = _import(c, _csv([_row("1.1.1"), _row("1.1.2", "EXA, สำนักตัวอย่างสอง")]))
    assert ok.status_code == 302
    page = c.get(f"/console/register/?fy={FY}").get_data(as_text=True)
    assert "เพิ่ม 2" in page and "๑.๑.๒" in page and "สำนักตัวอย่างหนึ่ง, สำนักตัวอย่างสอง" in page
    with db() as s:
        assert [a.action for a in s.exec(select(AuditEntry))] == ["activities.import"]


def test_a_photo_instead_of_the_template_is_refused_in_thai(app, personas, login):
    c = _signed(app, login, personas.admin)
    resp = _import(c, b"\xff\xd8\xff\xe0 jpeg", "photo.jpg")
    assert resp.status_code == 400 and "รับเฉพาะไฟล์ .csv หรือ .xlsx" in resp.get_data(as_text=True)


def test_coordinator_sees_only_own_bureau_activities_and_cannot_import(app, db, personas, login):
    admin = _signed(app, login, personas.admin)
    _import(admin, _csv([_row("1.1.1", "EXA"), _row("2.1.1", "EXB")]))
    coord = _signed(app, login, personas.coord_a)
    page = coord.get(f"/console/register/?fy={FY}").get_data(as_text=True)
    assert "๑.๑.๑" in page and "๒.๑.๑" not in page and "/console/register/import" not in page
    token = csrf_of(page)
    resp = coord.post(f"/console/register/import?fy={FY}",
                      data={"csrf_token": token, "file": (io.BytesIO(_csv([_row("9.9")])), "r.csv")},
                      content_type="multipart/form-data")
    assert resp.status_code == 403
    assert coord.get("/console/register/rollup/2570-6m").status_code == 403


@pytest.mark.parametrize("who,status", [("committee", 403), ("coord_b", 403)])
def test_only_admins_copy(app, personas, login, who, status):
    c = _signed(app, login, getattr(personas, who))
    token = csrf_of(c.get("/console/register/").get_data(as_text=True))
    assert c.post(f"/console/register/copy?fy={FY}", data={"csrf_token": token}).status_code == status


def test_copy_to_next_year_and_csrf_missing(app, db, personas, login):
    c = _signed(app, login, personas.admin)
    _import(c, _csv([_row("1.1.1")]))
    assert c.post(f"/console/register/copy?fy={FY}").status_code == 400  # no CSRF token
    token = csrf_of(c.get(f"/console/register/?fy={FY}").get_data(as_text=True))
    assert c.post(f"/console/register/copy?fy={FY}", data={"csrf_token": token}).status_code == 302
    with db() as s:
        assert {a.fy for a in s.exec(select(Activity))} == {FY, FY + 1}


def test_anonymous_gets_the_sign_in_page(client):
    assert client.get("/console/register/").status_code == 401
    assert client.get("/console/register/template.xlsx").status_code == 401


def test_templates_download(app, personas, login):
    c = _signed(app, login, personas.coord_a)
    x = c.get("/console/register/template.xlsx")
    assert x.status_code == 200 and load_workbook(io.BytesIO(x.data)).active["A1"].value == "รหัสกิจกรรม"
    assert c.get("/console/register/template.csv").data.decode("utf-8-sig").startswith("รหัสกิจกรรม,")


def test_committee_reads_the_rollup_and_downloads_it(app, db, personas, login):
    with db() as s:
        svc.open_fy(s, FY)
    admin = _signed(app, login, personas.admin)
    _import(admin, _csv([_row("1.1.1")]))
    c = _signed(app, login, personas.committee)
    page = c.get(f"/console/register/rollup/{FY}-6m")
    assert page.status_code == 200 and "0 จาก 1 กิจกรรม" in page.get_data(as_text=True)
    x = c.get(f"/console/register/rollup/{FY}-6m/xlsx")
    assert x.status_code == 200 and load_workbook(io.BytesIO(x.data)).sheetnames[0] == "สรุปผลตามแผน"
    assert c.get("/console/register/rollup/2570-nope").status_code == 404


def test_criteria_import_replaces_the_list(app, db, personas, login):
    c = _signed(app, login, personas.admin)
    token = csrf_of(c.get(f"/console/register/?fy={FY}").get_data(as_text=True))
    data = "ข้อ,เกณฑ์\n1,มีแผนงาน (ทดสอบ)\n".encode("utf-8")
    resp = c.post(f"/console/register/criteria/bureau-eval?fy={FY}",
                  data={"csrf_token": token, "file": (io.BytesIO(data), "c.csv")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    assert "มีแผนงาน (ทดสอบ)" in c.get(f"/console/register/?fy={FY}").get_data(as_text=True)
    assert c.post(f"/console/register/criteria/nope?fy={FY}", data={"csrf_token": token}).status_code == 404
