"""/healthz (alive) and /readyz (database reachable and migrated, worker heartbeat fresh), and the production
start-up guards: an http or loopback PUBLIC_BASE_URL, or a database not at the latest migration, stop the web
process naming the setting; the CLI still runs (db-upgrade fixes the database); seed-demo does not exist."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup

from bot import create_app
from bot.config import ROOT, Config, ConfigError
from bot.services import readiness
from bot.services.ops_status import write_heartbeat
from models.db import make_engine
from tests.bot.test_readiness import build, fresh_url, previous_revision, unreachable_url  # noqa: F401 - fixture
from tests.conftest import SECRET

PUBLIC = "https://bot.example.go.th"  # invented address


def prod(line, db_url, tmp_path, **kw) -> Config:
    settings = dict(LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="t", LINE_API_BASE=line.url,
                    DATABASE_URL=db_url, APP_ENV="production", PUBLIC_BASE_URL=PUBLIC, MEDIA_DIR=str(tmp_path / "m"))
    settings.update(kw)
    return Config(**settings)


# -- /healthz and /readyz ----------------------------------------------------------------------------------
def test_readyz_is_ok_when_migrated_and_the_worker_is_beating(client, db, clock):
    with db() as s:
        write_heartbeat(s, clock() - timedelta(seconds=50), "worker-1", 99)
    resp = client.get("/readyz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}


def test_readyz_is_503_naming_a_silent_worker(client, db, clock):
    with db() as s:
        write_heartbeat(s, clock() - timedelta(minutes=10), "worker-1", 99)
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json() == {"status": "unavailable",
                               "problems": {"worker": "last heartbeat 10 minutes ago (stale after 3)"}}
    assert client.get("/healthz").status_code == 200  # alive all the same: restarting the web would not help


def test_readyz_and_healthz_on_a_database_never_migrated(fresh_url, line, tmp_path):
    """The review's case: APP_ENV's guard aside, a fresh database with no db-upgrade is not ready."""
    app = create_app(Config(LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="t", LINE_API_BASE=line.url,
                            DATABASE_URL=fresh_url, APP_ENV="test", MEDIA_DIR=str(tmp_path)), recover_every_s=None)
    try:
        client = app.test_client()
        assert client.get("/healthz").get_json() == {"status": "ok"}
        resp = client.get("/readyz")
        assert resp.status_code == 503 and set(resp.get_json()["problems"]) == {"migrations"}
        assert "db-upgrade" in resp.get_json()["problems"]["migrations"]
    finally:
        app.extensions["bot"].close()


def test_healthz_needs_no_database_and_readyz_names_it(line, tmp_path):
    app = create_app(Config(LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="t", LINE_API_BASE=line.url,
                            DATABASE_URL=unreachable_url(tmp_path), APP_ENV="test", MEDIA_DIR=str(tmp_path)),
                     recover_every_s=None)
    try:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        resp = client.get("/readyz")
        assert resp.status_code == 503
        assert resp.get_json()["problems"] == {"database": "unreachable (OperationalError)"}
    finally:
        app.extensions["bot"].close()


# -- production guards -----------------------------------------------------------------------------------
def start(cfg: Config):
    app = create_app(cfg, recover_every_s=None)
    app.extensions["bot"].close()
    return app


def test_production_starts_with_https_and_a_migrated_database(line, db_url, tmp_path):
    start(prod(line, db_url, tmp_path))


@pytest.mark.parametrize("url, why", [
    ("http://127.0.0.1:8000", "must start with https://"),   # the old default
    ("http://bot.example.go.th", "must start with https://"),
    ("https://127.0.0.1", "cannot reach"),
    ("https://localhost", "cannot reach"),
])
def test_production_refuses_a_public_url_line_cannot_use(line, db_url, tmp_path, url, why):
    with pytest.raises(ConfigError) as err:
        start(prod(line, db_url, tmp_path, PUBLIC_BASE_URL=url))
    assert "PUBLIC_BASE_URL" in str(err.value) and why in str(err.value) and url in str(err.value)


def test_the_default_public_url_is_refused_in_production():
    assert readiness.public_url_problem(Config().PUBLIC_BASE_URL) == "http"


def test_production_refuses_a_database_never_migrated(fresh_url, line, tmp_path):
    with pytest.raises(ConfigError) as err:
        start(prod(line, fresh_url, tmp_path))
    msg = str(err.value)
    assert "DATABASE_URL" in msg and "never migrated" in msg and "db-upgrade" in msg


def test_production_refuses_a_database_one_migration_behind(fresh_url, line, tmp_path):
    build(fresh_url, previous_revision())
    with pytest.raises(ConfigError) as err:
        start(prod(line, fresh_url, tmp_path))
    assert f"at migration {previous_revision()}" in str(err.value)


def test_production_names_every_refusal_at_once(fresh_url, line, tmp_path):
    with pytest.raises(ConfigError) as err:
        start(prod(line, fresh_url, tmp_path, PUBLIC_BASE_URL="http://bot.example.go.th"))
    assert "PUBLIC_BASE_URL" in str(err.value) and "DATABASE_URL" in str(err.value)


def test_production_refuses_an_unreachable_database(line, tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_URL: the database cannot be reached"):
        start(prod(line, unreachable_url(tmp_path), tmp_path))


def test_production_warns_about_media_inside_the_code_folder(line, db_url, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="bot"):
        start(prod(line, db_url, tmp_path, MEDIA_DIR=str(ROOT / "instance" / "media")))
    assert any("MEDIA_DIR" in r.getMessage() and "inside the code folder" in r.getMessage() for r in caplog.records)


def test_a_test_app_is_not_guarded(fresh_url, line, tmp_path):
    start(prod(line, fresh_url, tmp_path, APP_ENV="test", PUBLIC_BASE_URL="http://127.0.0.1:8000"))


def cli(cfg: Config, *args: str):
    """`flask --app bot …` as an operator types it: the app is built inside the command line's context."""
    group = FlaskGroup(create_app=lambda: create_app(cfg, recover_every_s=None))
    return CliRunner().invoke(group, list(args), catch_exceptions=False)


def test_db_upgrade_runs_in_production_on_the_database_it_fixes(fresh_url, line, tmp_path):
    cfg = prod(line, fresh_url, tmp_path)
    result = cli(cfg, "db-upgrade")
    assert result.exit_code == 0 and "latest schema" in result.output, result.output
    engine = make_engine(fresh_url)
    assert readiness.migration_status(engine).at_latest
    engine.dispose()
    start(cfg)  # and now the web process starts


def test_the_cli_warns_where_the_web_process_refuses(line, db_url, tmp_path):
    result = cli(prod(line, db_url, tmp_path, PUBLIC_BASE_URL="http://bot.example.go.th"), "db-upgrade")
    assert result.exit_code == 0
    assert "warning: PUBLIC_BASE_URL" in result.output and "flask --app bot doctor" in result.output


def test_seed_demo_does_not_exist_in_production(line, db_url, tmp_path):
    result = cli(prod(line, db_url, tmp_path), "seed-demo")
    assert result.exit_code == 2 and "No such command 'seed-demo'" in result.output
