"""deploy/env.example (the systemd EnvironmentFile an operator copies) names every setting the app reads, no setting
it does not, and its lines as shipped are read by the app without error."""
from __future__ import annotations

import re
import shlex
from dataclasses import fields
from pathlib import Path

from bot.config import Config

ENV = Path(__file__).resolve().parents[2] / "deploy" / "env.example"
NOT_CONFIG = {"HTTPS_PROXY"}  # read by the gateway from the environment as the usual proxy variable


def lines() -> list[tuple[bool, str, str]]:
    out = []
    for raw in ENV.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", raw)
        if m:
            out.append((m[1] == "", m[2], m[3]))
    return out


def test_every_setting_is_in_the_env_example():
    named = {name for _, name, _ in lines()}
    missing = sorted({f.name for f in fields(Config)} - named)
    assert not missing, f"add to deploy/env.example (and README's settings table): {', '.join(missing)}"
    unknown = sorted(named - {f.name for f in fields(Config)} - NOT_CONFIG)
    assert not unknown, f"deploy/env.example names settings the app does not read: {', '.join(unknown)}"


def test_each_setting_appears_once():
    names = [name for _, name, _ in lines()]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_the_shipped_lines_are_read_by_the_app():
    # As systemd reads them: active lines only, quotes removed.
    env = {name: " ".join(shlex.split(value)) for active, name, value in lines() if active}
    cfg = Config.from_env(env)
    assert cfg.APP_ENV == "production"
    assert cfg.PUBLIC_BASE_URL.startswith("https://") and cfg.MEDIA_DIR.startswith("/var/lib/integrity-bot/")
    assert cfg.DATABASE_URL.startswith("postgresql+psycopg://")
    # Commented lines show the defaults, values that parse too (an int setting with a word would stop the app).
    commented = {name: " ".join(shlex.split(value)) for active, name, value in lines()
                 if not active and name not in NOT_CONFIG}
    Config.from_env(commented)
    # Secrets ship empty: a placeholder would be taken for a real secret; empty, the app names what is missing.
    for secret in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "LEDGER_KEY"):
        assert env.get(secret, "") == ""
