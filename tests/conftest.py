"""Shared fixtures: a database (SQLite file, or PostgreSQL when DATABASE_URL says so), the sandbox LINE
platform in a thread, the app wired to both, and `send` to post signed webhook events like LINE does."""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

import models
from bot import create_app
from bot.config import Config
from bot.dev.sandbox import events as ev
from bot.dev.sandbox.app import create_sandbox_app
from bot.dev.sandbox.server import run_in_thread
from bot.dev.sandbox.state import SandboxState
from models.db import make_engine, session_scope

SECRET = "test-channel-secret"
PG = os.environ.get("DATABASE_URL", "").startswith("postgresql")


class Clock:
    """The app's clock (aware UTC). Real time unless a test fixes it; tests never sleep to move it."""

    def __init__(self):
        self.fixed: datetime | None = None

    def __call__(self) -> datetime:
        return self.fixed or datetime.now(timezone.utc)

    def set(self, value: datetime) -> None:
        assert value.tzinfo is not None, "use aware datetimes"
        self.fixed = value.astimezone(timezone.utc)

    def advance(self, **kw) -> None:
        self.fixed = self() + timedelta(**kw)

    def ms(self) -> int:
        return int(self().timestamp() * 1000)


@pytest.fixture(scope="session")
def _schema_engine(tmp_path_factory):
    url = os.environ.get("DATABASE_URL") if PG else f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = make_engine(url)
    if PG:
        SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)  # tests only; production uses `flask db-upgrade` (Alembic)
    # create_all builds the latest migration's schema (tests/models/test_migrations.py holds them equal): say so,
    # as the demo does, so an APP_ENV=production app passes its start-up migration check (bot/app.py)
    from alembic import command
    from models.migrate import alembic_config
    command.stamp(alembic_config(url), "head")
    yield url, engine
    engine.dispose()


@pytest.fixture()
def db_url(_schema_engine):
    url, engine = _schema_engine
    tables = [t.name for t in reversed(models.metadata.sorted_tables)]
    with engine.begin() as conn:
        if PG:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))
    return url


@pytest.fixture(scope="session")
def _line_server():
    state = SandboxState()
    server = run_in_thread(create_sandbox_app(state, channel_secret=SECRET))
    yield server, state
    server.shutdown()


@pytest.fixture()
def line(_line_server):
    """The sandbox LINE platform's state: what was delivered, faults, quota, content."""
    server, state = _line_server
    state.reset()
    state.url = server.url
    return state


@pytest.fixture()
def clock():
    return Clock()


@pytest.fixture()
def config(db_url, line, tmp_path):
    return Config(LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="test-token", LINE_API_BASE=line.url,
                  DATABASE_URL=db_url, PUBLIC_BASE_URL="http://bot.test", APP_ENV="test",
                  MEDIA_DIR=str(tmp_path / "media"), LINE_TIMEOUT_S=2.0)


@pytest.fixture()
def app(config, clock):
    app = create_app(config, clock=clock, recover_every_s=None)
    yield app
    app.extensions["bot"].close()


@pytest.fixture()
def bot(app):
    return app.extensions["bot"]


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def db(bot):
    """A session for assertions and setup; commits on exit of each `with db_session()` block."""
    return lambda: session_scope(bot.engine)


def post_signed(client, body: dict | bytes, secret: str = SECRET, header: str = "X-Line-Signature"):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return client.post("/callback", data=raw, headers={header: ev.sign(raw, secret), "Content-Type": "application/json"})


@pytest.fixture()
def send(client, bot, line, clock):
    """send(event_dict) or send("text", user, text) → posts it signed, waits until handled, returns the response."""

    def _send(kind_or_event, user_id: str | None = None, value=None, wait: bool = True, issue_token: bool = True,
              **kw):
        if isinstance(kind_or_event, dict):
            event = kind_or_event
        else:
            kw.setdefault("timestamp_ms", clock.ms())
            builder = getattr(ev, f"{kind_or_event}_event")
            event = builder(user_id, value, **kw) if value is not None else builder(user_id, **kw)
        if event.get("replyToken") and issue_token:
            line.issue_reply_token(event["source"]["userId"], event["replyToken"])
        resp = post_signed(client, ev.callback_body([event]))
        if wait:
            assert bot.dispatcher.wait_idle(10), "event handling did not finish"
        return resp

    return _send


def _actions(msg, kind: str) -> list[dict]:
    """Every action (or node) of this type in a message, Flex buttons and quick replies alike, in order."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == kind:
                out.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(msg)
    return out


def postbacks(msg) -> list[tuple[str, dict]]:
    """Every postback button in a message (Flex buttons and quick replies), decoded, in order."""
    from bot.conversation.postback import decode
    return [decode(a["data"]) for a in _actions(msg, "postback")]


def uris(msg) -> list[str]:
    """Every URI action's address in a message (Flex buttons and quick replies), in order."""
    return [a["uri"] for a in _actions(msg, "uri")]


def texts_to(line, user_id: str) -> list[str]:
    """Every text the user received (plain texts and Flex alt texts), in order."""
    return [m.get("text") or m.get("altText") or "" for m in line.messages_for(user_id)]
