"""`best-practices export --out FILE [--fy 2569]`: the library's approved best practices as an XLSX (the same
rows the console's download uses: bot.services.best_practice.export_rows)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from bot.cli._common import session


@click.group("best-practices")
def best_practices_cli():
    """Best practices (ถอดบทเรียน) approved into the library."""


@best_practices_cli.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--fy", type=int, default=None, help="Fiscal year in พ.ศ. (default: every year).")
@with_appcontext
def export_cmd(out, fy):
    """Write the approved best practices (oldest approval first) to OUT (.xlsx)."""
    from bot.services import best_practice as svc
    from messages_th.best_practice import export_xlsx
    with session(readonly=True) as s:
        rows = svc.export_rows(s, fy)
        data = export_xlsx(rows)
    Path(out).write_bytes(data)
    click.echo(f"wrote {out}: {len(rows)} approved best practice(s)" + (f" of FY {fy}" if fy else ""))


def register(app) -> None:
    app.cli.add_command(best_practices_cli)
