"""The console's report page with the register's activities (issue 16): the coordinator answers an activity's
status and numbers next to the pledge item; a bad number is refused next to the field; sending with an
activity unanswered saves the draft but does not send the round."""
from __future__ import annotations

from sqlmodel import select

from models.activities import Activity, ActivityBureau
from models.rounds import RoundReport
from tests.bot.web.console.conftest import csrf_of
from tests.bot.web.console.test_rounds import FY, _as, year  # noqa: F401  (the same opened year)


def _activity(db, personas):
    with db() as s:
        a = Activity(fy=FY, code="1.1.1", name="ประชุมคณะทำงาน (ทดสอบ)", indicator="จำนวนครั้ง", unit="ครั้ง", target=4)
        s.add(a)
        s.flush()
        s.add(ActivityBureau(activity_id=a.id, bureau_id=personas.bureau_a))
        return f"a{a.id}"


def _reports(db):
    with db() as s:
        return [(r.version, r.status, r.data.get("items")) for r in s.exec(select(RoundReport))]


def test_coordinator_reports_an_activity_and_the_pledge_item(app, db, login, personas, year):
    key = _activity(db, personas)
    c = _as(app.test_client(), login, personas.coord_a)
    url = f"/console/rounds/{FY}-6m/bureau/{personas.bureau_a}"
    page = c.get(url).get_data(as_text=True)
    assert "กิจกรรม ๑.๑.๑ ประชุมคณะทำงาน (ทดสอบ)" in page and f'name="status-{key}"' in page
    token = csrf_of(page)
    bad = c.post(url, data={"csrf_token": token, f"status-{key}": "done", f"participants-{key}": "สิบ",
                            "action": "save"})
    assert bad.status_code == 400 and "ต้องเป็นตัวเลข" in bad.get_data(as_text=True)
    assert _reports(db) == []  # nothing saved
    only_pledge = {"csrf_token": token, f"done-{year}": "ใช้เอกสารอิเล็กทรอนิกส์ทุกการประชุม", "action": "submit"}
    resp = c.post(url, data=only_pledge, follow_redirects=True)
    assert "ยังส่งไม่ได้" in resp.get_data(as_text=True)
    [(version, status, items)] = _reports(db)
    assert (version, status) == (0, "draft") and items[str(year)]["done"].startswith("ใช้เอกสาร")  # kept
    full = {"csrf_token": token, f"status-{key}": "done", f"done-{key}": "ประชุม 2 ครั้ง",
            f"result_value-{key}": "๒", f"participants-{key}": "12", f"budget_spent-{key}": "1,500",
            "action": "submit"}
    resp = c.post(url, data=full, follow_redirects=True)
    assert "ส่งรายงานแล้ว ฉบับที่ 1" in resp.get_data(as_text=True)
    [(version, status, items)] = _reports(db)
    assert (version, status) == (1, "submitted")
    assert items[key] == {"status": "done", "done": "ประชุม 2 ครั้ง", "result_value": 2.0, "participants": 12,
                          "budget_spent": 1500.0}


def test_the_committee_reads_the_activity_answers(app, db, login, personas, year):
    key = _activity(db, personas)
    coord = _as(app.test_client(), login, personas.coord_a)
    url = f"/console/rounds/{FY}-6m/bureau/{personas.bureau_a}"
    token = csrf_of(coord.get(url).get_data(as_text=True))
    coord.post(url, data={"csrf_token": token, f"status-{key}": "not_started", f"problems-{key}": "รองบ",
                          "action": "save"})
    committee = _as(app.test_client(), login, personas.committee)
    page = committee.get(url).get_data(as_text=True)
    assert "ยังไม่เริ่ม" in page and "รองบ" in page and f'name="status-{key}"' not in page
