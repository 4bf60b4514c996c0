"""PDPA: "ข้อมูลของฉัน" exports everything held; "ลบข้อมูลของฉัน" erases personal data (tests show what remains)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.services.deeds import record_deed
from bot.conversation.postback import encode
from bot.line.richmenu import deploy
from models.core import ConversationState, InboxEvent, User, UserRole
from models.deeds import Deed, LedgerEntry
from models.onboarding import RegistrationAttempt
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user

U = "U" + "2" * 32
NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)


@pytest.fixture()
def member(db, clock, bot):
    clock.set(NOW)
    with db() as s:
        b = make_bureau(s, "สำนักกฎหมาย", code="LAW")
        u = make_user(s, b, line_user_id=U, full_name="สมปอง ลับเฉพาะ", position="นิติกร", roles=("coordinator",))
        for i, virtue in enumerate(("honesty", "honesty", "volunteer")):
            record_deed(s, u, virtue, f"ช่วยงานลับ {i} ของสมปอง", date(2026, 11, 1 + i),
                        photos=[{"path": f"2026/11/p{i}.jpg", "sha256": "0" * 64}], now=NOW + timedelta(minutes=i),
                        enforce_limits=False)
        s.add(RegistrationAttempt(user_id=u.id, at=NOW))
        s.flush()
        deploy(s, bot.gateway, NOW, echo=lambda *_: None)  # links the member's coordinator menu
        return u.id


def test_export_lists_profile_roles_counts_and_deeds(send, line, member):
    send("text", U, "ข้อมูลของฉัน")
    msgs = line.messages_for(U)
    assert 1 <= len(msgs) <= 5 and all(len(m["text"]) <= 5000 for m in msgs)
    everything = "\n".join(m["text"] for m in msgs)
    for needle in (U, "สมปอง ลับเฉพาะ", "นิติกร", "สำนักกฎหมาย", "ผู้ประสานงานสำนัก", "ทั้งหมด 3 รายการ",
                   "ช่วยงานลับ 0 ของสมปอง", "ช่วยงานลับ 2 ของสมปอง"):
        assert needle in everything


def test_export_shows_the_status_in_thai(send, line, member):
    send("text", U, "ข้อมูลของฉัน")
    first = line.messages_for(U)[0]["text"]
    assert "สถานะ: ลงทะเบียนแล้ว" in first and "registered" not in first


def test_export_of_a_long_record_is_summarised_within_five_messages(send, line, db, member):
    with db() as s:
        u = s.get(User, member)
        for i in range(120):
            s.add(Deed(user_id=u.id, bureau_id=u.bureau_id, virtue="discipline", description="ก" * 300,
                       deed_date=date(2026, 10, 1)))
    send("text", U, "ข้อมูลของฉัน")
    msgs = line.messages_for(U)
    assert len(msgs) == 5 and all(len(m["text"]) <= 5000 for m in msgs)
    assert "และอีก" in msgs[-1]["text"] and "ทั้งหมด 123 รายการ" in msgs[0]["text"]


def test_erase_after_confirmation_leaves_only_anonymous_counts(send, line, db, member):
    with db() as s:
        ledger_before = s.exec(select(LedgerEntry)).all()
        hashes = [e.hash for e in ledger_before]
    send("text", U, "ลบข้อมูลของฉัน")
    assert "กู้คืนไม่ได้" in texts_to(line, U)[-1]
    with db() as s:
        assert s.get(User, member).full_name == "สมปอง ลับเฉพาะ"  # nothing happens before the confirmation
    assert line.richmenus.linked(U).startswith("richmenu-")
    send("postback", U, encode("privacy.erase"))
    assert "เรียบร้อย" in texts_to(line, U)[-1]
    with db() as s:
        u = s.get(User, member)
        assert u.line_user_id.startswith("erased-") and u.line_user_id != U
        assert (u.display_name, u.full_name, u.position, u.status, u.following, u.consent_at, u.rich_menu_id) == \
            (None, None, None, "erased", False, None, None)
        assert s.exec(select(UserRole).where(UserRole.user_id == member)).all() == []
        assert s.exec(select(RegistrationAttempt)).all() == []
        assert s.get(ConversationState, U) is None
        deeds = s.exec(select(Deed).where(Deed.user_id == member)).all()
        assert len(deeds) == 3 and sorted(d.virtue for d in deeds) == ["honesty", "honesty", "volunteer"]
        assert all(d.description == "" and d.photos == [] for d in deeds)
        ledger = s.exec(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
        assert [e.hash for e in ledger[:len(hashes)]] == hashes  # old hashes kept, erase entries appended
        assert [e.action for e in ledger[len(hashes):]] == ["erase"] * 3
        done = s.exec(select(InboxEvent).where(InboxEvent.status == "done")).all()
        assert all("สมปอง" not in e.payload for e in done)
        assert s.exec(select(User).where(User.full_name.contains("สมปอง"))).all() == []
    # Their own menu is unlinked: what shows is LINE's default, the guest menu.
    assert U not in line.richmenus.links and line.richmenus.effective(U) == line.richmenus.default


def test_re_follow_after_erasure_starts_fresh(send, line, db, member):
    send("postback", U, encode("privacy.erase"))
    send("follow", U)
    assert "PDPA" in texts_to(line, U)[-1]
    with db() as s:
        fresh = s.exec(select(User).where(User.line_user_id == U)).one()
        assert fresh.id != member and fresh.status == "new" and fresh.full_name is None


def test_keep_changes_nothing(send, line, db, member):
    send("text", U, "ลบข้อมูลของฉัน")
    send("postback", U, encode("privacy.keep"))
    with db() as s:
        assert s.get(User, member).full_name == "สมปอง ลับเฉพาะ"
