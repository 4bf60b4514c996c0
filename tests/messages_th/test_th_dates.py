from datetime import date, datetime, timezone

import pytest

from messages_th import dates as D


def test_be_year_and_thai_dates():
    d = date(2027, 3, 20)
    assert D.be_year(d) == 2570
    assert D.thai_date(d) == "20 มี.ค. 2570"
    assert D.thai_date_long(d) == "20 มีนาคม 2570"
    assert D.thai_date(date(2025, 1, 1)) == "1 ม.ค. 2568"
    assert D.thai_date_long(date(2024, 12, 31)) == "31 ธันวาคม 2567"
    assert len(D.MONTHS_SHORT) == len(D.MONTHS_LONG) == 12


def test_thai_datetime_converts_to_bangkok():
    dt = datetime(2027, 3, 20, 7, 5, tzinfo=timezone.utc)
    assert D.thai_datetime(dt) == "20 มี.ค. 2570 เวลา 14:05 น."
    assert D.thai_datetime(datetime(2027, 3, 20, 7, 5)) == "20 มี.ค. 2570 เวลา 14:05 น."  # naive = UTC


def test_bangkok_midnight_crossing_from_utc():
    late_utc = datetime(2025, 9, 30, 17, 0, tzinfo=timezone.utc)   # 1 Oct 00:00 in Bangkok
    assert D.today_bkk(late_utc) == date(2025, 10, 1)
    assert D.today_bkk(datetime(2025, 9, 30, 16, 59, 59, tzinfo=timezone.utc)) == date(2025, 9, 30)
    assert D.fiscal_year_be(late_utc) == 2569
    assert D.thai_date(late_utc) == "1 ต.ค. 2568"


@pytest.mark.parametrize("d, fy", [
    (date(2024, 9, 30), 2567), (date(2024, 10, 1), 2568), (date(2025, 3, 20), 2568),
    (date(2025, 9, 30), 2568), (date(2025, 10, 1), 2569), (date(2026, 10, 1), 2570),
])
def test_fiscal_year_boundaries(d, fy):
    assert D.fiscal_year_be(d) == fy


def test_fiscal_year_bounds():
    assert D.fiscal_year_bounds(2568) == (date(2024, 10, 1), date(2025, 9, 30))
    assert D.fiscal_year_bounds(2570) == (date(2026, 10, 1), date(2027, 9, 30))
    start, end = D.fiscal_year_bounds(2569)
    assert D.fiscal_year_be(start) == D.fiscal_year_be(end) == 2569


def test_end_of_day_is_2359_bangkok():
    eod = D.end_of_day_bkk(date(2025, 3, 20))
    assert (eod.hour, eod.minute, eod.second) == (23, 59, 59)
    assert eod.utcoffset().total_seconds() == 7 * 3600
    assert eod.astimezone(timezone.utc) == datetime(2025, 3, 20, 16, 59, 59, tzinfo=timezone.utc)


def test_weekday_and_days_left():
    assert D.thai_weekday(date(2025, 3, 17)) == "วันจันทร์"
    assert D.thai_weekday(date(2025, 3, 23)) == "วันอาทิตย์"
    assert D.days_left_text(3) == "อีก 3 วัน"
    assert D.days_left_text(0) == "วันนี้"
    assert D.days_left_text(-2) == "เลยกำหนด 2 วัน"


def test_a_week_is_named_by_its_thai_date_range():
    assert D.thai_date_range(date(2026, 11, 23), date(2026, 11, 29)) == "23–29 พ.ย. 2569"
    assert D.thai_date_range(date(2026, 11, 30), date(2026, 12, 6)) == "30 พ.ย. – 6 ธ.ค. 2569"
    assert D.thai_date_range(date(2026, 12, 28), date(2027, 1, 3)) == "28 ธ.ค. 2569 – 3 ม.ค. 2570"
    assert D.thai_date_range(date(2026, 11, 23), date(2026, 11, 29), year=False) == "23–29 พ.ย."
    assert D.thai_date_range(date(2026, 12, 28), date(2027, 1, 3), year=False) == "28 ธ.ค. – 3 ม.ค."
