"""What every command module shares: the app's state, sessions, and look-ups that fail as a clean CLI error.

A name that matches nothing is a `click.ClickException` ("Error: no user 'U…'", exit code 1, no traceback);
`click.BadParameter` stays for values that are malformed (a date the Thai date parser refuses).
Dates go through `bot.services.thai_dates` like in the chat: พ.ศ. (as the CLI's fiscal years), "20/3/2570",
"20 มี.ค. 2570", "2570-03-20"; CE only in ISO order ("2027-03-20"); commands echo them back in Thai พ.ศ.
"""
from __future__ import annotations

import click
from flask import current_app
from sqlmodel import Session, select

from models.core import Bureau, User
from models.db import session_scope


_DATE_HELP = 'a date in พ.ศ.: "20/3/2570", "20 มี.ค. 2570" or "2570-03-20" (CE only as ISO "2027-03-20")'


class ThaiDate(click.ParamType):
    """A CLI date (or date and time) read by the one Thai date parser; the value is a `ParsedDate`."""

    name = "date"

    def __init__(self, with_time: str = "never"):
        self.with_time = with_time

    def convert(self, value, param, ctx):
        from bot.services.thai_dates import CODES, DateInputError, ParsedDate, parse
        if isinstance(value, ParsedDate):
            return value
        try:
            return parse(value, with_time=self.with_time)
        except DateInputError as exc:
            want = _DATE_HELP + (' and a time "09:00"' if self.with_time == "required" else "")
            self.fail(f"{value!r}: {CODES[exc.code]}; use {want}", param, ctx)


def echo_date(p) -> str:
    """`20 มี.ค. 2570`, with what the parser did when it read a CE year (the operator checks the era)."""
    from messages_th.dates import thai_date
    shown = thai_date(p.day) + (f" {p.time:%H:%M} น." if p.time else "")
    return shown + (f" (read {p.day.isoformat()} as ค.ศ.)" if p.was_ce else "")


def bot_state():
    """The app's BotState: engine, gateway, router (see bot.app)."""
    return current_app.extensions["bot"]


def session(readonly: bool = False):
    return session_scope(bot_state().engine, readonly=readonly)


def user_or_fail(s: Session, line_user_id: str) -> User:
    u = s.exec(select(User).where(User.line_user_id == line_user_id)).first()
    if u is None:
        raise click.ClickException(f"no user {line_user_id!r}")
    return u


def bureau_or_fail(s: Session, ref: str) -> Bureau:
    """By code (any case), id or exact name, as everywhere on the CLI."""
    from bot.services.membership import find_bureau
    b = find_bureau(s, ref)
    if b is None:
        raise click.ClickException(f"no bureau {ref!r} (see `bureau list`)")
    return b
