"""CLI commands (`flask --app bot <command>`): one module per command group, helpers in `_common`."""
from __future__ import annotations

from functools import update_wrapper
from importlib import import_module

import click
from flask import current_app
from flask.cli import with_appcontext

COMMAND_MODULES = (
    "bot.cli.activities",
    "bot.cli.admin",
    "bot.cli.backup",
    "bot.cli.best_practice",
    "bot.cli.console",
    "bot.cli.deeds",
    "bot.cli.nominations",
    "bot.cli.doctor",
    "bot.cli.richmenu",
    "bot.cli.rounds",
    "bot.cli.survey",
    "bot.cli.worker",
)
# Invented demo data must never be one typo away in production: `seed-demo` exists only in the demo
# (SANDBOX=1, which `python -m bot.dev.demo` and the browser tests set) and in development.
DEV_COMMAND_MODULES = ("bot.dev.demo",)


@click.command("db-upgrade")
@with_appcontext
def db_upgrade():
    """Create or upgrade the database named by DATABASE_URL to the latest schema."""
    from models.migrate import upgrade
    upgrade(current_app.config["BOT"].DATABASE_URL)
    click.echo("database is at the latest schema")


def register_cli(app) -> None:
    app.cli.add_command(db_upgrade)
    config = app.config["BOT"]
    dev = config.SANDBOX or config.APP_ENV == "development"
    for name in COMMAND_MODULES + (DEV_COMMAND_MODULES if dev else ()):
        import_module(name).register(app)
    for command in app.cli.commands.values():
        _log_when_run(command)


def _log_when_run(command) -> None:
    """A command is an entry point: it sets logging up when it runs (LINE request ids to stderr), not when
    the app is built."""
    inner = command.callback

    def callback(*args, **kwargs):
        from bot.logs import setup
        setup()
        return inner(*args, **kwargs) if inner is not None else None
    command.callback = update_wrapper(callback, inner) if inner is not None else callback
