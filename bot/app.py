"""The web app factory: `create_app()` builds it; nothing connects to anything at import time."""
from __future__ import annotations

import logging
from flask import Flask, jsonify

from bot.config import Config, ConfigError


class BotState:
    """Per-app singletons: one engine, one gateway, the router and the event pipeline (its dispatcher)."""

    def __init__(self, config: Config, clock=None):
        from bot.conversation.router import Router
        from bot.line.gateway import LineGateway
        from bot.pipeline import Pipeline
        from handlers import register_all
        from models import make_engine, utcnow

        self.config = config
        self.clock = clock or utcnow  # the routes' "now" (signed photo links expire by it)
        self.engine = make_engine(config.DATABASE_URL)
        self.gateway = LineGateway.from_config(config)  # token kind (renewed tokens) and proxy from the settings
        self.router = Router()
        register_all(self.router)
        self.pipeline = Pipeline(self.engine, self.router, config, self.gateway, clock or utcnow)
        self.dispatcher = self.pipeline.dispatcher
        self._closed = False

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.pipeline.stop()
        self.gateway.close()
        self.engine.dispose()


def _init_web(app: Flask, config: Config) -> None:
    from bot.web.media import bp as media_bp
    from bot.web.webhook import bp as webhook_bp
    app.register_blueprint(webhook_bp)
    app.register_blueprint(media_bp)
    from bot.web.console import init_console
    init_console(app, config)
    if config.SANDBOX:
        from bot.dev.simulator import register_simulator
        register_simulator(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.errorhandler(400)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    def _client_error(err):
        return jsonify(error=getattr(err, "description", str(err))), err.code


def create_app(config: Config | None = None, *, clock=None, recover_every_s: float | None = 30.0) -> Flask:
    """Logging is the entry point's job (gunicorn.conf.py, CLI commands), not the factory's."""
    from bot import cli, pipeline

    config = config or Config.from_env()
    try:
        config.validate()
    except ConfigError as exc:
        import click
        if click.get_current_context(silent=True) is None:
            raise  # gunicorn, the worker: the exception names what is missing
        # `flask --app bot …`: one line instead of Flask's traceback of the app factory
        raise click.ClickException(f"{exc}. For the demo's database: python -m bot.dev.demo flask <command>") \
            from None
    from bot.services import ledger
    ledger.use_key(config.LEDGER_KEY)  # the chain's HMAC key: services take it as a parameter, never from config
    if not config.LEDGER_KEY and config.APP_ENV == "production":
        logging.getLogger("bot").warning("LEDGER_KEY is not set: the good-deed ledger is keyed with the public "
                                         "development key, so an insider could rewrite it undetected")
    app = Flask("bot", instance_relative_config=True)
    app.config["BOT"] = config
    app.config["MAX_CONTENT_LENGTH"] = config.MAX_BODY_BYTES
    state = BotState(config, clock=clock)
    app.extensions["bot"] = state
    pipeline.init_app(app, state, recover_every_s)
    _init_web(app, config)
    cli.register_cli(app)
    return app
