"""Thai date helpers: Buddhist-era years, Thai month names, Bangkok time, the Oct–Sep fiscal year.

Naive datetimes are taken as UTC (SQLite hands stored UTC datetimes back without a zone).
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

BKK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543

MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_LONG = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
               "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def to_bkk(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(BKK)


def _as_date(d: date | datetime) -> date:
    # a datetime is a moment: its calendar day is the Bangkok one
    return to_bkk(d).date() if isinstance(d, datetime) else d


def be_year(d: date | datetime | int) -> int:
    year = d if isinstance(d, int) else _as_date(d).year
    return year + BE_OFFSET


def thai_date(d: date | datetime) -> str:
    """`20 มี.ค. 2570`"""
    d = _as_date(d)
    return f"{d.day} {MONTHS_SHORT[d.month - 1]} {be_year(d)}"


def thai_date_long(d: date | datetime) -> str:
    """`20 มีนาคม 2570`"""
    d = _as_date(d)
    return f"{d.day} {MONTHS_LONG[d.month - 1]} {be_year(d)}"


def thai_datetime(dt: datetime) -> str:
    """`20 มี.ค. 2570 เวลา 14:05 น.` in Bangkok time."""
    local = to_bkk(dt)
    return f"{thai_date(local.date())} เวลา {local:%H:%M} น."


def thai_weekday(d: date | datetime) -> str:
    """`วันจันทร์`"""
    return "วัน" + WEEKDAYS[_as_date(d).weekday()]


def fiscal_year_be(d: date | datetime) -> int:
    """Thai fiscal year (B.E.): 1 Oct – 30 Sep, named after the year it ends in."""
    d = _as_date(d)
    return be_year(d) + (1 if d.month >= 10 else 0)


def fiscal_year_bounds(fy_be: int) -> tuple[date, date]:
    end_ce = fy_be - BE_OFFSET
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


def today_bkk(now_utc: datetime) -> date:
    return to_bkk(now_utc).date()


def end_of_day_bkk(d: date) -> datetime:
    """Due dates end at 23:59:59 Bangkok time on the due day."""
    return datetime.combine(d, time(23, 59, 59), tzinfo=BKK)


def start_of_day_bkk(d: date) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=BKK)


def days_left_text(n: int) -> str:
    """`อีก 3 วัน`, `วันนี้`, `เลยกำหนด 2 วัน`."""
    if n > 0:
        return f"อีก {n} วัน"
    if n == 0:
        return "วันนี้"
    return f"เลยกำหนด {-n} วัน"


def thai_date_range(start: date, end: date, *, year: bool = True) -> str:
    """`23–29 พ.ย. 2569`, `30 พ.ย. – 6 ธ.ค. 2569`, `28 ธ.ค. 2569 – 3 ม.ค. 2570` (a week, as the office names it;
    `year=False` for chart labels next to a titled year)."""
    start, end = _as_date(start), _as_date(end)
    y = f" {be_year(end)}" if year else ""
    if start.year != end.year and year:
        return f"{thai_date(start)} – {thai_date(end)}"
    if start.month != end.month or start.year != end.year:
        return f"{start.day} {MONTHS_SHORT[start.month - 1]} – {end.day} {MONTHS_SHORT[end.month - 1]}{y}"
    return f"{start.day}–{end.day} {MONTHS_SHORT[end.month - 1]}{y}"


# Why a typed date was refused, by `bot.services.thai_dates` code (the console's fields; chat prompts add
# their own example after it).
DATE_INPUT_REASONS = {
    "empty": "กรุณาพิมพ์วันที่",
    "format": "อ่านวันที่ไม่ออก พิมพ์ เช่น 20 มี.ค. 2570 หรือ 20/3/2570",
    "month": "อ่านชื่อเดือนไม่ออก",
    "year_missing": "กรุณาใส่ปี พ.ศ. ด้วย",
    "year_2digit": "กรุณาพิมพ์ปี พ.ศ. ให้ครบ 4 หลัก",
    "ce_year": "ปีที่พิมพ์เป็น ค.ศ. กรุณาพิมพ์ปีเป็น พ.ศ.",
    "year_range": "ปีไม่ถูกต้อง กรุณาพิมพ์ปีเป็น พ.ศ.",
    "invalid_date": "ไม่มีวันที่นี้ในปฏิทิน",
    "invalid_time": "เวลาต้องอยู่ระหว่าง 00:00–23:59",
    "time_missing": "กรุณาใส่เวลาด้วย เช่น 09:00",
    "time_unexpected": "ช่องนี้รับเฉพาะวันที่ ไม่ต้องใส่เวลา",
    "past": "วันนั้นผ่านมาแล้ว",
    "too_far": "วันนั้นไกลเกินกว่าที่รับได้",
}
