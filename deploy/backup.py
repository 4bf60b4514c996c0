"""Backup and restore of the bot's data: the database and the media folder in one dated archive.

    python deploy/backup.py backup DIR [--keep N]    one archive DIR/integrity-bot-YYYYMMDD-HHMMSS.tar.gz
    python deploy/backup.py check ARCHIVE            every file against the manifest's sha256, nothing written
    python deploy/backup.py restore ARCHIVE [--force]  into DATABASE_URL and MEDIA_DIR (empty ones, unless --force)

Settings come from the environment like the app's (DATABASE_URL, MEDIA_DIR; the systemd unit reads
/etc/integrity-bot/env). Safe while the bot runs: PostgreSQL through pg_dump (custom format) in one snapshot,
SQLite through its online backup API (a consistent copy while others write). The archive holds personal data
(mode 0600) and never a secret: LEDGER_KEY and the channel secret stay in the env file, so a restored database
verifies only with the same LEDGER_KEY. docs/GO-LIVE.md, "Backups and restore", has the restore drill.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.config import Config  # noqa: E402  (the app's defaults, so a backup reads what the app writes)

PREFIX = "integrity-bot-"
SUFFIX = ".tar.gz"
FORMAT = 1
BANGKOK = ZoneInfo("Asia/Bangkok")
NAME = re.compile(r"integrity-bot-(\d{8})-(\d{6})(?:-(\d+))?\.tar\.gz")


class Refused(Exception):
    """A reason to stop with one line and exit code 1 (no traceback for an operator)."""


# -- the database ---------------------------------------------------------------------------------------

def sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise Refused(f"DATABASE_URL names no SQLite file: {url.render_as_string(hide_password=True)}")
    return Path(url.database)


def pg_env(url) -> dict:
    """libpq's own variables: the password never appears in a command line (ps would show it)."""
    env = dict(os.environ)
    q = url.query
    for var, value in (("PGHOST", url.host or q.get("host")), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database), ("PGSSLMODE", q.get("sslmode"))):
        if value:
            env[var] = str(value)
    return env


def engine_for(url):
    return create_engine(url, hide_parameters=True)


def row_counts(conn) -> dict[str, int]:
    names = sorted(inspect(conn).get_table_names())
    return {n: conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one() for n in names}


def alembic_revision(counts: dict, conn) -> str | None:
    if "alembic_version" not in counts:
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def dump_sqlite(url, out: Path) -> tuple[dict, str | None]:
    src_path = sqlite_path(url)
    if not src_path.exists():
        raise Refused(f"no SQLite database at {src_path}")
    src = sqlite3.connect(src_path, timeout=30)
    dst = sqlite3.connect(out)
    try:
        src.backup(dst)  # the online backup API: a consistent copy even while the app writes
    finally:
        src.close()
        dst.close()
    copy = engine_for(f"sqlite:///{out}")
    with copy.connect() as conn:  # counted in the copy itself, so the manifest describes exactly what was saved
        counts = row_counts(conn)
        revision = alembic_revision(counts, conn)
    copy.dispose()
    return counts, revision


def dump_postgres(url, out: Path) -> tuple[dict, str | None]:
    if shutil.which("pg_dump") is None:
        raise Refused("pg_dump is missing: apt-get install postgresql-client (the server's major version or newer)")
    engine = engine_for(url.set(drivername="postgresql+psycopg"))
    with engine.connect() as conn:
        # One snapshot for both: the counts in the manifest are the rows pg_dump saves, whatever is written meanwhile.
        conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = row_counts(conn)
        revision = alembic_revision(counts, conn)
        run = subprocess.run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={out}"],
                             env=pg_env(url), capture_output=True, text=True)
        conn.rollback()
    engine.dispose()
    if run.returncode != 0:
        raise Refused(f"pg_dump failed: {run.stderr.strip()}")
    return counts, revision


# -- backup ---------------------------------------------------------------------------------------------

def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def archive_name(folder: Path, now: datetime) -> Path:
    stem = PREFIX + now.astimezone(BANGKOK).strftime("%Y%m%d-%H%M%S")
    path, n = folder / (stem + SUFFIX), 1
    while path.exists():  # two in the same second: numbered, still sorted by time
        n += 1
        path = folder / f"{stem}-{n}{SUFFIX}"
    return path


def archives(folder: Path) -> list[Path]:
    """This script's archives in the folder, oldest first (a name's "-2" is the second in that second)."""
    found = []
    for p in folder.iterdir():
        m = NAME.fullmatch(p.name)
        if m:
            found.append(((m[1], m[2], int(m[3] or 1)), p))
    return [p for _, p in sorted(found)]


def backup(cfg: Config, folder: Path, keep: int | None) -> Path:
    url = make_url(cfg.DATABASE_URL)
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    target = archive_name(folder, now)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".work-") as work:
        work = Path(work)
        if url.get_backend_name() == "sqlite":
            db_file, engine = work / "database.sqlite3", "sqlite"
            counts, revision = dump_sqlite(url, db_file)
        elif url.get_backend_name() == "postgresql":
            db_file, engine = work / "database.pgdump", "postgresql"
            counts, revision = dump_postgres(url, db_file)
        else:
            raise Refused(f"cannot back up a {url.get_backend_name()} database")
        media = Path(cfg.MEDIA_DIR)
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        files = {db_file.name: sha256(db_file)}
        files.update({"media/" + p.relative_to(media).as_posix(): sha256(p) for p in media_files})
        manifest = {"format": FORMAT, "created_at": now.isoformat(), "engine": engine, "alembic_revision": revision,
                    "rows": counts, "files": files}
        partial = folder / (target.name + ".partial")
        old_umask = os.umask(0o077)  # personal data: the service's user only
        try:
            with tarfile.open(partial, "w:gz") as tar:
                data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
                tar.add(db_file, arcname=db_file.name)
                for p in media_files:
                    tar.add(p, arcname="media/" + p.relative_to(media).as_posix(), recursive=False)
            with open(partial, "rb") as f:
                os.fsync(f.fileno())
            os.replace(partial, target)  # never a half-written archive under a final name
        finally:
            os.umask(old_umask)
            partial.unlink(missing_ok=True)
    if keep:
        for old in archives(folder)[:-keep]:
            old.unlink()
    print(f"OK {target} ({target.stat().st_size} bytes): {engine}, {sum(counts.values())} rows in "
          f"{len(counts)} tables, {len(media_files)} media files, migration {revision or 'none'}")
    return target


# -- check and restore ----------------------------------------------------------------------------------

def unpack(archive: Path, into: Path) -> dict:
    """Extract and check every file against the manifest; refuse anything that is not a plain file in place."""
    if not archive.is_file():
        raise Refused(f"no archive at {archive}")
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        for m in members:
            parts = Path(m.name).parts
            if m.name.startswith("/") or ".." in parts or not (m.isfile() or m.isdir()):
                raise Refused(f"{archive}: unexpected entry {m.name!r}; not a backup of this bot")
        try:
            manifest = json.load(tar.extractfile("manifest.json"))
        except KeyError:
            raise Refused(f"{archive}: no manifest.json; not a backup of this bot") from None
        if manifest.get("format") != FORMAT:
            raise Refused(f"{archive}: backup format {manifest.get('format')!r}, this script reads {FORMAT}")
        tar.extractall(into, members=[m for m in members if m.isfile() and m.name != "manifest.json"])
    for name, digest in manifest["files"].items():
        path = into / name
        if not path.is_file() or sha256(path) != digest:
            raise Refused(f"{archive}: {name} is missing or damaged (sha256 differs from the manifest)")
    return manifest


def check(archive: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="integrity-bot-check-") as work:
        manifest = unpack(archive, Path(work))
    print(f"OK {archive}: {len(manifest['files'])} files match, {sum(manifest['rows'].values())} rows, "
          f"made {manifest['created_at']}")
    return manifest


def _pg_tables(url) -> list[str]:
    engine = engine_for(url.set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    finally:
        engine.dispose()


def restore(cfg: Config, archive: Path, force: bool) -> None:
    url = make_url(cfg.DATABASE_URL)
    media = Path(cfg.MEDIA_DIR)
    if media.is_dir() and any(media.iterdir()) and not force:
        raise Refused(f"MEDIA_DIR {media} is not empty; restore into an empty folder, or --force to add to it")
    with tempfile.TemporaryDirectory(prefix="integrity-bot-restore-") as work:
        work = Path(work)
        manifest = unpack(archive, work)
        backend = url.get_backend_name()
        if manifest["engine"] != backend:
            raise Refused(f"the archive holds a {manifest['engine']} database; DATABASE_URL is {backend}")
        if backend == "sqlite":
            target = sqlite_path(url)
            if target.exists() and target.stat().st_size and not force:
                raise Refused(f"{target} exists; restore into a new file, or --force to replace it")
            target.parent.mkdir(parents=True, exist_ok=True)
            for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
                stale.unlink(missing_ok=True)  # an old WAL would be replayed over the restored file
            tmp = target.with_name(target.name + ".restoring")
            shutil.copyfile(work / "database.sqlite3", tmp)
            os.replace(tmp, target)
        else:
            if shutil.which("pg_restore") is None:
                raise Refused("pg_restore is missing: apt-get install postgresql-client")
            tables = _pg_tables(url)
            if tables and not force:
                raise Refused(f"database {url.database} already has {len(tables)} tables; restore into an empty "
                              "database (createdb), or --force to replace what is there")
            cmd = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                   f"--dbname={url.database}"]
            if tables:
                cmd += ["--clean", "--if-exists"]
            run = subprocess.run(cmd + [str(work / "database.pgdump")], env=pg_env(url), capture_output=True,
                                 text=True)
            if run.returncode != 0:
                raise Refused(f"pg_restore failed: {run.stderr.strip()}")
        media_files = [n for n in manifest["files"] if n.startswith("media/")]
        for name in media_files:
            dest = media / name[len("media/"):]
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / name, dest)
    engine = engine_for(url.set(drivername="postgresql+psycopg") if url.get_backend_name() == "postgresql" else url)
    with engine.connect() as conn:
        counts = row_counts(conn)
    engine.dispose()
    differ = {t: (n, counts.get(t)) for t, n in manifest["rows"].items() if counts.get(t) != n}
    if differ:
        raise Refused("restored, but the row counts differ from the backup's: "
                      + ", ".join(f"{t} {a} → {b}" for t, (a, b) in sorted(differ.items())))
    print(f"OK restored {archive.name}: {sum(counts.values())} rows in {len(counts)} tables as counted at backup, "
          f"{len(media_files)} media files into {media}. Next: flask --app bot db-upgrade, then "
          "flask --app bot ledger-verify (with the same LEDGER_KEY)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="deploy/backup.py", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("backup", help="one archive of the database and media into DIR")
    b.add_argument("dir", type=Path)
    b.add_argument("--keep", type=int, default=None, help="keep only the newest N archives in DIR")
    c = sub.add_parser("check", help="check an archive's files against its manifest")
    c.add_argument("archive", type=Path)
    r = sub.add_parser("restore", help="restore an archive into DATABASE_URL and MEDIA_DIR")
    r.add_argument("archive", type=Path)
    r.add_argument("--force", action="store_true", help="replace a database or add to a media folder already there")
    args = p.parse_args(argv)
    cfg = Config.from_env()
    try:
        if args.cmd == "backup":
            if args.keep is not None and args.keep < 1:
                raise Refused("--keep must be 1 or more")
            backup(cfg, args.dir, args.keep)
        elif args.cmd == "check":
            check(args.archive)
        else:
            restore(cfg, args.archive, args.force)
    except Refused as exc:
        print(f"REFUSED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
