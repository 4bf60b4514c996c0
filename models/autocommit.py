"""The inbox's two hottest statements, each one round trip in autocommit on a DBAPI connection per thread:
the webhook's INSERT .. ON CONFLICT DO NOTHING RETURNING, and marking a batch's replies sent.

They run for every webhook event, and through SQLAlchemy's pool and execution layer they cost more than the
statements themselves: a pre-ping, BEGIN, the statement, COMMIT and the pool's reset rollback are five round
trips to PostgreSQL (webhook CPU per request 0.8 ms on PostgreSQL, 0.46 ms on SQLite; BENCHMARKS.md
"Webhook"). Here:

- Autocommit is enough: a single statement is atomic, and each row stands alone (a callback of several events
  split over several statements, interrupted, leaves some stored: LINE's redelivery finds those known and the
  recovery sweep handles them).
- No pre-ping: both statements are idempotent (ON CONFLICT DO NOTHING; `handled` -> `done`), so on a dropped
  connection the statement is simply sent again once on a fresh one.
- Same SQL, and each column's own SQLAlchemy bind conversion (SQLite keeps datetimes as SQLAlchemy's text,
  which the ORM's comparisons rely on). On SQLite the process's writer lock (models/db.py) is taken around
  the statement, as for every other writer. Errors come out as SQLAlchemy's DBAPIError, like everywhere else.

A caller may ask for a short lock wait (the webhook: LINE redelivers after a 503, so waiting long for a
database another process holds only stalls /callback): SQLite's busy timeout, PostgreSQL's lock_timeout, set
once per connection of its own free list, so every other statement keeps the engine's long wait.

Connections are the engine's own (its connect-time setup, e.g. SQLite's pragmas, has run), detached from its
pool into a small free list of their own (not one per thread: a server with a thread per request, like the
demo's, would leave one open connection per request behind); they are closed when the engine is disposed.
"""
from __future__ import annotations

import threading
import weakref

from sqlalchemy import Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from models.db import SQLITE_WRITER_WAIT_S, sqlite_writer
from models.sql import insert_ignore_sql

MAX_ROWS = 500  # rows (or ids) per statement: far below SQLite's 32,766 parameters
MAX_IDLE = 8     # connections kept between statements; more at once are opened, used and closed


class Autocommit:
    """Autocommit DBAPI connections of one engine, for idempotent single statements."""

    def __init__(self, engine: Engine, lock_wait_s: float | None = None):
        # A weak reference: these are cached per engine (weakly), and must not keep it alive.
        self._engine = weakref.ref(engine)
        self.lock_wait_s = lock_wait_s  # None: the engine's own (SQLite 30 s busy timeout)
        self.dialect = engine.dialect
        self.mark = "?" if self.dialect.paramstyle == "qmark" else "%s"
        self.quote = self.dialect.identifier_preparer.quote
        self._sqlite = self.dialect.name == "sqlite"
        self._idle: list = []
        self._closed = False
        self._guard = threading.Lock()
        self._built: dict = {}  # statement texts (and bind conversions) by what they were built for

    def cached(self, key, build):
        found = self._built.get(key)
        return found if found is not None else self._built.setdefault(key, build())

    def execute(self, sql: str, params: tuple) -> list[tuple]:
        """Run one idempotent statement; its result rows (none for a statement without any)."""
        wait = SQLITE_WRITER_WAIT_S if self.lock_wait_s is None else self.lock_wait_s
        with sqlite_writer(self._bound(), wait):  # SQLite: this process's writers queue here, as everywhere
            return self._execute(sql, params, retry=True)

    def _execute(self, sql: str, params: tuple, retry: bool) -> list[tuple]:
        dbapi = self.dialect.loaded_dbapi
        conn = self._checkout()
        cur = None
        try:
            cur = conn.cursor()
            cur.execute(sql, params)
            rows = [tuple(r) for r in cur.fetchall()] if cur.description is not None else []
        except dbapi.Error as exc:
            dropped = self.dialect.is_disconnect(exc, conn, cur)
            _quiet_close(cur)
            if not dropped:
                self._checkin(conn)  # the statement failed, the connection did not (autocommit: nothing open)
                raise DBAPIError.instance(sql, None, exc, dbapi.Error) from exc
            _quiet_close(conn)
            if retry:
                return self._execute(sql, params, retry=False)
            raise DBAPIError.instance(sql, None, exc, dbapi.Error) from exc
        _quiet_close(cur)  # before another thread may take the connection
        self._checkin(conn)
        return rows

    def _checkout(self):
        with self._guard:
            if self._idle:
                return self._idle.pop()
        fairy = self._bound().raw_connection()
        fairy.detach()  # ours from now on; the pool opens another when it needs one
        conn = fairy.dbapi_connection
        if not self._sqlite:
            conn.rollback()  # the pool's pre-ping may have left a transaction open
            conn.autocommit = True
        if self.lock_wait_s is not None:
            ms = int(self.lock_wait_s * 1000)
            cur = conn.cursor()
            try:
                cur.execute(f"PRAGMA busy_timeout={ms}" if self._sqlite else f"SET lock_timeout = {ms}")
            finally:
                cur.close()
        return conn

    def _checkin(self, conn) -> None:
        with self._guard:
            if not self._closed and len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        _quiet_close(conn)

    def _bound(self) -> Engine:
        engine = self._engine()
        if engine is None:
            raise RuntimeError("the engine of these connections is gone")
        return engine

    def close(self) -> None:
        """Close the idle connections; those in use are closed when their statement is done."""
        with self._guard:
            conns, self._idle, self._closed = self._idle, [], True
        for conn in conns:
            _quiet_close(conn)


def _quiet_close(thing) -> None:
    """Close a cursor or connection (None: nothing to close)."""
    if thing is None:
        return
    try:
        thing.close()
    except Exception:  # noqa: BLE001 - closing what may be broken or gone
        pass


_BY_ENGINE: "weakref.WeakKeyDictionary[Engine, dict[float | None, Autocommit]]" = weakref.WeakKeyDictionary()
_BY_ENGINE_GUARD = threading.Lock()


def autocommit(engine: Engine, lock_wait_s: float | None = None) -> Autocommit:
    """The engine's autocommit connections with this lock wait (made once; closed when the engine is
    disposed)."""
    found = (_BY_ENGINE.get(engine) or {}).get(lock_wait_s)
    if found is None:
        with _BY_ENGINE_GUARD:
            kinds = _BY_ENGINE.get(engine)
            if kinds is None:
                kinds = _BY_ENGINE[engine] = {}
                event.listen(engine, "engine_disposed", _close)
            found = kinds.get(lock_wait_s)
            if found is None:
                found = kinds[lock_wait_s] = Autocommit(engine, lock_wait_s)
    return found


def _close(engine: Engine) -> None:
    with _BY_ENGINE_GUARD:
        kinds = _BY_ENGINE.pop(engine, None) or {}
    for found in kinds.values():
        found.close()


def insert_ignore_returning(engine: Engine, table: Table, rows: list[dict], key: str,
                            returning: tuple[str, ...], lock_wait_s: float | None = None) -> list[tuple]:
    """Insert `rows` (all with the same keys); returns the `returning` columns of the rows really added (not
    of those whose `key` was already there), in no particular order. lock_wait_s: the longest wait for a
    lock (then DBAPIError); None: the engine's own."""
    if not rows:
        return []
    ac, cols = autocommit(engine, lock_wait_s), tuple(rows[0])
    dialect = ac.dialect
    procs = ac.cached(("procs", table.name, cols),
                      lambda: tuple(table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in cols))
    group = "(" + ", ".join(ac.mark for _ in cols) + ")"
    out: list[tuple] = []
    for i in range(0, len(rows), MAX_ROWS):
        chunk = rows[i:i + MAX_ROWS]
        sql = ac.cached(("insert", table.name, cols, key, returning, len(chunk)), lambda: insert_ignore_sql(
            dialect, table, cols, ", ".join(group for _ in chunk), key, returning))
        out.extend(ac.execute(sql, tuple(row[c] if p is None else p(row[c])
                                         for row in chunk for c, p in zip(cols, procs))))
    return out


def set_status(engine: Engine, table: Table, ids: list[int], old: str, new: str) -> None:
    """status `old` -> `new` for these ids (rows in another status are left alone, so it is idempotent)."""
    ac = autocommit(engine)
    q = ac.quote
    for i in range(0, len(ids), MAX_ROWS):
        chunk = ids[i:i + MAX_ROWS]
        sql = ac.cached(("status", table.name, len(chunk)), lambda: (
            f"UPDATE {q(table.name)} SET {q('status')} = {ac.mark} WHERE {q('id')} IN ("
            + ", ".join(ac.mark for _ in chunk) + f") AND {q('status')} = {ac.mark}"))
        ac.execute(sql, (new, *chunk, old))
