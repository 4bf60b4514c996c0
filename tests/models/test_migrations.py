"""`flask --app bot db-upgrade` (Alembic) builds exactly the schema the models describe, on both databases."""
from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

import models
from models.db import make_engine
from models.migrate import upgrade
from tests.conftest import PG


@pytest.fixture()
def fresh_url(tmp_path):
    if not PG:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    base = os.environ["DATABASE_URL"]
    name = f"migcheck_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_matches_the_models_and_is_repeatable(fresh_url):
    upgrade(fresh_url)
    upgrade(fresh_url)  # running it again changes nothing and does not fail
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), models.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; regenerate the revision: {diff}"


def test_cli_db_upgrade(fresh_url, tmp_path):
    from bot import create_app
    from bot.config import Config

    app = create_app(Config(DATABASE_URL=fresh_url, APP_ENV="test", LINE_API_BASE="http://127.0.0.1:9",
                            MEDIA_DIR=str(tmp_path)), recover_every_s=None)
    result = app.test_cli_runner().invoke(args=["db-upgrade"])
    app.extensions["bot"].close()
    assert result.exit_code == 0, result.output
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inboxevent")).scalar() == 0
    engine.dispose()
