"""The console's ปัญหาที่อยากแก้ / ความดีที่อยากทำ page: each bureau's items; add, edit, remove, unlock/lock;
the CSV/XLSX template and its all-or-nothing import with Thai row-and-column errors."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from bot.services import pledges, rounds
from messages_th.dates import BKK
from models.console import AuditEntry
from models.deeds import Deed
from models.rounds import PledgeItem
from tests.bot.web.console.conftest import csrf_of

FY = 2570
BEFORE_LOCK = datetime(2026, 11, 10, 10, 0, tzinfo=BKK)   # FY 2570; the first due date is 20 มี.ค. 2570
AFTER_LOCK = datetime(2027, 4, 1, 10, 0, tzinfo=BKK)
ITEM = {"problem": "ใช้พลังงานมาก (ตัวอย่าง)", "good_deed": "ปิดไฟเมื่อไม่ใช้ (ตัวอย่าง)", "virtue": "sufficiency",
        "indicator": "ค่าไฟลดลง", "target": "ร้อยละ 10"}


@pytest.fixture()
def year(db, clock, personas):
    clock.set(BEFORE_LOCK)
    with db() as s:
        rounds.open_fy(s, FY)
        return pledges.add_item(s, FY, personas.bureau_a, **ITEM).id


def _as(app, login, who):
    client = app.test_client()
    login(client, who)
    return client


def _items(db, bureau_id):
    with db() as s:
        return [(i.position, i.good_deed) for i in pledges.items_for(s, FY, bureau_id)]


def _audit(db, action):
    with db() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == action)))


def _token(client, url="/console/pledges/"):
    return csrf_of(client.get(url).get_data(as_text=True))


# ---- reading ------------------------------------------------------------------------------------

def test_the_year_list_by_role(app, login, personas, year):
    assert app.test_client().get("/console/pledges/").status_code == 401
    admin = _as(app, login, personas.admin).get("/console/pledges/?fy=2570").get_data(as_text=True)
    assert "สำนักตัวอย่างหนึ่ง" in admin and "สำนักตัวอย่างสอง" in admin and "20 มี.ค. 2570" in admin
    committee = _as(app, login, personas.committee).get("/console/pledges/").get_data(as_text=True)
    assert "สำนักตัวอย่างสอง" in committee and "นำเข้าจากไฟล์" not in committee
    coord = _as(app, login, personas.coord_a).get("/console/pledges/").get_data(as_text=True)
    assert "สำนักตัวอย่างหนึ่ง" in coord and "สำนักตัวอย่างสอง" not in coord


def test_a_bureau_pledge_read_matrix(app, login, personas, year):
    url = f"/console/pledges/{personas.bureau_a}?fy=2570"
    assert app.test_client().get(url).status_code == 401
    assert _as(app, login, personas.coord_b).get(url).status_code == 403
    for who, edits in ((personas.coord_a, True), (personas.admin, True), (personas.committee, False)):
        html = _as(app, login, who).get(url).get_data(as_text=True)
        assert "ปิดไฟเมื่อไม่ใช้ (ตัวอย่าง)" in html and ("เพิ่มรายการ</button>" in html) is edits
    assert _as(app, login, personas.coord_b).get("/console/pledges/org").status_code == 200  # everyone reads it
    assert _as(app, login, personas.admin).get("/console/pledges/99999").status_code == 404
    assert _as(app, login, personas.admin).get("/console/pledges/items/99999/edit").status_code == 404


# ---- add, edit, remove ------------------------------------------------------------------------

def test_coordinator_adds_an_item_to_its_bureau(app, db, login, personas, year):
    client = _as(app, login, personas.coord_a)
    url = f"/console/pledges/{personas.bureau_a}"
    resp = client.post(f"{url}/add?fy=2570", data={**ITEM, "good_deed": "ใช้บันไดแทนลิฟต์ (ตัวอย่าง)",
                                                   "csrf_token": _token(client, url)})
    assert resp.status_code == 302
    assert "เพิ่มรายการที่ 2 แล้ว" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert _items(db, personas.bureau_a) == [(1, ITEM["good_deed"]), (2, "ใช้บันไดแทนลิฟต์ (ตัวอย่าง)")]
    [entry] = _audit(db, "pledge.add")
    assert entry.after["bureau_id"] == personas.bureau_a and entry.actor_user_id == personas.coord_a


@pytest.mark.parametrize("change, error", [
    ({"problem": "   "}, "กรุณาพิมพ์ปัญหาที่อยากแก้"),
    ({"good_deed": ""}, "กรุณาพิมพ์ความดีที่อยากทำ"),
    ({"virtue": "kindness"}, "กรุณาเลือกคุณธรรมจากรายการ"),
    ({"target": "ก" * 201}, "ยาวเกิน 200 ตัวอักษร"),
])
def test_bad_item_input_gets_a_thai_error_next_to_the_field(app, db, login, personas, year, change, error):
    client = _as(app, login, personas.coord_a)
    url = f"/console/pledges/{personas.bureau_a}"
    resp = client.post(f"{url}/add?fy=2570", data={**ITEM, **change, "csrf_token": _token(client, url)})
    assert resp.status_code == 400 and f'<small class="error" role="alert">{error}' in resp.get_data(as_text=True)
    assert len(_items(db, personas.bureau_a)) == 1 and _audit(db, "pledge.add") == []


def test_writes_refused_to_the_committee_other_bureaus_and_without_token(app, db, login, personas, year):
    url = f"/console/pledges/{personas.bureau_a}"
    for who in (personas.committee, personas.coord_b):
        client = _as(app, login, who)
        token = _token(client)
        assert client.post(f"{url}/add?fy=2570", data={**ITEM, "csrf_token": token}).status_code == 403
        assert client.get(f"/console/pledges/items/{year}/edit").status_code in (403,)
        assert client.post(f"/console/pledges/items/{year}/edit", data={**ITEM, "csrf_token": token}).status_code == 403
        assert client.post(f"/console/pledges/items/{year}/remove", data={"csrf_token": token}).status_code == 403
    # the organization's pledge is the admins'
    coord = _as(app, login, personas.coord_a)
    assert coord.post("/console/pledges/org/add?fy=2570", data={**ITEM, "csrf_token": _token(coord)}).status_code == 403
    assert coord.post(f"{url}/add?fy=2570", data=ITEM).status_code == 400
    assert coord.post(f"/console/pledges/items/{year}/remove").status_code == 400
    assert _items(db, personas.bureau_a) == [(1, ITEM["good_deed"])] and _items(db, None) == []


def test_edit_an_item_records_before_and_after(app, db, login, personas, year):
    client = _as(app, login, personas.coord_a)
    form = client.get(f"/console/pledges/items/{year}/edit").get_data(as_text=True)
    assert "ใช้พลังงานมาก (ตัวอย่าง)</textarea>" in form
    resp = client.post(f"/console/pledges/items/{year}/edit",
                       data={**ITEM, "target": "ร้อยละ 15", "csrf_token": csrf_of(form)})
    assert resp.status_code == 302
    with db() as s:
        assert s.get(PledgeItem, year).target == "ร้อยละ 15"
    [entry] = _audit(db, "pledge.edit")
    assert entry.before["target"] == "ร้อยละ 10" and entry.after["target"] == "ร้อยละ 15"
    bad = client.post(f"/console/pledges/items/{year}/edit", data={**ITEM, "problem": "", "csrf_token": csrf_of(form)})
    assert bad.status_code == 400 and "กรุณาพิมพ์ปัญหาที่อยากแก้" in bad.get_data(as_text=True)
    with db() as s:
        assert s.get(PledgeItem, year).problem == ITEM["problem"]


def test_remove_renumbers_and_refuses_an_item_with_progress(app, db, login, personas, year):
    with db() as s:
        second = pledges.add_item(s, FY, personas.bureau_a, **{**ITEM, "good_deed": "ข้อสอง (ตัวอย่าง)"}).id
        s.add(Deed(user_id=personas.staff, bureau_id=personas.bureau_a, virtue="sufficiency",
                   description="ปิดไฟแล้ว (ตัวอย่าง)", deed_date=date(2026, 11, 9), source="pledge",
                   pledge_item_id=second))
    client = _as(app, login, personas.admin)
    token = _token(client)
    refused = client.post(f"/console/pledges/items/{second}/remove", data={"csrf_token": token}, follow_redirects=True)
    assert "ลบรายการที่ 2 ไม่ได้ เพราะบุคลากรรายงานความคืบหน้าไว้แล้ว 1 ครั้ง" in refused.get_data(as_text=True)
    done = client.post(f"/console/pledges/items/{year}/remove", data={"csrf_token": token}, follow_redirects=True)
    assert "ลบรายการที่ 1 แล้ว" in done.get_data(as_text=True)
    assert _items(db, personas.bureau_a) == [(1, "ข้อสอง (ตัวอย่าง)")]
    [entry] = _audit(db, "pledge.remove")
    assert entry.target == f"pledge_item:{year}" and entry.before["good_deed"] == ITEM["good_deed"]


# ---- lock / unlock -------------------------------------------------------------------------------

def test_after_the_lock_date_nobody_edits_until_an_admin_unlocks(app, db, clock, login, personas, year):
    clock.set(AFTER_LOCK)
    url = f"/console/pledges/{personas.bureau_a}"
    coord = _as(app, login, personas.coord_a)
    html = coord.get(url + "?fy=2570").get_data(as_text=True)
    assert "แผนนี้ล็อกแล้ว (เลยวันส่งรายงานรอบแรก 20 มี.ค. 2570)" in html and "เพิ่มรายการ</button>" not in html
    resp = coord.post(f"{url}/add?fy=2570", data={**ITEM, "csrf_token": csrf_of(html)}, follow_redirects=True)
    assert "แผนนี้ล็อกแล้ว" in resp.get_data(as_text=True) and len(_items(db, personas.bureau_a)) == 1
    committee = _as(app, login, personas.committee)
    for client, token in ((coord, csrf_of(html)), (committee, _token(committee))):
        for action in ("unlock", "lock"):
            assert client.post(f"{url}/{action}?fy=2570", data={"csrf_token": token}).status_code == 403
    with db() as s:
        assert pledges.is_locked(s, FY, personas.bureau_a, date(2027, 4, 1))
    admin = _as(app, login, personas.admin)
    assert admin.post(f"{url}/unlock?fy=2570").status_code == 400
    assert admin.post(f"{url}/unlock?fy=2570", data={"csrf_token": _token(admin)}).status_code == 302
    coord.post(f"{url}/add?fy=2570", data={**ITEM, "good_deed": "เพิ่มหลังปลดล็อก", "csrf_token": csrf_of(html)})
    assert _items(db, personas.bureau_a)[-1] == (2, "เพิ่มหลังปลดล็อก")
    admin.post(f"{url}/lock?fy=2570", data={"csrf_token": _token(admin)})
    with db() as s:
        assert pledges.is_locked(s, FY, personas.bureau_a, date(2027, 4, 1))
    assert [e.action for e in _audit(db, "pledge.unlock") + _audit(db, "pledge.lock")] == ["pledge.unlock", "pledge.lock"]


# ---- template and import ---------------------------------------------------------------------

def test_templates_carry_the_cli_columns(app, login, personas, year):
    client = _as(app, login, personas.coord_a)
    csv_resp = client.get("/console/pledges/template.csv")
    assert csv_resp.status_code == 200
    assert csv_resp.data.decode("utf-8-sig").strip() == ",".join(pledges.CSV_COLUMNS)
    wb = load_workbook(io.BytesIO(client.get("/console/pledges/template.xlsx").data))
    assert [c.value for c in wb.worksheets[0][1]] == list(pledges.CSV_COLUMNS)
    guide = [c for row in wb["คำอธิบาย"].iter_rows(values_only=True) for c in row if c]
    assert "EXA" in guide and "EXB" not in guide  # a coordinator's template lists their own bureau
    assert app.test_client().get("/console/pledges/template.csv").status_code == 401


def _csv(*rows):
    lines = [",".join(pledges.CSV_COLUMNS)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xlsx(*rows):
    wb = Workbook()
    wb.active.append(list(pledges.CSV_COLUMNS))
    for r in rows:
        wb.active.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, name, content, fy="2570"):
    token = _token(client, f"/console/pledges/import?fy={fy}")
    return client.post(f"/console/pledges/import?fy={fy}", data={"csrf_token": token, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_admin_imports_a_csv_for_several_bureaus(app, db, login, personas, year):
    client = _as(app, login, personas.admin)
    resp = _upload(client, "plan.csv", _csv(("EXA", "ปัญหา ก", "ความดี ก", "พอเพียง", "ตัวชี้วัด ก", ""),
                                             ("EXB", "ปัญหา ข", "ความดี ข", "honesty", "ตัวชี้วัด ข", "10 ครั้ง"),
                                             ("", "ปัญหาองค์กร", "ความดีองค์กร", "วินัย", "", "")))
    assert resp.status_code == 302
    assert "นำเข้าแล้ว 3 รายการ" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert _items(db, personas.bureau_a)[-1] == (2, "ความดี ก")
    assert _items(db, personas.bureau_b) == [(1, "ความดี ข")] and _items(db, None) == [(1, "ความดีองค์กร")]
    [entry] = _audit(db, "pledge.import")
    assert entry.after["rows"] == 3


def test_an_xlsx_with_errors_imports_nothing_and_names_row_and_column(app, db, login, personas, year):
    client = _as(app, login, personas.admin)
    resp = _upload(client, "plan.xlsx", _xlsx(("EXA", "ปัญหา ก", "ความดี ก", "พอเพียง", "", ""),
                                               ("ZZZ", "ปัญหา", "ความดี", "พอเพียง", "", ""),
                                               ("EXB", "", "ความดี", "ใจดี", "", "")))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "ยังไม่ได้นำเข้า: พบข้อผิดพลาด 3 จุด" in html
    assert "<td class=\"num\">3</td><td>bureau_code (รหัสสำนัก)</td><td>ไม่พบสำนักรหัส “ZZZ”" in html
    assert "<td class=\"num\">4</td><td>problem (ปัญหาที่อยากแก้)</td><td>ต้องกรอก" in html
    assert "ไม่รู้จักคุณธรรม “ใจดี”" in html
    assert _items(db, personas.bureau_a) == [(1, ITEM["good_deed"])] and _items(db, personas.bureau_b) == []
    assert _audit(db, "pledge.import") == []


def test_a_coordinator_imports_only_its_own_bureau(app, db, login, personas, year):
    client = _as(app, login, personas.coord_a)
    resp = _upload(client, "plan.csv", _csv(("EXA", "ปัญหา", "ความดี", "พอเพียง", "", ""),
                                             ("EXB", "ปัญหา", "ความดี", "พอเพียง", "", "")))
    assert resp.status_code == 400 and "ท่านนำเข้าได้เฉพาะรายการของสำนักที่ท่านเป็นผู้ประสานงาน" in resp.get_data(as_text=True)
    assert len(_items(db, personas.bureau_a)) == 1
    ok = _upload(client, "plan.csv", _csv(("EXA", "ปัญหา", "ความดี", "พอเพียง", "", "")))
    assert ok.status_code == 302 and len(_items(db, personas.bureau_a)) == 2


def test_import_into_a_locked_pledge_is_refused(app, db, clock, login, personas, year):
    clock.set(AFTER_LOCK)
    resp = _upload(_as(app, login, personas.admin), "plan.csv", _csv(("EXA", "ปัญหา", "ความดี", "พอเพียง", "", "")))
    assert resp.status_code == 400 and "แผนของสำนักนี้ล็อกแล้ว" in resp.get_data(as_text=True)
    assert len(_items(db, personas.bureau_a)) == 1


@pytest.mark.parametrize("name, content, error", [
    ("plan.txt", b"x", "รับเฉพาะไฟล์ .csv หรือ .xlsx"),
    ("plan.csv", "bureau_code,problem\nEXA,ก\n".encode(), "หัวตารางไม่ครบ ขาดคอลัมน์: good_deed, virtue"),
    ("plan.csv", b"\xfc\xfd\xfe", "บันทึกเป็น CSV UTF-8"),  # neither UTF-8 nor Thai Windows' cp874
    ("plan.csv", _csv(), "ไม่มีรายการในไฟล์"),
    ("plan.xlsx", b"not a workbook", "รับเฉพาะไฟล์ .csv หรือ .xlsx"),
])
def test_unreadable_files_get_a_thai_error(app, db, login, personas, year, name, content, error):
    resp = _upload(_as(app, login, personas.admin), name, content)
    assert resp.status_code == 400 and error in resp.get_data(as_text=True)
    assert len(_items(db, personas.bureau_a)) == 1


def test_import_role_matrix(app, db, login, personas, year):
    assert app.test_client().get("/console/pledges/import").status_code == 401
    committee = _as(app, login, personas.committee)
    assert committee.get("/console/pledges/import").status_code == 403
    token = _token(committee)
    resp = committee.post("/console/pledges/import?fy=2570", content_type="multipart/form-data",
                          data={"csrf_token": token, "file": (io.BytesIO(_csv(("EXA", "ก", "ข", "พอเพียง", "", ""))), "p.csv")})
    assert resp.status_code == 403
    admin = _as(app, login, personas.admin)
    no_token = admin.post("/console/pledges/import?fy=2570", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(_csv(("EXA", "ก", "ข", "พอเพียง", "", ""))), "p.csv")})
    assert no_token.status_code == 400
    assert len(_items(db, personas.bureau_a)) == 1


def test_a_csv_saved_by_excel_on_thai_windows_is_read(app, db, login, personas, year):
    """Excel on Thai Windows saves "CSV" as cp874 (TIS-620): the same file reader as the register's reads it."""
    text = "bureau_code,problem,good_deed,virtue,indicator,target\nEXA,ใช้กระดาษมาก,ใช้สองหน้า,พอเพียง,,\n"
    resp = _upload(_as(app, login, personas.admin), "plan.csv", text.encode("cp874"))
    assert resp.status_code == 302
    assert len(_items(db, personas.bureau_a)) == 2
