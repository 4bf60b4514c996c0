"""`console-link LINE_USER_ID`: print a one-time console sign-in link (the first admin's way in, and
scripts'); the same kind of link the chat's "แดชบอร์ด" gives."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from bot.cli._common import bot_state, session, user_or_fail


@click.command("console-link")
@click.argument("line_user_id")
@with_appcontext
def console_link(line_user_id):
    """Print a single-use sign-in link to the console (valid 10 minutes) for a user with a console role."""
    from bot.services import console_access
    state = bot_state()
    with session() as s:
        user = user_or_fail(s, line_user_id)
        issued = console_access.issue_link(s, user, state.clock())
        if issued is None:
            raise click.ClickException("this user has no console role (coordinator, committee or admin); "
                                       "grant one first: flask --app bot role grant LINE_USER_ID admin")
        token, role = issued
    click.echo(f"{state.config.PUBLIC_BASE_URL}/console/login/{token}")
    click.echo(f"role: {role}; single use, valid 10 minutes", err=True)


def register(app) -> None:
    app.cli.add_command(console_link)
