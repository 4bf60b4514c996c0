"""The web app factory: `create_app()` builds it; nothing connects to anything at import time."""
from __future__ import annotations

import atexit
import logging
import threading
import weakref

from flask import Flask, jsonify

from bot.config import Config

log = logging.getLogger("bot")


class BotState:
    """Per-app singletons: one engine, one gateway, the router and the inbox dispatcher."""

    def __init__(self, config: Config, clock=None):
        from bot.line.gateway import LineGateway
        from bot.pipeline.dispatcher import Dispatcher
        from bot.conversation.router import Router
        from handlers import register_all
        from models import make_engine, utcnow

        self.config = config
        self.engine = make_engine(config.DATABASE_URL)
        self.gateway = LineGateway(config.LINE_API_BASE, config.LINE_CHANNEL_ACCESS_TOKEN or "sandbox",
                                   timeout=config.LINE_TIMEOUT_S)
        self.router = Router()
        register_all(self.router)
        self.dispatcher = Dispatcher(self.engine, self.router, config, self.gateway, clock=clock or utcnow,
                                     threads=config.HANDLER_THREADS, reply_threads=config.REPLY_THREADS)
        self._stop = threading.Event()

    def start_recovery(self, interval_s: float) -> None:
        """Handle events a killed process left behind, now and every `interval_s` seconds."""
        def loop():
            while not self._stop.is_set():
                try:
                    self.dispatcher.recover()
                except Exception:  # noqa: BLE001 - the database may be briefly away; try again later
                    log.exception("inbox recovery failed")
                self._stop.wait(interval_s)
        threading.Thread(target=loop, name="inbox-recovery", daemon=True).start()

    def close(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self.dispatcher.shutdown()
        self.gateway.close()
        self.engine.dispose()


def create_app(config: Config | None = None, *, clock=None, recover_every_s: float | None = 30.0) -> Flask:
    config = config or Config.from_env()
    config.validate()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = Flask("bot", instance_relative_config=True)
    app.config["BOT"] = config
    app.config["MAX_CONTENT_LENGTH"] = config.MAX_BODY_BYTES
    state = BotState(config, clock=clock)
    app.extensions["bot"] = state
    # A gunicorn worker that is told to stop exits through here: the replies already decided go out first.
    # (A weak reference: test runs build many apps and close them themselves.)
    ref = weakref.ref(state)
    atexit.register(lambda: (alive := ref()) is not None and alive.close())

    from bot.web.webhook import bp as webhook_bp
    app.register_blueprint(webhook_bp)
    from bot.web.media import bp as media_bp
    app.register_blueprint(media_bp)
    if config.SANDBOX:
        from bot.dev.simulator import register_simulator
        register_simulator(app)
    from bot.cli import register_cli
    register_cli(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.errorhandler(400)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    def _client_error(err):
        return jsonify(error=getattr(err, "description", str(err))), err.code

    if recover_every_s:
        # Started by the first request, so CLI commands (db-upgrade on an empty database) never run it.
        started = threading.Event()

        @app.before_request
        def _start_recovery_once():
            if not started.is_set():
                started.set()
                state.start_recovery(recover_every_s)
    return app
