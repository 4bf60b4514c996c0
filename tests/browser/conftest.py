"""The whole demo stack in-process for browser tests: sandbox LINE platform and the web app (SANDBOX mode)
each on a werkzeug thread, a fresh SQLite database with the demo data, and headless Debian Chromium."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlmodel import SQLModel
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
SECRET = "browser-test-secret"



def need_chromium() -> None:
    """The only reason to skip: no Debian Chromium (CI installs it through scripts/system-deps.sh)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install it with `bash scripts/system-deps.sh` (Debian package "
                    "chromium); `playwright install` is not used")


class Stack:
    def __init__(self, tmp: Path):
        import models
        from bot import create_app
        from bot.config import Config
        from bot.dev.sandbox.app import create_sandbox_app
        from bot.dev.sandbox.server import run_in_thread
        from bot.dev.sandbox.state import SandboxState
        from models.db import make_engine

        db_url = f"sqlite:///{tmp / 'sim.sqlite3'}"
        engine = make_engine(db_url)
        SQLModel.metadata.create_all(engine)  # tests build the schema from the models (see CONTRACTS.md)
        engine.dispose()
        assert models.metadata is SQLModel.metadata

        self.line = SandboxState()
        self.sandbox_app = create_sandbox_app(self.line, channel_secret=SECRET)
        self.sandbox = run_in_thread(self.sandbox_app)
        self.config = Config(LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="browser-test-token",
                             LINE_API_BASE=self.sandbox.url, DATABASE_URL=db_url, APP_ENV="test", SANDBOX=True,
                             MEDIA_DIR=str(tmp / "media"), LINE_TIMEOUT_S=5.0)
        self.app = create_app(self.config, recover_every_s=None)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.config.PUBLIC_BASE_URL = self.url
        self.sandbox_app.config["SANDBOX_WEBHOOK_URL"] = self.url + "/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.cli("seed-demo")
        if "richmenu-deploy" in self.app.cli.list_commands(None):
            self.cli("richmenu-deploy")

    def cli(self, *args: str) -> str:
        with self.app.app_context():
            result = self.app.test_cli_runner().invoke(args=list(args))
        assert result.exit_code == 0, f"flask {' '.join(args)} failed:\n{result.output}\n{result.exception!r}"
        return result.output

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.app.extensions["bot"].close()
        self.sandbox.shutdown()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    need_chromium()
    s = Stack(tmp_path_factory.mktemp("simulator"))
    yield s
    s.close()


@pytest.fixture(scope="module")
def browser():
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
