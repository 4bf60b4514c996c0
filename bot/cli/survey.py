"""CLI for the ITA internal survey drive (the console's แบบสำรวจ ITA page does the same):

    flask --app bot survey create --url https://... --opens 1/3/2570 --closes 19/3/2570 [--title ...] [--bureau CODE]...
    flask --app bot survey list
    flask --app bot survey edit ID [--url ...] [--title ...] [--closes 26/3/2570]
    flask --app bot survey close ID
    flask --app bot survey rates ID

`create` prints the push cost first and asks before saving (`--yes` skips the question); the worker's survey job
invites on the first day. Rates are shown through the digest's small-group rule.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from bot.cli._common import ThaiDate, bot_state, bureau_or_fail, echo_date, session

WHY = {"empty": "is empty", "too_long": "is too long", "not_https": "must start with https://",
       "bad_url": "is not a valid link", "past": "has passed", "too_far": "is after the end of next fiscal year",
       "before_open": "is before the first day", "started": "cannot change: the drive has opened",
       "no_bureau": "names no bureau", "bad_bureau": "names an inactive bureau"}


def _fail(err) -> click.ClickException:
    return click.ClickException("; ".join(f"{field} {WHY.get(code, code)}" for field, code in err.problems.items()))


def _drive_or_fail(s, drive_id: int):
    from bot.services import survey as svc
    d = svc.get(s, drive_id)
    if d is None:
        raise click.ClickException(f"no survey drive {drive_id} (see `survey list`)")
    return d


@click.group("survey", cls=AppGroup)
def survey_cli():
    """The ITA internal survey drive: its link, window, invites and response rate."""


@survey_cli.command("create")
@click.option("--url", required=True, help="the survey's https link (from the ITA system)")
@click.option("--opens", required=True, type=ThaiDate(), help="first day (พ.ศ.): the invite goes that day")
@click.option("--closes", required=True, type=ThaiDate(), help="last day (พ.ศ.), until 23:59 Bangkok")
@click.option("--title", default=None, help="default: the ITA tool's name")
@click.option("--bureau", "bureaus", multiple=True, help="invite only these bureaus (code); default: all")
@click.option("--yes", is_flag=True, help="save without asking after the cost is shown")
def survey_create(url, opens, closes, title, bureaus, yes):
    """Set up a drive: shows how many people get the invite and the most pushes it may cost, then saves."""
    from bot.services import survey as svc
    with session() as s:
        ids = sorted({bureau_or_fail(s, b).id for b in bureaus}) if bureaus else None
        draft = svc.Draft(title or svc.DEFAULT_TITLE, url, opens.day, closes.day, ids)
        now = bot_state().clock()
        try:
            cost = svc.preview(s, draft, now)
        except svc.DriveError as err:
            raise _fail(err)
        click.echo(f"{echo_date(opens)} .. {echo_date(closes)}: invite to {cost.recipients} staff, "
                   f"{cost.reminders} reminder(s) to those who have not answered; at most {cost.most} pushes")
        if not yes and not click.confirm("save and invite?", default=False):
            raise click.ClickException("not saved")
        drive, made = svc.create(s, draft, now, actor_id=None)
        click.echo(f"survey {drive.id} {'saved' if made else 'already saved a moment ago'}")


@survey_cli.command("list")
def survey_list():
    """Drives, newest first, with their state and response count."""
    from bot.services import survey as svc
    from messages_th.dates import thai_date
    with session(readonly=True) as s:
        now = bot_state().clock()
        for d in svc.all_drives(s):
            rows = svc.bureau_counts(s, d)
            click.echo(f"{d.id:5} {svc.state(d, now):8} {thai_date(d.opens_at)} – {thai_date(d.closes_at)}  "
                       f"{sum(r['participants'] for r in rows)}/{sum(r['staff'] for r in rows)} answered  {d.title}")


@survey_cli.command("edit")
@click.argument("drive_id", type=int)
@click.option("--url", default=None)
@click.option("--title", default=None)
@click.option("--closes", type=ThaiDate(), default=None, help="a new last day (พ.ศ.)")
def survey_edit(drive_id, url, title, closes):
    """Change a drive's link, title or last day."""
    from dataclasses import replace

    from bot.services import survey as svc
    with session() as s:
        drive = _drive_or_fail(s, drive_id)
        draft = svc.draft_of(drive)
        draft = replace(draft, url=url if url is not None else draft.url, title=title or draft.title,
                        closes_on=closes.day if closes else draft.closes_on)
        try:
            svc.update_drive(s, drive, draft, bot_state().clock(), actor_id=None)
        except svc.DriveError as err:
            raise _fail(err)
        click.echo(f"survey {drive_id} saved")


@survey_cli.command("close")
@click.argument("drive_id", type=int)
def survey_close(drive_id):
    """End a drive now: no more reminders, "ตอบแล้ว" refused."""
    from bot.services import survey as svc
    with session() as s:
        done = svc.close(s, _drive_or_fail(s, drive_id), bot_state().clock(), actor_id=None)
    click.echo(f"survey {drive_id} {'closed' if done else 'was already closed'}")


@survey_cli.command("rates")
@click.argument("drive_id", type=int)
def survey_rates(drive_id):
    """The response rate by bureau (bureaus under the digest's threshold together, never alone)."""
    from bot.services import digest
    from bot.services import survey as svc
    with session(readonly=True) as s:
        rows = digest.group_small(svc.bureau_counts(s, _drive_or_fail(s, drive_id)))
    for r in rows:
        name = r["name"] or f"(other: {r['grouped']} bureaus under {digest.MIN_GROUP} staff)"
        pct = f"{100 * r['participants'] / r['staff']:.0f}%" if r["staff"] else "-"
        click.echo(f"{r['participants']:6}/{r['staff']:<6} {pct:>5}  {name}")


def register(app) -> None:
    app.cli.add_command(survey_cli)
