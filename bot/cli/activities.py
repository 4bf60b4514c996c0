"""`activities template|import|list|copy` (the plan's activity register) and `criteria template|import|list` (the
moral-org and bureau-eval rounds' criteria lists), from the templates the project ships."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from bot.cli._common import bot_state, session


def _fy_default() -> int:
    from messages_th.dates import fiscal_year_be, today_bkk
    return fiscal_year_be(today_bkk(bot_state().clock()))


@click.group("activities")
def activities_cli():
    """The plan's activity register (one per fiscal year)."""


@activities_cli.command("template")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def template(out):
    """Write the empty template (OUT ending .xlsx or .csv), with two invented example rows."""
    from messages_th import activities as th
    data = th.template_xlsx() if out.lower().endswith(".xlsx") else th.template_csv()
    Path(out).write_bytes(data)
    click.echo(f"wrote {out}; delete the two example rows before importing")


@activities_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--fy", type=int, default=None, help="Fiscal year in พ.ศ. (default: the current one).")
@with_appcontext
def import_cmd(path, fy):
    """Import (or update by code) the register from a filled template; nothing is written if any row is wrong."""
    from bot.services import activities
    from messages_th import activities as th
    fy = fy or _fy_default()
    with session() as s:
        result = activities.import_file(s, fy, Path(path).read_bytes(), path, bot_state().clock())
        if not result.ok:
            for err in result.errors:
                click.echo(th.error_line(err), err=True)
            raise click.ClickException(f"nothing imported: {len(result.errors)} problem(s)")
    click.echo(f"FY {fy}: {result.created} added, {result.updated} updated"
               + (f"; kept, not in the file: {', '.join(result.untouched)}" if result.untouched else ""))


@activities_cli.command("list")
@click.option("--fy", type=int, default=None)
@with_appcontext
def list_cmd(fy):
    from bot.services import activities
    from bot.services.membership import get_bureau
    fy = fy or _fy_default()
    with session(readonly=True) as s:
        acts = activities.list_for(s, fy)
        links = activities.bureaus_of(s, [a.id for a in acts])
        for a in acts:
            names = ", ".join(b.code for b in (get_bureau(s, i) for i in links[a.id]) if b)
            target = f"{a.target:g} {a.unit}".strip() if a.target is not None else "-"
            click.echo(f"{a.code:<8} {a.name[:60]:<60} [{names}] target {target}")
        click.echo(f"{len(acts)} activities in FY {fy}")


@activities_cli.command("copy")
@click.option("--from", "from_fy", type=int, required=True)
@click.option("--to", "to_fy", type=int, required=True)
@with_appcontext
def copy_cmd(from_fy, to_fy):
    """Copy a year's register into another (period and budget left empty: they are the new year's)."""
    from bot.services import activities
    with session() as s:
        n = activities.copy_year(s, from_fy, to_fy, bot_state().clock())
    click.echo(f"copied {n} activities from FY {from_fy} to FY {to_fy}")


@click.group("criteria")
def criteria_cli():
    """Criteria lists of the moral-organisation (moral-org) and bureau-evaluation (bureau-eval) rounds."""


_KIND = click.Choice(["moral-org", "bureau-eval"])


@criteria_cli.command("template")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def criteria_template(out):
    """Write the empty criteria template (OUT ending .xlsx or .csv), with two invented example rows."""
    from messages_th import activities as th
    Path(out).write_bytes(th.criteria_template_xlsx() if out.lower().endswith(".xlsx") else th.criteria_template_csv())
    click.echo(f"wrote {out}; delete the two example rows before importing")


@criteria_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=_KIND, required=True)
@click.option("--fy", type=int, default=None, help="Fiscal year in พ.ศ. (default: the current one).")
@with_appcontext
def criteria_import(path, kind, fy):
    """Replace the year's list of KIND with the file's rows; nothing is written if any row is wrong."""
    from bot.services import activities
    from messages_th import activities as th
    fy = fy or _fy_default()
    with session() as s:
        result = activities.import_criteria(s, kind, fy, Path(path).read_bytes(), path, bot_state().clock())
        if not result.ok:
            for err in result.errors:
                click.echo(th.error_line(err), err=True)
            raise click.ClickException(f"nothing imported: {len(result.errors)} problem(s)")
    click.echo(f"FY {fy} {kind}: {result.created} criteria")


@criteria_cli.command("list")
@click.option("--kind", type=_KIND, required=True)
@click.option("--fy", type=int, default=None)
@with_appcontext
def criteria_list(kind, fy):
    from bot.services import report_forms
    fy = fy or _fy_default()
    with session(readonly=True) as s:
        shown = report_forms.criteria_of_kind(s, kind, fy)
        if shown is None:
            click.echo(f"no {kind} criteria for FY {fy}: the round asks about the pledge items")
            return
        for c in shown:
            click.echo(f"{c.position:>3}. {c.text}")


def register(app) -> None:
    app.cli.add_command(activities_cli)
    app.cli.add_command(criteria_cli)
