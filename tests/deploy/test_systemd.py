"""The shipped systemd units (deploy/systemd/) pass `systemd-analyze verify` with no complaint at all, and agree with
the nginx site and the env example about where things are."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
NAMES = ["integrity-bot-web.service", "integrity-bot-worker.service", "integrity-bot-handler@.service", "integrity-bot-backup.service",
         "integrity-bot-backup.timer"]


def test_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is missing: install it with `bash scripts/system-deps.sh` (Debian package systemd)")
    env = tmp_path / "env"
    env.write_text("APP_ENV=production\n", encoding="utf-8")
    for name in NAMES:
        text = (UNITS / name).read_text(encoding="utf-8")
        assert "/opt/integrity-bot" in text or name.endswith(".timer")
        # Here the code is this checkout and the venv the one running the tests, not /opt/integrity-bot:
        # verify checks that the ExecStart binaries exist.
        text = (text.replace("/etc/integrity-bot/env", str(env))
                .replace("/opt/integrity-bot/.venv/bin", str(Path(sys.executable).parent))
                .replace("/opt/integrity-bot", str(ROOT)))
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run([analyze, "verify", "--man=no", *[str(tmp_path / n) for n in NAMES]],
                            capture_output=True, text=True, cwd=tmp_path)
    # A misspelt key or a bad value is only a warning (exit 0) to systemd, and then silently ignored: refuse both.
    assert result.returncode == 0 and result.stdout.strip() == "" and result.stderr.strip() == "", \
        result.stdout + result.stderr


def _setting(unit: str, key: str) -> str:
    found = re.findall(rf"^{key}=(.*)$", (UNITS / unit).read_text(encoding="utf-8"), flags=re.M)
    assert len(found) == 1, f"{unit}: expected one {key}="
    return found[0]


def test_gunicorn_listens_where_nginx_sends_requests():
    bind = re.search(r"--bind (\S+)", _setting("integrity-bot-web.service", "ExecStart")).group(1)
    site = (ROOT / "deploy" / "nginx" / "integrity-bot.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream integrity_bot \{[^}]*?server (\S+);", site).group(1)
    assert bind == upstream == "127.0.0.1:8000"  # loopback: nothing reaches gunicorn around nginx


def test_units_run_the_commands_the_readme_documents():
    web = _setting("integrity-bot-web.service", "ExecStart")
    assert "gunicorn -c gunicorn.conf.py" in web and web.endswith("bot:create_app()")
    assert _setting("integrity-bot-worker.service", "ExecStart").endswith("/python -m scheduler")
    backup = _setting("integrity-bot-backup.service", "ExecStart")
    assert "deploy/backup.py backup /var/backups/integrity-bot" in backup
    assert (ROOT / "deploy" / "backup.py").exists()
    assert _setting("integrity-bot-backup.timer", "Unit") == "integrity-bot-backup.service"


def test_data_lives_where_the_units_let_the_app_write():
    # ProtectSystem=strict makes everything read-only except the StateDirectory (/var/lib/integrity-bot):
    # the env example must put the SQLite file (if used) and the media there, or writes fail at run time.
    env = (ROOT / "deploy" / "env.example").read_text(encoding="utf-8")
    for unit in ("integrity-bot-web.service", "integrity-bot-worker.service"):
        assert _setting(unit, "ProtectSystem") == "strict" and _setting(unit, "StateDirectory") == "integrity-bot"
    media = re.search(r"^MEDIA_DIR=(\S+)$", env, flags=re.M).group(1)
    assert media.startswith("/var/lib/integrity-bot/")
