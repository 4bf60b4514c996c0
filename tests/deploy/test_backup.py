"""deploy/backup.py: a backup restored into an empty database (a new SQLite file, or a new PostgreSQL database
through pg_dump/pg_restore when the tests run on PostgreSQL) has the same rows, the same photos, and the good-deed
ledger still verifies there. Run as the operator runs it: a subprocess with settings in the environment."""
from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bot import create_app
from bot.config import Config
from bot.services import deeds as deed_svc
from tests.conftest import PG
from tests.factories import make_bureau, make_user

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "backup.py"
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)


def jpeg() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


JPEG = jpeg()


def run(args: list[str], *, db_url: str, media: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "LEDGER_"))}
    env.update(DATABASE_URL=db_url, MEDIA_DIR=str(media), APP_ENV="test")
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, cwd=ROOT)


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        out = {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
               for t in inspect(conn).get_table_names()}
    engine.dispose()
    return out


@pytest.fixture()
def deeds_with_photo(db, config):
    """Two people's deeds, one with a photo on disk: ledger entries, history, media (invented data)."""
    with db() as s:
        bureau = make_bureau(s, "สำนักตัวอย่างสำรองข้อมูล", code="BAK")
        a, b = make_user(s, bureau), make_user(s, bureau)
        photo = deed_svc.accept_photo(config.MEDIA_DIR, JPEG)
        deed_svc.record_deed(s, a, "honesty", "ช่วยเพื่อนตรวจเอกสาร (ตัวอย่าง)", date(2026, 11, 19), photos=[photo],
                             now=NOW)
        deed_svc.record_deed(s, b, "volunteer", "เก็บขยะหน้าสำนักงาน (ตัวอย่าง)", date(2026, 11, 19), now=NOW)
    return photo


@pytest.fixture()
def empty_target(tmp_path, db_url):
    """An empty database of the same engine as the tests' (pg_restore creates the tables itself)."""
    if not PG:
        yield f"sqlite:///{tmp_path / 'restored' / 'bot.sqlite3'}"
        return
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are missing: install them with `bash scripts/system-deps.sh`")
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(db_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(db_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def ledger_verify(url: str, media: Path, line_url: str) -> str:
    app = create_app(Config(LINE_CHANNEL_SECRET="s", LINE_CHANNEL_ACCESS_TOKEN="t", LINE_API_BASE=line_url,
                            DATABASE_URL=url, APP_ENV="test", MEDIA_DIR=str(media)), recover_every_s=None)
    try:
        result = app.test_cli_runner().invoke(args=["ledger-verify"])
    finally:
        app.extensions["bot"].close()
    assert result.exit_code == 0, result.output
    return result.output


def test_backup_then_restore_into_an_empty_database_keeps_rows_photos_and_ledger(
        deeds_with_photo, config, db_url, empty_target, tmp_path, line):
    before = counts(db_url)
    assert before["deed"] == 2 and before["ledgerentry"] == 2
    made = run(["backup", str(tmp_path / "backups")], db_url=db_url, media=Path(config.MEDIA_DIR))
    assert made.returncode == 0, made.stderr
    [archive] = (tmp_path / "backups").glob("integrity-bot-*.tar.gz")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # personal data

    media = tmp_path / "restored-media"
    restored = run(["restore", str(archive)], db_url=empty_target, media=media)
    assert restored.returncode == 0, restored.stderr
    assert counts(empty_target) == before
    photo = deeds_with_photo["path"]
    assert (media / photo).read_bytes() == (Path(config.MEDIA_DIR) / photo).read_bytes() == JPEG
    assert ledger_verify(empty_target, media, line.url).startswith("OK 2 entries")


def test_restore_refuses_a_database_already_in_use(deeds_with_photo, config, db_url, tmp_path):
    made = run(["backup", str(tmp_path / "b")], db_url=db_url, media=Path(config.MEDIA_DIR))
    assert made.returncode == 0, made.stderr
    [archive] = (tmp_path / "b").glob("*.tar.gz")
    again = run(["restore", str(archive)], db_url=db_url, media=tmp_path / "empty-media")
    assert again.returncode == 1 and again.stderr.startswith("REFUSED: ")
    assert counts(db_url)["deed"] == 2


def test_a_damaged_archive_is_named_and_not_restored(deeds_with_photo, config, db_url, tmp_path):
    made = run(["backup", str(tmp_path / "b")], db_url=db_url, media=Path(config.MEDIA_DIR))
    assert made.returncode == 0, made.stderr
    [archive] = (tmp_path / "b").glob("*.tar.gz")
    # Rewrite the archive with one photo's bytes changed, the manifest untouched.
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(bad, "w:gz") as dst:
        for m in src.getmembers():
            data = src.extractfile(m).read()
            if m.name.startswith("media/"):
                data = data[:-1] + b"\x00"
            dst.addfile(m, io.BytesIO(data))
    checked = run(["check", str(bad)], db_url=db_url, media=tmp_path / "m")
    assert checked.returncode == 1 and "damaged" in checked.stderr and "media/" in checked.stderr
    target = tmp_path / "new.sqlite3"
    restored = run(["restore", str(bad)], db_url=f"sqlite:///{target}", media=tmp_path / "m")
    assert restored.returncode == 1 and not target.exists()


def test_sqlite_backup_is_consistent_while_a_writer_holds_a_transaction(tmp_path):
    src = tmp_path / "live.sqlite3"
    with sqlite3.connect(src) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        conn.executemany("INSERT INTO t (v) VALUES (?)", [("committed",)] * 3)
    writer = sqlite3.connect(src, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t (v) VALUES ('not yet committed')")
    try:
        made = run(["backup", str(tmp_path / "b")], db_url=f"sqlite:///{src}", media=tmp_path / "no-media")
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert made.returncode == 0, made.stderr
    [archive] = (tmp_path / "b").glob("*.tar.gz")
    target = tmp_path / "restored.sqlite3"
    restored = run(["restore", str(archive)], db_url=f"sqlite:///{target}", media=tmp_path / "m")
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT v FROM t").fetchall() == [("committed",)] * 3


def test_keep_leaves_only_the_newest_archives(tmp_path):
    src = tmp_path / "small.sqlite3"
    with sqlite3.connect(src) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    folder = tmp_path / "b"
    made = []
    for _ in range(3):
        r = run(["backup", str(folder), "--keep", "2"], db_url=f"sqlite:///{src}", media=tmp_path / "none")
        assert r.returncode == 0, r.stderr
        made.append(r.stdout.split()[1])
    assert sorted(str(p) for p in folder.glob("integrity-bot-*.tar.gz")) == sorted(made[1:])
    assert not list(folder.glob(".*"))  # no work folder or partial archive left behind


def test_flask_backup_commands_run_the_same_script(app, deeds_with_photo, config, tmp_path):
    """`flask --app bot backup DIR` / `backup-check` / `restore` (issue 18's names) run deploy/backup.py with the
    app's own DATABASE_URL and MEDIA_DIR; restoring onto the database in use is refused."""
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    [archive] = (tmp_path / "b").glob("integrity-bot-*.tar.gz")
    assert runner.invoke(args=["backup-check", str(archive)]).exit_code == 0
    assert runner.invoke(args=["restore", str(archive)]).exit_code != 0  # the live database is not empty
    assert counts(config.DATABASE_URL)["deed"] == 2
