"""One engine per process, one session per request or job (never shared)."""
from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager, nullcontext
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine


def make_engine(url: str, **kw) -> Engine:
    # Statement parameters (names, deed texts, LINE ids) stay out of exception messages and so out of the logs
    # and the inbox's error column.
    kw.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # check_same_thread=False: handler threads each check out their own connection from this engine.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kw)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # pysqlite would defer BEGIN on its own; we emit BEGIN ourselves so claims can use BEGIN IMMEDIATE.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the one writer
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            # PDPA erase: deleted and overwritten values are zeroed, not left readable in free space
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql(conn.info.pop("begin_sql", "BEGIN"))

        return engine
    kw.setdefault("pool_pre_ping", True)
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    return create_engine(url, **kw)


def checkpoint(engine: Engine) -> None:
    """SQLite: move the WAL into the database file and truncate it, so that values just erased (zeroed there by
    secure_delete) no longer sit in old WAL frames. Nothing to do on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return
    with sqlite_writer(engine):
        raw = engine.raw_connection()  # DBAPI level: a checkpoint cannot run inside the BEGIN SQLAlchemy would emit
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.close()
        finally:
            raw.close()


# SQLite has one writer at a time. Threads of one process that want to write queue on a lock here: a waiter
# wakes as soon as the writer commits, instead of polling in SQLite's busy handler (sleeps of 1..100 ms, and a
# poller can lose the race again and again: p99 time-to-200 of ~1 s under load; BENCHMARKS.md "Webhook").
# Other processes still meet in SQLite's busy handler. Reentrant, and bounded by the busy timeout, so a nested
# writer behaves as it did without the lock (SQLite then reports "database is locked").
_SQLITE_WRITERS: "weakref.WeakKeyDictionary[Engine, threading.RLock]" = weakref.WeakKeyDictionary()
_SQLITE_WRITERS_GUARD = threading.Lock()
SQLITE_WRITER_WAIT_S = 30.0


def _writer_lock(engine: Engine) -> threading.RLock:
    lock = _SQLITE_WRITERS.get(engine)
    if lock is None:
        with _SQLITE_WRITERS_GUARD:
            lock = _SQLITE_WRITERS.setdefault(engine, threading.RLock())
    return lock


@contextmanager
def sqlite_writer(engine: Engine, wait_s: float = SQLITE_WRITER_WAIT_S) -> Iterator[None]:
    """Hold this process's SQLite writer lock around a write (nothing on other databases). Past `wait_s`
    it goes on without the lock and SQLite's busy timeout has the last word."""
    lock = _writer_lock(engine) if engine.dialect.name == "sqlite" else None
    locked = lock.acquire(timeout=wait_s) if lock is not None else False
    try:
        yield
    finally:
        if locked:
            lock.release()


@contextmanager
def _connect(engine: Engine, readonly: bool, immediate: bool) -> Iterator[Connection]:
    """A connection; on SQLite a writer's starts its transaction with BEGIN IMMEDIATE, after the writer lock.

    In WAL mode a deferred transaction that read first and writes later fails at once with "database is
    locked" when another writer got in between (the busy timeout does not apply to that upgrade). Pure reads
    pass `readonly=True`. PostgreSQL uses row locks (FOR UPDATE SKIP LOCKED where rows are claimed).
    """
    writer = immediate and not readonly and engine.dialect.name == "sqlite"
    with sqlite_writer(engine) if writer else nullcontext():
        with engine.connect() as conn:
            if writer:
                conn.info["begin_sql"] = "BEGIN IMMEDIATE"
            yield conn


@contextmanager
def session_scope(engine: Engine, *, readonly: bool = False, immediate: bool = True) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with _connect(engine, readonly, immediate) as conn:
        with Session(bind=conn, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


@contextmanager
def connection_scope(engine: Engine, *, readonly: bool = False, immediate: bool = True) -> Iterator[Connection]:
    """Like session_scope for table-level statements only, without the ORM session's cost (marking replies
    sent together with queueing their fallback pushes, checking those pushes went out)."""
    with _connect(engine, readonly, immediate) as conn:
        with conn.begin():
            yield conn
