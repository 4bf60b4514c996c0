"""The newcomer's first ten minutes in the demo: the simulator shows invite codes that register, runs the clock's
jobs now (quiet hours and the Monday digest schedule ignored) and the pushes reach the chats; the CLI reaches the
demo's database with one line and a missing setting is one line, not a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.conversation.postback import encode
from bot.dev.demo.seed import fake_line_id, seed
from bot.line.outbox import enqueue
from models.core import Bureau, OutboxMessage, User, utcnow
from models.onboarding import InviteCode
from tests.conftest import texts_to

ROOT = Path(__file__).resolve().parents[3]
NEW = "U" + "a" * 32


@pytest.fixture()
def config(config):
    config.SANDBOX = True  # the simulator and the dev CLI exist only in the demo
    return config


@pytest.fixture()
def seeded(db):
    with db() as s:
        seed(s, echo=lambda *_: None)


def test_page_lists_a_code_per_bureau_that_registers_a_new_user(client, send, line, db, seeded):
    body = client.get("/sim/api/demo").get_json()
    assert "ลงทะเบียน" in body["howToRegister"] and "ยินยอม" in body["howToRegister"]
    assert {i["bureauCode"] for i in body["invites"]} == {"INNOV", "COMMU", "RESOU"}
    innov = next(i for i in body["invites"] if i["bureauCode"] == "INNOV")
    assert innov["bureau"] == "สำนักนวัตกรรมและข้อมูลโปร่งใส"

    send("follow", NEW)
    send("text", NEW, "ลงทะเบียน")
    send("postback", NEW, encode("consent.yes"))
    send("text", NEW, innov["code"])
    send("text", NEW, "ทดลอง ใจดี")
    send("text", NEW, "นาย")  # the title (คำนำหน้า) step
    send("text", NEW, "นักวิชาการทดลองงาน")
    send("postback", NEW, encode("reg.confirm"))
    assert any("ลงทะเบียนเรียบร้อย" in t for t in texts_to(line, NEW))
    with db() as s:
        u = s.exec(select(User).where(User.line_user_id == NEW)).one()
        assert u.status == "registered"
        assert s.get(Bureau, u.bureau_id).code == "INNOV"
        assert s.exec(select(InviteCode).where(InviteCode.code == innov["code"])).one().uses == 1


def test_revoked_codes_are_not_shown(client, db, seeded):
    with db() as s:
        inv = s.exec(select(InviteCode).join(Bureau).where(Bureau.code == "COMMU")).first()
        inv.revoked = True
    codes = {i["bureauCode"] for i in client.get("/sim/api/demo").get_json()["invites"]}
    assert codes == {"INNOV", "RESOU"}


def test_no_simulator_and_no_demo_cli_outside_the_demo(db_url, line, tmp_path):
    from bot import create_app
    from bot.config import Config

    app = create_app(Config(LINE_CHANNEL_SECRET="s", LINE_CHANNEL_ACCESS_TOKEN="t", LINE_API_BASE=line.url,
                            DATABASE_URL=db_url, APP_ENV="production", MEDIA_DIR=str(tmp_path),
                            PUBLIC_BASE_URL="https://bot.example.go.th"),
                     recover_every_s=None)
    try:
        client = app.test_client()
        assert client.get("/sim/api/demo").status_code == 404
        assert client.post("/sim/api/jobs/run", json={}).status_code == 404
        assert "jobs" not in app.cli.list_commands(None)
    finally:
        app.extensions["bot"].close()


def test_run_jobs_now_sends_the_digest_and_releases_held_pushes(client, line, db, seeded):
    committee = fake_line_id("committee1")
    staff = fake_line_id("staff-commu-1")
    with db() as s:  # what quiet hours do to a push at night: the row waits until morning
        enqueue(s, "test:held-invite", [staff], [{"type": "text", "text": "เชิญร่วมกิจกรรมทดสอบครับ"}],
                not_before=utcnow() + timedelta(hours=10))

    out = client.post("/sim/api/jobs/run", json={}).get_json()
    assert set(out["jobs"]) >= {"digest", "reminders", "campaigns"}
    assert out["jobs"]["digest"] >= 1, out
    assert out["released"] == 1 and out["sent"] >= 2
    assert any("สรุป" in t for t in texts_to(line, committee)), texts_to(line, committee)
    assert "เชิญร่วมกิจกรรมทดสอบครับ" in texts_to(line, staff)
    with db() as s:
        pending = s.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        assert not pending, [r.key for r in pending]

    again = client.post("/sim/api/jobs/run", json={"jobs": ["digest"]}).get_json()
    assert again["jobs"] == {"digest": 0} and again["sent"] == 0  # the worker's own keys: never twice

    assert client.post("/sim/api/jobs/run", json={"jobs": ["nosuch"]}).status_code == 400


def test_cli_jobs_run_now(app, line, seeded):
    runner = app.test_cli_runner()
    res = runner.invoke(args=["jobs", "run", "digest", "--now"])
    assert res.exit_code == 0, res.output
    assert "digest:" in res.output and "0 outbox" not in res.output
    assert any("สรุป" in t for t in texts_to(line, fake_line_id("committee2")))
    res = runner.invoke(args=["jobs", "run", "digest", "--now"])
    assert "nothing new" in res.output
    res = runner.invoke(args=["jobs", "run", "nosuch", "--now"])
    assert res.exit_code == 1 and "no job nosuch" in res.output and "Traceback" not in res.output


def test_cli_without_settings_is_one_line_naming_the_demo_command():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "APP_ENV", "SANDBOX", "DATABASE_URL"))}
    res = subprocess.run([sys.executable, "-m", "flask", "--app", "bot", "invite", "list"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr, res.stderr
    assert res.stderr.strip().count("\n") == 0 and "LINE_CHANNEL_SECRET" in res.stderr
    assert "python -m bot.dev.demo flask" in res.stderr


def test_demo_env_for_the_cli_has_the_database_and_no_secrets(tmp_path, monkeypatch):
    from bot.dev.demo import __main__ as demo

    monkeypatch.setattr(demo, "DEMO_ENV", tmp_path / "demo.env")
    d = demo.Demo(8765, 8766, "sqlite:////tmp/elsewhere.sqlite3")
    d.write_cli_env()
    text = (tmp_path / "demo.env").read_text(encoding="utf-8")
    assert "DATABASE_URL=sqlite:////tmp/elsewhere.sqlite3" in text and "LINE_API_BASE=http://127.0.0.1:8766" in text
    assert "SECRET" not in text and "TOKEN" not in text
    env = demo.cli_env({"PATH": "/bin", "DATABASE_URL": "postgresql://other"})
    assert env["DATABASE_URL"] == "sqlite:////tmp/elsewhere.sqlite3" and env["SANDBOX"] == "1"
    (tmp_path / "demo.env").unlink()
    assert demo.cli_env({"PATH": "/bin"})["DATABASE_URL"] == f"sqlite:///{demo.DEMO_DB}"


def test_the_demo_personas_keep_their_title_apart(send, line, db, seeded):
    """issue 14: the demo showed "อนุมัติคุณนายสมชาย…" because the titles were part of the names."""
    with db() as s:
        admin = s.exec(select(User).where(User.line_user_id == fake_line_id("admin"))).one()
        assert (admin.title, admin.full_name, admin.display_name) == ("นาย", "ธนกร ศรีสุจริต", "ธนกร")
        assert all(not u.full_name.startswith(("นาย", "นาง")) for u in s.exec(select(User)))
