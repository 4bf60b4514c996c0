"""Console page วันหยุดราชการ: admins list, add, rename and remove a fiscal year's holidays; everyone else 403."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from models.console import AuditEntry
from models.worker import Holiday
from tests.bot.web.console.conftest import csrf_of

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)  # 2 พ.ย. 2569, fiscal year 2570


@pytest.fixture(autouse=True)
def _fixed(clock):
    clock.set(NOW)


@pytest.fixture()
def admin(app, personas, login):
    c = app.test_client()
    login(c, personas.admin)
    return c


def _token(c, path="/console/holidays/"):
    return csrf_of(c.get(path).get_data(as_text=True))


def _holidays(db):
    with db() as s:
        return {h.day: h.name for h in s.exec(select(Holiday))}


def _audit(db):
    with db() as s:
        return [(e.action, e.target) for e in s.exec(select(AuditEntry).order_by(AuditEntry.id))]


def test_admin_adds_a_holiday_typed_in_be_and_sees_it_listed(admin, db, personas):
    resp = admin.post("/console/holidays/add?fy=2570",
                      data={"csrf_token": _token(admin), "day": "5 ธ.ค. 2569", "name": "วันพ่อแห่งชาติ"})
    assert resp.status_code == 302
    assert _holidays(db) == {date(2026, 12, 5): "วันพ่อแห่งชาติ"}
    page = admin.get(resp.headers["Location"]).get_data(as_text=True)
    assert "เพิ่มวันหยุด 5 ธ.ค. 2569 วันพ่อแห่งชาติ แล้ว" in page
    assert "ปีงบประมาณ พ.ศ. 2570" in page and "วันพ่อแห่งชาติ" in page and "วันเสาร์" in page
    with db() as s:
        e = s.exec(select(AuditEntry)).one()
        assert (e.action, e.actor_user_id, e.after) == ("holiday.add", personas.admin,
                                                        {"day": "2026-12-05", "name": "วันพ่อแห่งชาติ"})


@pytest.mark.parametrize("day, name, error", [
    ("31 ก.พ. 2570", "วันหยุด", "ไม่มีวันที่นี้"),
    ("5/12/69", "วันหยุด", "ปี"),
    ("", "วันหยุด", "กรุณาพิมพ์วันที่"),
    ("5 ธ.ค. 2569", "", "กรุณาพิมพ์ชื่อวันหยุด"),
    ("5 ธ.ค. 2569", "ก" * 201, "ยาวเกิน 200"),
])
def test_bad_input_gets_a_thai_error_next_to_the_field_and_changes_nothing(admin, db, day, name, error):
    resp = admin.post("/console/holidays/add?fy=2570", data={"csrf_token": _token(admin), "day": day, "name": name})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and 'class="error"' in html and error in html
    assert _holidays(db) == {} and _audit(db) == []


def test_a_day_already_listed_is_refused_not_overwritten(admin, db):
    with db() as s:
        s.add(Holiday(day=date(2026, 12, 10), name="วันรัฐธรรมนูญ"))
    resp = admin.post("/console/holidays/add", data={"csrf_token": _token(admin), "day": "10/12/2569", "name": "อื่น"})
    assert resp.status_code == 400 and "มีในรายการวันหยุดแล้ว" in resp.get_data(as_text=True)
    assert _holidays(db) == {date(2026, 12, 10): "วันรัฐธรรมนูญ"} and _audit(db) == []


def test_admin_renames_and_removes(admin, db):
    with db() as s:
        s.add(Holiday(day=date(2026, 12, 7), name="ชดเชย"))
    edit = admin.get("/console/holidays/2026-12-07/edit")
    assert edit.status_code == 200 and 'value="ชดเชย"' in edit.get_data(as_text=True)
    token = csrf_of(edit.get_data(as_text=True))
    bad = admin.post("/console/holidays/2026-12-07/rename", data={"csrf_token": token, "name": "  "})
    assert bad.status_code == 400 and "กรุณาพิมพ์ชื่อวันหยุด" in bad.get_data(as_text=True)
    assert admin.post("/console/holidays/2026-12-07/rename",
                      data={"csrf_token": token, "name": "ชดเชยวันพ่อแห่งชาติ"}).status_code == 302
    assert _holidays(db) == {date(2026, 12, 7): "ชดเชยวันพ่อแห่งชาติ"}
    resp = admin.post("/console/holidays/2026-12-07/remove", data={"csrf_token": token})
    assert resp.status_code == 302 and _holidays(db) == {}
    assert "ลบวันหยุด 7 ธ.ค. 2569 ชดเชยวันพ่อแห่งชาติ แล้ว" in admin.get(resp.headers["Location"]).get_data(as_text=True)
    assert _audit(db) == [("holiday.rename", "holiday:2026-12-07"), ("holiday.remove", "holiday:2026-12-07")]


def test_missing_or_malformed_days_are_404(admin):
    token = _token(admin)
    assert admin.get("/console/holidays/2026-12-08/edit").status_code == 404
    assert admin.post("/console/holidays/2026-12-08/remove", data={"csrf_token": token}).status_code == 404
    assert admin.post("/console/holidays/2026-12-08/rename", data={"csrf_token": token, "name": "x"}).status_code == 404
    assert admin.get("/console/holidays/not-a-day/edit").status_code == 404


def test_the_year_picker_shows_only_that_fiscal_year(admin, db):
    with db() as s:
        s.add(Holiday(day=date(2026, 10, 13), name="วันนวมินทรมหาราช"))
        s.add(Holiday(day=date(2027, 10, 13), name="วันนวมินทรมหาราช ปีหน้า"))
    this = admin.get("/console/holidays/").get_data(as_text=True)
    assert "13 ต.ค. 2569" in this and "13 ต.ค. 2570" not in this
    nxt = admin.get("/console/holidays/?fy=2571").get_data(as_text=True)
    assert "13 ต.ค. 2570" in nxt and "13 ต.ค. 2569" not in nxt
    assert admin.get("/console/holidays/?fy=abc").status_code == 200


ROUTES = [("get", "/console/holidays/"), ("get", "/console/holidays/2026-12-07/edit"),
          ("post", "/console/holidays/add"), ("post", "/console/holidays/2026-12-07/rename"),
          ("post", "/console/holidays/2026-12-07/remove")]


@pytest.mark.parametrize("method, path", ROUTES)
def test_role_matrix(app, db, personas, login, method, path):
    with db() as s:
        s.add(Holiday(day=date(2026, 12, 7), name="ชดเชย"))
    assert getattr(app.test_client(), method)(path).status_code == 401
    for who in (personas.coord_a, personas.coord_b, personas.committee):
        c = app.test_client()
        login(c, who)
        token = csrf_of(c.get("/console/").get_data(as_text=True))
        data = {"csrf_token": token, "day": "8/12/2569", "name": "ใหม่"}
        resp = c.get(path) if method == "get" else c.post(path, data=data)
        assert resp.status_code == 403, (who, path)
    assert _holidays(db) == {date(2026, 12, 7): "ชดเชย"} and _audit(db) == []
    admin = app.test_client()
    login(admin, personas.admin)
    if method == "get":
        assert admin.get(path).status_code == 200
    else:
        assert admin.post(path, data={"day": "8/12/2569", "name": "ใหม่"}).status_code == 400  # no CSRF token
        assert _holidays(db) == {date(2026, 12, 7): "ชดเชย"}
        ok = admin.post(path, data={"csrf_token": _token(admin), "day": "8/12/2569", "name": "ใหม่"})
        assert ok.status_code == 302
