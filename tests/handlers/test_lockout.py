"""Issue 13 "Invite-code lockout": the lock is keyed on the LINE id (a keyed hash) and holds through an erase and
a new follow; many wrong codes from everyone together alert the admins once per window."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from bot.conversation.postback import encode
from bot.services import membership as registry
from models.core import OutboxMessage, utcnow
from models.onboarding import RegistrationAttempt
from tests.conftest import texts_to
from tests.factories import make_bureau, make_user

U = "U" + "7" * 32
LOCKED = "พักการลงทะเบียน"


@pytest.fixture()
def invite(db):
    with db() as s:
        b = make_bureau(s, "สำนักนโยบายและแผน", code="PLAN")
        return registry.create_invite(s, b, utcnow(), uses=50).code


def consent(send, uid=U):
    send("follow", uid)
    send("postback", uid, encode("consent.yes"))


def test_five_wrong_codes_erase_follow_again_still_locked(send, line, db, clock, invite):
    clock.set(datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc))
    consent(send)
    for n in range(5):
        send("text", U, f"WRONG{n}")
    assert LOCKED in texts_to(line, U)[-1]
    send("postback", U, encode("privacy.erase"))
    assert "เรียบร้อย" in texts_to(line, U)[-1]
    clock.advance(seconds=20)
    consent(send)
    send("text", U, "ลงทะเบียน")
    send("text", U, invite)  # the right code too: the lock is on the person, not on the user row
    assert LOCKED in texts_to(line, U)[-1]
    with db() as s:
        rows = s.exec(select(RegistrationAttempt)).all()
    assert [r.kind for r in rows] == ["fail"] * 5 + ["lock"]
    assert all(r.user_id is None and r.line_hash and U not in r.line_hash for r in rows)  # no raw LINE id
    clock.advance(minutes=61)
    send("text", U, "ลงทะเบียน")
    send("text", U, invite)
    assert "ชื่อ-นามสกุล" in texts_to(line, U)[-1]


def test_the_lockout_hash_is_keyed(db):
    with db() as s:
        u = make_user(s, line_user_id=U)
        assert registry.line_hash(u, "key-one") != registry.line_hash(u, "key-two")
        assert registry.line_hash(u, "key-one") == registry.line_hash(u, "key-one")


def test_many_wrong_codes_from_everyone_alert_the_admins_once(send, line, db, clock, invite):
    clock.set(datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc))
    with db() as s:
        admin = make_user(s, make_bureau(s), roles=("admin",)).line_user_id
    guessers = [f"U{i:032x}" for i in range(1, 10)]
    for uid in guessers:
        consent(send, uid)
    for uid in guessers:
        for n in range(4):  # each below the per-person lock
            send("text", uid, f"GUESS{n}")
            clock.advance(seconds=5)
            with db() as s:
                fails = len(s.exec(select(RegistrationAttempt).where(RegistrationAttempt.kind == "fail")).all())
                alerts = s.exec(select(OutboxMessage).where(OutboxMessage.key.like("alert:invite-codes:%"))).all()
            assert len(alerts) == (1 if fails > registry.GLOBAL_FAILS else 0), fails
    assert fails > registry.GLOBAL_FAILS + 1  # more wrong codes after the alert: still one alert
    (alert,) = alerts
    assert alert.recipients == [admin] and alert.urgent
    assert "รหัสเชิญผิด" in alert.messages[0]["text"] and "เดารหัส" in alert.messages[0]["text"]
    assert all(LOCKED not in texts_to(line, uid)[-1] for uid in guessers)  # an alert, not a lock on everyone
