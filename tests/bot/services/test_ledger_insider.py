"""Issue 13 "Evidence that holds against an insider": every attack `ledger-verify` used to call OK is BROKEN now.

The app here runs with a LEDGER_KEY; the insider has SQL access and the media directory, not the key."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.config import Config
from bot.services import deeds as svc
from bot.services import ledger
from bot.services.digest import compute
from bot.services.ledger_hash import DEV_KEY, chain_hash, keyed_hash
from messages_th.digest import digest_messages
from messages_th.digest_anchor import heads_in
from models.core import OutboxMessage, User
from models.deeds import Deed, LedgerEntry
from tests.conftest import SECRET
from tests.bot.services.test_ledger import DAY, NOW, _png, chain  # noqa: F401 - `chain` is a fixture
from tests.factories import make_bureau, make_user

KEY = "test-ledger-key-kept-outside-the-db"


@pytest.fixture()
def config(db_url, line, tmp_path):
    return Config(LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="test-token", LINE_API_BASE=line.url,
                  DATABASE_URL=db_url, PUBLIC_BASE_URL="http://bot.test", APP_ENV="test",
                  MEDIA_DIR=str(tmp_path / "media"), LINE_TIMEOUT_S=2.0, LEDGER_KEY=KEY)


@pytest.fixture(autouse=True)
def _keyed(app):
    """The app installed LEDGER_KEY for appends; put the development key back for the other test modules."""
    yield
    ledger.use_key(None)


def verdict(db, config, anchors=()):
    with db() as s:
        return ledger.verify(s, KEY, media_dir=config.MEDIA_DIR, anchors=anchors)


def sql(db, stmt: str, **params):
    with db() as s:
        s.execute(text(stmt), params)


def send_digest(db, when=NOW):
    """The weekly digest as the committee received it: a sent outbox row holding the rendered messages."""
    with db() as s:
        msgs = digest_messages(compute(s, when), None)
        s.add(OutboxMessage(key=f"digest:test-{when:%Y%m%d%H}", recipients=["Ucommittee"], recipient_count=1,
                            messages=msgs, category="digest", status="sent", sent_at=when))
        return ledger.head(s)


def cli(app, *args):
    return app.test_cli_runner(mix_stderr=False).invoke(args=["ledger-verify", *args]) if _mix_ok() else \
        app.test_cli_runner().invoke(args=["ledger-verify", *args])


def _mix_ok() -> bool:
    import inspect
    from click.testing import CliRunner
    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


def out(result) -> str:
    try:
        return result.output + (result.stderr or "")
    except ValueError:
        return result.output


def test_the_untouched_chain_verifies_with_every_check(chain, db, config, app):
    v = verdict(db, config)
    assert v.ok and v.count == 7 and v.photos == 1 and v.history == 2 and v.legacy == 0
    with db() as s:
        assert all(e.payload.endswith('"v":2}') for e in s.scalars(select(LedgerEntry)))
    head = send_digest(db)
    r = cli(app)
    assert r.exit_code == 0 and "anchored heads matched: 1" in out(r), out(r)
    assert head == (7, v.head)


def test_the_digest_shows_a_head_verify_can_read_back(chain, db):
    head = send_digest(db)
    with db() as s:
        msgs = s.scalars(select(OutboxMessage)).first().messages
    assert (head[0], head[1][:16]) in heads_in(msgs)


def test_cutting_the_newest_entries_with_their_deeds_is_broken(chain, db, app):
    (a_id, _), _ids = chain
    with db() as s:
        a = s.get(User, a_id)
        new = [svc.record_deed(s, a, "discipline", f"มาทำงานตรงเวลา {i}", DAY, now=NOW + timedelta(hours=3 + i)).id
               for i in range(2)]
    send_digest(db, NOW + timedelta(days=1))  # the committee saw 9 entries
    sql(db, "DELETE FROM ledgerentry WHERE seq > 7")
    sql(db, "DELETE FROM deed WHERE id IN (:a, :b)", a=new[0], b=new[1])
    r = cli(app)
    assert r.exit_code == 1 and "BROKEN" in out(r) and "has 7 entries" in out(r) and "recorded 9" in out(r)


def test_wiping_the_ledger_and_the_deeds_is_broken(chain, db, app):
    send_digest(db)
    for t in ("deedhistory", "ledgerentry", "deed"):
        sql(db, f"DELETE FROM {t}")
    r = cli(app)
    assert r.exit_code == 1 and "has 0 entries" in out(r) and "wiped" in out(r)


def _recompute(db, hasher, virtue_of: int):
    """The insider's rewrite: change a deed and its latest entry's payload, then rehash the whole chain."""
    sql(db, "UPDATE deed SET virtue = 'sufficiency' WHERE id = :i", i=virtue_of)
    with db() as s:
        rows = s.execute(text("SELECT seq, payload FROM ledgerentry ORDER BY seq")).all()
    prev = ledger.GENESIS
    for seq, payload in rows:
        if f'"deed_id":{virtue_of},' in payload:
            payload = payload.replace('"virtue":"volunteer"', '"virtue":"sufficiency"')
        h = hasher(prev, payload)
        sql(db, "UPDATE ledgerentry SET payload = :p, prev_hash = :pr, hash = :h WHERE seq = :s",
            p=payload, pr=prev, h=h, s=seq)
        prev = h


def test_an_insider_recomputing_the_chain_with_plain_sha256_is_broken(chain, db, config):
    _recompute(db, chain_hash, chain[1][3])
    v = verdict(db, config)
    assert not v.ok and v.broken_seq == 1 and "LEDGER_KEY" in v.reason


def test_an_insider_recomputing_it_with_the_public_development_key_is_broken(chain, db, config):
    _recompute(db, lambda p, b: keyed_hash(DEV_KEY, p, b), chain[1][3])
    assert not verdict(db, config).ok


def test_an_insider_rewriting_it_as_unkeyed_v1_entries_is_broken_by_the_digest(chain, db, app):
    """v1 entries (before LEDGER_KEY) still verify without the key: the committee's head is what vouches."""
    send_digest(db)
    with db() as s:
        rows = s.execute(text("SELECT seq, payload FROM ledgerentry ORDER BY seq")).all()
    prev = ledger.GENESIS
    for seq, payload in rows:
        p = json.loads(payload)
        p["v"] = 1
        p["state"].pop("created_at")
        p["state"].pop("erased_at")
        p.pop("history_sha256", None)
        p.pop("history_personal_sha256", None)
        body = ledger.canonical(p)
        h = chain_hash(prev, body)
        sql(db, "UPDATE ledgerentry SET payload = :p, prev_hash = :pr, hash = :h WHERE seq = :s",
            p=body, pr=prev, h=h, s=seq)
        prev = h
    r = cli(app)
    assert r.exit_code == 1 and "the chain was rewritten" in out(r)


def test_changing_created_at_to_reopen_the_edit_window_is_broken(chain, db, config):
    sql(db, "UPDATE deed SET created_at = :t WHERE id = :i", t=NOW + timedelta(days=30), i=chain[1][3])
    v = verdict(db, config)
    assert not v.ok and v.deed_id == chain[1][3] and "created_at" in v.reason


def test_setting_or_clearing_erased_at_is_broken(chain, db, config):
    sql(db, "UPDATE deed SET erased_at = :t WHERE id = :i", t=NOW, i=chain[1][4])
    v = verdict(db, config)
    assert not v.ok and v.deed_id == chain[1][4] and "erased_at" in v.reason


def test_rewriting_deed_history_is_broken(chain, db, config):
    (a_id, c_id), ids = chain
    sql(db, "UPDATE deedhistory SET actor_user_id = :c WHERE deed_id = :i", c=c_id, i=ids[1])
    v = verdict(db, config)
    assert not v.ok and v.deed_id == ids[1] and "history row" in v.reason


def test_rewriting_a_history_rows_old_text_is_broken(chain, db, config):
    with db() as s:
        before = s.execute(text("SELECT id, before FROM deedhistory WHERE action = 'edit'")).one()
    old = before[1] if isinstance(before[1], dict) else json.loads(before[1])  # PostgreSQL's driver parses JSON
    forged = json.dumps({**old, "description": "ข้อความที่แต่งขึ้น"}, ensure_ascii=False)
    sql(db, "UPDATE deedhistory SET before = :b WHERE id = :i", b=forged, i=before[0])
    assert "history row" in verdict(db, config).reason


def test_deleting_a_history_row_is_broken(chain, db, config):
    sql(db, "DELETE FROM deedhistory WHERE action = 'delete'")
    v = verdict(db, config)
    assert not v.ok and v.broken_seq == 7 and "gone" in v.reason


def test_swapping_a_photo_file_is_broken(chain, db, config):
    (f,) = (Path(config.MEDIA_DIR) / "private").iterdir()
    f.write_bytes(_png((200, 0, 0)))
    v = verdict(db, config)
    assert not v.ok and v.deed_id == chain[1][0] and "differs from the sha256" in v.reason


def test_deleting_a_photo_file_is_broken(chain, db, config):
    (f,) = (Path(config.MEDIA_DIR) / "private").iterdir()
    f.unlink()
    v = verdict(db, config)
    assert not v.ok and v.deed_id == chain[1][0] and "missing" in v.reason


def test_an_erased_deeds_photos_are_gone_by_design_not_broken(chain, db, config):
    (a_id, _), _ids = chain
    with db() as s:
        svc.erase_user_deeds(s, s.get(User, a_id), media_dir=config.MEDIA_DIR, now=NOW + timedelta(days=1))
    assert list((Path(config.MEDIA_DIR) / "private").iterdir()) == []
    v = verdict(db, config)
    assert v.ok and v.erased == 3 and v.photos == 0 and v.history == 5


def test_a_signed_head_file_anchors_the_chain(chain, db, app, tmp_path):
    f = tmp_path / "head.json"
    r = app.test_cli_runner().invoke(args=["ledger-head", "--out", str(f)])
    assert r.exit_code == 0 and json.loads(f.read_text())["seq"] == 7
    assert cli(app, "--anchor", str(f)).exit_code == 0
    forged = json.loads(f.read_text()) | {"seq": 5}
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    bad = cli(app, "--anchor", str(tmp_path / "forged.json"))
    assert bad.exit_code == 1 and "signature does not match" in out(bad)
    sql(db, "DELETE FROM ledgerentry WHERE seq > 5")  # the last edit and delete, with their history rows
    sql(db, "DELETE FROM deedhistory")
    sql(db, "UPDATE deed SET deleted_at = NULL, virtue = 'honesty', description = 'คืนของที่เก็บได้ 1'")
    cut = cli(app, "--anchor", str(f))
    assert cut.exit_code == 1 and "recorded 7" in out(cut)


def test_v1_entries_still_verify_and_none_may_follow_a_keyed_one(db, config):
    """The entries written before this change (plain SHA-256, v1 payload) verify; new ones are keyed after them."""
    with db() as s:
        u = make_user(s, make_bureau(s))
        d = Deed(user_id=u.id, bureau_id=u.bureau_id, virtue="honesty", description="เก็บของได้คืนเจ้าของ",
                 deed_date=DAY, created_at=NOW, updated_at=NOW)
        s.add(d)
        s.flush()
        body = ledger.canonical(ledger.payload_for("create", d, actor_user_id=u.id, at=NOW))
        s.add(LedgerEntry(seq=1, deed_id=d.id, action="create", payload=body, prev_hash=ledger.GENESIS,
                          hash=chain_hash(ledger.GENESIS, body), created_at=NOW))
        s.flush()
        svc.record_deed(s, u, "discipline", "มาทำงานตรงเวลา", DAY, now=NOW)
        uid = u.id
    v = verdict(db, config)
    assert v.ok and v.count == 2 and v.legacy == 1
    with db() as s:
        u, (seq, prev) = s.get(User, uid), ledger.head(s)
        d = svc.record_deed(s, u, "volunteer", "ช่วยงานวัดใกล้บ้าน", DAY, now=NOW)
        body = ledger.canonical(ledger.payload_for("create", d, actor_user_id=u.id, at=NOW))
        s.execute(text("UPDATE ledgerentry SET payload = :p, hash = :h WHERE seq = :s"),
                  dict(p=body, h=chain_hash(prev, body), s=seq + 1))
    v = verdict(db, config)
    assert not v.ok and v.broken_seq == 3 and "unkeyed" in v.reason


def test_production_without_ledger_key_warns_loudly_in_ledger_verify(db_url, line, tmp_path):
    from bot import create_app
    app = create_app(Config(LINE_CHANNEL_SECRET="s", LINE_CHANNEL_ACCESS_TOKEN="t", LINE_API_BASE=line.url,
                            DATABASE_URL=db_url, APP_ENV="production", MEDIA_DIR=str(tmp_path),
                            PUBLIC_BASE_URL="https://bot.example.go.th"), recover_every_s=None)
    try:
        r = app.test_cli_runner().invoke(args=["ledger-verify"])
        assert "WARNING: LEDGER_KEY is not set" in out(r)
    finally:
        app.extensions["bot"].close()
        ledger.use_key(KEY)  # the autouse fixture resets it afterwards
