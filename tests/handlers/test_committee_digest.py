"""The digest on demand for the committee, mute/unmute keywords, and a coordinator's bureau-digest opt-out."""
from __future__ import annotations

import json

from bot.conversation.postback import encode
from models.core import User
from models.worker import get_setting
from sqlmodel import select
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user
from tests.scheduler.helpers import bkk

NOW = bkk(2027, 3, 15, 9, 0)


def seed(db):
    with db() as s:
        b = make_bureau(s, code="G1")
        return (make_user(s, b, roles=("committee",)).line_user_id, make_user(s, b).line_user_id,
                make_user(s, b, roles=("coordinator",)).line_user_id)


def test_committee_gets_the_digest_with_a_chart(send, line, db, clock, config):
    clock.set(NOW)
    boss, _, _ = seed(db)
    send("text", boss, "สรุปสัปดาห์")
    flex, image = line.messages_for(boss)[-2:]
    assert flex["type"] == "flex" and "สรุปความดีประจำสัปดาห์" in flex["altText"]
    assert image["type"] == "image" and image["originalContentUrl"].startswith("http://bot.test/media/")
    send("postback", boss, encode("digest.show"))
    assert line.messages_for(boss)[-1]["type"] == "image"


def test_staff_are_refused(send, line, db, clock):
    clock.set(NOW)
    _, staff, _ = seed(db)
    send("text", staff, "สรุปสัปดาห์")
    assert all(m["type"] == "text" for m in line.messages_for(staff))


def test_mute_and_unmute(send, line, db, clock):
    clock.set(NOW)
    _, staff, _ = seed(db)
    send("text", staff, "ปิดการแจ้งเตือน")
    with db() as s:
        assert s.exec(select(User).where(User.line_user_id == staff)).one().mute_reminders
    send("text", staff, "เปิดการแจ้งเตือน")
    with db() as s:
        assert not s.exec(select(User).where(User.line_user_id == staff)).one().mute_reminders
    assert "เปิดการแจ้งเตือนแล้ว" in texts_to(line, staff)[-1]


def test_coordinator_opts_out_of_the_bureau_digest(send, line, db, clock):
    clock.set(NOW)
    _, staff, coord = seed(db)
    send("text", coord, "ปิดสรุปสำนัก")
    with db() as s:
        uid = s.exec(select(User.id).where(User.line_user_id == coord)).one()
        assert get_setting(s, f"digest_optout:{uid}") is True
    send("text", staff, "ปิดสรุปสำนัก")  # only coordinators have a bureau digest
    with db() as s:
        sid = s.exec(select(User.id).where(User.line_user_id == staff)).one()
        assert get_setting(s, f"digest_optout:{sid}") is None


def test_the_chart_is_drawn_after_the_commit_and_is_there_when_the_reply_names_it(send, line, db, clock, config,
                                                                                 bot, monkeypatch):
    from pathlib import Path

    import messages_th.digest as th_digest
    from tests.dbprobe import writer_commits_meanwhile

    clock.set(NOW)
    boss, _, _ = seed(db)
    real, seen = th_digest.chart_png, {}

    def probing_chart(data):
        seen["writer_done"] = writer_commits_meanwhile(bot.engine)
        return real(data)

    monkeypatch.setattr(th_digest, "chart_png", probing_chart)
    send("text", boss, "สรุปสัปดาห์")
    assert seen["writer_done"], "the chart was drawn inside the batch's transaction"
    url = line.messages_for(boss)[-1]["originalContentUrl"]
    assert (Path(config.MEDIA_DIR) / "public" / url.rsplit("/", 1)[1]).read_bytes().startswith(b"\x89PNG")


def test_the_digest_names_the_week_in_thai_and_the_overdue_bureau(send, line, db, clock, config):
    """Issue 14: "สรุปสัปดาห์ 2026-W49" became the week's Thai dates; the bureau that missed the due is named."""
    from tests.scheduler.helpers import make_round
    clock.set(bkk(2027, 4, 5, 9, 0))  # Monday after the round's due date (1 เม.ย. 2570)
    with db() as s:
        make_round(s)
    boss, _, _ = seed(db)
    send("text", boss, "สรุปสัปดาห์")
    flex = line.messages_for(boss)[-2]
    body = json.dumps(flex, ensure_ascii=False)
    assert "สรุปสัปดาห์ 29 มี.ค. – 4 เม.ย. 2570" in body and "-W" not in body
    assert "🔴 เลยกำหนด ยังไม่ส่ง 1 สำนัก" in body and "• สำนักทดสอบ" in body
    for name in ("พอเพียง", "วินัย", "สุจริต", "จิตอาสา", "กตัญญู"):
        assert name in body
