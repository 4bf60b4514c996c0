"""The overview page (ภาพรวม): who sees what, the small-group rule on the page, charts drawn inline."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from bot.services import rounds
from messages_th.dates import BKK
from models.core import Bureau
from models.deeds import Deed
from tests.factories import make_user

NOW = datetime(2027, 3, 25, 10, 0, tzinfo=BKK)


@pytest.fixture()
def year(db, clock, personas):
    """Bureau A grows to 6 people (shown by name); bureau B keeps its 2 (shown only inside "อื่น ๆ")."""
    clock.set(NOW)
    with db() as s:
        a = s.get(Bureau, personas.bureau_a)
        extra = [make_user(s, a, full_name=f"บุคลากรสมมติ {i}") for i in range(3)]
        for u, day in ((extra[0], date(2027, 3, 16)), (extra[1], date(2027, 3, 17)), (extra[1], date(2027, 3, 23))):
            s.add(Deed(user_id=u.id, bureau_id=a.id, virtue="honesty", description="ทดสอบ", deed_date=day))
        s.add(Deed(user_id=personas.coord_b, bureau_id=personas.bureau_b, virtue="gratitude",
                   description="ทดสอบ", deed_date=date(2027, 3, 18)))
        rounds.open_fy(s, 2570)
    return personas


def _section(html: str, heading: str) -> str:
    start = html.index(f"<h2>{heading}")
    end = html.find("<section", start)
    return html[start:end if end > 0 else None]


def test_anonymous_gets_the_sign_in_page(client):
    resp = client.get("/console/")
    assert resp.status_code == 401 and "เข้าสู่ระบบ" in resp.get_data(as_text=True)


@pytest.mark.parametrize("who", ["committee", "admin"])
def test_committee_and_admin_see_every_bureau(client, login, year, who):
    login(client, getattr(year, who))
    resp = client.get("/console/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "ภาพรวมปีงบประมาณ พ.ศ. 2570" in html
    by_bureau = _section(html, "ตามสำนัก")
    assert "สำนักตัวอย่างหนึ่ง" in by_bureau
    # bureau B has two people: its participation is never shown on its own (a group of one is not named)
    assert "สำนักตัวอย่างสอง" not in by_bureau and "อื่น ๆ (1 สำนัก)" in by_bureau
    status = _section(html, "สถานะรายงาน")
    assert "สำนักตัวอย่างหนึ่ง" in status and "สำนักตัวอย่างสอง" in status   # the round's status names them all
    assert "4 <small>รายการ</small>" in html                                    # deeds of the year, both bureaus


def test_a_coordinator_sees_their_bureau_only(client, login, year):
    login(client, year.coord_a)
    html = client.get("/console/").get_data(as_text=True)
    assert "สำนักตัวอย่างหนึ่ง" in html and "สำนักตัวอย่างสอง" not in html and "อื่น ๆ" not in html
    assert "3 <small>รายการ</small>" in html                                    # bureau A's deeds only
    assert "2 <small>จาก 6 คน (33%)</small>" in html


def test_the_other_bureaus_coordinator_sees_theirs_without_people_counts(client, login, year):
    login(client, year.coord_b)
    html = client.get("/console/").get_data(as_text=True)
    assert "สำนักตัวอย่างสอง" in html and "สำนักตัวอย่างหนึ่ง" not in html
    assert "1 <small>รายการ</small>" in html
    assert "ไม่แสดงจำนวนผู้ร่วมบันทึก" in html                                 # 2 people: the small-group rule


def test_staff_have_no_console(app, db, clock, year):
    from tests.bot.web.console.conftest import link_for
    assert link_for(db, clock, year.staff) is None


def test_weeks_are_named_in_thai_and_charts_are_inline(client, login, year):
    login(client, year.admin)
    html = client.get("/console/").get_data(as_text=True)
    assert "15–21 มี.ค." in html and "1–4 ต.ค." in html                          # Monday–Sunday; the year's first
    assert html.count("<svg") >= 3
    assert not re.search(r'(src|href)="https?://', html)                         # nothing fetched from outside
    virtues = _section(html, "ตามคุณธรรม")
    order = [virtues.index(f"<td>{name}</td>") for name in ("พอเพียง", "วินัย", "สุจริต", "จิตอาสา", "กตัญญู")]
    assert order == sorted(order)                                               # all five, the plan's order


def test_an_earlier_year_and_an_unknown_one(client, login, year):
    login(client, year.committee)
    # no deeds in 2569: not offered, so this year is shown
    assert "ภาพรวมปีงบประมาณ พ.ศ. 2570" in client.get("/console/?fy=2569").get_data(as_text=True)
    resp = client.get("/console/?fy=abc")
    assert resp.status_code == 200 and "ภาพรวมปีงบประมาณ พ.ศ. 2570" in resp.get_data(as_text=True)


def test_a_phone_reads_every_table_in_a_scrolling_box(client, login, year):
    login(client, year.admin)
    html = client.get("/console/").get_data(as_text=True)
    assert html.count("<table") == html.count('<div class="table-wrap"><table')


def test_a_coordinator_of_two_bureaus_sees_both_but_no_people_count_of_the_small_one(client, login, db, year):
    from models.core import UserRole
    with db() as s:
        s.add(UserRole(user_id=year.coord_a, role="coordinator", bureau_id=year.bureau_b))
    login(client, year.coord_a)
    html = client.get("/console/").get_data(as_text=True)
    by_bureau = _section(html, "ตามสำนัก")
    assert "สำนักตัวอย่างหนึ่ง" in by_bureau and "สำนักตัวอย่างสอง" in by_bureau
    row_b = by_bureau[by_bureau.index("สำนักตัวอย่างสอง"):].split("</tr>")[0]
    assert row_b.count(">–<") == 2 and " / " not in row_b                        # no "1 / 2" for bureau B
    assert "ไม่นับรวมในยอดผู้ร่วมบันทึก" in by_bureau
    assert "2 <small>จาก 6 คน (33%)</small>" in html                            # bureau A's people only
