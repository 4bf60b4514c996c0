"""Unit tests of bot/services/console_pledges.py: the CLI's load and the console's import accept the same rows
(pledges.check_row), reading CSV/XLSX tables, all-or-nothing, counts per owner."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from bot.services import console_pledges as rule
from bot.services import pledges
from bot.services.console_access import Forbidden, as_viewer
from messages_th.dates import BKK
from models.core import User
from tests.factories import make_bureau, make_user

NOW = datetime(2026, 11, 10, 10, 0, tzinfo=BKK)
TODAY = date(2026, 11, 10)
HEADER = ",".join(pledges.CSV_COLUMNS)


@pytest.fixture()
def world(db):
    with db() as s:
        a, b = make_bureau(s, "สำนักตัวอย่างเอ", code="PA"), make_bureau(s, "สำนักตัวอย่างบี", code="PB")
        return {"a": a.id, "b": b.id, "admin": make_user(s, a, roles=("admin",)).id,
                "coord": make_user(s, a, roles=("coordinator",)).id,
                "committee": make_user(s, b, roles=("committee",)).id}


def _viewer(s, user_id):
    return as_viewer(s, s.get(User, user_id))


def test_cli_load_and_console_import_refuse_the_same_row(db, world):
    text = f"{HEADER}\nPA,ปัญหา,ความดี,พอเพียง,,\nPA,ปัญหา,ความดี,เมตตา,,\n"
    with pytest.raises(ValueError, match="line 3: virtue unknown virtue"):
        with db() as s:  # as the CLI: the error leaves the session, which rolls row 2 back
            pledges.load_csv(s, text, 2570)
    with db() as s:
        rows = rule.read_table("p.csv", text.encode())
        result = rule.import_rows(s, _viewer(s, world["admin"]), 2570, rows, NOW, TODAY)
        assert result.added == 0 and result.errors == [rule.RowError(3, "virtue", "unknown_virtue", "เมตตา")]
        assert pledges.items_for(s, 2570, world["a"]) == []


def test_cli_load_still_adds_good_rows(db, world):
    with db() as s:
        n = pledges.load_csv(s, f"\ufeff{HEADER}\nPA,ปัญหา,ความดี,honesty,ตัวชี้วัด,5 ครั้ง\n,ก,ข,วินัย,,\n", 2570)
        assert n == 2
        [item] = pledges.items_for(s, 2570, world["a"])
        assert (item.virtue, item.target) == ("honesty", "5 ครั้ง")
        assert [i.virtue for i in pledges.items_for(s, 2570, None)] == ["discipline"]


def test_read_table_xlsx_numbers_and_blank_rows(db, world):
    wb = Workbook()
    ws = wb.active
    ws.append(list(pledges.CSV_COLUMNS) + ["หมายเหตุ"])  # an extra column is ignored
    ws.append(["PA", "ปัญหา", "ความดี", "สุจริต", "ครั้ง", 10, "x"])
    ws.append([None] * 7)
    ws.append(["PB", "ปัญหา", "ความดี", "จิตอาสา", None, None, None])
    out = io.BytesIO()
    wb.save(out)
    rows = rule.read_table("plan.XLSX", out.getvalue())
    assert [n for n, _ in rows] == [2, 4]
    assert rows[0][1]["target"] == "10" and rows[1][1]["indicator"] == ""
    with db() as s:
        result = rule.import_rows(s, _viewer(s, world["admin"]), 2570, rows, NOW, TODAY)
        assert result.added == 2 and result.per_owner == {world["a"]: 1, world["b"]: 1}


def test_read_table_refusals():
    with pytest.raises(rule.FileProblem) as err:
        rule.read_table("p.csv", b"x" * (rule.MAX_IMPORT_BYTES + 1))
    assert err.value.code == "size"
    with pytest.raises(rule.FileProblem) as err:
        rule.read_table("p.csv", "bureau_code,problem\n".encode())
    assert err.value.code == "columns" and err.value.detail == "good_deed, virtue, indicator, target"
    rows = "\n".join([HEADER] + ["PA,ก,ข,พอเพียง,,"] * (rule.MAX_IMPORT_ROWS + 1))
    with pytest.raises(rule.FileProblem) as err:
        rule.read_table("p.csv", rows.encode())
    assert err.value.code == "rows"


def test_committee_cannot_import_and_coordinators_only_their_bureau(db, world):
    rows = rule.read_table("p.csv", f"{HEADER}\nPB,ก,ข,พอเพียง,,\n,ก,ข,พอเพียง,,\n".encode())
    with db() as s:
        with pytest.raises(Forbidden):
            rule.import_rows(s, _viewer(s, world["committee"]), 2570, rows, NOW, TODAY)
        result = rule.import_rows(s, _viewer(s, world["coord"]), 2570, rows, NOW, TODAY)
        assert [(e.row, e.problem) for e in result.errors] == [(2, "not_yours"), (3, "not_yours")]


def test_year_view_counts_items_per_owner(db, world):
    with db() as s:
        for _ in range(3):
            pledges.add_item(s, 2570, world["a"], problem="ก", good_deed="ข", virtue="honesty", indicator="", target="")
        pledges.add_item(s, 2570, None, problem="ก", good_deed="ข", virtue="honesty", indicator="", target="")
        pledges.get_pledge(s, 2570, world["b"], create=True)  # a pledge row without items
        view = rule.year_view(s, _viewer(s, world["committee"]), 2570, TODAY)
        assert [(r.owner, r.items) for r in view.rows] == [(None, 1), (world["a"], 3), (world["b"], 0)]
        mine = rule.year_view(s, _viewer(s, world["coord"]), 2570, TODAY)
        assert [r.owner for r in mine.rows] == [None, world["a"]]
