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
    from bot.web.metrics import init_metrics
    init_metrics(app)  # /metrics: off unless METRICS_TOKEN is set (bot/web/metrics.py)
    if config.SANDBOX:
        from bot.dev.simulator import register_simulator
        register_simulator(app)

    @app.get("/healthz")
    def healthz():
        """Alive: the process answers (no database, so a database outage does not get the web process killed)."""
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        """Ready: database reachable and at the latest migration, worker heartbeat fresh; else 503 naming each."""
        from flask import current_app
        from bot.services.readiness import readiness_problems
        state = current_app.extensions["bot"]
        problems = readiness_problems(state.engine, state.clock())
        if problems:
            return jsonify(status="unavailable", problems=problems), 503
        return jsonify(status="ok")

    @app.errorhandler(400)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    def _client_error(err):
        return jsonify(error=getattr(err, "description", str(err))), err.code


def _production_guards(config: Config) -> None:
    """The web process refuses to start on settings that would fail later and quietly: an address LINE cannot
    fetch images from, a database that is not at the latest migration (every webhook would get 503). Data inside
    the code folder is only warned about (a running office is not taken down by an upgrade); the doctor names it.
    CLI commands are not refused: `db-upgrade` is how the database gets migrated and `doctor` names everything."""
    import click
    from bot.config import ROOT
    from bot.services import readiness
    refused, warnings = readiness.start_problems(config.PUBLIC_BASE_URL, config.MEDIA_DIR, config.DATABASE_URL, ROOT)
    log = logging.getLogger("bot")
    if click.get_current_context(silent=True) is not None:
        for line in refused + warnings:
            click.echo(f"warning: {line} (see `flask --app bot doctor`)", err=True)
        return
    for line in warnings:
        log.warning("%s", line)
    from models import make_engine
    engine = make_engine(config.DATABASE_URL)
    try:
        if why := readiness.migration_refusal(engine):
            refused.append(why)
    finally:
        engine.dispose()
    if refused:
        raise ConfigError("Refusing to start in production: " + "; ".join(refused))


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
    if config.APP_ENV == "production":
        _production_guards(config)
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
    # External handlers recover what they left behind themselves; web processes would race them for it.
    pipeline.init_app(app, state, recover_every_s if config.INBOX_HANDLERS == "web" else None)
    _init_web(app, config)
    cli.register_cli(app)
    return app
