"""`nominations open|close|list|result|criteria-import` (issue 17): an admin opens a fiscal year's window for
outstanding officials (kind person) or bureaus (kind bureau), loads its criteria list and closes it; the
rules are bot/services/nominations.py (the console calls the same functions)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from bot.cli._common import ThaiDate, bot_state, echo_date, session

_KIND = click.Choice(["person", "bureau"])
_WHY = {"bad_kind": "kind must be person or bureau", "bad_dates": "--closes is before --opens",
        "exists": "an open window of this year and kind exists (close it first)"}


def _fy_default() -> int:
    from messages_th.dates import fiscal_year_be, today_bkk
    return fiscal_year_be(today_bkk(bot_state().clock()))


def _window_or_fail(s, window_id: int):
    from bot.services import nominations
    w = nominations.get_window(s, window_id)
    if w is None:
        raise click.ClickException(f"no nomination window {window_id} (see `nominations list`)")
    return w


@click.group("nominations")
def nominations_cli():
    """Nomination windows of outstanding officials and bureaus."""


@nominations_cli.command("open")
@click.option("--kind", type=_KIND, required=True)
@click.option("--opens", type=ThaiDate(), required=True, help="first day (พ.ศ.)")
@click.option("--closes", type=ThaiDate(), required=True, help="last day of nominating, consent and scoring")
@click.option("--fy", type=int, default=None, help="Fiscal year in พ.ศ. (default: the current one).")
@with_appcontext
def open_cmd(kind, opens, closes, fy):
    """Open a window; its criteria are the year's list of kind nom-person / nom-bureau (criteria-import)."""
    from bot.services import nominations
    fy = fy or _fy_default()
    with session() as s:
        try:
            w = nominations.open_window(s, fy, kind, opens.day, closes.day, bot_state().clock())
        except nominations.NominationError as exc:
            raise click.ClickException(_WHY.get(exc.code, exc.code))
        n = len(nominations.criteria(s, w))
        click.echo(f"window {w.id}: FY {fy} {kind}, {echo_date(opens)} .. {echo_date(closes)}; {n} criteria"
                   + ("" if n else " (load them with `nominations criteria-import`)"))


@nominations_cli.command("close")
@click.argument("window_id", type=int)
@with_appcontext
def close_cmd(window_id):
    """Close a window now: no more nominations, consent or scores; the result can be ranked."""
    from bot.services import nominations
    with session() as s:
        changed = nominations.close_window(s, _window_or_fail(s, window_id))
    click.echo(f"window {window_id} closed" if changed else f"window {window_id} was not open")


@nominations_cli.command("list")
@click.option("--fy", type=int, default=None)
@with_appcontext
def list_cmd(fy):
    from bot.services import nominations
    from messages_th.dates import thai_date
    with session(readonly=True) as s:
        wins = nominations.windows(s, fy)
        for w in wins:
            click.echo(f"{w.id:>4} FY {w.fy} {w.kind:<7} {thai_date(w.opens_on)} .. {thai_date(w.closes_on)}  "
                       f"{w.status}")
        click.echo(f"{len(wins)} window(s)")


@nominations_cli.command("result")
@click.argument("window_id", type=int)
@with_appcontext
def result_cmd(window_id):
    """The ranking so far (submitted nominations only; internal ids, no names on the terminal's history)."""
    from bot.services import nominations
    with session(readonly=True) as s:
        for r in nominations.ranking(s, _window_or_fail(s, window_id)):
            mean = "-" if r.mean is None else f"{r.mean:g}/{r.max_points}"
            click.echo(f"{r.rank or '-':>3} nomination {r.nomination.id} bureau {r.nomination.bureau_id}: "
                       f"{mean} from {r.scorers} scorer(s)")


@nominations_cli.command("criteria-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=_KIND, required=True)
@click.option("--fy", type=int, default=None)
@with_appcontext
def criteria_import(path, kind, fy):
    """Replace the year's criteria of this kind from a CSV/XLSX (`criteria template` gives the columns)."""
    from bot.services import activities, nominations
    from messages_th import activities as th
    fy = fy or _fy_default()
    ckind = nominations.CRITERIA_KIND[kind]
    with session() as s:
        result = activities.import_criteria(s, ckind, fy, Path(path).read_bytes(), path, bot_state().clock())
        if not result.ok:
            for err in result.errors:
                click.echo(th.error_line(err), err=True)
            raise click.ClickException(f"nothing imported: {len(result.errors)} problem(s)")
    click.echo(f"FY {fy} {ckind}: {result.created} criteria")


def register(app) -> None:
    app.cli.add_command(nominations_cli)
