"""CLI for the worker:

    flask --app bot outbox [--last 20]                     pending / sent / dead counts and the last rows
    flask --app bot digest --preview                        the weekly digest as plain text (same numbers)
    flask --app bot quota                                   monthly limit, usage and this month's forecast
    flask --app bot campaign create --title T --at "10 ธ.ค. 2569 09:00" --place P [--bureaus B1,B2] [--remind 3d,1h]
    flask --app bot holidays add 5/12/2569 "<name>" | rename 5/12/2569 "<name>" | list | remove 5/12/2569  (พ.ศ.)
    flask --app bot delegate set <coordinator line id> <deputy line id> | clear <coordinator line id>
    flask --app bot staff-reminders on|off                  the gentler deadline reminder to staff
"""
from __future__ import annotations

import re
import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func
from sqlmodel import select

from bot.cli._common import ThaiDate, bot_state, echo_date, session, user_or_fail
from models.core import Bureau, OutboxMessage, utcnow


@click.command("outbox")
@with_appcontext
@click.option("--last", default=20, show_default=True)
def outbox_cmd(last):
    """Outbox rows by status, then the last N."""
    with session(readonly=True) as s:
        for status, n, people in s.exec(select(OutboxMessage.status, func.count(), func.sum(
                OutboxMessage.recipient_count)).group_by(OutboxMessage.status)):
            click.echo(f"{status:8} rows={n} recipients={people or 0}")
        for r in s.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(last)):
            click.echo(f"#{r.id} {r.status:7} {r.key} to={r.recipient_count} attempts={r.attempts} "
                       f"next={r.next_attempt_at:%Y-%m-%d %H:%M}Z {r.last_error or ''}")


@click.command("digest")
@with_appcontext
@click.option("--preview", is_flag=True, help="print the digest as text (nothing is sent)")
def digest_cmd(preview):
    """Print the weekly digest (the Monday job sends it)."""
    from bot.services.digest import compute
    from messages_th.digest import preview_text
    with session(readonly=True) as s:
        click.echo(preview_text(compute(s, utcnow())))


@click.command("quota")
@with_appcontext
def quota_cmd():
    """LINE monthly quota, usage and the forecast of this month's pushes."""
    from bot.services.ops_status import forecast, limits
    limit, used = limits(bot_state().gateway)
    with session(readonly=True) as s:
        f = forecast(s, utcnow())
    click.echo(f"limit: {'unlimited' if limit is None else limit}\nused: {used}")
    click.echo(f"forecast to {f['month_end']}: {f['total']} (pending {f['pending']}, reminders {f['reminders']}, "
               f"campaigns {f['campaigns']})")
    if limit is not None:
        click.echo(f"left after forecast: {limit - used - f['total']}")


def _offsets(value: str) -> list[int]:
    out = []
    for part in filter(None, (p.strip() for p in value.split(","))):
        m = re.fullmatch(r"(\d+)([dhm])", part)
        if not m:
            raise click.BadParameter(f"{part!r}: use e.g. 3d, 1h, 30m")
        out.append(int(m[1]) * {"d": 1440, "h": 60, "m": 1}[m[2]])
    return sorted(out, reverse=True)


@click.group("campaign", cls=AppGroup)
def campaign():
    """Campaigns (the worker sends the invite)."""


@campaign.command("create")
@click.option("--title", required=True)
@click.option("--at", "at", required=True, type=ThaiDate(with_time="required"),
              help='Bangkok time, พ.ศ.: "10 ธ.ค. 2569 09:00", "10/12/2569 09:00", "2569-12-10 09:00"')
@click.option("--place", default="")
@click.option("--description", default="")
@click.option("--bureaus", default="", help="codes, comma-separated (default: every bureau)")
@click.option("--remind", default="3d,1h", show_default=True)
@click.option("--virtue", default="volunteer", show_default=True)
@click.option("--activity", "activity_code", default=None,
              help="the register's activity code it belongs to (its check-ins count as the activity's participants)")
def campaign_create(title, at, place, description, bureaus, remind, virtue, activity_code):
    from bot.services import activities, campaigns
    from messages_th.dates import fiscal_year_be
    starts = at.at()
    why = campaigns.start_problem(starts, utcnow())  # the chat's and the console's rule
    if why is not None:
        raise click.BadParameter("the start has passed" if why == "past" else
                                 f"after the end of next fiscal year ({campaigns.latest_start_day(utcnow())})",
                                 param_hint="--at")
    with session() as s:
        activity_id = None
        if activity_code:
            code = activities.normalize_code(activity_code)
            found = [a for a in activities.list_for(s, fiscal_year_be(starts)) if a.code == code]
            if not found:
                raise click.BadParameter(f"no activity {activity_code!r} in the register of FY "
                                         f"{fiscal_year_be(starts)}")
            activity_id = found[0].id
        ids = None
        if bureaus:
            codes = [c.strip() for c in bureaus.split(",") if c.strip()]
            found = dict(s.exec(select(Bureau.code, Bureau.id).where(Bureau.code.in_(codes))).all())
            if set(codes) - set(found):
                raise click.BadParameter(f"unknown bureaus: {sorted(set(codes) - set(found))}")
            ids = sorted(found.values())
        camp = campaigns.create(s, title=title, description=description, place=place, starts_at=starts,
                                bureau_ids=ids, remind_minutes=_offsets(remind), virtue=virtue, now=utcnow(),
                                activity_id=activity_id)
        click.echo(f"campaign {camp.id} at {echo_date(at)} created; the worker enqueues the invite on its next tick")


@click.group("holidays", cls=AppGroup)
def holidays():
    """Public holidays: no non-urgent pushes on these days."""


@holidays.command("add")
@click.argument("day", type=ThaiDate())
@click.argument("name")
def holidays_add(day, name):
    """Add a holiday (พ.ศ., e.g. "7/12/2569"); a day already listed is refused (use rename)."""
    from bot.services import holidays as rule
    with session() as s:
        try:
            rule.add(s, None, day.day, name, utcnow())
        except rule.HolidayError as err:
            raise click.ClickException(_HOLIDAY_REFUSALS[err.code]) from None
    click.echo(f"holiday {echo_date(day)} {name}")


@holidays.command("rename")
@click.argument("day", type=ThaiDate())
@click.argument("name")
def holidays_rename(day, name):
    """Change a listed holiday's name."""
    from bot.services import holidays as rule
    with session() as s:
        try:
            rule.rename(s, None, day.day, name, utcnow())
        except rule.HolidayError as err:
            raise click.ClickException(_HOLIDAY_REFUSALS[err.code]) from None
    click.echo(f"holiday {echo_date(day)} {name}")


@holidays.command("list")
def holidays_list():
    from bot.services import holidays as rule
    from messages_th.dates import thai_date
    with session(readonly=True) as s:
        for h in rule.all_holidays(s):
            click.echo(f"{h.day} {h.name}  ({thai_date(h.day)})")


@holidays.command("remove")
@click.argument("day", type=ThaiDate())
def holidays_remove(day):
    from bot.services import holidays as rule
    with session() as s:
        try:
            rule.remove(s, None, day.day, utcnow())
        except rule.HolidayError:
            click.echo("no such holiday")
            return
    click.echo("removed")


_HOLIDAY_REFUSALS = {"exists": "that day is already a holiday (use: holidays rename)", "missing": "no such holiday",
                     "name_empty": "the name is empty", "name_long": "the name is longer than 200 characters"}


@click.group("delegate", cls=AppGroup)
def delegate():
    """A coordinator's deputy gets the deadline reminders instead."""


@delegate.command("set")
@click.argument("coordinator")
@click.argument("deputy")
def delegate_set(coordinator, deputy):
    from bot.services import delegations
    with session() as s:
        delegations.set_deputy(s, user_or_fail(s, coordinator), user_or_fail(s, deputy))
    click.echo(f"{deputy} now gets {coordinator}'s reminders")


@delegate.command("clear")
@click.argument("coordinator")
def delegate_clear(coordinator):
    from bot.services import delegations
    with session() as s:
        delegations.clear(s, user_or_fail(s, coordinator))
    click.echo("delegation cleared")


@click.command("staff-reminders")
@with_appcontext
@click.argument("state", type=click.Choice(["on", "off"]))
def staff_reminders(state):
    from models.worker import set_setting
    with session() as s:
        set_setting(s, "staff_reminders", state == "on")
    click.echo(f"staff reminders {state}")


def register(app) -> None:
    for cmd in (outbox_cmd, digest_cmd, quota_cmd, campaign, holidays, delegate, staff_reminders):
        app.cli.add_command(cmd)
