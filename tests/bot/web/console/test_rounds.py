"""The console's รอบรายงาน page: the year's rounds, opening a year, title and due date in พ.ศ. (a weekend or
holiday flagged), each bureau's report read or edited, "remind now" with its push cost, the round's XLSX."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.services import pledges, rounds
from messages_th.dates import BKK
from models.console import AuditEntry
from models.core import OutboxMessage, User
from models.rounds import Round, RoundReport
from models.worker import Holiday
from tests.bot.web.console.conftest import csrf_of

FY = 2570
NOW = datetime(2026, 11, 10, 10, 0, tzinfo=BKK)  # a Tuesday of FY 2570, working hours


@pytest.fixture()
def year(db, clock, personas):
    """FY 2570's rounds opened, one pledge item for bureau A (invented demo data)."""
    clock.set(NOW)
    with db() as s:
        rounds.open_fy(s, FY)
        item = pledges.add_item(s, FY, personas.bureau_a, problem="ใช้กระดาษมาก (ตัวอย่าง)",
                                good_deed="ใช้เอกสารอิเล็กทรอนิกส์ (ตัวอย่าง)", virtue="sufficiency",
                                indicator="จำนวนรีมที่ลดลง", target="ลดลงร้อยละ 20")
        return item.id


def _as(client, login, user_id):
    login(client, user_id)
    return client


def _audit(db, action):
    with db() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == action)))


def _round(db, code="2570-6m"):
    with db() as s:
        r = rounds.get_round(s, code)
        return r.title, r.due_date


# ---- the year --------------------------------------------------------------------------------

def test_every_role_sees_the_years_rounds_coordinators_their_own_status(app, login, personas, year):
    assert app.test_client().get("/console/rounds/").status_code == 401
    for who in (personas.coord_a, personas.coord_b, personas.committee, personas.admin):
        page = _as(app.test_client(), login, who).get("/console/rounds/?fy=2570")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "ปีงบประมาณ พ.ศ. 2570" in html and "20 มี.ค. 2570" in html
    coord = _as(app.test_client(), login, personas.coord_a).get("/console/rounds/").get_data(as_text=True)
    assert f"/console/rounds/2570-6m/bureau/{personas.bureau_a}" in coord  # straight to its own report
    assert "แก้ไขชื่อ/กำหนดส่ง" not in coord and "เปิดรอบรายงาน" not in coord


def test_a_due_date_on_a_weekend_or_holiday_is_flagged(app, db, login, personas, year):
    with db() as s:
        s.add(Holiday(day=date(2027, 6, 30), name="วันหยุดตัวอย่าง"))  # moral-org's due day (a Wednesday)
    html = _as(app.test_client(), login, personas.committee).get("/console/rounds/").get_data(as_text=True)
    assert "ตรงกับวันเสาร์หรืออาทิตย์" in html      # 20 มี.ค. 2570 is a Saturday
    assert "ตรงกับวันหยุด (วันหยุดตัวอย่าง)" in html


def test_admin_opens_the_next_year_from_the_plan_once(app, db, login, personas, year):
    client = _as(app.test_client(), login, personas.admin)
    page = client.get("/console/rounds/?fy=2571").get_data(as_text=True)
    assert "ยังไม่ได้เปิด 5 รอบ" in page and "20 มี.ค. 2571" in page
    resp = client.post("/console/rounds/open", data={"fy": "2571", "csrf_token": csrf_of(page)})
    assert resp.status_code == 302 and "fy=2571" in resp.headers["Location"]
    assert "เปิดรอบรายงานปีงบประมาณ พ.ศ. 2571 แล้ว 5 รอบ" in client.get(resp.headers["Location"]).get_data(as_text=True)
    with db() as s:
        assert len(rounds.rounds_of_fy(s, 2571)) == 5
    again = client.post("/console/rounds/open", data={"fy": "2571", "csrf_token": csrf_of(page)})
    assert "มีรอบรายงานครบแล้ว" in client.get(again.headers["Location"]).get_data(as_text=True)
    entries = _audit(db, "round.open_fy")
    assert len(entries) == 1 and entries[0].target == "fy:2571" and len(entries[0].after["opened"]) == 5


def test_opening_a_far_year_is_refused_in_thai(app, db, login, personas, year):
    client = _as(app.test_client(), login, personas.admin)
    token = csrf_of(client.get("/console/rounds/").get_data(as_text=True))
    resp = client.post("/console/rounds/open", data={"fy": "2590", "csrf_token": token}, follow_redirects=True)
    assert "เปิดได้เฉพาะปีงบประมาณปีก่อน ปีนี้ และปีหน้า" in resp.get_data(as_text=True)
    with db() as s:
        assert rounds.rounds_of_fy(s, 2590) == []


def test_only_admins_open_a_year_and_the_form_needs_its_token(app, db, login, personas, year):
    for who in (personas.committee, personas.coord_a):
        client = _as(app.test_client(), login, who)
        token = csrf_of(client.get("/console/rounds/").get_data(as_text=True))
        assert client.post("/console/rounds/open", data={"fy": "2571", "csrf_token": token}).status_code == 403
    admin = _as(app.test_client(), login, personas.admin)
    assert admin.post("/console/rounds/open", data={"fy": "2571"}).status_code == 400
    with db() as s:
        assert rounds.rounds_of_fy(s, 2571) == []


# ---- title and due date ------------------------------------------------------------------------

def test_admin_moves_a_due_date_typed_in_buddhist_era(app, db, login, personas, year):
    old_title, _ = _round(db)
    client = _as(app.test_client(), login, personas.admin)
    form = client.get("/console/rounds/2570-6m/edit").get_data(as_text=True)
    assert 'value="20/3/2570"' in form
    resp = client.post("/console/rounds/2570-6m/edit", data={"title": "รายงานรอบ 6 เดือน (แก้ไข)",
                                                             "due": "25 มี.ค. 2570", "csrf_token": csrf_of(form)})
    assert resp.status_code == 302
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "กำหนดส่ง 25 มี.ค. 2570" in html and "โปรดทราบ" not in html  # a Thursday: no warning
    assert _round(db) == ("รายงานรอบ 6 เดือน (แก้ไข)", date(2027, 3, 25))
    [entry] = _audit(db, "round.edit")
    assert entry.before == {"title": old_title, "due_date": "2027-03-20"}
    assert entry.after == {"title": "รายงานรอบ 6 เดือน (แก้ไข)", "due_date": "2027-03-25"}
    assert entry.actor_user_id == personas.admin


def test_a_weekend_due_date_is_saved_with_a_warning(app, db, login, personas, year):
    client = _as(app.test_client(), login, personas.admin)
    form = client.get("/console/rounds/2570-9m/edit").get_data(as_text=True)
    title, _ = _round(db, "2570-9m")
    resp = client.post("/console/rounds/2570-9m/edit", data={"title": title, "due": "19/6/2570",
                                                             "csrf_token": csrf_of(form)}, follow_redirects=True)
    assert "โปรดทราบ: วันกำหนดส่ง 19 มิ.ย. 2570 ตรงกับวันเสาร์หรืออาทิตย์" in resp.get_data(as_text=True)
    assert _round(db, "2570-9m")[1] == date(2027, 6, 19)


@pytest.mark.parametrize("typed, error", [
    ("20 มี.ค. 3113", "ปีไม่ถูกต้อง"),           # the CLI bug: never stored as year 3113
    ("20 มี.ค.", "กรุณาใส่ปี พ.ศ. ด้วย"),
    ("31/2/2570", "ไม่มีวันที่นี้ในปฏิทิน"),
    ("1/1/2575", "ต้องไม่เกิน"),                  # beyond half a year after the fiscal year
    ("", "กรุณาพิมพ์วันกำหนดส่ง"),
])
def test_bad_due_dates_get_a_thai_error_and_change_nothing(app, db, login, personas, year, typed, error):
    client = _as(app.test_client(), login, personas.admin)
    form = client.get("/console/rounds/2570-6m/edit").get_data(as_text=True)
    before = _round(db)
    resp = client.post("/console/rounds/2570-6m/edit", data={"title": "ชื่อใหม่", "due": typed,
                                                             "csrf_token": csrf_of(form)})
    assert resp.status_code == 400 and error in resp.get_data(as_text=True)
    assert _round(db) == before and _audit(db, "round.edit") == []


def test_an_empty_title_is_refused(app, db, login, personas, year):
    client = _as(app.test_client(), login, personas.admin)
    form = client.get("/console/rounds/2570-6m/edit").get_data(as_text=True)
    resp = client.post("/console/rounds/2570-6m/edit", data={"title": "  ", "due": "25/3/2570",
                                                             "csrf_token": csrf_of(form)})
    assert resp.status_code == 400 and "กรุณาพิมพ์ชื่อรอบ" in resp.get_data(as_text=True)
    assert _round(db)[1] == date(2027, 3, 20)


def test_round_edit_role_matrix(app, db, login, personas, year):
    assert app.test_client().get("/console/rounds/2570-6m/edit").status_code == 401
    for who in (personas.committee, personas.coord_a):
        client = _as(app.test_client(), login, who)
        assert client.get("/console/rounds/2570-6m/edit").status_code == 403
        token = csrf_of(client.get("/console/rounds/").get_data(as_text=True))
        resp = client.post("/console/rounds/2570-6m/edit", data={"title": "x", "due": "25/3/2570", "csrf_token": token})
        assert resp.status_code == 403
    admin = _as(app.test_client(), login, personas.admin)
    assert admin.post("/console/rounds/2570-6m/edit", data={"title": "x", "due": "25/3/2570"}).status_code == 400
    assert admin.get("/console/rounds/2599-6m/edit").status_code == 404
    assert _round(db)[1] == date(2027, 3, 20)


# ---- the round and its reports -----------------------------------------------------------------

def test_round_detail_coordinator_sees_only_its_bureau(app, login, personas, year):
    assert app.test_client().get("/console/rounds/2570-6m").status_code == 401
    admin = _as(app.test_client(), login, personas.admin).get("/console/rounds/2570-6m").get_data(as_text=True)
    assert "สำนักตัวอย่างหนึ่ง" in admin and "สำนักตัวอย่างสอง" in admin and "ดาวน์โหลด Excel" in admin
    coord = _as(app.test_client(), login, personas.coord_b).get("/console/rounds/2570-6m").get_data(as_text=True)
    assert "สำนักตัวอย่างสอง" in coord and "สำนักตัวอย่างหนึ่ง" not in coord and "ดาวน์โหลด Excel" not in coord
    assert _as(app.test_client(), login, personas.admin).get("/console/rounds/2599-6m").status_code == 404


def _report_url(personas, bureau="a"):
    return f"/console/rounds/2570-6m/bureau/{personas.bureau_a if bureau == 'a' else personas.bureau_b}"


def test_report_read_matrix(app, login, personas, year):
    url = _report_url(personas)
    assert app.test_client().get(url).status_code == 401
    assert _as(app.test_client(), login, personas.coord_b).get(url).status_code == 403
    for who, editable in ((personas.coord_a, True), (personas.admin, True), (personas.committee, False)):
        page = _as(app.test_client(), login, who).get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "ใช้เอกสารอิเล็กทรอนิกส์ (ตัวอย่าง)" in html
        assert ("<textarea" in html) is editable
    assert _as(app.test_client(), login, personas.admin).get("/console/rounds/2570-6m/bureau/99999").status_code == 404


def test_coordinator_saves_a_draft_then_submits_it(app, db, login, personas, year):
    client = _as(app.test_client(), login, personas.coord_a)
    url = _report_url(personas)
    token = csrf_of(client.get(url).get_data(as_text=True))
    resp = client.post(url, data={"csrf_token": token, f"done-{year}": "จัดอบรมการใช้ระบบเอกสาร",
                                  f"result-{year}": "", f"problems-{year}": "", "action": "save"})
    assert resp.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "บันทึกร่างแล้ว" in html and "จัดอบรมการใช้ระบบเอกสาร</textarea>" in html
    with db() as s:
        draft = rounds.get_draft(s, rounds.get_round(s, "2570-6m").id, personas.bureau_a)
        assert draft.data["items"][str(year)] == {"done": "จัดอบรมการใช้ระบบเอกสาร"}
    client.post(url, data={"csrf_token": token, f"done-{year}": "จัดอบรมการใช้ระบบเอกสาร",
                           f"result-{year}": "ลดกระดาษได้ 25%", "action": "submit"})
    html = client.get(url).get_data(as_text=True)
    assert "ส่งรายงานแล้ว ฉบับที่ 1" in html and "<textarea" not in html and "ลดกระดาษได้ 25%" in html
    with db() as s:
        rnd = rounds.get_round(s, "2570-6m")
        sub = rounds.latest_submitted(s, rnd.id, personas.bureau_a)
        assert sub.version == 1 and not sub.late and sub.data["items"][str(year)]["result"] == "ลดกระดาษได้ 25%"
        assert rounds.get_draft(s, rnd.id, personas.bureau_a) is None
    assert [e.target for e in _audit(db, "report.submit")] == [f"report:{rnd.id}:{personas.bureau_a}"]
    assert len(_audit(db, "report.save")) == 2
    # submitted: the console does not change it any more
    again = client.post(url, data={"csrf_token": token, f"done-{year}": "แก้ทีหลัง", "action": "save"},
                        follow_redirects=True)
    assert "รายงานนี้ส่งแล้ว" in again.get_data(as_text=True)
    with db() as s:
        assert rounds.get_draft(s, rnd.id, personas.bureau_a) is None


def test_report_answers_keep_the_chats_photos(app, db, login, personas, year):
    with db() as s:
        rnd = rounds.get_round(s, "2570-6m")
        draft = rounds.open_draft(s, rnd, personas.bureau_a, personas.coord_a)
        rounds.save_draft(s, draft, {"items": {str(year): {"done": "เดิม", "photos": ["p/1.jpg"]}},
                                     "cursor": {"i": 0, "step": "result"}})
    client = _as(app.test_client(), login, personas.coord_a)
    url = _report_url(personas)
    token = csrf_of(client.get(url).get_data(as_text=True))
    client.post(url, data={"csrf_token": token, f"done-{year}": "ใหม่", "action": "save"})
    with db() as s:
        data = rounds.get_draft(s, rnd.id, personas.bureau_a).data
    assert data["items"][str(year)] == {"done": "ใหม่", "photos": ["p/1.jpg"]}
    assert data["cursor"] == {"i": 0, "step": "result"}


def test_report_writes_are_refused_to_others_and_without_token(app, db, login, personas, year):
    url = _report_url(personas)
    for who in (personas.committee, personas.coord_b):
        client = _as(app.test_client(), login, who)
        token = csrf_of(client.get("/console/rounds/").get_data(as_text=True))
        resp = client.post(url, data={"csrf_token": token, f"done-{year}": "x", "action": "submit"})
        assert resp.status_code == 403
    coord = _as(app.test_client(), login, personas.coord_a)
    assert coord.post(url, data={f"done-{year}": "x", "action": "submit"}).status_code == 400
    with db() as s:
        assert list(s.exec(select(RoundReport))) == []


def test_a_too_long_answer_is_refused_and_nothing_saved(app, db, login, personas, year):
    client = _as(app.test_client(), login, personas.coord_a)
    url = _report_url(personas)
    token = csrf_of(client.get(url).get_data(as_text=True))
    resp = client.post(url, data={"csrf_token": token, f"done-{year}": "ก" * 2001, "action": "submit"})
    assert resp.status_code == 400 and "ยาวเกิน 2,000 ตัวอักษร" in resp.get_data(as_text=True)
    with db() as s:
        assert list(s.exec(select(RoundReport))) == []


def test_a_bureau_without_items_cannot_report(app, login, personas, year):
    html = _as(app.test_client(), login, personas.coord_b).get(_report_url(personas, "b")).get_data(as_text=True)
    assert "ยังไม่มีรายการปัญหาที่อยากแก้" in html and "<textarea" not in html


# ---- remind now ---------------------------------------------------------------------------------

def test_remind_now_shows_the_cost_then_enqueues_once(app, db, login, personas, year):
    with db() as s:
        rnd = rounds.get_round(s, "2570-6m")
        rounds.open_draft(s, rnd, personas.bureau_b, personas.coord_b)
        rounds.submit(s, rnd, personas.bureau_b, personas.coord_b, NOW)  # B has sent: not reminded
    client = _as(app.test_client(), login, personas.admin)
    page = client.get("/console/rounds/2570-6m/remind")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "ยืนยันส่งถึง 1 คน" in html
    assert "สำนักตัวอย่างหนึ่ง" in html and "สำนักตัวอย่างสอง" not in html
    with db() as s:
        assert list(s.exec(select(OutboxMessage))) == []  # the preview sends nothing
    resp = client.post("/console/rounds/2570-6m/remind", data={"csrf_token": csrf_of(html), "expected": "1"})
    assert resp.status_code == 302
    assert "ถึงผู้รับ 1 คน" in client.get(resp.headers["Location"]).get_data(as_text=True)
    with db() as s:
        [row] = list(s.exec(select(OutboxMessage)))
        coord_line = s.get(User, personas.coord_a).line_user_id
    assert row.recipients == [coord_line] and row.key.startswith("deadline-now:2570-6m:EXA:")
    assert row.category == "reminder"
    twice = client.post("/console/rounds/2570-6m/remind", data={"csrf_token": csrf_of(html), "expected": "1"},
                        follow_redirects=True)
    assert "ไม่ส่งซ้ำ" in twice.get_data(as_text=True)
    with db() as s:
        assert len(list(s.exec(select(OutboxMessage)))) == 1
    entries = _audit(db, "round.remind")  # the second press wrote nothing, so it is not audited
    assert len(entries) == 1 and entries[0].after == {"bureaus": [personas.bureau_a], "recipients": 1, "rows_added": 1}


def test_remind_now_asks_again_when_the_count_changed(app, db, login, personas, year):
    client = _as(app.test_client(), login, personas.admin)
    html = client.get("/console/rounds/2570-6m/remind").get_data(as_text=True)
    assert "ยืนยันส่งถึง 2 คน" in html
    resp = client.post("/console/rounds/2570-6m/remind", data={"csrf_token": csrf_of(html), "expected": "5"})
    assert resp.status_code == 409 and "จำนวนผู้รับเปลี่ยนไป" in resp.get_data(as_text=True)
    with db() as s:
        assert list(s.exec(select(OutboxMessage))) == []


def test_remind_now_at_night_is_held_for_the_morning(app, db, clock, login, personas, year):
    clock.set(datetime(2026, 11, 10, 21, 30, tzinfo=BKK))
    client = _as(app.test_client(), login, personas.admin)
    html = client.get("/console/rounds/2570-6m/remind").get_data(as_text=True)
    assert "นอกเวลาส่งข้อความ" in html
    client.post("/console/rounds/2570-6m/remind", data={"csrf_token": csrf_of(html), "expected": "2"})
    with db() as s:
        rows = list(s.exec(select(OutboxMessage)))
    assert len(rows) == 2
    morning = datetime(2026, 11, 11, 8, 0, tzinfo=BKK)  # Wednesday, when pushes may go out again
    assert {r.next_attempt_at.replace(tzinfo=r.next_attempt_at.tzinfo or timezone.utc) for r in rows} == {morning}


def test_remind_now_role_matrix(app, db, login, personas, year):
    url = "/console/rounds/2570-6m/remind"
    assert app.test_client().get(url).status_code == 401
    for who in (personas.committee, personas.coord_a):
        client = _as(app.test_client(), login, who)
        assert client.get(url).status_code == 403
        token = csrf_of(client.get("/console/rounds/").get_data(as_text=True))
        assert client.post(url, data={"csrf_token": token, "expected": "2"}).status_code == 403
    admin = _as(app.test_client(), login, personas.admin)
    assert admin.post(url, data={"expected": "2"}).status_code == 400
    assert admin.get("/console/rounds/2599-6m/remind").status_code == 404
    with db() as s:
        assert list(s.exec(select(OutboxMessage))) == []


# ---- export ------------------------------------------------------------------------------------

def test_round_xlsx_download(app, login, personas, year):
    url = "/console/rounds/2570-6m/export.xlsx"
    assert app.test_client().get(url).status_code == 401
    assert _as(app.test_client(), login, personas.coord_a).get(url).status_code == 403
    for who in (personas.committee, personas.admin):
        resp = _as(app.test_client(), login, who).get(url)
        assert resp.status_code == 200 and "spreadsheetml" in resp.headers["Content-Type"]
        wb = load_workbook(io.BytesIO(resp.data))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
        assert "สำนักตัวอย่างหนึ่ง" in cells and "ใช้เอกสารอิเล็กทรอนิกส์ (ตัวอย่าง)" in cells
    assert _as(app.test_client(), login, personas.admin).get("/console/rounds/2599-6m/export.xlsx").status_code == 404


def test_rounds_table_is_left_alone_by_reads(db, app, login, personas, year):
    for who in (personas.committee, personas.coord_a):
        _as(app.test_client(), login, who).get("/console/rounds/?fy=2571")
    with db() as s:
        assert list(s.exec(select(Round).where(Round.fy == 2571))) == []
