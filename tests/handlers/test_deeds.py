"""Scenario tests: the personal deed book, edits/deletes of one's own deeds, the bureau view."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.services import deeds as svc

from bot.services import deed_stats as stats
from bot.services import ledger
from bot.conversation.postback import encode
from models.core import User
from models.deeds import Deed, DeedHistory, LedgerEntry
from tests.conftest import postbacks, texts_to
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)  # Wednesday, FY 2570


@pytest.fixture()
def people(db, clock):
    """(me, someone else in my bureau, a coordinator of my bureau) as LINE ids."""
    clock.set(NOW)
    with db() as s:
        b = make_bureau(s)
        return (make_user(s, b).line_user_id, make_user(s, b).line_user_id,
                make_user(s, b, roles=("coordinator",)).line_user_id)


def add(db, line_id, n=1, *, virtue="honesty", day=date(2026, 11, 4), at=NOW, **kw) -> list[int]:
    with db() as s:
        user = s.scalars(select(User).where(User.line_user_id == line_id)).one()
        return [svc.record_deed(s, user, virtue, f"ความดีที่ {n}-{i} {day}", day, now=at, **kw).id
                for i in range(n)]


def test_book_when_empty(people, send, line):
    send("text", people[0], "สมุดความดีของฉัน")
    assert "ยังไม่มีบันทึก" in texts_to(line, people[0])[-1]


def test_book_totals_streak_and_pages(people, send, line, db):
    me = people[0]
    add(db, me, 10, virtue="honesty")
    add(db, me, 2, virtue="gratitude", day=date(2026, 10, 28))
    add(db, me, 1, virtue="volunteer", day=date(2026, 10, 21), at=NOW - timedelta(days=14))
    add(db, people[1], 3)  # someone else's: not in my book
    send("text", me, "ความดีของฉัน")
    summary, carousel = line.messages_for(me)[-2:]
    assert "รวม 13 ครั้ง" in summary["altText"] and "ปีงบประมาณ 2570" in summary["altText"]
    body = str(summary["contents"])
    assert "3 สัปดาห์ติดต่อกัน" in body and "10 ครั้ง" in body
    bubbles = carousel["contents"]["contents"]
    assert len(bubbles) == 11  # ten deeds + "earlier"
    assert ("deeds.mine", {"o": "10"}) in postbacks(bubbles[-1])
    assert [a for a, _ in postbacks(bubbles[0])] == ["deed.edit", "deed.delete"]
    send("postback", me, encode("deeds.mine", o=10))
    page2 = line.messages_for(me)[-1]
    assert page2["type"] == "flex" and len(page2["contents"]["contents"]) == 3
    old = page2["contents"]["contents"][-1]  # the 14-day-old deed: no edit buttons any more
    assert "footer" not in old


def test_streak_counts_weeks_in_a_row(people, db):
    me = people[0]
    for day in (date(2026, 10, 14), date(2026, 10, 26), date(2026, 10, 27), date(2026, 11, 2)):
        add(db, me, 1, day=day)
    with db() as s:
        user = s.scalars(select(User).where(User.line_user_id == me)).one()
        assert stats.streak_weeks(s, user, NOW) == 2  # this week and last; the week of 19 Oct is empty
        assert stats.streak_weeks(s, user, NOW + timedelta(days=7)) == 2  # next week still open
        assert stats.streak_weeks(s, user, NOW + timedelta(days=14)) == 0


def test_edit_own_deed_keeps_history_and_ledger(people, send, line, db):
    me = people[0]
    [deed_id] = add(db, me)
    send("postback", me, encode("deed.edit", id=deed_id))
    assert line.messages_for(me)[-2]["type"] == "flex"
    send("postback", me, encode("deed.field", f="virtue"))
    send("postback", me, encode("deed.virtue", k="discipline"))
    nonce = [p for a, p in postbacks(line.messages_for(me)[-1]) if a == "deed.confirm"][0]["n"]
    send("postback", me, encode("deed.confirm", n=nonce))
    assert "แก้ไขบันทึกเรียบร้อย" in texts_to(line, me)[-1]
    with db() as s:
        assert s.get(Deed, deed_id).virtue == "discipline"
        [h] = s.scalars(select(DeedHistory)).all()
        assert (h.action, h.before, h.after) == ("edit", {"virtue": "honesty"}, {"virtue": "discipline"})
        assert [e.action for e in s.scalars(select(LedgerEntry).order_by(LedgerEntry.seq))] == ["create", "edit"]
        assert ledger.verify(s).ok


def test_edit_button_after_seven_days_is_locked(people, send, line, db, clock):
    me = people[0]
    [deed_id] = add(db, me)
    clock.advance(days=7, minutes=1)
    for action in ("deed.edit", "deed.delete", "deed.delete_ok"):
        send("postback", me, encode(action, id=deed_id))
        assert "เกิน 7 วัน" in texts_to(line, me)[-1]
    with db() as s:
        d = s.get(Deed, deed_id)
        assert d.deleted_at is None and d.virtue == "honesty" and ledger.head(s)[0] == 1


def test_forged_postback_for_someone_elses_deed(people, send, line, db):
    [theirs] = add(db, people[1])
    for action in ("deed.edit", "deed.delete", "deed.delete_ok"):
        send("postback", people[0], encode(action, id=theirs))
        assert "ไม่ใช่ของคุณ" in texts_to(line, people[0])[-1]
    for bad in ("999999", "abc"):
        send("postback", people[0], encode("deed.edit", id=bad))
        assert "ไม่พบ" in texts_to(line, people[0])[-1]
    with db() as s:
        assert s.get(Deed, theirs).deleted_at is None and ledger.head(s)[0] == 1


def test_delete_asks_first_and_happens_once(people, send, line, db):
    me = people[0]
    [deed_id] = add(db, me)
    send("postback", me, encode("deed.delete", id=deed_id))
    assert ("deed.delete_ok", {"id": str(deed_id)}) in postbacks(line.messages_for(me)[-1])
    with db() as s:
        assert s.get(Deed, deed_id).deleted_at is None
    send("postback", me, encode("deed.delete_ok", id=deed_id))
    send("postback", me, encode("deed.delete_ok", id=deed_id))
    assert "ลบบันทึกเรียบร้อย" in texts_to(line, me)[-2] and "ถูกลบไปแล้ว" in texts_to(line, me)[-1]
    send("text", me, "สมุดความดีของฉัน")
    assert "ยังไม่มีบันทึก" in texts_to(line, me)[-1]
    with db() as s:
        assert [e.action for e in s.scalars(select(LedgerEntry).order_by(LedgerEntry.seq))] == ["create", "delete"]
        assert s.scalars(select(DeedHistory)).one().action == "delete"
        assert ledger.verify(s).ok


def test_not_deleting_keeps_the_deed_and_says_so(people, send, line, db):
    me = people[0]
    [deed_id] = add(db, me)
    send("postback", me, encode("deed.delete", id=deed_id))
    keep = [p for p in postbacks(line.messages_for(me)[-1]) if p[0] == "deed.keep"]
    assert keep
    send("postback", me, encode(keep[0][0], **keep[0][1]))
    assert "ไม่ได้ลบ" in texts_to(line, me)[-1]
    with db() as s:
        assert s.get(Deed, deed_id).deleted_at is None and ledger.head(s)[0] == 1


def test_bureau_view_for_coordinators_only(people, send, line, db):
    me, other, coord = people
    add(db, me, 2)
    add(db, other, 1, day=date(2026, 10, 5), at=NOW - timedelta(days=20))
    send("text", coord, "ความดีของสำนัก")
    msg = line.messages_for(coord)[-1]
    assert msg["type"] == "flex" and "สัปดาห์นี้ 1/3 คน" in msg["altText"]
    assert "2/3 คน (67%)" in str(msg["contents"]) and "3 ครั้ง" in str(msg["contents"])
    send("postback", me, encode("deeds.bureau"))
    assert "ผู้ประสานงานสำนัก" in texts_to(line, me)[-1]
    send("postback", "U" + "9" * 32, encode("deeds.bureau"))
    assert "ลงทะเบียน" in texts_to(line, "U" + "9" * 32)[-1]


def test_edit_replaces_photos_and_date(people, send, line, db):
    import io

    from PIL import Image
    from bot.dev.sandbox import events as ev
    me = people[0]
    [deed_id] = add(db, me)
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(buf, "PNG")
    line.put_content("new-photo", buf.getvalue(), "image/png")
    send("postback", me, encode("deed.edit", id=deed_id))
    send("postback", me, encode("deed.field", f="photos"))
    send(ev.image_event(me, "new-photo"))
    send("text", me, "เสร็จ")
    send("postback", me, encode("deed.fix"))
    send("postback", me, encode("deed.field", f="deed_date"))
    send("postback", me, encode("deed.when", d="yesterday"))
    nonce = [p for a, p in postbacks(line.messages_for(me)[-1]) if a == "deed.confirm"][0]["n"]
    send("postback", me, encode("deed.confirm", n=nonce))
    with db() as s:
        d = s.get(Deed, deed_id)
        assert d.deed_date == date(2026, 11, 3) and len(d.photos) == 1 and d.photos[0]["path"].endswith(".png")
        assert set(s.scalars(select(DeedHistory)).one().after) == {"deed_date", "photos"}
        assert ledger.verify(s).ok


def test_my_record_shows_a_deeds_photos_through_signed_expiring_links(people, send, line, db, client, config, clock):
    """Issue 14: the photos staff attach were never shown again. Private files, so no public copy: a signed
    link that expires (bot/services/photo_links.py); a guessed, altered or expired link is a 404."""
    import io
    from urllib.parse import urlsplit

    from PIL import Image

    from bot.services.files import accept_photo
    me, other = people[0], people[1]
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (9, 8, 7)).save(buf, "PNG")
    photo = accept_photo(config.MEDIA_DIR, buf.getvalue())
    [deed_id] = add(db, me, photos=[photo])
    add(db, me, 2, virtue="gratitude")  # no photo: no image, no button
    send("text", me, "สมุดความดีของฉัน")
    bubbles = line.messages_for(me)[-1]["contents"]["contents"]
    with_photo = [b for b in bubbles if "hero" in b]
    assert len(with_photo) == 1 and ("deed.photos", {"id": str(deed_id)}) in postbacks(with_photo[0])
    url = urlsplit(with_photo[0]["hero"]["url"])
    assert url.path.startswith("/media/photo/") and "s=" in url.query and "e=" in url.query
    got = client.get(f"{url.path}?{url.query}")
    assert got.status_code == 200 and got.data == buf.getvalue()
    assert client.get(url.path).status_code == 404  # no signature
    assert client.get(f"{url.path}?{url.query[:-1]}0").status_code == 404  # altered
    send("postback", me, encode("deed.photos", id=deed_id))
    [image] = line.messages_for(me)[-1:]
    assert image["type"] == "image" and "/media/photo/" in image["originalContentUrl"]
    send("postback", other, encode("deed.photos", id=deed_id))  # not theirs: no photo
    assert line.messages_for(other)[-1]["type"] == "text"
    clock.set(NOW + timedelta(days=8))  # past the link's 7 days
    assert client.get(f"{url.path}?{url.query}").status_code == 404
