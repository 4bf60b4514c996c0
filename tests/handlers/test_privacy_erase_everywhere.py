"""PDPA: after "ลบข้อมูลของฉัน" nothing of the person is left but anonymous counts, wherever the bot stores or logs
anything: every column of every table, the media directory, the logs and, on SQLite, the raw database file and
its WAL (issue 13, point 1)."""
from __future__ import annotations

import hashlib
import io
import json
import logging
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select as sa_select
from sqlmodel import select

import models
from bot.conversation.postback import encode
from bot.dev.sandbox import events as ev
from bot.line.outbox import enqueue
from models.core import OutboxMessage, User, utcnow
from models.deeds import Deed
from models.rounds import RoundReport
from models.worker import Delegation
from tests.bot.services.test_rounds_support import FY, JAN, seed
from tests.conftest import PG, postbacks, texts_to
from tests.factories import make_user

P = "U" + "e" * 32
NAME, DISPLAY, POSITION = "วิไลวรรณ ลบได้หมดจด", "ไวไวลับเฉพาะ", "นักทรัพยากรบุคคลเฉพาะกิจลับ"
DEED = "ปลูกต้นไม้หน้าอาคารกับวิไลวรรณ"
PROGRESS = "ความก้าวหน้าที่วิไลวรรณรายงาน"
DRAFT1, DRAFT2 = "ร่างแรกที่วิไลวรรณพักไว้", "ร่างสองที่วิไลวรรณทิ้งไว้"
MARKERS = (P, NAME, DISPLAY, POSITION, DEED, PROGRESS, DRAFT1, DRAFT2)
R6 = f"{FY}-6m"


def jpeg(shade: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (shade, 90, 200)).save(buf, "JPEG")
    return buf.getvalue()


def stored(config, data: bytes) -> Path:
    return Path(config.MEDIA_DIR) / "private" / f"{hashlib.sha256(data).hexdigest()}.jpg"


def forms(marker: str) -> list[bytes]:
    """A marker as it may sit in the raw file: UTF-8 text, or JSON with \\uXXXX escapes."""
    return sorted({marker.encode(), json.dumps(marker)[1:-1].encode()})


def photo(send, line, uid: str, mid: str, data: bytes) -> None:
    line.put_content(mid, data, "image/jpeg")
    send(ev.image_event(uid, message_id=mid))


def start_draft(send, line, text: str, mid: str, data: bytes) -> None:
    send("postback", P, encode("deed.start"))
    send("postback", P, encode("deed.virtue", k="honesty"))
    send("text", P, text)
    send("postback", P, encode("deed.when", d="today"))
    photo(send, line, P, mid, data)


@pytest.fixture()
def person(send, line, db, clock, config):
    """Everything the bot can hold about one coordinator P, made through the chat where it can be."""
    clock.set(JAN)
    w = seed(db, items=1)
    with db() as s:
        u = make_user(s, s.get(models.core.Bureau, w.b1), roles=("coordinator",), line_user_id=P, full_name=NAME,
                      position=POSITION)
        u.display_name = DISPLAY
        u.title = "ว่าที่ร้อยตรี"  # emptied too: the every-nullable-column check below sees a set title
        s.add(u)
        w.pid = u.id
    w.img = {k: jpeg(shade) for k, shade in (("deed", 10), ("progress", 50), ("report", 90), ("draft1", 130),
                                             ("draft2", 170), ("other", 210))}
    # a deed with a photo
    send("postback", P, encode("deed.start"))
    send("postback", P, encode("deed.virtue", k="discipline"))
    send("text", P, DEED)
    send("postback", P, encode("deed.when", d="today"))
    photo(send, line, P, "m-deed", w.img["deed"])
    send("text", P, "เสร็จ")
    nonce = [p for a, p in postbacks(line.messages_for(P)[-1]) if a == "deed.confirm"][0]["n"]
    send("postback", P, encode("deed.confirm", n=nonce))
    # a pledge progress report with a photo (one more deed)
    send("text", P, "ความดีที่อยากทำ")
    send("postback", P, encode("pledge.progress", i=w.items[0]))
    send("text", P, PROGRESS)
    photo(send, line, P, "m-progress", w.img["progress"])
    # the bureau's round report: P adds a photo and submits; another coordinator adds one and resubmits
    send("postback", P, encode("report.start", round=R6, b=w.b1))
    for answer in ("จัดกิจกรรม 2 ครั้ง", "ร้อยละ 85", "ไม่มี"):
        send("text", P, answer)
    photo(send, line, P, "m-report", w.img["report"])
    send("text", P, "เสร็จ")
    send("postback", P, encode("report.submit", r=R6, b=w.b1))
    send("postback", w.coord, encode("report.start", round=R6, b=w.b1))
    for _ in range(3):
        send("text", w.coord, "คงเดิม")
    photo(send, line, w.coord, "m-other", w.img["other"])
    send("text", w.coord, "เสร็จ")
    send("postback", w.coord, encode("report.submit", r=R6, b=w.b1))
    # an unfinished deed draft with a photo, parked by the data export (whose reply holds everything)
    start_draft(send, line, DRAFT1, "m-draft1", w.img["draft1"])
    send("text", P, "ข้อมูลของฉัน")
    assert P in "\n".join(texts_to(line, P)[-3:])
    # the other coordinator names P as deputy: their reply names P, and P is told by a push
    send("text", w.coord, "ผู้รับแจ้งเตือนแทน")
    send("text", w.coord, "วิไลวรรณ")
    [(action, params)] = postbacks(line.messages_for(w.coord)[-1])
    send("postback", w.coord, encode(action, **params))
    # pushes: one still waiting for P alone, a multicast already sent to P and a colleague
    with db() as s:
        enqueue(s, "test:later", P, [{"type": "text", "text": f"เรียนคุณ{NAME}"}], not_before=JAN.replace(year=2027))
        enqueue(s, "test:multi", [P, w.staff], [{"type": "text", "text": "ประกาศ"}], category="multicast")
        row = s.exec(select(OutboxMessage).where(OutboxMessage.key == "test:multi")).one()
        row.status, row.sent_at = "sent", utcnow()
        s.add(row)
    # the erase card, then a second draft left in the middle (active when P taps "ยืนยันลบข้อมูล")
    send("text", P, "ลบข้อมูลของฉัน")
    start_draft(send, line, DRAFT2, "m-draft2", w.img["draft2"])
    return w


def everything(db) -> str:
    with db() as s:
        return "\n".join(repr(tuple(row)) for table in models.metadata.sorted_tables
                         for row in s.execute(sa_select(table)).all())


def test_the_scenario_really_stores_the_person_everywhere(person, db, config):
    """The fixture's premise: before the erase, every kind of trace is there (else the test below proves nothing)."""
    dump = everything(db)
    assert all(m in dump for m in MARKERS)
    assert all(stored(config, data).exists() for data in person.img.values())
    with db() as s:
        assert s.exec(select(Delegation)).all()
        assert any(P in (r.recipients or []) for r in s.exec(select(OutboxMessage)))


def test_erase_leaves_no_trace_in_tables_files_logs_or_the_database_file(person, send, line, db, config, caplog):
    caplog.set_level(logging.INFO)
    send("postback", P, encode("privacy.erase"))
    assert "เรียบร้อย" in texts_to(line, P)[-1]
    if not PG:  # first, before anything else writes to the file: what an attacker copying it would get
        path = Path(config.DATABASE_URL.removeprefix("sqlite:///"))
        raw = path.read_bytes() + (Path(f"{path}-wal").read_bytes() if Path(f"{path}-wal").exists() else b"")
        assert [m for m in MARKERS for f in forms(m) if f in raw] == []
    dump = everything(db)
    assert [m for m in MARKERS if m in dump] == []
    # files: every photo P sent is gone; the other coordinator's stays
    assert [k for k, data in person.img.items() if k != "other" and stored(config, data).exists()] == []
    assert stored(config, person.img["other"]).exists()
    with db() as s:
        assert s.exec(select(Delegation)).all() == []  # the coordinator's reminders do not go to a dead id
        reports = s.exec(select(RoundReport).order_by(RoundReport.version)).all()
        other = f"private/{hashlib.sha256(person.img['other']).hexdigest()}.jpg"
        assert [[p for a in r.data["items"].values() for p in a.get("photos", [])] for r in reports] == [[], [other]]
        rows = {r.key: r for r in s.exec(select(OutboxMessage))}
        assert "test:later" not in rows  # waiting, to P alone: not sent at all
        assert rows["test:multi"].recipients == [person.staff] and rows["test:multi"].recipient_count == 2
        # what stays: anonymous counts
        u = s.get(User, person.pid)
        assert u.status == "erased" and u.bureau_id == person.b1
        assert [c.name for c in User.__table__.columns if c.nullable and c.name != "bureau_id"
                and getattr(u, c.name) is not None] == []  # names, title, position, consent: whatever is added
        assert sorted(d.virtue for d in s.exec(select(Deed).where(Deed.user_id == person.pid))) == \
            ["discipline", "discipline"]
    # logs name internal ids, never the LINE id or the person's names (the sandbox LINE platform aside)
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith(("bot.dev", "werkzeug"))]
    assert ours and [m for m in (P, NAME, DISPLAY) for msg in ours if m in msg] == []


def test_a_redelivered_erase_request_changes_nothing_and_answers_nothing_twice(person, send, line, db):
    """The erase row keeps its webhookEventId, so LINE's redelivery of it is still recognised."""
    event = ev.postback_event(P, encode("privacy.erase"))
    send(event)
    before, answers = everything(db), line.count_deliveries(P)
    send({**event, "deliveryContext": {"isRedelivery": True}}, issue_token=False)
    assert everything(db) == before and line.count_deliveries(P) == answers


def test_the_erase_confirmation_is_never_pushed_to_the_erased_id(person, send, line, db):
    """A reply LINE refuses falls back to a push, which would keep the LINE id as a sent push's recipient: the
    confirmation goes as a reply or not at all."""
    pushes = line.count_deliveries(P, kind="push")
    send("postback", P, encode("privacy.erase"), issue_token=False)  # LINE does not know this reply token
    assert line.count_deliveries(P, kind="push") == pushes
    assert P not in everything(db)
