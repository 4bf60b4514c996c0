"""`flask --app bot doctor` against the sandbox LINE platform: every check passes with correct settings, and each
wrong setting is named with its fix and exit code 1. The bot is served on a thread at its (invented) public https
address, which the sandbox resolves to the thread's port, so LINE's test call really reaches /callback."""
from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from bot import create_app
from bot.cli import doctor as doc
from bot.config import ROOT, Config
from bot.dev.sandbox.app import create_sandbox_app
from bot.dev.sandbox.server import run_in_thread
from bot.dev.sandbox.state import SandboxState
from bot.services.ops_status import write_heartbeat
from models.db import session_scope
from tests.bot.test_readiness import build, fresh_url, previous_revision  # noqa: F401 - fixture

SECRET = "doctor-test-secret"
HOST = "bot.example.go.th"  # invented public name of the office's bot
PUBLIC = f"https://{HOST}"
ALL = [c.english for c in doc.CHECKS]


@pytest.fixture(scope="module")
def sandbox():
    state = SandboxState()
    app = create_sandbox_app(state, channel_secret=SECRET)
    server = run_in_thread(app)
    yield SimpleNamespace(app=app, state=state, url=server.url)
    server.shutdown()


class Stack:
    """The bot served on a thread, LINE's webhook set to its public address, the worker beating."""

    def __init__(self, sandbox, db_url, tmp_path, **settings):
        sandbox.state.reset()
        values = dict(LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="doctor-token", LINE_API_BASE=sandbox.url,
                      DATABASE_URL=db_url, PUBLIC_BASE_URL=PUBLIC, APP_ENV="test", MEDIA_DIR=str(tmp_path / "media"),
                      LINE_TIMEOUT_S=5.0)
        values.update(settings)
        self.config = Config(**values)
        self.app = create_app(self.config, recover_every_s=None)
        self.bot = self.app.extensions["bot"]
        self.arrived: list[tuple[str, str, str]] = []  # (method, path, Host) of each request the server got

        def served(environ, start_response):
            self.arrived.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_HOST", "")))
            return self.app(environ, start_response)
        self.server = make_server("127.0.0.1", 0, served, threaded=True)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        sandbox.app.config.update(SANDBOX_WEBHOOK_URL=PUBLIC + "/callback", SANDBOX_WEBHOOK_ACTIVE=True,
                                  SANDBOX_CHANNEL_SECRET=SECRET,
                                  SANDBOX_RESOLVE={HOST: f"http://127.0.0.1:{self.server.server_port}"})
        self.sandbox = sandbox

    def beat(self, minutes_ago: float = 0.5) -> None:
        with session_scope(self.bot.engine) as s:
            write_heartbeat(s, self.bot.clock() - timedelta(minutes=minutes_ago), "worker-1", 1234)

    def run(self):
        result = self.app.test_cli_runner().invoke(args=["doctor"])
        return result.exit_code, result.output

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.bot.close()


@pytest.fixture()
def stack(sandbox, db_url, tmp_path):
    made = []

    def make(url=None, **settings):
        s = Stack(sandbox, url or db_url, tmp_path, **settings)
        s.beat()
        made.append(s)
        return s
    yield make
    for s in made:
        s.close()


def rows(output: str) -> dict[str, str]:
    """English check name -> "OK" or "ปัญหา", from the table."""
    found = {}
    for line in output.splitlines():
        for name in ALL:
            if f"/ {name}" in line:
                found[name] = line.split()[0]
    return found


def problems(output: str) -> list[str]:
    return [name for name, verdict in rows(output).items() if verdict != "OK"]


def test_every_check_passes_with_correct_settings(stack):
    code, out = stack().run()
    assert code == 0, out
    assert rows(out) == {name: "OK" for name in ALL}
    assert "ผ่านทุกข้อ" in out and "โทเคนของช่อง" in out  # Thai and English names of each check
    assert "บอตทดลอง" in out and f"{PUBLIC}/callback" in out


def test_the_test_call_really_reached_the_bot(stack):
    s = stack()
    code, out = s.run()
    assert code == 0
    assert s.arrived == [("POST", "/callback", HOST)]  # LINE's test event, through the "proxy" by its public name


def test_a_token_line_refuses(stack):
    s = stack()
    s.sandbox.state.set_faults(fail_rate=1.0, fail_statuses=[401], only_paths=["/v2/bot/info"])
    code, out = s.run()
    assert code == 1 and problems(out) == ["Channel access token (bot info)"]
    assert "401" in out and "LINE_CHANNEL_ACCESS_TOKEN" in out


def test_the_webhook_set_at_line_is_another_server(stack):
    s = stack()
    s.bot.gateway.set_webhook_endpoint("https://old-server.example.go.th/callback")
    code, out = s.run()
    assert code == 1 and problems(out) == ["Webhook URL set at LINE"]
    assert "https://old-server.example.go.th/callback" in out and "Verify" in out


def test_use_webhook_switched_off(stack):
    s = stack()
    s.sandbox.app.config["SANDBOX_WEBHOOK_ACTIVE"] = False
    code, out = s.run()
    assert code == 1 and problems(out) == ["Webhook URL set at LINE"] and "Use webhook" in out


def test_a_channel_secret_that_does_not_match(stack):
    s = stack()
    s.config.LINE_CHANNEL_SECRET = "a-secret-from-another-channel"  # the bot now refuses LINE's signature
    code, out = s.run()
    assert code == 1 and problems(out) == ["LINE's test call reaches the webhook"]
    assert "400" in out and "LINE_CHANNEL_SECRET" in out


def test_a_server_line_cannot_reach(stack):
    s = stack()
    s.sandbox.app.config["SANDBOX_RESOLVE"] = {HOST: "http://127.0.0.1:9"}  # DNS points where nothing listens
    code, out = s.run()
    assert code == 1 and problems(out) == ["LINE's test call reaches the webhook"]
    assert "COULD_NOT_CONNECT" in out and "self-signed" in out


def test_an_http_public_url(stack):
    s = stack(PUBLIC_BASE_URL=f"http://{HOST}")
    code, out = s.run()
    assert code == 1 and "PUBLIC_BASE_URL is public https" in problems(out)
    assert "https://" in out  # the fix names the address to set


def test_a_loopback_public_url(stack):
    code, out = stack(PUBLIC_BASE_URL="https://127.0.0.1").run()
    assert code == 1 and "PUBLIC_BASE_URL is public https" in problems(out)


def test_a_database_one_migration_behind(stack, fresh_url):
    build(fresh_url, previous_revision())
    code, out = stack(fresh_url).run()
    assert code == 1 and problems(out) == ["Database at the latest migration"]
    assert "db-upgrade" in out and previous_revision() in out


def test_missing_fonts(stack, monkeypatch, tmp_path):
    monkeypatch.setattr(doc, "_font_files", lambda: [tmp_path / "Sarabun-Regular.ttf"])
    code, out = stack().run()
    assert code == 1 and problems(out) == ["Thai fonts and shaping"] and "Sarabun-Regular.ttf" in out


def test_no_raqm_for_thai_shaping(stack, monkeypatch):
    monkeypatch.setattr(doc, "_raqm", lambda: False)
    code, out = stack().run()
    assert code == 1 and problems(out) == ["Thai fonts and shaping"] and "libfribidi" in out


def test_media_inside_the_code_folder(stack):
    code, out = stack(MEDIA_DIR=str(ROOT / "instance" / "media")).run()
    assert code == 1 and problems(out) == ["Media folder outside the code, writable"] and "MEDIA_DIR" in out


def test_media_not_writable(stack, tmp_path):
    (tmp_path / "a-file").write_text("x")
    code, out = stack(MEDIA_DIR=str(tmp_path / "a-file" / "media")).run()
    assert code == 1 and problems(out) == ["Media folder outside the code, writable"]


def test_database_location_check():
    run = lambda url: doc.check_database_location(SimpleNamespace(DATABASE_URL=url), None)  # noqa: E731
    assert run("postgresql+psycopg://u@db.example/bot").ok
    inside = run(f"sqlite:///{ROOT / 'instance' / 'bot.sqlite3'}")
    assert not inside.ok and "DATABASE_URL" in inside.fix


def test_database_not_writable(tmp_path):
    (tmp_path / "a-file").write_text("x")
    res = doc.check_database_location(SimpleNamespace(DATABASE_URL=f"sqlite:///{tmp_path / 'a-file' / 'b.db'}"), None)
    assert not res.ok and "เขียน" in res.detail
    assert doc.check_database_location(SimpleNamespace(DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}"), None).ok


def test_a_worker_that_stopped(stack):
    s = stack()
    s.beat(minutes_ago=12)
    code, out = s.run()
    assert code == 1 and problems(out) == ["Worker heartbeat fresh"] and "12 นาที" in out


def test_a_worker_that_never_ran(stack, fresh_url):
    build(fresh_url, "head")
    made = stack(fresh_url)
    with session_scope(made.bot.engine) as db:  # forget the beat the fixture wrote
        from models.worker import WorkerSetting
        db.delete(db.get(WorkerSetting, "worker_heartbeat"))
    code, out = made.run()
    assert code == 1 and problems(out) == ["Worker heartbeat fresh"] and "python -m scheduler" in out


def test_no_quota_left(stack):
    s = stack()
    s.sandbox.state.set_quota(200)
    s.sandbox.state.usage = 200
    code, out = s.run()
    assert code == 1 and problems(out) == ["Message quota left"] and "200 จาก 200" in out


def test_quota_left_is_shown(stack):
    s = stack()
    s.sandbox.state.set_quota(1000)
    s.sandbox.state.usage = 150
    code, out = s.run()
    assert code == 0 and "เหลือ 850 จาก 1,000" in out


def test_every_problem_is_named_at_the_end(stack, monkeypatch):
    s = stack(MEDIA_DIR=str(ROOT / "instance" / "media"))
    s.beat(minutes_ago=30)
    code, out = s.run()
    summary = out.strip().splitlines()[-1]
    assert code == 1 and "พบปัญหา 2 ข้อ" in summary
    assert "Media folder outside the code, writable" in summary and "Worker heartbeat fresh" in summary


def test_doctor_runs_in_production_where_the_web_process_would_refuse(sandbox, db_url, tmp_path):
    """Operators run it exactly when something is wrong: the start-up guard only warns on the command line."""
    from click.testing import CliRunner
    from flask.cli import FlaskGroup
    import dataclasses
    s = Stack(sandbox, db_url, tmp_path)  # serves /callback
    try:
        s.beat()
        cfg = dataclasses.replace(s.config, APP_ENV="production", PUBLIC_BASE_URL=f"http://{HOST}")
        group = FlaskGroup(create_app=lambda: create_app(cfg, recover_every_s=None))
        result = CliRunner().invoke(group, ["doctor"])
        assert result.exit_code == 1 and "PUBLIC_BASE_URL is public https" in problems(result.output)
    finally:
        s.close()
