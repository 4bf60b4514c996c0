"""The webhook's insert: one INSERT .. ON CONFLICT DO NOTHING RETURNING per callback, in autocommit, on a
DBAPI connection each request thread keeps.

It runs on every webhook request, before the 200, and through SQLAlchemy's pool and execution layer it cost
more than the statement itself: a pre-ping, BEGIN, the insert, COMMIT and the pool's reset rollback are five
round trips to PostgreSQL for one row (webhook CPU per request 0.8 ms on PostgreSQL, 0.46 ms on SQLite;
BENCHMARKS.md "Webhook"). Here it is one statement and one round trip:

- Autocommit is enough: a single statement is atomic, and each event's row stands alone (a callback of several
  events split over several statements, interrupted, leaves some stored: LINE's redelivery finds those known
  and the recovery sweep handles them).
- No pre-ping: the insert is idempotent (ON CONFLICT DO NOTHING), so on a dropped connection it is simply
  sent again once on a fresh one.
- Same SQL, and each column's own SQLAlchemy bind conversion (SQLite keeps datetimes as SQLAlchemy's text,
  which the ORM's comparisons rely on). On SQLite the process's writer lock (models/db.py) is taken around
  the statement, as for every other writer. Errors come out as SQLAlchemy's DBAPIError, like everywhere else.

Connections are the engine's own (its connect-time setup, e.g. SQLite's pragmas, has run), detached from the
pool and kept per thread; they are closed when the engine is disposed.
"""
from __future__ import annotations

import threading
import weakref

from sqlalchemy import Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from models.db import SQLITE_WRITER_WAIT_S, _writer_lock

MAX_ROWS = 500  # rows per statement: far below SQLite's 32,766 parameters


class AutocommitInsert:
    def __init__(self, engine: Engine, table: Table, cols: tuple[str, ...], key: str, returning: tuple[str, ...]):
        # A weak reference: the inserters are cached per engine (weakly), and must not keep it alive.
        self._engine, self.cols = weakref.ref(engine), cols
        self.dialect = dialect = engine.dialect
        q = dialect.identifier_preparer.quote
        self._mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self._head = f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in cols)}) VALUES "
        self._tail = f" ON CONFLICT ({q(key)}) DO NOTHING RETURNING {', '.join(q(c) for c in returning)}"
        self._procs = tuple(table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in cols)
        self._sql: dict[int, str] = {}
        self._local = threading.local()
        self._all: list = []  # every thread's connection, to close them with the engine
        self._guard = threading.Lock()
        self._sqlite = dialect.name == "sqlite"

    def __call__(self, rows: list[dict]) -> list[tuple]:
        """Insert `rows` (with exactly this inserter's columns); returns the `returning` columns of the rows
        really added (not of those whose key was already there), in no particular order."""
        out: list[tuple] = []
        for i in range(0, len(rows), MAX_ROWS):
            out.extend(self._run(rows[i:i + MAX_ROWS]))
        return out

    def _run(self, rows: list[dict]) -> list[tuple]:
        sql = self._sql.get(len(rows))
        if sql is None:
            group = "(" + ", ".join(self._mark for _ in self.cols) + ")"
            sql = self._sql.setdefault(len(rows), self._head + ", ".join(group for _ in rows) + self._tail)
        params = tuple(row[c] if p is None else p(row[c]) for row in rows for c, p in zip(self.cols, self._procs))
        lock = _writer_lock(self._bound()) if self._sqlite else None
        if lock is not None and not lock.acquire(timeout=SQLITE_WRITER_WAIT_S):
            lock = None  # as models.db does: past the wait, let SQLite's busy timeout have the last word
        try:
            return self._execute(sql, params, retry=True)
        finally:
            if lock is not None:
                lock.release()

    def _execute(self, sql: str, params: tuple, retry: bool) -> list[tuple]:
        dbapi = self.dialect.loaded_dbapi
        conn = self._connection()
        cur = None
        try:
            cur = conn.cursor()
            cur.execute(sql, params)
            return [tuple(r) for r in cur.fetchall()]
        except dbapi.Error as exc:
            if self.dialect.is_disconnect(exc, conn, cur):
                self._drop(conn)
                if retry:
                    return self._execute(sql, params, retry=False)
            raise DBAPIError.instance(sql, None, exc, dbapi.Error) from exc
        finally:
            if cur is not None:
                try:
                    cur.close()
                except dbapi.Error:
                    pass

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            fairy = self._bound().raw_connection()
            fairy.detach()  # ours from now on; the pool opens another when it needs one
            conn = fairy.dbapi_connection
            if not self._sqlite:
                conn.rollback()  # the pool's pre-ping may have left a transaction open
                conn.autocommit = True
            self._local.conn = conn
            with self._guard:
                self._all.append(conn)
        return conn

    def _bound(self) -> Engine:
        engine = self._engine()
        if engine is None:
            raise RuntimeError("the engine of this inserter is gone")
        return engine

    def _drop(self, conn) -> None:
        self._local.conn = None
        with self._guard:
            if conn in self._all:
                self._all.remove(conn)
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - it is already broken
            pass

    def close(self) -> None:
        with self._guard:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing what may be gone
                pass


_INSERTERS: "weakref.WeakKeyDictionary[Engine, dict]" = weakref.WeakKeyDictionary()
_INSERTERS_GUARD = threading.Lock()


def inserter(engine: Engine, table: Table, cols: tuple[str, ...], key: str,
             returning: tuple[str, ...]) -> AutocommitInsert:
    """The engine's inserter for these columns (made once; its connections close when the engine is disposed)."""
    per_engine = _INSERTERS.get(engine)
    if per_engine is None:
        with _INSERTERS_GUARD:
            per_engine = _INSERTERS.get(engine)
            if per_engine is None:
                per_engine = _INSERTERS[engine] = {}
                event.listen(engine, "engine_disposed", _close_all)
    spec = (table.name, cols, key, returning)
    found = per_engine.get(spec)
    if found is None:
        with _INSERTERS_GUARD:
            found = per_engine.setdefault(spec, AutocommitInsert(engine, table, cols, key, returning))
    return found


def _close_all(engine: Engine) -> None:
    with _INSERTERS_GUARD:
        found = list((_INSERTERS.pop(engine, None) or {}).values())
    for ins in found:
        ins.close()
