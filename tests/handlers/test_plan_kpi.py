"""'ผลตามแผน' (issue 16): the committee and admins get the round's KPI card in chat; others a refusal."""
from __future__ import annotations

import json

from tests.bot.services.test_rollup import _world
from tests.bot.services.test_rounds_support import JAN
from tests.conftest import texts_to


def test_committee_reads_the_kpi_of_the_nearest_round(send, line, db, clock):
    clock.set(JAN)
    w, _ = _world(db)
    send("text", w.committee, "ผลตามแผน")
    card = line.messages_for(w.committee)[-1]
    shown = json.dumps(card, ensure_ascii=False)
    assert card["type"] == "flex" and "ร้อยละ 50" in card["altText"]
    assert "2/4 กิจกรรม" in shown and "มาตรการที่ ๑" in shown and "ทุกสำนักส่งรายงานรอบนี้แล้ว" in shown


def test_staff_and_coordinators_are_refused(send, line, db, clock):
    clock.set(JAN)
    w, _ = _world(db)
    for who in (w.staff, w.coord):
        send("text", who, "ผลตามแผน")
        assert "คณะกรรมการ" in texts_to(line, who)[-1]


def test_without_a_register_the_admin_is_told_how_to_load_it(send, line, db, clock):
    from tests.bot.services.test_rounds_support import seed
    clock.set(JAN)
    w = seed(db)
    send("text", w.admin, "ผลตามแผน")
    assert "ยังไม่มีทะเบียนกิจกรรม" in texts_to(line, w.admin)[-1]


def test_the_digest_carries_the_plan_kpi(db, clock):
    from bot.services.digest import compute
    from messages_th.digest import digest_messages
    clock.set(JAN)
    _world(db)
    with db() as s:
        d = compute(s, JAN)
    assert d["plan_kpi"] == {"title": d["plan_kpi"]["title"], "done": 2, "planned": 4, "percent": 50.0}
    shown = json.dumps(digest_messages(d, None), ensure_ascii=False)
    assert "ผลตามแผน" in shown and "ร้อยละ 50 (2/4 กิจกรรม)" in shown
