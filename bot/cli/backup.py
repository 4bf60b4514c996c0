"""`backup DIR [--keep N]`, `backup-check ARCHIVE`, `restore ARCHIVE [--force]`: the app's names for
deploy/backup.py (the script the systemd timer runs), run with this app's DATABASE_URL and MEDIA_DIR."""
from __future__ import annotations

import os
import subprocess
import sys

import click
from flask.cli import with_appcontext

from bot.cli._common import bot_state
from bot.config import ROOT

SCRIPT = ROOT / "deploy" / "backup.py"


def _run(*args: str) -> None:
    cfg = bot_state().config
    env = {**os.environ, "DATABASE_URL": cfg.DATABASE_URL, "MEDIA_DIR": cfg.MEDIA_DIR}
    done = subprocess.run([sys.executable, str(SCRIPT), *args], env=env)
    if done.returncode != 0:
        raise click.exceptions.Exit(done.returncode)


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--keep", type=click.IntRange(1), default=None, help="keep only the newest N archives in DIRECTORY")
@with_appcontext
def backup(directory, keep):
    """One dated archive of the database and the media folder (safe while the bot runs)."""
    _run("backup", directory, *(["--keep", str(keep)] if keep else []))


@click.command("backup-check")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def backup_check(archive):
    """Check an archive's files against its manifest; nothing is written."""
    _run("check", archive)


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="restore over a database or media folder already in use")
@with_appcontext
def restore(archive, force):
    """Restore an archive into DATABASE_URL and MEDIA_DIR (empty ones unless --force)."""
    _run("restore", archive, *(["--force"] if force else []))


def register(app) -> None:
    for cmd in (backup, backup_check, restore):
        app.cli.add_command(cmd)
