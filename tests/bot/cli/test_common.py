"""What every CLI command shares: a name that matches nothing is a one-line error, never a traceback."""
from __future__ import annotations

import pytest
from flask import Flask

from bot.cli import register_cli
from bot.config import Config
from tests.factories import make_bureau, make_user

NOBODY = "U" + "9" * 32


@pytest.mark.parametrize("args", [
    ("role", "grant", NOBODY, "admin"),
    ("registrations", "approve", NOBODY),
    ("delegate", "set", NOBODY, NOBODY),
    ("delegate", "clear", NOBODY),
])
def test_unknown_user_is_a_clean_error(app, db, args):
    res = app.test_cli_runner().invoke(args=list(args))
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit), res.output
    assert f"Error: no user '{NOBODY}'" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("args", [
    ("invite", "create", "NOPE"),
    ("staff", "list", "--bureau", "NOPE"),
    ("pledge", "unlock", "NOPE"),
])
def test_unknown_bureau_is_a_clean_error(app, db, args):
    with db() as s:
        make_user(s, make_bureau(s, code="B1"))
    res = app.test_cli_runner().invoke(args=list(args))
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit), res.output
    assert "Error: no bureau 'NOPE'" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("env, present", [
    (dict(APP_ENV="production"), False), (dict(APP_ENV="test"), False),
    (dict(APP_ENV="development"), True), (dict(APP_ENV="test", SANDBOX=True), True),
])
def test_seed_demo_exists_only_in_the_demo_and_in_development(env, present):
    """Invented people and deeds cannot be loaded into the office's real database by a slip of the keyboard."""
    app = Flask("cli-test")
    app.config["BOT"] = Config(**env)
    register_cli(app)
    assert ("seed-demo" in app.cli.commands) is present
    assert "richmenu-deploy" in app.cli.commands and "role" in app.cli.commands
