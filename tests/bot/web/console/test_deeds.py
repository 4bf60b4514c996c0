"""Console page ความดี: the role matrix, filters typed in พ.ศ., 50 a page newest first, photos through signed
links, CSV/XLSX export of the filtered rows, and the ledger check with its audit entry."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import select

from bot.services import deeds as deeds_svc
from bot.services import ledger
from messages_th.dates import BKK
from models.console import AuditEntry
from models.core import User
from tests.bot.services.test_ledger import _png
from tests.bot.web.console.conftest import csrf_of

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BKK)  # fiscal year 2570 began 1 ต.ค. 2569


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    clock.set(NOW)


def _deed(s, user_id, text_, day, virtue="volunteer", **kw):
    return deeds_svc.record_deed(s, s.get(User, user_id), virtue, text_, day, now=NOW, enforce_limits=False, **kw)


@pytest.fixture()
def seeded(db, personas):
    with db() as s:
        a = _deed(s, personas.staff, "ช่วยจัดสวนหน้าอาคาร (ตัวอย่าง)", date(2026, 11, 10), "volunteer").id
        b = _deed(s, personas.coord_b, "คืนกระเป๋าที่เก็บได้ (ตัวอย่าง)", date(2026, 11, 12), "honesty").id
        c = _deed(s, personas.coord_a, "=1+1 ปิดไฟห้องประชุม (ตัวอย่าง)", date(2026, 10, 5), "sufficiency").id
    return a, b, c


def _html(client, url="/console/deeds/", status=200):
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    return resp.get_data(as_text=True)


def test_matrix_of_every_route(app, login, personas, seeded):
    gets = ["/console/deeds/", "/console/deeds/export.csv", "/console/deeds/export.xlsx"]
    for url in gets + ["/console/deeds/ledger-check"]:
        c = app.test_client()
        assert (c.get(url) if url in gets else c.post(url)).status_code == 401, url
    for who in (personas.coord_a, personas.coord_b, personas.committee, personas.admin):
        c = app.test_client()
        login(c, who)
        for url in gets:
            assert c.get(url).status_code == 200, (who, url)
    coord = app.test_client()
    login(coord, personas.coord_a)
    for url in gets:
        assert coord.get(f"{url}?bureau={personas.bureau_b}").status_code == 403, url
        assert coord.get(f"{url}?bureau={personas.bureau_a}").status_code == 200, url
    token = csrf_of(_html(coord))
    assert coord.post("/console/deeds/ledger-check", data={"csrf_token": token}).status_code == 403
    for who in (personas.committee, personas.admin):
        c = app.test_client()
        login(c, who)
        token = csrf_of(_html(c))
        assert c.post("/console/deeds/ledger-check", data={"csrf_token": token}).status_code == 302
        assert c.get(f"/console/deeds/?bureau={personas.bureau_b}").status_code == 200
        assert c.get("/console/deeds/?bureau=999999").status_code == 400


def test_coordinator_sees_only_their_bureau_and_no_ledger_button(client, login, personas, seeded):
    login(client, personas.coord_a)
    html = _html(client)
    assert "ช่วยจัดสวนหน้าอาคาร" in html and "ปิดไฟห้องประชุม" in html
    assert "คืนกระเป๋าที่เก็บได้" not in html and "สำนักตัวอย่างสอง" not in html
    assert "ตรวจสอบ ledger" not in html
    rows = list(csv.reader(io.StringIO(client.get("/console/deeds/export.csv").get_data(as_text=True)
                                       .lstrip("\ufeff"))))
    assert {r[3] for r in rows[1:]} == {"สำนักตัวอย่างหนึ่ง"}


def test_committee_sees_every_bureau_newest_deed_date_first_and_filters(client, login, personas, seeded):
    login(client, personas.committee)
    html = _html(client)
    assert html.index("คืนกระเป๋า") < html.index("ช่วยจัดสวน") < html.index("ปิดไฟ")  # 12, 10 พ.ย., 5 ต.ค.
    assert "12 พ.ย. 2569" in html and "สำนักตัวอย่างสอง" in html and "พบ 3 รายการ" in html
    only_b = _html(client, f"/console/deeds/?bureau={personas.bureau_b}")
    assert "คืนกระเป๋า" in only_b and "ช่วยจัดสวน" not in only_b
    honesty = _html(client, "/console/deeds/?virtue=honesty")
    assert "คืนกระเป๋า" in honesty and "ปิดไฟ" not in honesty
    november = _html(client, "/console/deeds/?date_from=1+พ.ย.+2569&date_to=11/11/2569")
    assert "ช่วยจัดสวน" in november and "คืนกระเป๋า" not in november and "ปิดไฟ" not in november


@pytest.mark.parametrize("query, error", [
    ("date_from=1+พ.ย.+2026", "ค.ศ."),
    ("date_from=32/11/2569", "ไม่มีวันที่นี้ในปฏิทิน"),
    ("date_from=20+พ.ย.+2569&date_to=1+พ.ย.+2569", "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"),
    ("virtue=bravery", "ไม่มีคุณธรรมข้อนี้"),
    ("bureau=abc", "ไม่พบสำนักนี้"),
])
def test_bad_filters_get_a_thai_message_next_to_the_field(client, login, personas, seeded, query, error):
    login(client, personas.admin)
    html = _html(client, f"/console/deeds/?{query}", status=400)
    assert error in html and 'class="error"' in html and "ช่วยจัดสวน" not in html


def test_fifty_a_page_and_the_next_page_follows_without_overlap(client, login, personas, db):
    with db() as s:
        for i in range(60):
            _deed(s, personas.staff, f"ช่วยงานส่วนรวม ครั้งที่ {i:02d}", date(2026, 10, 1) + timedelta(days=i % 50))
    login(client, personas.admin)
    first = _html(client)
    seen1 = re.findall(r"ครั้งที่ (\d\d)", first)
    assert len(seen1) == 50 and "พบ 60 รายการ" in first
    nxt = re.search(r'href="([^"]*after=[^"]*)"', first).group(1).replace("&amp;", "&")
    second = _html(client, nxt)
    seen2 = re.findall(r"ครั้งที่ (\d\d)", second)
    assert len(seen2) == 10 and not set(seen1) & set(seen2) and "รายการที่ 51–60" in second
    assert "หน้าถัดไป" not in second and "หน้าแรก" in second


def test_photos_are_shown_through_signed_links_that_open(client, login, personas, db, config):
    with db() as s:
        photo = deeds_svc.accept_photo(config.MEDIA_DIR, _png())
        _deed(s, personas.staff, "เก็บขยะริมถนน (ตัวอย่าง)", date(2026, 11, 15), photos=[photo])
    login(client, personas.coord_a)
    html = _html(client)
    src = re.search(r'<img src="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert src.startswith("/media/photo/")
    assert client.get(src).status_code == 200
    login(client, personas.coord_b)
    assert "<img src=" not in _html(client)  # another bureau's coordinator sees neither the deed nor its photo


def test_export_is_the_filtered_rows_and_formulas_stay_text(client, login, personas, seeded):
    login(client, personas.admin)
    raw = client.get("/console/deeds/export.csv?virtue=sufficiency")
    assert raw.status_code == 200 and "attachment" in raw.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(raw.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["วันที่ทำความดี", "บันทึกเมื่อ", "ชื่อ", "สำนัก", "คุณธรรม"]
    assert len(rows) == 2 and rows[1][0] == "5 ต.ค. 2569" and rows[1][2] == "สมหญิง ประสานหนึ่ง"
    assert rows[1][4] == "พอเพียง" and rows[1][5].startswith("'=1+1")
    wb = load_workbook(io.BytesIO(client.get("/console/deeds/export.xlsx").data))
    ws = wb.active
    values = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(values) == 3
    cell = next(c for row in ws.iter_rows(min_row=2) for c in row if str(c.value).startswith("=1+1"))
    assert cell.data_type == "s"


def test_ledger_check_shows_ok_and_the_head_then_a_broken_entry(client, login, personas, seeded, db):
    login(client, personas.committee)
    with db() as s:
        count, head = ledger.head(s)
    html = _html(client)
    assert head in html and f"ledger มี {count} รายการ" in html
    resp = client.post("/console/deeds/ledger-check", data={"csrf_token": csrf_of(html)})
    assert resp.status_code == 302
    page = _html(client)
    assert "ถูกต้อง ครบ 3 รายการ" in page
    with db() as s:
        s.execute(text("UPDATE deed SET virtue = 'gratitude' WHERE id = :i"), {"i": seeded[1]})
    client.post("/console/deeds/ledger-check", data={"csrf_token": csrf_of(page)})
    broken = _html(client)
    assert "ไม่ถูกต้อง" in broken and f"ความดีรหัส {seeded[1]}" in broken
    with db() as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == "ledger.verify")
                         .order_by(AuditEntry.id)).all()
        assert [e.after["ok"] for e in entries] == [True, False]
        assert all(e.actor_user_id == personas.committee for e in entries)


def test_ledger_check_without_csrf_is_refused_and_not_run(client, login, personas, db):
    login(client, personas.admin)
    assert client.post("/console/deeds/ledger-check").status_code == 400
    with db() as s:
        assert s.exec(select(AuditEntry)).all() == []
