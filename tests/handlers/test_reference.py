"""The reference corner: open to everyone, with this fiscal year's report deadlines."""
from __future__ import annotations

from datetime import date, datetime, timezone

from bot.conversation.postback import encode
from models.rounds import Round
from tests.conftest import texts_to

U = "U" + "3" * 32
NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)  # FY 2570


def _round(key, title, due, fy=2570):
    return Round(code=f"{fy}-{key}", fy=fy, key=key, title=title, period_start=date(due.year, 1, 1),
                 period_end=due, due_date=due)


def test_unregistered_user_reads_the_menu_and_this_years_deadlines(send, line, db, clock):
    clock.set(NOW)
    with db() as s:
        s.add(_round("6m", "รายงานรอบ ๖ เดือน", date(2027, 3, 20)))
        s.add(_round("9m", "รายงานรอบ ๙ เดือน", date(2027, 6, 20)))
        s.add(_round("6m-old", "รอบปีที่แล้ว", date(2026, 3, 20), fy=2569))
    send("text", U, "อ่านหลักคุณธรรม")
    menu, deadlines = line.messages_for(U)
    assert menu["type"] == "flex" and "คุณธรรม ๕ ประการ" in menu["altText"]
    assert "รายงานรอบ ๖ เดือน" in deadlines["altText"] and "รอบปีที่แล้ว" not in deadlines["altText"]
    assert deadlines["altText"].index("๖ เดือน") < deadlines["altText"].index("๙ เดือน")


def test_no_rounds_gives_a_gentle_note(send, line, clock):
    clock.set(NOW)
    send("postback", U, encode("ref.menu"))
    assert "ยังไม่มีกำหนดส่ง" in texts_to(line, U)[-1]


def test_topics_and_a_forged_topic(send, line):
    for topic in ("virtues", "code", "strong", "moral_org"):
        send("postback", U, encode("ref.show", topic=topic))
    send("postback", U, encode("ref.show", topic="../../etc"))
    texts = texts_to(line, U)
    assert any("STRONG" in t for t in texts) and any("ประมวลจริยธรรม" in t for t in texts)
    assert "เมนู" in texts[-1]  # stale-button note
    send("postback", U, encode("ref.show", topic="deadlines"))
    assert "ยังไม่มีกำหนดส่ง" in texts_to(line, U)[-1]
