"""The tamper-evident ledger: valid chains verify; direct database edits are found; erasure keeps it valid."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.services import deeds as svc

from bot.services import deed_stats as stats
from bot.services import ledger
from bot.services import ledger_verify
from models.core import User
from models.db import session_scope
from models.deeds import Deed, DeedHistory, LedgerEntry
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 4, 3, 0, tzinfo=timezone.utc)
DAY = date(2026, 11, 4)


@pytest.fixture()
def chain(db, config):
    """Two users; five deeds; one edit; one delete. Returns (user ids, deed ids)."""
    with db() as s:
        b = make_bureau(s)
        a, c = make_user(s, b), make_user(s, b)
        photo = svc.accept_photo(config.MEDIA_DIR, _png())
        ids = [svc.record_deed(s, a, "honesty", f"คืนของที่เก็บได้ {i}", DAY, now=NOW, photos=[photo] if i == 0 else ())
               .id for i in range(3)]
        ids += [svc.record_deed(s, c, "volunteer", f"ช่วยงาน {i}", DAY, now=NOW, hours=1.5).id for i in range(2)]
        svc.edit_deed(s, s.get(Deed, ids[1]), a, {"description": "คืนกระเป๋าที่เก็บได้", "virtue": "gratitude"},
                      now=NOW + timedelta(hours=1))
        svc.delete_deed(s, s.get(Deed, ids[2]), a, now=NOW + timedelta(hours=2))
        return (a.id, c.id), ids


def _png(colour=(0, 128, 0)) -> bytes:
    import io
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buf, "PNG")
    return buf.getvalue()


def verdict(db):
    with db() as s:
        return ledger.verify(s)


def sql(db, stmt: str, **params):
    with db() as s:
        s.execute(text(stmt), params)


def test_valid_chain_verifies_and_head_matches(chain, db):
    v = verdict(db)
    assert v.ok and v.count == 7
    with db() as s:
        assert ledger.head(s) == (7, v.head)
        rows = s.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
        assert [r.action for r in rows] == ["create"] * 5 + ["edit", "delete"]
        assert all(r.prev_hash == p.hash for p, r in zip(rows, rows[1:]))
        assert "คืน" not in rows[0].payload  # personal text only as a salted hash


def test_deed_row_changed_directly_is_detected(chain, db):
    sql(db, "UPDATE deed SET description = 'แก้ไขเอง' WHERE id = :i", i=chain[1][0])
    v = verdict(db)
    assert not v.ok and v.deed_id == chain[1][0] and "description_sha256" in v.reason


def test_a_wrongly_typed_value_is_reported_not_crashed_on(chain, db, bot):
    if bot.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite lets text into a REAL column")
    sql(db, "UPDATE deed SET hours = 'lots' WHERE id = :i", i=chain[1][3])
    v = verdict(db)
    assert not v.ok and v.deed_id == chain[1][3]


def test_undeleting_a_deed_directly_is_detected(chain, db):
    sql(db, "UPDATE deed SET deleted_at = NULL WHERE id = :i", i=chain[1][2])
    assert "deleted" in verdict(db).reason


def test_deleted_ledger_row_is_detected(chain, db):
    sql(db, "DELETE FROM ledgerentry WHERE seq = 3")
    v = verdict(db)
    assert not v.ok and v.broken_seq == 3 and "missing" in v.reason


def test_deleting_the_last_ledger_row_is_detected(chain, db):
    sql(db, "DELETE FROM ledgerentry WHERE seq = 7")
    v = verdict(db)
    assert not v.ok and v.deed_id == chain[1][2]


def test_deleted_deed_row_is_detected(chain, db):
    sql(db, "DELETE FROM deed WHERE id = :i", i=chain[1][4])
    v = verdict(db)
    assert not v.ok and v.deed_id == chain[1][4] and "gone" in v.reason


def test_reordered_rows_are_detected(chain, db):
    sql(db, "UPDATE ledgerentry SET seq = -1 WHERE seq = 2")
    sql(db, "UPDATE ledgerentry SET seq = 2 WHERE seq = 4")
    sql(db, "UPDATE ledgerentry SET seq = 4 WHERE seq = -1")
    v = verdict(db)
    assert not v.ok and v.broken_seq == 2


def test_rewritten_payload_is_detected(chain, db):
    sql(db, "UPDATE ledgerentry SET payload = replace(payload, 'honesty', 'gratitude') WHERE seq = 1")
    v = verdict(db)
    assert not v.ok and v.broken_seq == 1 and "hash" in v.reason


def test_erase_keeps_the_chain_valid_and_counts(chain, db, config):
    (a_id, _), ids = chain
    photo_dir = Path(config.MEDIA_DIR) / "private"
    assert len(list(photo_dir.iterdir())) == 1
    with db() as s:
        a = s.get(User, a_id)
        before = stats.fy_totals(s, a, NOW)
        assert svc.erase_user_deeds(s, a, media_dir=config.MEDIA_DIR, now=NOW + timedelta(days=1)) == 3
    with db() as s:
        assert stats.fy_totals(s, s.get(User, a_id), NOW) == before
        for i in ids[:3]:
            d = s.get(Deed, i)
            assert (d.description, d.photos, d.salt) == ("", [], "") and d.erased_at is not None
        assert all("คืน" not in str(h.before) + str(h.after) for h in s.scalars(select(DeedHistory)))
        assert s.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc())).first().action == "erase"
    assert list(photo_dir.iterdir()) == []
    v = verdict(db)
    assert v.ok and v.count == 10


def test_ledger_rows_refuse_orm_updates_and_deletes(chain, db):
    with pytest.raises(RuntimeError, match="append-only"):
        with db() as s:
            s.scalars(select(LedgerEntry)).first().payload = "{}"
            s.flush()
    with pytest.raises(RuntimeError, match="append-only"):
        with db() as s:
            s.delete(s.scalars(select(LedgerEntry)).first())
            s.flush()
    assert verdict(db).ok


def test_concurrent_appends_do_not_fork_the_chain(db, bot):
    with db() as s:
        b = make_bureau(s)
        uids = [make_user(s, b).id for _ in range(4)]
    errors = []

    def work(user_id):
        try:
            for i in range(10):
                with session_scope(bot.engine) as s:
                    svc.record_deed(s, s.get(User, user_id), "discipline", f"ตรงเวลา {i}", DAY, now=NOW)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(u,)) for u in uids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    v = verdict(db)
    assert v.ok and v.count == 40


def test_a_seq_collision_is_retried_on_the_new_head(db, monkeypatch):
    """Another writer took seq+1 between our head read and insert: the unique seq refuses, we retry."""
    with db() as s:
        u = make_user(s, make_bureau(s))
        svc.record_deed(s, u, "honesty", "หนึ่ง", DAY, now=NOW)
        uid = u.id
    real, calls = ledger.head, []

    def stale_once(session):
        calls.append(1)
        return (0, ledger.GENESIS) if len(calls) == 1 else real(session)
    monkeypatch.setattr(ledger, "head", stale_once)
    with db() as s:
        svc.record_deed(s, s.get(User, uid), "honesty", "สอง", DAY, now=NOW)
    monkeypatch.undo()
    assert len(calls) == 2
    v = verdict(db)
    assert v.ok and v.count == 2


def test_cli_reports_ok_and_broken(chain, app, db):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["ledger-verify"])
    assert ok.exit_code == 0 and ok.output.startswith("OK 7 entries, head ")
    sql(db, "UPDATE deed SET virtue = 'honesty' WHERE id = :i", i=chain[1][3])
    bad = runner.invoke(args=["ledger-verify"])
    assert bad.exit_code == 1 and "BROKEN" in bad.output and f"deed {chain[1][3]}" in bad.output


def test_no_code_updates_or_deletes_ledger_rows():
    root = Path(__file__).resolve().parents[3]
    for folder in ("bot", "handlers", "models", "scheduler"):
        for path in (root / folder).rglob("*.py"):
            src = path.read_text(encoding="utf-8").lower()
            for bad in ("update(ledgerentry", "delete(ledgerentry", "update ledgerentry", "delete from ledgerentry"):
                assert bad not in src, f"{path}: {bad}"


@pytest.mark.parametrize("values", [
    dict(virtue="honesty", source="chat", beneficiaries=None, hours=None, bureau_id=None, deleted_at=None),
    dict(virtue='we"ird}\\ค่า', source="pledge", beneficiaries=12, hours=2.5, bureau_id=7, deleted_at=NOW),
    dict(virtue="volunteer", source="campaign", beneficiaries=0, hours=1.0, bureau_id=3, deleted_at=None),
])
def test_fast_state_text_equals_the_canonical_json(values):
    from types import SimpleNamespace
    d = SimpleNamespace(id=41, user_id=5, deed_date=DAY, pledge_item_id=None, campaign_id=9, salt="ab" * 16,
                        description="ช่วยงาน 😀 \"quoted\"", photos=[{"sha256": "f" * 64}, {"sha256": "0" * 64}],
                        **values)
    fast = ledger_verify.state_json(d.id, d.user_id, d.bureau_id, d.virtue, DAY.isoformat(), d.source, d.pledge_item_id,
                             d.campaign_id, d.beneficiaries, d.hours, d.deleted_at is not None, d.salt,
                             d.description, [p["sha256"] for p in d.photos])
    assert fast == ledger.canonical(ledger.deed_state(d))
