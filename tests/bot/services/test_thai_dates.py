"""The one date parser: Thai-typed dates round-trip through messages_th.dates' formatting, and each refusal has its code."""
from __future__ import annotations

import random
from datetime import date, time, timedelta

import pytest

from bot.services.thai_dates import (CODES, DateInputError, ParsedDate, check_between, end_of_next_fiscal_year, parse,
                                     parse_day)
from messages_th.dates import MONTHS_LONG, MONTHS_SHORT, be_year, thai_date, thai_date_long, thai_datetime

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
# every day of 2020–2032 CE (leap years 2020, 2024, 2028, 2032 included)
DAYS = [date(2020, 1, 1) + timedelta(n) for n in range((date(2033, 1, 1) - date(2020, 1, 1)).days)]


def _refused(text, code, **kw):
    with pytest.raises(DateInputError) as exc:
        parse(text, **kw)
    assert exc.value.code == code, (text, exc.value.code)


def test_every_day_round_trips_through_the_thai_formats():
    for d in DAYS:
        be = be_year(d)
        for text in (thai_date(d), thai_date_long(d), f"{d.day}/{d.month}/{be}", f"{d.day:02}/{d.month:02}/{be}",
                     f"{be}-{d.month:02}-{d.day:02}", f"{d.day}-{d.month}-{be}", f"{d.day}.{d.month}.{be}",
                     thai_date(d).replace(".", ""), thai_date(d).translate(THAI)):
            assert parse(text) == ParsedDate(d, None, False), text


def test_dates_with_times_in_every_spelling_round_trip():
    rng = random.Random(14)
    for d in rng.sample(DAYS, 400):
        t = time(rng.randrange(24), rng.randrange(60))
        be = be_year(d)
        spellings = [f"{thai_date(d)} {t:%H:%M}", f"{thai_date_long(d)} {t.hour}.{t.minute:02}",
                     f"{be}-{d.month:02}-{d.day:02} {t:%H:%M}", f"{d.day}/{d.month}/{be} {t:%H.%M} น.",
                     f"{thai_date(d)} เวลา {t:%H:%M} น.", f"  {d.day}   {MONTHS_SHORT[d.month - 1]}  {be}   {t:%H:%M} "]
        for text in spellings + [s.translate(THAI) for s in spellings]:
            assert parse(text) == ParsedDate(d, t, False), text


def test_thai_datetime_output_reads_back_as_the_same_moment():
    from datetime import datetime

    from messages_th.dates import BKK
    for d in DAYS[::37]:
        moment = datetime.combine(d, time(9, 30), tzinfo=BKK)
        assert parse(thai_datetime(moment)).at() == moment


def test_spellings_people_type():
    dec10 = date(2026, 12, 10)
    for text in ("10 ธ.ค. 2569", "10 ธค 2569", "10 ธ. ค. 2569", "10ธ.ค.2569", "10 ธันวาคม 2569", "10 ธันวา 2569",
                 "10 ธ.ค. พ.ศ. 2569", "10 ธันวาคม พ.ศ.2569", "วันที่ 10 ธ.ค. 2569", "วันพฤหัสบดีที่ 10 ธ.ค. 2569",
                 "๑๐ ธันวาคม ๒๕๖๙", "10/12/2569", "2569-12-10"):
        assert parse(text).day == dec10, text
    for month, (short, long) in enumerate(zip(MONTHS_SHORT, MONTHS_LONG), start=1):
        assert parse(f"1 {short.replace('.', '')} 2570").day.month == month
        assert parse(f"1 {long} 2570").day.month == month
    assert parse("1 กุมภา 2570").day == date(2027, 2, 1)
    assert parse("2569-12-10T09:00").time == time(9, 0)


def test_ce_only_in_iso_order_and_flagged():
    assert parse("2026-12-10 09:00") == ParsedDate(date(2026, 12, 10), time(9, 0), was_ce=True)
    assert parse("10 ธ.ค. ค.ศ. 2026") == ParsedDate(date(2026, 12, 10), None, was_ce=True)
    # the case: 2570 in ISO order is พ.ศ., not CE 2570
    assert parse("2570-03-20") == ParsedDate(date(2027, 3, 20), None, False)
    for text in ("10/12/2026", "10 ธ.ค. 2026", "10 ธันวาคม 2026 09:00"):
        _refused(text, "ce_year")


def test_refusals_have_codes():
    cases = {
        "": "empty", "   ": "empty", "พรุ่งนี้": "format", "09:00": "format", "10/12": "format",
        "10 ธันว 2569": "month", "10 ธ.ค.": "year_missing",
        "10/12/69": "year_2digit", "10 ธ.ค. 69": "year_2digit", "10-12-69 09:00": "year_2digit",
        "10/12/256": "format", "10 ธ.ค. 3113": "year_range", "3113-12-10": "year_range", "2300-01-01": "year_range",
        "10 ธ.ค. พ.ศ. 2026": "year_range", "10 ธ.ค. ค.ศ. 2569": "year_range",
        "31 ก.พ. 2570": "invalid_date", "29 ก.พ. 2570": "invalid_date", "31/4/2570": "invalid_date",
        "1/13/2570": "invalid_date", "2570-02-30": "invalid_date", "0 ม.ค. 2570": "invalid_date",
        "10 ธ.ค. 2569 25:00": "invalid_time", "10 ธ.ค. 2569 09:60": "invalid_time",
    }
    for text, code in cases.items():
        _refused(text, code)
    assert parse("29 ก.พ. 2571").day == date(2028, 2, 29)  # 2571 = 2028, a leap year
    _refused("10 ธ.ค. 2569", "time_missing", with_time="required")
    _refused("10 ธ.ค. 2569 09:00", "time_unexpected", with_time="never")
    assert parse_day("10/12/2569").day == date(2026, 12, 10)
    assert set(CODES) >= {"past", "too_far"}


def test_at_and_window():
    p = parse("10 ธ.ค. 2569 09:00")
    assert p.at().isoformat() == "2026-12-10T09:00:00+07:00"
    with pytest.raises(DateInputError) as exc:
        parse("10 ธ.ค. 2569").at()
    assert exc.value.code == "time_missing"
    assert parse("10 ธ.ค. 2569").at(time(8, 0)).hour == 8
    assert end_of_next_fiscal_year(date(2026, 12, 1)) == date(2028, 9, 30)  # FY 2570 now, 2571 ends 30 ก.ย. 2571
    assert end_of_next_fiscal_year(date(2026, 9, 30)) == date(2027, 9, 30)
    assert check_between(date(2026, 12, 2), date(2026, 12, 1), date(2028, 9, 30)) == date(2026, 12, 2)
    for day, code in ((date(2026, 11, 30), "past"), (date(2028, 10, 1), "too_far")):
        with pytest.raises(DateInputError) as exc:
            check_between(day, date(2026, 12, 1), date(2028, 9, 30))
        assert exc.value.code == code
