"""Reading an uploaded table (CSV or XLSX) the secretariat fills from a template we ship: rows by header name,
every problem collected with its row and column, so the caller imports all rows or none.

Errors are codes (`CODES`) with the row number as the person sees it in a spreadsheet (the header is row 1) and
the column's header text; messages_th words them. No Flask here: the web room and the CLI both hand in bytes.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Callable

CODES = ("file_type", "unreadable", "empty", "missing_column", "required", "too_long", "number", "negative",
         "unknown", "duplicate", "format")
MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    key: str
    header: str                 # the template's header text (Thai), matched after trimming spaces
    required: bool = False
    max_len: int | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowError:
    row: int            # spreadsheet row (header = 1); 0 for the whole file
    column: str         # header text; "" for the whole row/file
    code: str
    value: str = ""


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, key -> text)
    errors: list[RowError] = field(default_factory=list)


def _cells_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp874"):  # Excel on Thai Windows saves CSV as TIS-620/cp874
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("unreadable")
    return [row for row in csv.reader(io.StringIO(text))]


def _cells_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload is the person's file, not our fault
        raise ValueError("unreadable") from None
    ws = wb.worksheets[0]
    out = []
    for row in ws.iter_rows(values_only=True):
        out.append(["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                    for v in row])
    wb.close()
    return out


def cells(data: bytes, filename: str) -> list[list[str]]:
    """The cells of an uploaded CSV (UTF-8 with or without Excel's BOM, or Thai Windows' cp874) or of an
    XLSX's first sheet, as text; ValueError("file_type") or ValueError("unreadable")."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return _cells_xlsx(data)
    if name.endswith(".csv"):
        return _cells_csv(data)
    raise ValueError("file_type")


def read(data: bytes, filename: str, columns: tuple[Column, ...]) -> Table:
    """The rows of an uploaded CSV or XLSX under `columns`; blank rows skipped; per-cell checks of
    required and length (the caller checks meaning and adds its own `RowError`s)."""
    table = Table()
    try:
        rows = cells(data, filename)
    except ValueError as exc:
        table.errors.append(RowError(0, "", str(exc), filename or ""))
        return table
    cells_ = [[c.strip() for c in row] for row in rows]
    while cells_ and not any(cells_[0]):
        cells_.pop(0)
    if not cells_:
        table.errors.append(RowError(0, "", "empty"))
        return table
    header = [" ".join(h.split()) for h in cells_[0]]
    index: dict[str, int] = {}
    for col in columns:
        for name_ in (col.header, *col.aliases):
            if name_ in header:
                index[col.key] = header.index(name_)
                break
        else:
            if col.required:
                table.errors.append(RowError(1, col.header, "missing_column"))
    if table.errors:
        return table
    for number, row in enumerate(cells_[1:MAX_ROWS + 1], start=2):
        if not any(row):
            continue
        values = {col.key: (row[index[col.key]] if col.key in index and index[col.key] < len(row) else "")
                  for col in columns}
        for col in columns:
            v = values[col.key]
            if col.required and not v:
                table.errors.append(RowError(number, col.header, "required"))
            elif col.max_len and len(v) > col.max_len:
                table.errors.append(RowError(number, col.header, "too_long", str(col.max_len)))
        table.rows.append((number, values))
    if not table.rows and not table.errors:
        table.errors.append(RowError(0, "", "empty"))
    return table


def parse_number(text: str, *, allow_negative: bool = False) -> float | None:
    """A cell's number ("1,200", "๑๒", "12.5"); None for an empty cell; ValueError("number"/"negative")."""
    from bot.services.numbers import normalize
    t = normalize(text or "").replace(" ", "")
    if not t:
        return None
    try:
        value = float(t)
    except ValueError:
        raise ValueError("number") from None
    if value < 0 and not allow_negative:
        raise ValueError("negative")
    return value


def check(table: Table, row: int, column: Column, value: str, fn: Callable[[str], Any]) -> Any:
    """Run `fn(value)`; a ValueError whose text is a code becomes that row's error (None returned)."""
    try:
        return fn(value)
    except ValueError as exc:
        code = str(exc) if str(exc) in CODES else "format"
        table.errors.append(RowError(row, column.header, code, value))
        return None
