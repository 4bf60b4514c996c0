"""Console page บุคลากรและสำนัก: the role matrix of every route, CSRF, bad input, audit entries, and what the
people concerned notice (their rich menu, their console session, the LINE message about their request)."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from bot.line.richmenu import deploy
from bot.services import membership
from models.console import AuditEntry
from models.core import Bureau, OutboxMessage, User, UserRole, utcnow
from models.onboarding import InviteCode
from tests.bot.web.console.conftest import csrf_of
from tests.factories import make_user

P = "/console/people"


@pytest.fixture()
def world(db, personas, clock):
    """An invite of bureau A and a registration waiting in bureau A (invented people)."""
    with db() as s:
        inv = membership.create_invite(s, s.get(Bureau, personas.bureau_a), clock(), days=30)
        waiting = make_user(s, s.get(Bureau, personas.bureau_a), registered=False, full_name="สมหมาย รออนุมัติ")
        waiting.status, waiting.title = "pending_approval", "นาย"
        s.add(waiting)
        s.flush()
        return {"invite": inv.id, "code": inv.code, "waiting": waiting.id, "waiting_line": waiting.line_user_id}


@pytest.fixture()
def as_(app, login):
    """as_(user_id) → a client signed in as that persona (None: anonymous)."""
    def make(user_id):
        c = app.test_client()
        if user_id is not None:
            login(c, user_id)
        return c
    return make


def _token(c) -> str:
    return csrf_of(c.get(f"{P}/").get_data(as_text=True))


def _post(c, url, data=None, csrf=True):
    data = dict(data or {})
    if csrf:
        data["csrf_token"] = _token(c)
    return c.post(url, data=data)


def _audit(db, action):
    with db() as s:
        return s.exec(select(AuditEntry).where(AuditEntry.action == action)).all()


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def _table(resp) -> str:
    """The page's list only (the header names the signed-in person)."""
    html = _text(resp)
    return html[html.find("<tbody>"):html.find("</tbody>")] if "<tbody>" in html else ""


# -- role matrix ------------------------------------------------------------------------------------------

def _get_routes(p, w):
    return {
        "index": f"{P}/",
        "person_a": f"{P}/staff/{p.staff}",
        "bureaus": f"{P}/bureaus",
        "bureau_a": f"{P}/bureaus/{p.bureau_a}",
        "invites": f"{P}/invites",
        "card_a": f"{P}/invites/{w['invite']}/card",
        "registrations": f"{P}/registrations",
    }


# expected status per persona for each GET (coord_b is "another bureau" for bureau A's pages)
GET_MATRIX = {
    "index": dict(anon=401, coord_a=200, coord_b=200, committee=200, admin=200),
    "person_a": dict(anon=401, coord_a=200, coord_b=403, committee=200, admin=200),
    "bureaus": dict(anon=401, coord_a=200, coord_b=200, committee=200, admin=200),
    "bureau_a": dict(anon=401, coord_a=200, coord_b=403, committee=200, admin=200),
    "invites": dict(anon=401, coord_a=200, coord_b=200, committee=200, admin=200),
    "card_a": dict(anon=401, coord_a=200, coord_b=403, committee=200, admin=200),
    "registrations": dict(anon=401, coord_a=403, coord_b=403, committee=403, admin=200),
}


def _who(p, name):
    return None if name == "anon" else getattr(p, name)


@pytest.mark.parametrize("route", sorted(GET_MATRIX))
def test_every_page_answers_each_role_as_it_should(route, personas, world, as_):
    url = _get_routes(personas, world)[route]
    for name, expected in GET_MATRIX[route].items():
        resp = as_(_who(personas, name)).get(url)
        assert resp.status_code == expected, (route, name, resp.status_code)


def test_missing_ids_are_404(personas, world, as_):
    admin = as_(personas.admin)
    for url in (f"{P}/staff/99999", f"{P}/bureaus/99999", f"{P}/invites/99999/card"):
        assert admin.get(url).status_code == 404, url
    assert _post(admin, f"{P}/invites/99999/revoke").status_code == 404
    assert _post(admin, f"{P}/bureaus/99999", {"name": "สำนักใหม่"}).status_code == 404


def _post_routes(p, w):
    return {
        "grant": (f"{P}/staff/{p.staff}/grant", {"role": "committee"}),
        "revoke": (f"{P}/staff/{p.coord_a}/revoke", {"role": "coordinator", "bureau": str(p.bureau_a)}),
        "add_bureau": (f"{P}/bureaus", {"code": "NEW", "name": "สำนักใหม่ทดลอง"}),
        "rename": (f"{P}/bureaus/{p.bureau_a}", {"name": "สำนักชื่อใหม่"}),
        "deactivate": (f"{P}/bureaus/{p.bureau_a}/active", {"active": "0"}),
        "create_invite": (f"{P}/invites", {"bureau": str(p.bureau_a), "days": "7"}),
        "revoke_invite": (f"{P}/invites/{w['invite']}/revoke", {}),
        "approve": (f"{P}/registrations/{w['waiting']}/approve", {}),
        "refuse": (f"{P}/registrations/{w['waiting']}/refuse", {}),
    }


def _snapshot(db):
    """Everything the page's writes could change."""
    with db() as s:
        return (sorted((b.id, b.code, b.name, b.active) for b in s.exec(select(Bureau))),
                sorted((r.user_id, r.role, r.bureau_id) for r in s.exec(select(UserRole))),
                sorted((i.id, i.revoked) for i in s.exec(select(InviteCode))),
                sorted((u.id, u.status) for u in s.exec(select(User))),
                len(s.exec(select(AuditEntry)).all()), len(s.exec(select(OutboxMessage)).all()))


@pytest.mark.parametrize("route", sorted(["grant", "revoke", "add_bureau", "rename", "deactivate", "create_invite",
                                          "revoke_invite", "approve", "refuse"]))
def test_only_admins_write_and_nothing_changes_otherwise(route, personas, world, as_, db):
    url, data = _post_routes(personas, world)[route]
    before = _snapshot(db)
    assert as_(None).post(url, data=data).status_code == 401
    for name in ("coord_a", "coord_b", "committee"):
        assert _post(as_(getattr(personas, name)), url, data).status_code == 403, (route, name)
    admin = as_(personas.admin)
    assert _post(admin, url, data, csrf=False).status_code == 400  # no CSRF token
    assert _snapshot(db) == before
    assert _post(admin, url, data).status_code == 302
    assert _snapshot(db) != before


# -- staff ------------------------------------------------------------------------------------------------

def test_search_by_name_with_the_title_and_no_line_ids_shown(personas, as_, db):
    resp = as_(personas.admin).get(f"{P}/?q=นายสมชาย")
    assert "พบ 1 คน" in _text(resp)
    html = _table(resp)
    assert "สมชาย บุคลากร" in html and "สมหญิง ประสานหนึ่ง" not in html
    with db() as s:
        line_ids = [u.line_user_id for u in s.exec(select(User))]
    everything = _text(as_(personas.admin).get(f"{P}/"))
    assert not any(lid in everything for lid in line_ids)


def test_role_filter_and_bureau_filter(personas, as_):
    admin = as_(personas.admin)
    coords = _table(admin.get(f"{P}/?role=coordinator"))
    assert "สมหญิง ประสานหนึ่ง" in coords and "สมศรี ประสานสอง" in coords and "สมชาย บุคลากร" not in coords
    plain = _table(admin.get(f"{P}/?role=staff"))
    assert "สมชาย บุคลากร" in plain and "สมใจ เลขานุการ" not in plain
    in_b = _table(admin.get(f"{P}/?bureau={personas.bureau_b}"))
    assert "สมศรี ประสานสอง" in in_b and "สมชาย บุคลากร" not in in_b


def test_a_coordinator_sees_only_their_bureau_and_cannot_ask_for_another(personas, as_):
    coord = as_(personas.coord_a)
    html = _table(coord.get(f"{P}/"))
    assert "สมชาย บุคลากร" in html and "สมศรี ประสานสอง" not in html and "สมใจ เลขานุการ" not in html
    assert coord.get(f"{P}/?bureau={personas.bureau_b}").status_code == 403
    assert "สำนักตัวอย่างสอง" not in _text(coord.get(f"{P}/bureaus"))


def test_the_list_is_paginated_by_50(personas, as_, db):
    with db() as s:
        b = s.get(Bureau, personas.bureau_b)
        for i in range(60):
            make_user(s, b, full_name=f"ทดลอง เลขที่{i:03d}")
    admin = as_(personas.admin)
    first = _text(admin.get(f"{P}/?q=ทดลอง"))
    assert first.count("/console/people/staff/") == 50 and "พบ 60 คน" in first and "ถัดไป" in first
    second = _text(admin.get(f"{P}/?q=ทดลอง&page=2"))
    assert second.count("/console/people/staff/") == 10 and "ก่อนหน้า" in second


def test_bad_filters_do_not_break_the_page(personas, as_):
    resp = as_(personas.admin).get(f"{P}/?bureau=abc&role=king&page=-4")
    assert resp.status_code == 200 and "สมชาย บุคลากร" in _text(resp)


# -- roles ------------------------------------------------------------------------------------------------

def test_granting_a_role_by_name_relinks_the_menu_and_is_audited(personas, as_, db, bot, line):
    with db() as s:
        menus = deploy(s, bot.gateway, utcnow(), echo=lambda *_: None)
        lid = s.get(User, personas.staff).line_user_id
    admin = as_(personas.admin)
    found = _text(admin.get(f"{P}/?q=สมชาย"))
    assert f"/console/people/staff/{personas.staff}" in found  # picked by name, never a LINE id
    resp = _post(admin, f"{P}/staff/{personas.staff}/grant", {"role": "coordinator", "bureau": ""})
    assert resp.status_code == 302
    page = _text(admin.get(resp.headers["Location"]))
    assert "ให้บทบาทผู้ประสานงาน" in page and "สำนักตัวอย่างหนึ่ง" in page
    with db() as s:
        assert s.exec(select(UserRole).where(UserRole.user_id == personas.staff)).one().bureau_id == personas.bureau_a
    assert line.richmenus.linked(lid) == menus[("coordinator", "a")]
    (entry,) = _audit(db, "role.grant")
    assert entry.actor_user_id == personas.admin and entry.target == f"user:{personas.staff}"
    assert entry.before == {"roles": []} and entry.after == {"roles": [f"coordinator:{personas.bureau_a}"]}


def test_removing_a_role_ends_their_console_session_at_once(personas, as_, db, bot, line):
    with db() as s:
        menus = deploy(s, bot.gateway, utcnow(), echo=lambda *_: None)
        lid = s.get(User, personas.coord_a).line_user_id
    coord = as_(personas.coord_a)
    assert coord.get(f"{P}/").status_code == 200
    resp = _post(as_(personas.admin), f"{P}/staff/{personas.coord_a}/revoke",
                 {"role": "coordinator", "bureau": str(personas.bureau_a)})
    assert resp.status_code == 302
    assert coord.get(f"{P}/").status_code == 401
    assert line.richmenus.linked(lid) == menus[("staff", "a")]
    (entry,) = _audit(db, "role.revoke")
    assert entry.after == {"roles": []}


def test_the_last_admin_cannot_be_removed(personas, as_, db):
    admin = as_(personas.admin)
    resp = _post(admin, f"{P}/staff/{personas.admin}/revoke", {"role": "admin", "bureau": ""})
    assert resp.status_code == 400 and "ผู้ดูแลระบบคนสุดท้าย" in _text(resp)
    with db() as s:
        assert s.exec(select(UserRole).where(UserRole.user_id == personas.admin)).one().role == "admin"
    assert _audit(db, "role.revoke") == []


def test_a_grant_without_a_role_is_refused_in_thai(personas, as_, db):
    before = _snapshot(db)
    resp = _post(as_(personas.admin), f"{P}/staff/{personas.staff}/grant", {"role": ""})
    assert resp.status_code == 400 and "กรุณาเลือกบทบาท" in _text(resp)
    resp = _post(as_(personas.admin), f"{P}/staff/{personas.staff}/grant", {"role": "king"})
    assert resp.status_code == 400 and "กรุณาเลือกจากรายการ" in _text(resp)
    assert _snapshot(db) == before


def test_the_person_page_shows_no_role_buttons_to_readers(personas, as_):
    html = _text(as_(personas.committee).get(f"{P}/staff/{personas.coord_a}"))
    assert "ผู้ประสานงาน" in html and "ถอนบทบาท" not in html and "ให้บทบาท" not in html
    assert "ถอนบทบาท" in _text(as_(personas.admin).get(f"{P}/staff/{personas.coord_a}"))


# -- bureaus ----------------------------------------------------------------------------------------------

def test_add_a_bureau_and_its_refusals(personas, as_, db):
    admin = as_(personas.admin)
    resp = _post(admin, f"{P}/bureaus", {"code": " it ", "name": "สำนักเทคโนโลยี  สารสนเทศ"})
    assert resp.status_code == 302
    assert "เพิ่มสำนักเทคโนโลยี สารสนเทศ (รหัส IT) แล้ว" in _text(admin.get(resp.headers["Location"]))
    (entry,) = _audit(db, "bureau.add")
    assert entry.after["code"] == "IT"
    before = _snapshot(db)
    dup = _post(admin, f"{P}/bureaus", {"code": "exa", "name": "สำนักตัวอย่างสอง"})
    assert dup.status_code == 400
    assert "มีสำนักที่ใช้รหัสนี้อยู่แล้ว" in _text(dup) and "มีสำนักชื่อนี้อยู่แล้ว" in _text(dup)
    bad = _post(admin, f"{P}/bureaus", {"code": "ก ข", "name": ""})
    assert bad.status_code == 400 and "อักษรอังกฤษ ตัวเลข" in _text(bad) and "กรุณากรอกชื่อสำนัก" in _text(bad)
    assert _snapshot(db) == before


def test_rename_and_deactivate_a_bureau(personas, world, as_, db, clock):
    admin = as_(personas.admin)
    url = f"{P}/bureaus/{personas.bureau_a}"
    taken = _post(admin, url, {"name": "สำนักตัวอย่างสอง"})
    assert taken.status_code == 400 and "มีสำนักชื่อนี้อยู่แล้ว" in _text(taken)
    assert _post(admin, url, {"name": "สำนักตัวอย่างที่หนึ่ง"}).status_code == 302
    (entry,) = _audit(db, "bureau.rename")
    assert (entry.before, entry.after) == ({"name": "สำนักตัวอย่างหนึ่ง"}, {"name": "สำนักตัวอย่างที่หนึ่ง"})
    assert _post(admin, f"{url}/active", {"active": "0"}).status_code == 302
    assert len(_audit(db, "bureau.deactivate")) == 1
    with db() as s:
        assert s.get(Bureau, personas.bureau_a).active is False
        stranger = make_user(s, registered=False)
        # the chat's own rule refuses the deactivated bureau's code
        assert membership.check_code(s, stranger, world["code"], clock())[0] is None
    html = _text(admin.get(f"{P}/invites?show=all"))
    assert "สำนักปิดใช้งาน" in html
    assert _post(admin, f"{url}/active", {"active": "1"}).status_code == 302
    assert len(_audit(db, "bureau.activate")) == 1


# -- invite codes -----------------------------------------------------------------------------------------

def test_create_an_invite_then_print_its_card_with_the_add_friend_qr(personas, as_, db):
    admin = as_(personas.admin)
    resp = _post(admin, f"{P}/invites", {"bureau": str(personas.bureau_b), "uses": "5", "days": "30"})
    assert resp.status_code == 302
    with db() as s:
        inv = s.exec(select(InviteCode).where(InviteCode.bureau_id == personas.bureau_b)).one()
        code, inv_id = inv.code, inv.id
        assert (inv.max_uses, inv.created_by) == (5, f"user:{personas.admin}")
    card = _text(admin.get(resp.headers["Location"]))
    assert f"{code[:4]}-{code[4:]}" in card and "สำนักตัวอย่างสอง" in card and "วิธีลงทะเบียน" in card
    assert "<svg" in card and "https://line.me/R/ti/p/@000sandbox" in card and "ใช้ได้ 5 คน" in card
    (entry,) = _audit(db, "invite.create")
    assert entry.target == f"invite:{inv_id}" and code not in str(entry.after)


def test_invite_bad_numbers_are_refused_in_thai(personas, as_, db):
    admin = as_(personas.admin)
    before = _snapshot(db)
    resp = _post(admin, f"{P}/invites", {"bureau": str(personas.bureau_a), "uses": "ห้า", "days": "0"})
    html = _text(resp)
    assert resp.status_code == 400 and "กรุณากรอกเป็นตัวเลขจำนวนเต็ม" in html
    assert "จำนวนวันต้องอยู่ระหว่าง 1 ถึง 365" in html
    resp = _post(admin, f"{P}/invites", {"bureau": "", "days": "7"})
    assert resp.status_code == 400 and "กรุณาเลือกสำนัก" in _text(resp)
    assert _snapshot(db) == before


def test_revoke_an_invite(personas, world, as_, db, clock):
    admin = as_(personas.admin)
    assert _post(admin, f"{P}/invites/{world['invite']}/revoke").status_code == 302
    with db() as s:
        assert s.get(InviteCode, world["invite"]).revoked
    assert len(_audit(db, "invite.revoke")) == 1
    assert "ยกเลิกแล้ว" in _text(admin.get(f"{P}/invites?show=all"))
    assert "ใช้ลงทะเบียนไม่ได้แล้ว" in _text(admin.get(f"{P}/invites/{world['invite']}/card"))


def test_a_coordinator_reads_their_bureaus_invites_without_the_create_form(personas, world, as_, db, clock):
    with db() as s:
        other = membership.create_invite(s, s.get(Bureau, personas.bureau_b), clock()).code
    coord = as_(personas.coord_a)
    html = _text(coord.get(f"{P}/invites"))
    assert world["code"][:4] in html and other[:4] + "-" + other[4:] not in html
    assert "สร้างรหัสเชิญ" not in html and "ยกเลิกรหัส" not in html and "พิมพ์บัตรเชิญ" in html
    assert coord.get(f"{P}/invites?bureau={personas.bureau_b}").status_code == 403


def test_the_card_prints_without_the_qr_when_line_is_down(personas, world, as_, line):
    line.set_faults(fail_rate=1.0, fail_statuses=(500,), only_paths=("/v2/bot/info",))
    html = _text(as_(personas.admin).get(f"{P}/invites/{world['invite']}/card"))
    assert "<svg" not in html and "ติดต่อ LINE ไม่ได้" in html and "วิธีลงทะเบียน" in html


# -- registrations ----------------------------------------------------------------------------------------

def test_approve_a_registration_tells_the_person_once(personas, world, as_, db):
    admin = as_(personas.admin)
    page = _text(admin.get(f"{P}/registrations"))
    assert "นายสมหมาย รออนุมัติ" in page and world["waiting_line"] not in page
    resp = _post(admin, f"{P}/registrations/{world['waiting']}/approve")
    assert resp.status_code == 302
    assert "อนุมัติ นายสมหมาย รออนุมัติ แล้ว" in _text(admin.get(resp.headers["Location"]))
    with db() as s:
        assert s.get(User, world["waiting"]).status == "registered"
        (push,) = s.exec(select(OutboxMessage)).all()
        assert push.recipients == [world["waiting_line"]] and "อนุมัติการลงทะเบียน" in str(push.messages)
    (entry,) = _audit(db, "registration.approve")
    assert entry.before["status"] == "pending_approval" and entry.after["status"] == "registered"
    # a second answer (say, from an old tab) changes nothing and tells no one again
    again = _post(admin, f"{P}/registrations/{world['waiting']}/refuse")
    assert "พิจารณาไปแล้ว" in _text(admin.get(again.headers["Location"]))
    with db() as s:
        assert len(s.exec(select(OutboxMessage)).all()) == 1
        assert s.get(User, world["waiting"]).status == "registered"


def test_refuse_a_registration(personas, world, as_, db):
    resp = _post(as_(personas.admin), f"{P}/registrations/{world['waiting']}/refuse")
    assert resp.status_code == 302
    with db() as s:
        assert s.get(User, world["waiting"]).status == "consented"
        (push,) = s.exec(select(OutboxMessage)).all()
        assert "ไม่ได้รับการอนุมัติ" in str(push.messages)
    assert len(_audit(db, "registration.refuse")) == 1


def test_the_waiting_count_shows_on_the_admins_staff_page(personas, world, as_):
    assert re.search(r"รออนุมัติ\s*<span class=\"badge bad\">1</span>", _text(as_(personas.admin).get(f"{P}/")))
    assert "รออนุมัติ" not in _text(as_(personas.committee).get(f"{P}/"))
