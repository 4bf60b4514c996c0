"""Thai texts of the fiscal-year rollover the clock does on 1 October: the admins' notice and the coordinators'
"last year's items are your drafts" notice."""
from __future__ import annotations

from datetime import date

from messages_th.common import keyword_replies, pb, quick_reply, text
from messages_th.dates import thai_date, thai_weekday
from messages_th.rounds import CHANGE_DUE_WORD

PLEDGE_WORDS = "ปัญหาที่อยากแก้ / ความดีที่อยากทำ"


def _due(d: date) -> str:
    return f"{thai_weekday(d)}ที่ {thai_date(d)}"


def fy_opened(fy: int, rounds: list[tuple[str, date]], opened: int, carried: int, lock: date | None) -> dict:
    """To the admins: the new FY's rounds (title, due date), how many were opened now, how many owners (bureaus
    and the organization) got last year's items as drafts, and how to change a due date."""
    lines = [f"🗓 เริ่มปีงบประมาณ {fy} แล้วครับ"]
    if opened:
        lines.append(f"ระบบเปิดรอบรายงานตามแผนให้ {opened} รอบ:")
    else:
        lines.append("รอบรายงานของปีนี้:")
    lines += [f"• {title} — ส่งภายใน{_due(due)}" for title, due in rounds]
    if carried:
        lines.append(f"\nคัดลอก{PLEDGE_WORDS}ของปีที่แล้วเป็นร่างให้ {carried} สำนัก/หน่วยงาน แล้ว"
                     + (f" ผู้ประสานงานแก้ไขได้ถึง {thai_date(lock)}" if lock else ""))
    lines.append(f"\nแก้กำหนดส่งได้ด้วยคำว่า \"{CHANGE_DUE_WORD}\" "
                 "(หรือคำสั่ง flask --app bot rounds set-due <รหัสรอบ> <วันที่ พ.ศ.>)")
    return text("\n".join(lines), keyword_replies(CHANGE_DUE_WORD))


def pledge_drafts(fy: int, bureau: str, items: list[str], lock: date | None) -> dict:
    """To a bureau's coordinators: last year's items were copied into this year's pledge, to edit."""
    shown = [f"{n}. {t[:80]}" for n, t in enumerate(items[:10], start=1)]
    if len(items) > 10:
        shown.append(f"… และอีก {len(items) - 10} ข้อ")
    until = f" แก้ไข ลบ หรือเพิ่มได้ถึง {thai_date(lock)}" if lock else " แก้ไข ลบ หรือเพิ่มได้"
    body = (f"🗓 เริ่มปีงบประมาณ {fy} แล้วครับ\nระบบคัดลอก{PLEDGE_WORDS}ของ{bureau}จากปีที่แล้ว "
            f"{len(items)} ข้อ ไว้เป็นร่างของปีนี้:\n" + "\n".join(shown) + f"\n\nโปรดทบทวนให้ตรงกับปีนี้{until}")
    return text(body, quick_reply([("ดูและแก้ไข", pb("ดูและแก้ไข", "pledge.view"))]))
