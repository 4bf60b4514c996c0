"""bot/services/readiness.py: the facts behind the production guard, /readyz and the doctor: migration head,
worker heartbeat age, a public https address, data outside the code folder and writable."""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from bot.config import ROOT
from bot.services import readiness
from bot.services.ops_status import write_heartbeat
from models.db import make_engine, session_scope
from models.migrate import HERE, alembic_config
from tests.conftest import PG

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)


@pytest.fixture()
def fresh_url(tmp_path):
    """An empty database of the engine under test (a new PostgreSQL database, or a SQLite file)."""
    if not PG:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    base = os.environ["DATABASE_URL"]
    name = f"ready_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def previous_revision() -> str:
    script = ScriptDirectory(str(HERE / "migrations"))
    return script.get_revision(script.get_current_head()).down_revision


def build(url: str, stamp: str | None) -> None:
    """The models' schema, stamped at `stamp` (None: never migrated, as after create_all by hand)."""
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    if stamp:
        command.stamp(alembic_config(url), stamp)


def unreachable_url(tmp_path) -> str:
    if PG:
        return "postgresql+psycopg://postgres@127.0.0.1:9/nothing?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite3'}"


# -- migrations ---------------------------------------------------------------------------------------------
def test_a_database_at_head_is_at_the_latest_migration(fresh_url):
    build(fresh_url, "head")
    engine = make_engine(fresh_url)
    mig = readiness.migration_status(engine)
    engine.dispose()
    assert mig.at_latest and mig.current == readiness.latest_revisions()


def test_an_empty_database_was_never_migrated(fresh_url):
    engine = make_engine(fresh_url)
    mig = readiness.migration_status(engine)
    engine.dispose()
    assert mig.reachable and mig.never_migrated and not mig.at_latest


def test_a_database_one_migration_behind_is_not_at_the_latest(fresh_url):
    build(fresh_url, previous_revision())
    engine = make_engine(fresh_url)
    mig = readiness.migration_status(engine)
    engine.dispose()
    assert not mig.at_latest and mig.current == (previous_revision(),)


def test_an_unreachable_database_is_named_by_its_error_class_only(tmp_path):
    engine = make_engine(unreachable_url(tmp_path))
    mig = readiness.migration_status(engine)
    engine.dispose()
    assert not mig.reachable and mig.error == "OperationalError" and not mig.at_latest


# -- /readyz's problems -------------------------------------------------------------------------------------
def beat(url: str, at: datetime) -> None:
    engine = make_engine(url)
    with session_scope(engine) as s:
        write_heartbeat(s, at, "worker-host", 4242)
    engine.dispose()


def problems(url: str, now: datetime = NOW) -> dict:
    engine = make_engine(url)
    try:
        return readiness.readiness_problems(engine, now)
    finally:
        engine.dispose()


def test_ready_when_migrated_and_the_worker_beat_a_minute_ago(db_url):
    beat(db_url, NOW - timedelta(minutes=1))
    assert problems(db_url) == {}


def test_a_silent_worker_is_named_with_its_age(db_url):
    beat(db_url, NOW - timedelta(minutes=7))
    assert problems(db_url) == {"worker": "last heartbeat 7 minutes ago (stale after 3)"}


def test_a_worker_that_never_ran_is_named(db_url):
    assert "never run" in problems(db_url)["worker"]


def test_an_unmigrated_database_names_the_migration(fresh_url):
    found = problems(fresh_url)
    assert set(found) == {"migrations"} and "db-upgrade" in found["migrations"]


def test_an_unreachable_database_is_all_that_is_said(tmp_path):
    assert problems(unreachable_url(tmp_path)) == {"database": "unreachable (OperationalError)"}


# -- public address ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url, verdict", [
    ("https://bot.example.go.th", None),
    ("https://203.0.113.10", None),
    ("http://bot.example.go.th", "http"),
    ("http://127.0.0.1:8000", "http"),
    ("https://127.0.0.1", "loopback"),
    ("https://localhost:8443", "loopback"),
    ("https://[::1]/", "loopback"),
    ("https://0.0.0.0", "loopback"),
    ("bot.example.go.th", "invalid"),
    ("", "invalid"),
])
def test_public_url(url, verdict):
    assert readiness.public_url_problem(url) == verdict


# -- where data lives -------------------------------------------------------------------------------------------
def test_the_default_media_and_sqlite_file_are_inside_the_code_folder(tmp_path):
    from bot.config import DEFAULT_DB, Config
    assert readiness.media_location(Config().MEDIA_DIR, ROOT).inside_code
    assert readiness.database_location(DEFAULT_DB, ROOT).inside_code
    assert not readiness.media_location(str(tmp_path / "media"), ROOT).inside_code


def test_a_symlink_into_the_code_folder_counts_as_inside(tmp_path):
    link = tmp_path / "looks-outside"
    link.symlink_to(ROOT / "instance", target_is_directory=True)
    assert readiness.media_location(str(link / "media"), ROOT).inside_code


def test_writable_is_tried_for_real(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert readiness.media_location(str(tmp_path / "new" / "media"), ROOT).writable  # created on first photo
    assert not readiness.media_location(str(blocker / "media"), ROOT).writable
    assert not readiness.database_location(f"sqlite:///{blocker / 'bot.sqlite3'}", ROOT).writable
    assert list(tmp_path.iterdir()) == [blocker]  # the check left nothing behind


def test_postgresql_has_no_file_to_place():
    loc = readiness.database_location("postgresql+psycopg://u@db.example/bot", ROOT)
    assert loc.path is None and not loc.inside_code and loc.writable
