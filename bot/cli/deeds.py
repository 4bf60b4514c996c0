"""CLI for the good-deed ledger: `flask --app bot ledger-verify` (exit code 1 when the chain is broken)."""
from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from bot.cli._common import session
from bot.services import ledger


@click.command("ledger-verify")
@with_appcontext
def ledger_verify():
    """Recompute the good-deed ledger's hash chain and compare every deed row with its latest entry."""
    started = time.perf_counter()
    with session(readonly=True) as s:
        verdict = ledger.verify(s)
    took = time.perf_counter() - started
    if verdict.ok:
        click.echo(f"OK {verdict.count} entries, head {verdict.head} ({took:.1f} s)")
        return
    where = f"seq {verdict.broken_seq}" if verdict.broken_seq is not None else "deed rows"
    deed = f" (deed {verdict.deed_id})" if verdict.deed_id is not None else ""
    click.echo(f"BROKEN at {where}{deed}: {verdict.reason}; {verdict.count} entries checked before it", err=True)
    raise SystemExit(1)


def register(app) -> None:
    app.cli.add_command(ledger_verify)
