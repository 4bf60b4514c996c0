"""INSERT .. ON CONFLICT DO NOTHING that SQLAlchemy can cache, for the hot paths (inbox, outbox).

The dialect-specific `insert(..).on_conflict_do_nothing()` of SQLAlchemy 2.0 is not cacheable
(`inherit_cache = False`): it was compiled again on every call, about a sixth of the CPU of a webhook event
(BENCHMARKS.md "Webhook"). SQLite (3.24+) and PostgreSQL share the syntax, so one `text()` statement with typed
parameters serves both and is compiled once.
"""
from __future__ import annotations

from sqlalchemy import Table, bindparam, text
from sqlalchemy.engine import Connection

_CACHE: dict = {}


def insert_ignore_sql(dialect, table: Table, cols: tuple[str, ...], values: str, key: str,
                      returning: tuple[str, ...] = ()) -> str:
    """The SQL text of INSERT .. VALUES `values` ON CONFLICT (`key`) DO NOTHING [RETURNING ..], for this
    module's cached statements and models/autocommit.py's driver-level ones alike."""
    q = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in cols)}) VALUES {values} "
           f"ON CONFLICT ({q(key)}) DO NOTHING")
    return sql + (" RETURNING " + ", ".join(q(c) for c in returning) if returning else "")


def _statement(conn: Connection, table: Table, cols: tuple[str, ...], key: str, returning: tuple[str, ...]):
    cache_key = (conn.dialect.name, table, cols, key, returning)
    stmt = _CACHE.get(cache_key)
    if stmt is None:
        sql = insert_ignore_sql(conn.dialect, table, cols, f"({', '.join(':' + c for c in cols)})", key, returning)
        stmt = text(sql).bindparams(*[bindparam(c, type_=table.c[c].type) for c in cols])
        if returning:
            stmt = stmt.columns(*[table.c[c] for c in returning])
        stmt = _CACHE.setdefault(cache_key, stmt)
    return stmt


def insert_ignore(conn: Connection, table: Table, rows: list[dict], key: str,
                  returning: tuple[str, ...] = ()) -> list:
    """Insert `rows` (all with the same keys); rows whose `key` exists are skipped. With `returning`, the
    returned columns of the rows really inserted, in order (one statement per row: RETURNING cannot be
    batched through executemany on every driver); without, one executemany and an empty list."""
    if not rows:
        return []
    stmt = _statement(conn, table, tuple(rows[0]), key, tuple(returning))
    if not returning:
        conn.execute(stmt, rows)
        return []
    out = []
    for row in rows:
        out.extend(conn.execute(stmt, row).all())
    return out

