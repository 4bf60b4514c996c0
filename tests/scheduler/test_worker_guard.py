"""In production the worker refuses to start, naming the setting, on what the web process refuses too: an http
or loopback PUBLIC_BASE_URL, a database that is not at the latest migration (issue 18)."""
from __future__ import annotations

import logging

import pytest

from bot.config import Config, ConfigError
from models.db import make_engine
from scheduler import worker
from tests.bot.test_readiness import build, fresh_url  # noqa: F401 - `fresh_url` is a fixture
from tests.conftest import SECRET


def _config(url: str, public: str = "https://bot.example.go.th", **kw) -> Config:
    return Config(APP_ENV="production", LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="t",
                  DATABASE_URL=url, PUBLIC_BASE_URL=public, LEDGER_KEY="k" * 32, **kw)


def _refusal(config: Config) -> str:
    engine = make_engine(config.DATABASE_URL)
    try:
        with pytest.raises(ConfigError) as err:
            worker.production_guards(config, engine)
    finally:
        engine.dispose()
    return str(err.value)


@pytest.mark.parametrize("public, why", [("http://bot.example.go.th", "https://"),
                                         ("https://127.0.0.1:8000", "this machine's own address"),
                                         ("https://localhost", "this machine's own address")])
def test_a_public_address_line_cannot_use_is_refused_by_name(db_url, public, why):
    said = _refusal(_config(db_url, public))
    assert "PUBLIC_BASE_URL" in said and public in said and why in said and "worker" in said


def test_a_database_never_migrated_is_refused_with_the_command_to_run(fresh_url):  # noqa: F811
    build(fresh_url, None)
    said = _refusal(_config(fresh_url))
    assert "DATABASE_URL" in said and "never migrated" in said and "db-upgrade" in said


def test_good_settings_pass_and_data_inside_the_code_folder_is_only_warned_about(db_url, caplog, tmp_path):
    caplog.set_level(logging.WARNING, logger="scheduler")
    engine = make_engine(db_url)
    try:
        worker.production_guards(_config(db_url, MEDIA_DIR=str(tmp_path / "media")), engine)
        assert not caplog.records
        worker.production_guards(_config(db_url), engine)  # MEDIA_DIR's default is inside the code folder
    finally:
        engine.dispose()
    assert any("MEDIA_DIR" in r.getMessage() for r in caplog.records)


def test_python_m_scheduler_exits_naming_the_setting_before_starting_anything(db_url, monkeypatch):
    for name, value in dict(APP_ENV="production", LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="t",
                            DATABASE_URL=db_url, PUBLIC_BASE_URL="http://127.0.0.1:8000", SANDBOX="0").items():
        monkeypatch.setenv(name, value)
    started = []
    monkeypatch.setattr("scheduler.jobs.start_clock", lambda *a, **k: started.append(a))
    monkeypatch.setattr(worker, "run_sender", lambda *a, **k: started.append(a))
    with pytest.raises(SystemExit) as stop:
        worker.main()
    assert "PUBLIC_BASE_URL" in str(stop.value.code) and "https://" in str(stop.value.code)
    assert started == []
