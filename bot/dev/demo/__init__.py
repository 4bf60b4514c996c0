"""The one-command demo: `python -m bot.dev.demo` (see __main__.py), the `seed-demo` and `jobs run` CLI commands."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load invented demo data (bureaus, people in every role, deeds, this FY's rounds, invite codes). Safe twice."""
    from bot.dev.demo.seed import seed
    from models.db import session_scope

    with session_scope(current_app.extensions["bot"].engine) as s:
        seed(s, echo=click.echo)


@click.group("jobs", cls=AppGroup)
def jobs_cmd():
    """The worker's clock jobs, run by hand (demo and development only)."""


@jobs_cmd.command("run")
@click.argument("names", nargs=-1)
@click.option("--now", "now_", is_flag=True, required=True,
              help="as if it were the job's time (the digest counts as Monday 08:30), quiet hours ignored")
def jobs_run(names, now_):
    """Run jobs now (default: all) and send their pushes to the sandbox: `jobs run digest --now`."""
    from bot.dev.demo.panel import run_now

    state = current_app.extensions["bot"]
    try:
        out = run_now(state.engine, state.config, state.gateway, list(names) or None)
    except KeyError as exc:
        raise click.ClickException(exc.args[0]) from None
    for name, added in out["jobs"].items():
        click.echo(f"{name}: {added} outbox row(s) added")
    click.echo(f"held for quiet hours, now due: {out['released']}; sent: {out['sent']}")
    if out["sent"] < sum(out["jobs"].values()) + out["released"]:
        click.echo("some are not sent yet: the demo's worker sends them while `make demo` runs")
    if not any(out["jobs"].values()) and not out["released"]:
        click.echo("nothing new: already sent (the outbox keys exist) or nothing is due; see `flask --app bot outbox`")


def register(app) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(jobs_cmd)
