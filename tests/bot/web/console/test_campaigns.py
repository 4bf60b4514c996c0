"""Console page กิจกรรม: the role matrix, create with a preview of the push cost then confirm (the chat's create:
the worker's job enqueues the invite), bad input refused in Thai, the answer/check-in lists and their export."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.services import campaigns as camps
from messages_th.dates import BKK
from models.campaigns import Campaign, CampaignResponse
from models.console import AuditEntry
from models.core import OutboxMessage, User
from scheduler import campaigns as jobs
from tests.bot.web.console.conftest import csrf_of

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=BKK)  # Monday 2 พ.ย. 2569, fiscal year 2570


@pytest.fixture(autouse=True)
def _fixed_clock(clock):
    clock.set(NOW)


def _form(client) -> dict:
    page = client.get("/console/campaigns/new")
    assert page.status_code == 200
    return {"csrf_token": csrf_of(page.get_data(as_text=True)), "title": "ปลูกต้นไม้ริมคลอง (ตัวอย่าง)",
            "description": "กิจกรรมตัวอย่าง", "place": "หน้าอาคาร ๑", "virtue": "gratitude",
            "starts_at": "20 พ.ย. 2569 09:30", "audience": "all", "remind_3d": "y", "remind_1h": "y"}


def _count(db, model) -> int:
    with db() as s:
        return len(s.exec(select(model)).all())


def test_matrix_of_every_route(app, client, login, personas, db):
    with db() as s:
        camp = camps.create(s, title="ตัวอย่าง", starts_at=NOW.replace(day=25), now=NOW)
        cid = camp.id
    gets = ["/console/campaigns/", "/console/campaigns/new", f"/console/campaigns/{cid}",
            f"/console/campaigns/{cid}/export.csv", f"/console/campaigns/{cid}/export.xlsx"]
    for url in gets:
        assert app.test_client().get(url).status_code == 401, url
        assert app.test_client().post("/console/campaigns/new").status_code == 401
    for who, expect in ((personas.coord_a, 403), (personas.coord_b, 403), (personas.committee, 200),
                        (personas.admin, 200)):
        c = app.test_client()
        login(c, who)
        for url in gets:
            assert c.get(url).status_code == expect, (who, url)
    c = app.test_client()
    login(c, personas.coord_a)
    token = csrf_of(c.get("/console/deeds/").get_data(as_text=True))  # a page the coordinator may open
    assert c.post("/console/campaigns/new", data={"csrf_token": token, "title": "x"}).status_code == 403
    login(client, personas.admin)
    assert client.get("/console/campaigns/999999").status_code == 404
    assert client.get("/console/campaigns/999999/export.csv").status_code == 404


def test_preview_shows_the_push_cost_then_confirm_creates_and_the_worker_invites(client, login, personas, db,
                                                                                  clock):
    login(client, personas.committee)
    data = _form(client) | {"audience": "some", "bureaus": [str(personas.bureau_a)]}
    preview = client.post("/console/campaigns/new", data=data | {"action": "preview"})
    html = preview.get_data(as_text=True)
    # bureau A: staff, coordinator A and the committee member are reachable: 3 invitations
    assert preview.status_code == 200 and "3 <small>คน จะได้รับคำเชิญ" in html
    # what LINE can bill, not the invite alone: 3 invites, 2 reminders to the 3, a check-in prompt to the 3
    assert "สูงสุด 12 ข้อความ" in html and "การเตือน 2 ครั้ง ครั้งละไม่เกิน 3 ข้อความ" in html
    assert "20 พ.ย. 2569 เวลา 09:30 น." in html and "สำนักตัวอย่างหนึ่ง" in html
    assert _count(db, Campaign) == 0  # a preview writes nothing
    confirm = client.post("/console/campaigns/new", data=data | {"action": "confirm"})
    assert confirm.status_code == 302
    with db() as s:
        camp = s.exec(select(Campaign)).one()
        assert camp.bureau_ids == [personas.bureau_a] and camp.virtue == "gratitude"
        assert camp.creator_id == personas.committee and camp.remind_minutes == [4320, 60]
        assert camp.starts_at == datetime(2026, 11, 20, 9, 30, tzinfo=BKK)
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "campaign.create")).one()
        assert entry.actor_user_id == personas.committee and entry.target == f"campaign:{camp.id}"
        assert entry.after["invite_count"] == 3
        assert jobs.run(s, clock()) > 0  # the invite goes through the outbox as for a chat-made campaign
        invite = s.exec(select(OutboxMessage).where(OutboxMessage.key == f"campaign:{camp.id}:invite")).one()
        assert len(invite.recipients) == 3
    page = client.get(confirm.headers["Location"])
    assert "สร้างกิจกรรมแล้ว" in page.get_data(as_text=True)
    # the confirm sent again (double click, back and resend): still one campaign
    again = client.post("/console/campaigns/new", data=data | {"action": "confirm"})
    assert again.status_code == 302 and _count(db, Campaign) == 1


def test_edit_from_the_preview_keeps_what_was_typed(client, login, personas):
    login(client, personas.admin)
    resp = client.post("/console/campaigns/new", data=_form(client) | {"action": "edit"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'value="ปลูกต้นไม้ริมคลอง (ตัวอย่าง)"' in html and "20/11/2569 09:30" in html


@pytest.mark.parametrize("change, field_error", [
    ({"starts_at": "1 พ.ย. 2569 09:00"}, "ผ่านมาแล้ว"),
    ({"starts_at": "1 ต.ค. 2571 09:00"}, "เกินปีงบประมาณหน้า (สร้างได้ถึง 30 ก.ย. 2571)"),
    ({"starts_at": "20 พ.ย. 2569"}, "กรุณาใส่เวลาด้วย"),
    ({"starts_at": "20 พ.ย. 2026 09:00"}, "ค.ศ."),
    ({"starts_at": ""}, "กรุณาพิมพ์วันและเวลาเริ่ม"),
    ({"title": ""}, "กรุณาพิมพ์ชื่อกิจกรรม"),
    ({"title": "ก" * 201}, "ไม่เกิน 200 ตัวอักษร"),
    ({"audience": "some"}, "กรุณาเลือกอย่างน้อย ๑ สำนัก"),
    ({"audience": "some", "bureaus": ["999999"]}, "มีสำนักที่เลือกไม่ได้"),
    ({"virtue": "bravery"}, "กรุณาเลือกคุณธรรม"),
])
def test_bad_input_is_refused_in_thai_next_to_the_field_and_nothing_is_made(client, login, personas, db, change,
                                                                            field_error):
    login(client, personas.committee)
    for action in ("preview", "confirm"):
        resp = client.post("/console/campaigns/new", data=_form(client) | change | {"action": action})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400 and field_error in html and 'class="error"' in html
    assert _count(db, Campaign) == 0 and _count(db, AuditEntry) == 0


def test_post_without_csrf_is_refused(client, login, personas, db):
    login(client, personas.admin)
    data = _form(client)
    del data["csrf_token"]
    assert client.post("/console/campaigns/new", data=data | {"action": "confirm"}).status_code == 400
    assert _count(db, Campaign) == 0


def test_answers_and_check_ins_with_names_and_bureaus_and_their_export(client, login, personas, db, clock):
    with db() as s:
        camp = camps.create(s, title="=HYPERLINK(\"x\") วันตัวอย่าง", starts_at=NOW.replace(hour=8), now=NOW)
        staff, coord_a, coord_b = (s.get(User, i) for i in (personas.staff, personas.coord_a, personas.coord_b))
        camps.respond(s, camp, coord_a, "join", NOW)
        camps.respond(s, camp, coord_b, "decline", NOW)
        assert camps.check_in(s, camp, staff, NOW, description="เข้าร่วมกิจกรรมตัวอย่าง") == "ok"
        cid = camp.id
    login(client, personas.committee)
    html = client.get(f"/console/campaigns/{cid}").get_data(as_text=True)
    for text in ("สมชาย บุคลากร", "สมหญิง ประสานหนึ่ง", "สมศรี ประสานสอง", "สำนักตัวอย่างสอง", "ไม่สะดวก"):
        assert text in html
    checked = client.get(f"/console/campaigns/{cid}?show=checked_in").get_data(as_text=True)
    assert "สมชาย บุคลากร" in checked and "สมศรี ประสานสอง" not in checked
    declined = client.get(f"/console/campaigns/{cid}?show=decline").get_data(as_text=True)
    assert "สมศรี ประสานสอง" in declined and "สมหญิง ประสานหนึ่ง" not in declined

    raw = client.get(f"/console/campaigns/{cid}/export.csv")
    assert raw.status_code == 200 and raw.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(raw.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0].startswith("'=")  # the title typed as a formula stays text in a spreadsheet
    assert rows[1] == ["ลำดับ", "ชื่อ", "สำนัก", "คำตอบ", "ตอบเมื่อ", "เช็กอินเมื่อ"]
    by_name = {r[1]: r for r in rows[2:]}
    assert by_name["สมชาย บุคลากร"][3] == "เข้าร่วม" and by_name["สมชาย บุคลากร"][5] == "2 พ.ย. 2569 เวลา 09:00 น."
    assert by_name["สมศรี ประสานสอง"][2:4] == ["สำนักตัวอย่างสอง", "ไม่สะดวก"]

    wb = load_workbook(io.BytesIO(client.get(f"/console/campaigns/{cid}/export.xlsx").data))
    ws = wb.active
    assert ws["A1"].data_type == "s" and ws["A1"].value.startswith("=HYPERLINK")
    assert sorted(r[1] for r in ws.iter_rows(min_row=3, values_only=True)) == sorted(by_name)


def test_list_shows_counts_per_campaign(client, login, personas, db):
    with db() as s:
        camp = camps.create(s, title="ประชุมคุณธรรมตัวอย่าง", starts_at=NOW.replace(day=28),
                            bureau_ids=[personas.bureau_b], now=NOW)
        camps.respond(s, camp, s.get(User, personas.coord_b), "join", NOW)
    login(client, personas.admin)
    html = client.get("/console/campaigns/").get_data(as_text=True)
    assert "ประชุมคุณธรรมตัวอย่าง" in html and "28 พ.ย. 2569" in html
    # bureau B: coordinator B and the admin are reachable; one of them joined
    assert '<td class="num">2</td>\n      <td class="num">1</td>' in html


def test_chat_and_console_share_the_start_rule():
    assert camps.start_problem(NOW.replace(hour=8), NOW) == "past"
    assert camps.start_problem(datetime(2028, 9, 30, 23, 0, tzinfo=BKK), NOW) is None
    assert camps.start_problem(datetime(2028, 10, 1, 0, 0, tzinfo=BKK), NOW) == "too_far"


def test_roster_excludes_nobody_who_answered(db, personas):
    with db() as s:
        camp = camps.create(s, title="ตัวอย่าง", starts_at=NOW.replace(day=25), now=NOW)
        for uid in (personas.staff, personas.coord_a, personas.admin):
            camps.respond(s, camp, s.get(User, uid), "join", NOW)
        from bot.services.console_access import as_viewer
        viewer = as_viewer(s, s.get(User, personas.committee))
        rows, total = camps.roster(s, viewer, camp, limit=2)
        assert total == 3 and len(rows) == 2
        assert len(s.exec(select(CampaignResponse)).all()) == 3
