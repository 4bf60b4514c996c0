"""Reading a date (and an optional time) the way Thai people type it: one parser for chat, CLI and console.

Accepted, with Thai (๐-๙) or Arabic digits and any amount of spacing:

    10 ธ.ค. 2569      10 ธค 2569      10 ธันวาคม 2569     10 ธันวา 2569     10 ธ.ค. พ.ศ. 2569
    10/12/2569        10-12-2569     10.12.2569          2569-12-10
    วันพฤหัสบดีที่ 10 ธ.ค. 2569

each optionally followed by a time: ``09:00``, ``9.00``, ``09.00 น.``, ``เวลา 09:00 น.`` (or ISO's ``T09:00``).

Years are พ.ศ. (the office counts in พ.ศ.; so do the CLI's fiscal years). The CE decision:

* A year 2400–2799 is พ.ศ., in every order. So ``2570-03-20`` is 20 มี.ค. 2570 (= 2027-03-20), never CE 2570.
* A year 1900–2199 is accepted as ค.ศ. only where it is unmistakable: in 4-digit ISO order (``2026-12-10``,
  what machines and LINE's picker write) or marked ``ค.ศ.``. The result then says ``was_ce=True`` so the caller
  shows the date back in พ.ศ. for confirmation. The same year in Thai order (``10/12/2026``, ``10 ธ.ค. 2026``) is
  refused (``ce_year``): there a person meant พ.ศ. and slipped, and guessing would move the date by 543 years.
* Two-digit years (``10/12/69``) are refused (``year_2digit``): 69 could be 2569 or 1969 or 2069.
* Any other year is refused (``year_range``).

A refusal raises `DateInputError` with a `code` (see `CODES`) that the caller maps to its own words
(`messages_th` for chat, English for the CLI). No Flask, no LINE, no Thai message text here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from messages_th.dates import BE_OFFSET, BKK, MONTHS_LONG, MONTHS_SHORT, WEEKDAYS, fiscal_year_be, fiscal_year_bounds

BE_YEARS = range(2400, 2800)
CE_YEARS = range(1900, 2200)

CODES = {
    "empty": "nothing was typed",
    "format": "not a date this parser reads",
    "month": "unknown month name",
    "year_missing": "no year",
    "year_2digit": "two-digit year",
    "ce_year": "a CE year outside ISO order",
    "year_range": "year outside พ.ศ. 2400–2799 (or CE 1900–2199 in ISO order)",
    "invalid_date": "no such day (e.g. 31 ก.พ.)",
    "invalid_time": "no such time (e.g. 25:00)",
    "time_missing": "a time is required",
    "time_unexpected": "a time was given where only a date is asked",
    "past": "before the earliest allowed day",
    "too_far": "after the latest allowed day",
}


class DateInputError(ValueError):
    """A typed date that is refused; `code` is one of `CODES`."""

    def __init__(self, code: str, text: str = ""):
        assert code in CODES, code
        super().__init__(f"{code}: {CODES[code]} ({text!r})")
        self.code = code
        self.text = text


@dataclass(frozen=True)
class ParsedDate:
    day: date
    time: time | None = None
    was_ce: bool = False  # the year was read as CE: show it back in พ.ศ. and ask for confirmation

    def at(self, default: time | None = None) -> datetime:
        """The moment in Bangkok time (aware)."""
        t = self.time or default
        if t is None:
            raise DateInputError("time_missing")
        return datetime.combine(self.day, t, tzinfo=BKK)


def _key(s: str) -> str:
    return re.sub(r"[.\s]", "", s)


# Month words without dots or spaces: the plan's abbreviations, the full names and the everyday short forms
# ("ธันวา", "กุมภา") people type in chat.
_MONTHS: dict[str, int] = {}
for _i, (_short, _long) in enumerate(zip(MONTHS_SHORT, MONTHS_LONG), start=1):
    _MONTHS[_key(_short)] = _i
    _MONTHS[_long] = _i
    _MONTHS[re.sub(r"(าคม|ายน|าพันธ์)$", "า", _long)] = _i  # ธันวาคม → ธันวา, เมษายน → เมษา, กุมภาพันธ์ → กุมภา

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WEEKDAY = "|".join(WEEKDAYS)
_PREFIX = re.compile(rf"^(?:วัน(?:{_WEEKDAY})?\s*(?:ที่)?|วันที่|ที่)\s*")
_TIME = re.compile(r"(?:^|[\sT,])(?:เวลา\s*)?(\d{1,2})[:.](\d{2})(?:\s*(?:น\.?|นาฬิกา))?$")
_ERA = r"(?:(พ\.?\s*ศ\.?)|(ค\.?\s*ศ\.?))?\s*"
_ISO = re.compile(rf"^{_ERA}(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})$")
_NUMERIC = re.compile(rf"^(\d{{1,2}})\s*([/.-])\s*(\d{{1,2}})\s*\2\s*{_ERA}(\d+)$")
_NAMED = re.compile(rf"^(\d{{1,2}})\s*([\u0e01-\u0e4f][^\d]*?)\s*{_ERA}(\d+)?$")


def normalize(text: str) -> str:
    """Thai digits to Arabic, one space between words, no leading/trailing spaces."""
    text = unicodedata.normalize("NFC", text or "").translate(_THAI_DIGITS)
    return re.sub(r"\s+", " ", text.replace("\u200b", " ")).strip()


def _year(digits: str, be_mark: str | None, ce_mark: str | None, iso: bool, text: str) -> tuple[int, bool]:
    """(CE year, was_ce) or a refusal: the CE decision in the module docstring."""
    if len(digits) == 2:
        raise DateInputError("year_2digit", text)
    if len(digits) != 4:
        raise DateInputError("format", text)
    y = int(digits)
    if ce_mark:
        if y not in CE_YEARS:
            raise DateInputError("year_range", text)
        return y, True
    if y in BE_YEARS:
        return y - BE_OFFSET, False
    if y in CE_YEARS and not be_mark:
        if iso:
            return y, True
        raise DateInputError("ce_year", text)
    raise DateInputError("year_range", text)


def _day(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise DateInputError("invalid_date", text) from None


def parse(text: str, *, with_time: Literal["optional", "required", "never"] = "optional") -> ParsedDate:
    """Read `text` as a Thai-typed date and optional time; raise `DateInputError` when it cannot be trusted."""
    raw = text
    s = normalize(text)
    if not s:
        raise DateInputError("empty", raw)
    s = _PREFIX.sub("", s)

    t: time | None = None
    m = _TIME.search(s)
    # "10.12.2569" ends in digits.digits too: only take a time that leaves a date in front of it
    if m and m.start() > 0:
        hh, mm = int(m[1]), int(m[2])
        if hh > 23 or mm > 59:
            raise DateInputError("invalid_time", raw)
        t = time(hh, mm)
        s = s[:m.start()].rstrip(" ,")
    # the date first: "พรุ่งนี้" is unreadable, not "missing its time"
    if m := _ISO.fullmatch(s):
        y, was_ce = _year(m[3], m[1], m[2], True, raw)
        day = _day(y, int(m[4]), int(m[5]), raw)
    elif m := _NUMERIC.fullmatch(s):
        y, was_ce = _year(m[6], m[4], m[5], False, raw)
        day = _day(y, int(m[3]), int(m[1]), raw)
    elif m := _NAMED.fullmatch(s):
        month = _MONTHS.get(_key(m[2]))
        if month is None:
            raise DateInputError("month", raw)
        if m[5] is None:
            raise DateInputError("year_missing", raw)
        y, was_ce = _year(m[5], m[3], m[4], False, raw)
        day = _day(y, month, int(m[1]), raw)
    else:
        raise DateInputError("format", raw)
    if t is not None and with_time == "never":
        raise DateInputError("time_unexpected", raw)
    if t is None and with_time == "required":
        raise DateInputError("time_missing", raw)
    return ParsedDate(day, t, was_ce)


def parse_day(text: str) -> ParsedDate:
    """A date alone (CLI arguments, holidays, due dates)."""
    return parse(text, with_time="never")


def end_of_next_fiscal_year(today: date) -> date:
    """30 Sep of the fiscal year after today's: the latest day anything may be planned for."""
    return fiscal_year_bounds(fiscal_year_be(today) + 1)[1]


def check_between(day: date, earliest: date | None = None, latest: date | None = None) -> date:
    """`day` if earliest <= day <= latest, else `DateInputError` 'past' / 'too_far'."""
    if earliest is not None and day < earliest:
        raise DateInputError("past", day.isoformat())
    if latest is not None and day > latest:
        raise DateInputError("too_far", day.isoformat())
    return day
