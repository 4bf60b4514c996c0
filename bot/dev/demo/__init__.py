"""The one-command demo: `python -m bot.dev.demo` (see __main__.py) and the `seed-demo` CLI command."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load invented demo data (bureaus, people in every role, deeds, this FY's rounds, invite codes). Safe twice."""
    from bot.dev.demo.seed import seed
    from models.db import session_scope

    with session_scope(current_app.extensions["bot"].engine) as s:
        seed(s, echo=click.echo)


def register(app) -> None:
    app.cli.add_command(seed_demo)
