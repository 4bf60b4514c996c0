"""What every command module shares: the app's state, sessions, and look-ups that fail as a clean CLI error.

A name that matches nothing is a `click.ClickException` ("Error: no user 'U…'", exit code 1, no traceback);
`click.BadParameter` stays for values that are malformed (a date that is not YYYY-MM-DD).
"""
from __future__ import annotations

import click
from flask import current_app
from sqlmodel import Session, select

from models.core import Bureau, User
from models.db import session_scope


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
