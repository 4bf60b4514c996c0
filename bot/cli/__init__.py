"""CLI commands (`flask --app bot <command>`). Topic groups live in their own modules and register here."""
from __future__ import annotations

from importlib import import_module

import click
from flask import current_app
from flask.cli import with_appcontext

COMMAND_MODULES = (
    "bot.cli.admin",
    "bot.cli.deeds",
    "bot.cli.rounds",
    "bot.cli.worker",
    "bot.dev.demo",
)


def state():
    return current_app.extensions["bot"]


@click.command("db-upgrade")
@with_appcontext
def db_upgrade():
    """Create or upgrade the database named by DATABASE_URL to the latest schema."""
    from models.migrate import upgrade
    upgrade(current_app.config["BOT"].DATABASE_URL)
    click.echo("database is at the latest schema")


def register_cli(app) -> None:
    app.cli.add_command(db_upgrade)
    for name in COMMAND_MODULES:
        import_module(name).register(app)
