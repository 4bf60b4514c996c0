"""The engine keeps personal values out of error messages (so out of logs) and, on SQLite, zeroes what is
deleted (PDPA erase; issue 13, point 1)."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.core import User
from models.db import checkpoint, session_scope

LINE_ID = "U" + "d" * 32


def test_a_failed_statement_does_not_carry_its_values_into_the_message(bot):
    with session_scope(bot.engine) as s:
        s.add(User(line_user_id=LINE_ID, full_name="ชื่อลับ ในข้อผิดพลาด"))
    with pytest.raises(IntegrityError) as err:
        with session_scope(bot.engine) as s:
            s.add(User(line_user_id=LINE_ID, full_name="ชื่อลับ ในข้อผิดพลาด"))
    # PostgreSQL's own DETAIL still quotes the duplicate key's value (the server's text, not our parameters)
    assert "[parameters:" not in str(err.value) and "ชื่อลับ" not in str(err.value)
    if bot.engine.dialect.name == "sqlite":
        assert LINE_ID not in str(err.value)


def test_every_sqlite_connection_zeroes_deleted_content(bot):
    if bot.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's deleted rows are not readable through SQL and vacuum reclaims them")
    with bot.engine.connect() as conn:
        assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_checkpoint_empties_the_wal(bot, config):
    if bot.engine.dialect.name != "sqlite":
        checkpoint(bot.engine)  # nothing to do, and says nothing
        return
    with session_scope(bot.engine) as s:
        s.add(User(line_user_id=LINE_ID))
    checkpoint(bot.engine)
    wal = config.DATABASE_URL.removeprefix("sqlite:///") + "-wal"
    with open(wal, "rb") as f:
        assert f.read() == b""
