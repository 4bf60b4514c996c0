"""Is this installation ready to serve? The checks shared by the production start-up guard (bot/app.py), `/readyz`
and `flask --app bot doctor`: the database is reachable and at the latest Alembic migration, the worker's
heartbeat is fresh, and the database file and media folder live outside the code folder and are writable.

Values in, facts out (codes and numbers): the callers word them (the doctor in Thai and English, /readyz as JSON).
Settings come in as plain arguments; this module reads no configuration of its own.
"""
from __future__ import annotations

import functools
import ipaddress
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.services.ops_status import HEARTBEAT_STALE, Heartbeat, heartbeat
from models.db import session_scope
from models.migrate import HERE as MODELS_DIR


# -- migrations -----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def latest_revisions() -> tuple[str, ...]:
    """The head revision(s) of the migrations shipped with this code (read from disk once per process)."""
    return tuple(sorted(ScriptDirectory(str(MODELS_DIR / "migrations")).get_heads()))


@dataclass(frozen=True)
class MigrationStatus:
    reachable: bool
    error: str | None              # the driver's exception class when unreachable (never its text: it may hold the URL)
    current: tuple[str, ...]       # what the database's alembic_version says; () when never migrated
    latest: tuple[str, ...]

    @property
    def at_latest(self) -> bool:
        return self.reachable and self.current == self.latest

    @property
    def never_migrated(self) -> bool:
        return self.reachable and not self.current


def migration_status(engine) -> MigrationStatus:
    latest = latest_revisions()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
    except Exception as exc:  # noqa: BLE001 - any driver error means "not reachable"; the class names it
        return MigrationStatus(False, type(exc).__name__, (), latest)
    return MigrationStatus(True, None, current, latest)


# -- worker heartbeat --------------------------------------------------------------------------------------
def worker_heartbeat(engine, now: datetime) -> Heartbeat | None:
    """The worker's last beat (scheduler/jobs.py writes it every minute); None when the database cannot say."""
    try:
        with session_scope(engine, readonly=True) as s:
            return heartbeat(s, now)
    except Exception:  # noqa: BLE001 - unreachable or unmigrated: reported by migration_status
        return None


STALE_MINUTES = int(HEARTBEAT_STALE.total_seconds() // 60)


# -- public address ------------------------------------------------------------------------------------------
def public_url_problem(url: str) -> str | None:
    """'http' (LINE fetches images only over https), 'loopback' (LINE cannot reach this machine's own address),
    'invalid', or None when the address can be LINE's way in."""
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return "invalid"
    if parts.scheme not in ("http", "https") or not host:
        return "invalid"
    if parts.scheme != "https":
        return "http"
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    return "loopback" if ip.is_loopback or ip.is_unspecified or ip.is_link_local else None


# -- where data lives -------------------------------------------------------------------------------------------
def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    if not database_url.startswith("sqlite:///"):
        return None
    path = database_url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def inside(path: Path | str, folder: Path | str) -> bool:
    """True when `path` is `folder` or lies under it (symlinks resolved: a link out of the checkout is outside)."""
    p, f = Path(path).resolve(), Path(folder).resolve()
    return p == f or f in p.parents


def writable_dir(folder: Path | str) -> bool:
    """Can this process create files in `folder` (or create `folder` in its nearest existing parent)? Tried for
    real with a temporary file, since os.access says yes to root even on a read-only mount."""
    p = Path(folder)
    while not p.exists():
        if p.parent == p:
            return False
        p = p.parent
    if not p.is_dir():
        return False
    try:
        with tempfile.NamedTemporaryFile(dir=p, prefix=".write-check-"):
            return True
    except OSError:
        return False


def writable_file(path: Path | str) -> bool:
    """An existing file we can open for writing (without changing it), or a new one its folder can take."""
    p = Path(path)
    if not p.exists():
        return writable_dir(p.parent)
    # Never open() the database file itself: closing that second handle drops every SQLite lock this process
    # holds on it (sqlite.org/howtocorrupt.html 2.2), and another process (the backup) may then take itself for
    # the last user and delete the WAL under us. A read-only mount, where os.access says yes to root, fails the
    # folder's real try below.
    if not os.access(p, os.W_OK):
        return False
    # SQLite also writes its journal (-wal, -shm) beside the file
    return writable_dir(p.parent)


@dataclass(frozen=True)
class Location:
    """Where one kind of data lives: `inside_code` (lost with a fresh checkout), `writable`."""
    path: Path | None
    inside_code: bool
    writable: bool


def media_location(media_dir: str, code_root: Path) -> Location:
    return Location(Path(media_dir), inside(media_dir, code_root), writable_dir(media_dir))


def database_location(database_url: str, code_root: Path) -> Location:
    """PostgreSQL: path None, outside the code by definition (its files are the server's business)."""
    path = sqlite_file(database_url)
    if path is None:
        return Location(None, False, True)
    return Location(path, inside(path, code_root), writable_file(path))


# -- /readyz -------------------------------------------------------------------------------------------------------
def readiness_problems(engine, now: datetime) -> dict[str, str]:
    """What keeps this server from handling webhooks properly, by check: {} when ready.

    database: unreachable; migrations: never migrated or not at the latest revision; worker: no heartbeat, or older
    than HEARTBEAT_STALE (pushes and reminders are not going out)."""
    problems: dict[str, str] = {}
    mig = migration_status(engine)
    if not mig.reachable:
        problems["database"] = f"unreachable ({mig.error})"
        return problems  # nothing else can be read
    if not mig.at_latest:
        have = ", ".join(mig.current) or "none"
        problems["migrations"] = f"database at {have}, latest is {', '.join(mig.latest)}: run db-upgrade"
        if mig.never_migrated:
            return problems  # no tables to read a heartbeat from
    beat = worker_heartbeat(engine, now)
    if beat is None or beat.at is None:
        problems["worker"] = "no heartbeat: the worker (python -m scheduler) has never run against this database"
    elif not beat.alive:
        problems["worker"] = f"last heartbeat {beat.minutes_ago} minutes ago (stale after {STALE_MINUTES})"
    return problems



# -- production start-up (web, worker, handler processes) -----------------------------------------------------
_URL_WHY = {"http": "must start with https:// (LINE fetches the bot's images only over https)",
            "loopback": "is this machine's own address, which LINE cannot reach",
            "invalid": "is not a web address"}


def start_problems(public_base_url: str, media_dir: str, database_url: str,
                   code_root: Path) -> tuple[list[str], list[str]]:
    """(refusals, warnings) about the settings alone, each naming the setting: what every process checks
    before it starts in production (the database's migration is `migration_refusal`)."""
    refused, warned = [], []
    problem = public_url_problem(public_base_url)
    if problem:
        refused.append(f"PUBLIC_BASE_URL {public_base_url!r} {_URL_WHY[problem]}: set the bot's public https address")
    if media_location(media_dir, code_root).inside_code:
        warned.append(f"MEDIA_DIR ({media_dir}) is inside the code folder {code_root}: a fresh checkout loses "
                      "the photos; set MEDIA_DIR to a folder outside it")
    if database_location(database_url, code_root).inside_code:
        warned.append(f"DATABASE_URL is a SQLite file inside the code folder {code_root}: a fresh checkout loses the "
                      "data; move the file out (or use PostgreSQL) and set DATABASE_URL")
    return refused, warned


def migration_refusal(engine) -> str | None:
    """Why a process must not start on this database (unreachable, or not at the latest migration); None: fine."""
    mig = migration_status(engine)
    if not mig.reachable:
        return f"DATABASE_URL: the database cannot be reached ({mig.error})"
    if not mig.at_latest:
        return (f"DATABASE_URL: the database is at migration {', '.join(mig.current) or 'none (never migrated)'}"
                f", this code needs {', '.join(mig.latest)}: run `flask --app bot db-upgrade` first")
    return None
