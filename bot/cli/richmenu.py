"""`flask --app bot richmenu-deploy [--save-dir docs/richmenu]`: the per-role rich menus (logic: bot.line.richmenu)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from bot.cli._common import bot_state
from bot.line.richmenu import deploy, render_all
from models.core import utcnow


@click.command("richmenu-deploy")
@with_appcontext
@click.option("--save-dir", default=None, help="Also write the rendered images here (e.g. docs/richmenu).")
def richmenu_deploy(save_dir):
    """Create the per-role rich menus, repoint aliases, relink everyone, delete the replaced menus."""
    if save_dir:
        for path in render_all(save_dir):
            click.echo(f"wrote {path}")
    state = bot_state()
    deploy(state.engine, state.gateway, utcnow(), echo=click.echo)  # the engine: no transaction during uploads
    click.echo("rich menus deployed")


def register(app) -> None:
    app.cli.add_command(richmenu_deploy)
