"""One engine per process, one session per request or job (never shared)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine


def make_engine(url: str, **kw) -> Engine:
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
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql(conn.info.pop("begin_sql", "BEGIN"))

        return engine
    kw.setdefault("pool_pre_ping", True)
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    return create_engine(url, **kw)


@contextmanager
def session_scope(engine: Engine, *, readonly: bool = False, immediate: bool = True) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    On SQLite a writing transaction starts with BEGIN IMMEDIATE: in WAL mode a deferred transaction that
    read first and writes later fails at once with "database is locked" when another writer got in between
    (the busy timeout does not apply to that upgrade). Pure reads pass `readonly=True`. PostgreSQL uses
    row locks (FOR UPDATE SKIP LOCKED where rows are claimed).
    """
    with engine.connect() as conn:
        if immediate and not readonly and engine.dialect.name == "sqlite":
            conn.info["begin_sql"] = "BEGIN IMMEDIATE"
        with Session(bind=conn, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
