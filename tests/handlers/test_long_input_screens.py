"""Scenarios (issue 13, point 2): the longest input the flows accept still gives the user the screen, not
"system busy". Every reply is checked against LINE's limits (tests/messages_th/limits_check.py)."""
from __future__ import annotations

import json

from sqlmodel import select

from bot.conversation.postback import encode
from bot.services import pledges
from messages_th.common import server_busy
from models.rounds import RoundReport
from tests.bot.services.test_rounds_support import FY, JAN, seed
from tests.conftest import postbacks
from tests.messages_th.limits_check import assert_fits, long_text

BUSY = server_busy()["text"]


def _replies(line, user, since):
    msgs = line.messages_for(user)[since:]
    assert msgs, "no reply"
    assert BUSY not in [m.get("text") for m in msgs], "the user got 'system busy'"
    return msgs


def test_the_moral_org_report_with_nine_answers_of_2000_characters_is_shown_and_submitted(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    code = f"{FY}-moral-org"
    send("postback", w.coord, encode("report.start", round=code))
    answers = {}
    for n in range(1, 10):
        for field in ("done", "result", "problems"):
            answers[(n, field)] = f"{field}{n} " + long_text(2100)  # typed longer: the step keeps 2,000
            send("text", w.coord, answers[(n, field)])
        send("text", w.coord, "เสร็จ")
    before = len(line.messages_for(w.coord)) - 1
    summary = _replies(line, w.coord, before)[-1]
    assert_fits(summary)
    assert summary["type"] == "flex" and summary["contents"]["type"] == "carousel"
    flat = json.dumps(summary, ensure_ascii=False)
    assert all(f"done{n} " in flat for n in range(1, 10))  # every criterion is on the card
    reads = [p for a, p in postbacks(summary) if a == "report.answers"]
    assert len(reads) == 9

    # "อ่านคำตอบเต็ม" of criterion 9: its three whole answers, then the summary again; the flow stays
    start = len(line.messages_for(w.coord))
    send("postback", w.coord, encode("report.answers", **reads[8]))
    got = assert_fits(_replies(line, w.coord, start))
    assert got[-1]["type"] == "flex" and got[-1]["contents"]["type"] == "carousel"
    whole = "".join(m["text"] for m in got[:-1] if m["type"] == "text").replace("\n", "")
    for field in ("done", "result", "problems"):
        assert answers[(9, field)][:2000].replace("\n", "") in whole

    start = len(line.messages_for(w.coord))
    send("postback", w.coord, encode("report.submit", r=code, b=w.b1))
    assert "เรียบร้อย" in _replies(line, w.coord, start)[-1]["text"]
    with db() as s:
        report = s.exec(select(RoundReport).where(RoundReport.version == 1)).one()
        assert report.status == "submitted"
        assert {len(a["done"]) for a in report.data["items"].values()} == {2000}


def test_a_pledge_report_of_twelve_maximal_items_fits(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    with db() as s:
        for n in range(12):
            pledges.add_item(s, FY, w.b1, problem=long_text(1000), good_deed=long_text(1000), virtue="honesty",
                             indicator=long_text(1000), target=long_text(200))
    send("postback", w.coord, encode("report.start", round=f"{FY}-6m"))
    for _ in range(12):
        for _field in range(3):
            send("text", w.coord, long_text(2000))
        send("text", w.coord, "เสร็จ")
    summary = _replies(line, w.coord, -1)[-1]
    assert_fits(summary)
    assert len([a for a, _ in postbacks(summary) if a == "report.answers"]) == 12


def test_staff_see_a_bureau_pledge_of_twelve_maximal_items_page_by_page(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    with db() as s:
        ids = [pledges.add_item(s, FY, w.b1, problem=f"ปัญหา{n} " + long_text(1000), good_deed=long_text(1000),
                                virtue="honesty", indicator=long_text(1000), target=long_text(200)).id
               for n in range(12)]
    send("text", w.staff, "ความดีที่อยากทำ")
    view = assert_fits(_replies(line, w.staff, -1))[-1]
    bubbles = view["contents"]["contents"]
    assert view["type"] == "flex" and len(bubbles) == 11  # ten items, then "ดูข้อถัดไป"
    nxt = [p for a, p in postbacks(bubbles[-1]) if a == "pledge.view"]
    assert nxt == [{"o": "10"}]

    send("postback", w.staff, encode("pledge.view", **nxt[0]))
    page2 = assert_fits(_replies(line, w.staff, -1))[-1]
    assert len(page2["contents"]["contents"]) == 2
    assert [p["i"] for a, p in postbacks(page2) if a == "pledge.progress"] == [str(i) for i in ids[10:]]

    # "อ่านข้อนี้ทั้งหมด": the whole item as text
    read = [p for a, p in postbacks(page2) if a == "pledge.item"][0]
    start = len(line.messages_for(w.staff))
    send("postback", w.staff, encode("pledge.item", **read))
    got = assert_fits(_replies(line, w.staff, start))
    whole = "".join(m["text"] for m in got).replace("\n", "")
    assert ("ปัญหา10 " + long_text(1000)).replace("\n", "") in whole

    # the coordinator's view has the edit buttons too, and still fits
    send("text", w.coord, "ความดีที่อยากทำ")
    coord_view = assert_fits(_replies(line, w.coord, -1))[-1]
    assert {a for a, _ in postbacks(coord_view)} >= {"pledge.fix", "pledge.remove", "pledge.item", "pledge.view"}


def test_reading_an_item_of_another_bureau_is_refused(send, line, db, clock):
    clock.set(JAN)
    w = seed(db)
    with db() as s:
        other = pledges.add_item(s, FY, w.b2, problem="ของสำนักสอง", good_deed="ดี", virtue="honesty",
                                 indicator="ตัวชี้วัด", target=None).id
    send("postback", w.staff, encode("pledge.item", i=other))
    assert "สำนักอื่น" in line.messages_for(w.staff)[-1]["text"]
