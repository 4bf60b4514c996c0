"""CLI for rounds, pledges and round exports:

    flask --app bot rounds list [--fy 2570]
    flask --app bot rounds set-due 2570-6m 25/3/2570        (or "25 มี.ค. 2570", "2570-03-25"; พ.ศ. like --fy)
    flask --app bot rounds add 2570 extra --title ... --start 1/10/2569 --end 31/3/2570 --due 20/3/2570
    flask --app bot fy-open 2571
    flask --app bot pledge load file.csv --fy 2570
    flask --app bot pledge unlock <bureau_code|org> --fy 2570
    flask --app bot export-round 2570-6m --out report.xlsx
"""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from bot.cli._common import ThaiDate, bot_state, bureau_or_fail, echo_date, session
from bot.services.export import round_export
from messages_th.export_xlsx import workbook


def _fy_default() -> int:
    from messages_th.dates import fiscal_year_be
    from models.core import utcnow
    return fiscal_year_be(utcnow())


@click.group("rounds", cls=AppGroup)
def rounds_cli():
    """Reporting rounds of a fiscal year (พ.ศ.)."""


@rounds_cli.command("list")
@click.option("--fy", type=int, default=None, help="fiscal year (พ.ศ.), default: all")
def rounds_list(fy):
    """List rounds with periods and due dates."""
    from messages_th.dates import thai_date
    from models.rounds import Round
    with session(readonly=True) as s:
        q = select(Round).order_by(Round.fy, Round.due_date, Round.id)
        for r in s.exec(q.where(Round.fy == fy) if fy else q):
            click.echo(f"{r.code:20} {thai_date(r.period_start)} – {thai_date(r.period_end)}  "
                       f"due {thai_date(r.due_date)}  {r.title}")


@rounds_cli.command("set-due")
@click.argument("code")
@click.argument("due", type=ThaiDate())
def rounds_set_due(code, due):
    """Change a round's due date (พ.ศ.; ends 23:59 Asia/Bangkok)."""
    from bot.services.rounds import set_due
    with session() as s:
        try:
            r = set_due(s, code, due.day)
        except LookupError:
            raise click.ClickException(f"no round {code}")
        click.echo(f"{r.code} due {echo_date(due)}")


@rounds_cli.command("add")
@click.argument("fy", type=int)
@click.argument("key")
@click.option("--title", required=True)
@click.option("--start", required=True, type=ThaiDate())
@click.option("--end", required=True, type=ThaiDate())
@click.option("--due", required=True, type=ThaiDate())
def rounds_add(fy, key, title, start, end, due):
    """Add a round `<fy>-<key>` (dates in พ.ศ.)."""
    from bot.services.rounds import add_round
    with session() as s:
        try:
            r = add_round(s, fy, key, title, start.day, end.day, due.day)
        except ValueError as exc:
            raise click.ClickException(str(exc))
        click.echo(f"added {r.code}: {echo_date(start)} .. {echo_date(end)}, due {echo_date(due)}")


@click.command("fy-open")
@with_appcontext
@click.argument("fy", type=int)
def fy_open(fy):
    """Create a fiscal year's rounds from the plan's pattern (existing rounds are kept)."""
    from bot.services.rounds import open_fy
    from messages_th.dates import thai_date
    with session() as s:
        for r in open_fy(s, fy):
            click.echo(f"{r.code:20} due {thai_date(r.due_date)}")


@click.group("pledge", cls=AppGroup)
def pledge_cli():
    """Pledges "ปัญหาที่อยากแก้ / ความดีที่อยากทำ"."""


@pledge_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--fy", type=int, default=None)
def pledge_load(path, fy):
    """Add items from a CSV: bureau_code,problem,good_deed,virtue,indicator,target (empty code = organization)."""
    from bot.services.pledges import load_csv
    with open(path, encoding="utf-8") as f:
        content = f.read()
    with session() as s:
        try:
            n = load_csv(s, content, fy or _fy_default())
        except ValueError as exc:
            raise click.ClickException(str(exc))
    click.echo(f"loaded {n} items")


@pledge_cli.command("unlock")
@click.argument("bureau")
@click.option("--fy", type=int, default=None)
def pledge_unlock(bureau, fy):
    """Let a bureau's coordinator edit its pledge after the lock date (`org` = the organization's)."""
    from bot.services.pledges import unlock
    with session() as s:
        bureau_id = None if bureau == "org" else bureau_or_fail(s, bureau).id
        unlock(s, fy or _fy_default(), bureau_id)
    click.echo(f"pledge of {bureau} unlocked")


@click.command("export-round")
@with_appcontext
@click.argument("code")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@click.option("--rollup", "rollup_out", default=None, type=click.Path(dir_okay=False),
              help="Also write the organisation roll-up (KPI per measure, activities, deeds, campaigns) here.")
def export_round_cmd(code, out, rollup_out):
    """Write a round's reports to an XLSX (one sheet per bureau plus a summary); --rollup also writes the
    organisation roll-up the secretariat sends upward."""
    from bot.services import rollup
    from messages_th import rollup_xlsx
    with session(readonly=True) as s:
        try:
            data = round_export(s, code)
            summary = rollup.compute(s, code, bot_state().clock()) if rollup_out else None
        except LookupError:
            raise click.ClickException(f"no round {code}")
    workbook(data).save(out)
    click.echo(f"wrote {out}")
    if summary is not None:
        rollup_xlsx.workbook(summary).save(rollup_out)
        click.echo(f"wrote {rollup_out} (KPI {summary.kpi.done}/{summary.kpi.planned} activities done)")


def register(app) -> None:
    for cmd in (rounds_cli, fy_open, pledge_cli, export_round_cmd):
        app.cli.add_command(cmd)
