from __future__ import annotations

import pytest

from bot.config import Config, ConfigError


def test_production_without_secrets_fails_at_start_naming_them():
    cfg = Config.from_env({"APP_ENV": "production"})
    with pytest.raises(ConfigError) as err:
        cfg.validate()
    assert "LINE_CHANNEL_SECRET" in str(err.value) and "LINE_CHANNEL_ACCESS_TOKEN" in str(err.value)


def test_environment_names_and_defaults():
    cfg = Config.from_env({"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
                           "LINE_API_BASE": "http://127.0.0.1:9/", "DATABASE_URL": "sqlite:///x.db",
                           "PUBLIC_BASE_URL": "https://bot.example/"})
    cfg.validate()
    assert cfg.LINE_API_BASE == "http://127.0.0.1:9" and cfg.PUBLIC_BASE_URL == "https://bot.example"
    assert Config.from_env({}).LINE_API_BASE == "https://api.line.me"
    assert Config.from_env({}).DATABASE_URL.startswith("sqlite:///") and "instance" in Config.from_env({}).DATABASE_URL


def test_sandbox_mode_never_points_at_real_line():
    cfg = Config.from_env({"SANDBOX": "1", "APP_ENV": "development"})
    with pytest.raises(ConfigError):
        cfg.validate()


def test_secrets_are_not_in_the_repr_of_logs(caplog, send, line):
    send("text", "U" + "c" * 32, "สวัสดี")
    assert "test-token" not in caplog.text and "test-channel-secret" not in caplog.text


@pytest.mark.parametrize("base", ["https://api.line.me:443", "http://api.line.me", "https://api.line.me/v2",
                                  " https://api.line.me", "https://API.LINE.ME.", "https://api-data.line.me",
                                  "api.line.me", "https://line.me"])
def test_the_sandbox_is_refused_next_to_any_line_address(base):
    cfg = Config.from_env({"SANDBOX": "1", "APP_ENV": "development", "LINE_API_BASE": base})
    with pytest.raises(ConfigError):
        cfg.validate()


def test_the_sandbox_is_refused_in_production_full_stop():
    cfg = Config.from_env({"SANDBOX": "1", "APP_ENV": "production", "LINE_API_BASE": "http://127.0.0.1:9",
                           "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"})
    with pytest.raises(ConfigError):
        cfg.validate()
    Config.from_env({"SANDBOX": "1", "APP_ENV": "development", "LINE_API_BASE": "http://127.0.0.1:9"}).validate()
    Config.from_env({"SANDBOX": "1", "APP_ENV": "development", "LINE_API_BASE": "http://notline.me.example"}).validate()
