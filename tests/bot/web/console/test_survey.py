"""Console page แบบสำรวจ ITA: the role matrix (admin sets up, edits and closes; the committee reads every bureau;
a coordinator their own), the push cost shown before the confirm, the link and พ.ศ. dates checked next to the
field with nothing saved, the worker then invites; the rate by bureau through the small-group rule."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import select

from bot.services import survey as svc
from messages_th.dates import BKK
from models.console import AuditEntry
from models.core import Bureau, User
from models.recognition import SurveyDrive
from scheduler import survey as jobs
from tests.bot.web.console.conftest import csrf_of
from tests.factories import make_user
from tests.scheduler.helpers import outbox_rows

NOW = datetime(2027, 2, 22, 10, 0, tzinfo=BKK)  # Monday 22 ก.พ. 2570
URL = "https://itas.example.go.th/iit/xyz"


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    clock.set(NOW)


def _form(client) -> dict:
    page = client.get("/console/survey/new")
    assert page.status_code == 200
    return {"csrf_token": csrf_of(page.get_data(as_text=True)), "title": "แบบวัด IIT ปี ๒๕๗๐ (ตัวอย่าง)",
            "url": URL, "opens_on": "1 มี.ค. 2570", "closes_on": "๑๙/๓/๒๕๗๐", "audience": "all"}


def _drives(db) -> list[SurveyDrive]:
    with db() as s:
        return list(s.exec(select(SurveyDrive)))


def _make(db, **kw) -> int:
    with db() as s:
        d, _ = svc.create(s, svc.Draft("แบบวัด IIT", URL, date(2027, 2, 22), date(2027, 3, 19), **kw), NOW,
                          actor_id=None)
        return d.id


def test_matrix_of_every_route(app, client, login, personas, db):
    did = _make(db)
    reads = ["/console/survey/", f"/console/survey/{did}"]
    writes = ["/console/survey/new", f"/console/survey/{did}/edit"]
    for url in reads + writes:
        assert app.test_client().get(url).status_code == 401, url
    for who, read, write in ((personas.coord_a, 200, 403), (personas.committee, 200, 403), (personas.admin, 200, 200)):
        c = app.test_client()
        login(c, who)
        for url in reads:
            assert c.get(url).status_code == read, (who, url)
        for url in writes:
            assert c.get(url).status_code == write, (who, url)
        token = csrf_of(c.get("/console/survey/").get_data(as_text=True) + c.get("/console/deeds/").get_data(as_text=True))
        if who != personas.admin:
            assert c.post(f"/console/survey/{did}/close", data={"csrf_token": token}).status_code == 403
            assert c.post("/console/survey/new", data={"csrf_token": token, "url": URL,
                                                       "action": "confirm"}).status_code == 403
    assert len(_drives(db)) == 1 and _drives(db)[0].status == "open"
    login(client, personas.admin)
    assert client.get("/console/survey/999999").status_code == 404
    page = client.get("/console/survey/")
    assert client.post(f"/console/survey/{did}/close").status_code == 400  # no CSRF token: nothing changes
    assert _drives(db)[0].status == "open" and page.status_code == 200


def test_preview_shows_the_cost_then_confirm_saves_and_the_worker_invites(client, login, personas, db, clock):
    login(client, personas.admin)
    data = _form(client)
    preview = client.post("/console/survey/new", data=data | {"action": "preview"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "ตรวจทานก่อนส่งคำเชิญ" in html
    assert "5 <small>คน จะได้รับคำเชิญ" in html and "รวมไม่เกิน 15 ข้อความ" in html  # 5 people, invite + 2 reminders
    assert "1 มี.ค. 2570" in html and "19 มี.ค. 2570" in html
    assert _drives(db) == []  # nothing saved before the confirm
    confirm = client.post("/console/survey/new", data=data | {"action": "confirm"})
    assert confirm.status_code == 302
    client.post("/console/survey/new", data=data | {"action": "confirm"})  # a double click
    [drive] = _drives(db)
    assert drive.url == URL and drive.opens_at == datetime(2027, 3, 1, tzinfo=BKK)
    with db() as s:
        assert [a.action for a in s.exec(select(AuditEntry))] == ["survey.create"]
        assert jobs.run(s, NOW) == 0  # not open yet
        assert jobs.run(s, datetime(2027, 3, 1, 9, 0, tzinfo=BKK)) == 1
    [row] = outbox_rows(db, "survey:")
    assert row.recipient_count == 5


@pytest.mark.parametrize("field, value, error", [
    ("url", "http://itas.example.go.th/x", "ต้องขึ้นต้นด้วย https://"),
    ("url", "https://bad host/x", "ลิงก์ไม่ถูกต้อง"),
    ("opens_on", "1/3/2027", "ปี"),  # a ค.ศ. year in Thai order is refused, never guessed
    ("opens_on", "1 ก.พ. 2570", "วันเปิดผ่านมาแล้ว"),
    ("closes_on", "28 ก.พ. 2570", "วันสุดท้ายต้องไม่ก่อนวันเปิด"),
    ("closes_on", "", "กรุณาพิมพ์วันที่"),
])
def test_bad_input_is_refused_next_to_the_field(client, login, personas, db, field, value, error):
    login(client, personas.admin)
    resp = client.post("/console/survey/new", data=_form(client) | {field: value, "action": "confirm"})
    assert resp.status_code == 400 and error in resp.get_data(as_text=True)
    assert _drives(db) == []


def test_edit_the_link_and_close(client, login, personas, db):
    did = _make(db)
    login(client, personas.admin)
    page = client.get(f"/console/survey/{did}/edit").get_data(as_text=True)
    assert URL in page and "22/2/2570" in page
    data = {"csrf_token": csrf_of(page), "title": "แบบวัด IIT", "url": URL + "?v=2", "opens_on": "22/2/2570",
            "closes_on": "26/3/2570", "audience": "some", "bureaus": [str(personas.bureau_a)]}
    resp = client.post(f"/console/survey/{did}/edit", data=data)
    assert resp.status_code == 400 and "เปลี่ยนสำนักที่เชิญไม่ได้" in resp.get_data(as_text=True)  # it is open
    assert client.post(f"/console/survey/{did}/edit", data=data | {"audience": "all"}).status_code == 302
    [drive] = _drives(db)
    assert drive.url == URL + "?v=2" and drive.closes_at.astimezone(BKK).date() == date(2027, 3, 26)
    assert client.post(f"/console/survey/{did}/close", data={"csrf_token": csrf_of(page)}).status_code == 302
    assert _drives(db)[0].status == "closed"
    assert "ปิดรับแล้ว" in client.get(f"/console/survey/{did}").get_data(as_text=True)


def test_rates_by_bureau_committee_all_coordinator_own_small_ones_never_alone(app, login, personas, db):
    did = _make(db)
    with db() as s:
        a = s.get(Bureau, personas.bureau_a)
        extra = [make_user(s, a, full_name=f"บุคลากร ตัวอย่าง{i}") for i in range(3)]  # bureau A: 6 people
        for u in extra[:2] + [s.get(User, personas.staff)]:
            svc.mark_done(s, did, u, NOW)
        svc.mark_done(s, did, s.get(User, personas.admin), NOW)  # bureau B: 2 people, 1 answered
    a_name, b_name = "สำนักตัวอย่างหนึ่ง", "สำนักตัวอย่างสอง"
    c = app.test_client()
    login(c, personas.committee)
    html = c.get(f"/console/survey/{did}").get_data(as_text=True)
    assert "4/8" in html and a_name in html and "50%" in html
    assert b_name not in html and "อื่น ๆ (1 สำนัก)" in html  # one small bureau: counted, not named
    c = app.test_client()
    login(c, personas.coord_a)
    html = c.get(f"/console/survey/{did}").get_data(as_text=True)
    assert a_name in html and "3/6" in html and b_name not in html and "อื่น ๆ" not in html
    c = app.test_client()
    login(c, personas.coord_b)
    html = c.get(f"/console/survey/{did}").get_data(as_text=True)
    assert b_name in html and "0/0" in html and "1/2" not in html  # under 5 staff: no number of their own
