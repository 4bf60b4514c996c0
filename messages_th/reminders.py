"""Thai texts of the worker: deadline reminder cards, mute keywords and replies, the quota alert."""
from __future__ import annotations

from messages_th.common import keyword_replies, pb, text
from messages_th.dates import days_left_text, thai_date_long, thai_weekday
from messages_th.flex import MUTED, bubble, button, flex, kv_row, txt

KW_MUTE = "ปิดการแจ้งเตือน"
KW_UNMUTE = "เปิดการแจ้งเตือน"
KW_DIGEST_OFF = "ปิดสรุปสำนัก"
KW_DIGEST_ON = "เปิดสรุปสำนัก"
URGENT_COLOR = "#B71C1C"


def deadline_card(rnd, days_left: int, *, coordinator: bool = True, last_call: bool = False) -> dict:
    """Flex card: round title, the real due date (weekday, พ.ศ.), days left, and a button that opens the report
    flow. `last_call`: the due date is a weekend or holiday and this working day is the last one before it."""
    due = f"{thai_weekday(rnd.due_date)}ที่ {thai_date_long(rnd.due_date)}"
    if days_left < 0:
        head, color = "เลยกำหนดส่งรายงานแล้ว", URGENT_COLOR
        note = "สำนักของท่านยังไม่ได้ส่งรายงาน ยังส่งได้ (จะบันทึกว่าส่งล่าช้า)"
    elif coordinator:
        head, color = ("ครบกำหนดส่งรายงานวันนี้" if days_left == 0 else "ใกล้ครบกำหนดส่งรายงาน"), \
            (URGENT_COLOR if days_left <= 1 else "#0B6E4F")
        note = "สำนักของท่านยังไม่ได้ส่งรายงานรอบนี้"
    else:
        head, color = "ชวนกันส่งรายงานของสำนัก", "#1565C0"
        note = "ช่วยกันเตรียมข้อมูลให้ผู้ประสานงานสำนักได้นะครับ 😊"
    if last_call:
        head, color = "วันทำการสุดท้ายก่อนกำหนดส่งรายงาน", URGENT_COLOR
        note = f"กำหนดส่งตรงกับวันหยุด ({thai_weekday(rnd.due_date)}) วันนี้เป็นวันทำการสุดท้ายก่อนกำหนด " + note
    body = [txt(rnd.title, "md", "bold"), kv_row("กำหนดส่ง", due),
            kv_row("เหลือเวลา", days_left_text(days_left)), txt(note, "sm", color=MUTED)]
    footer = [button("เริ่มทำรายงาน", pb("เริ่มทำรายงาน", "report.start", round=rnd.code))]
    alt = f"{head}: {rnd.title} กำหนดส่ง {due} ({days_left_text(days_left)})"
    return flex(alt, bubble(head, body, footer, header_color=color))


def muted() -> dict:
    return text("ปิดการแจ้งเตือนทั่วไปแล้วครับ 🔕\n"
                "ยังได้รับประกาศสำคัญอยู่ (ผู้ประสานงานยังได้รับเตือนกำหนดส่งรายงาน "
                "หากไม่อยู่ ให้ผู้อื่นรับแทนได้ด้วยคำว่า \"ผู้รับแจ้งเตือนแทน\")\n"
                f"พิมพ์ \"{KW_UNMUTE}\" เพื่อเปิดอีกครั้ง", keyword_replies(KW_UNMUTE))


def unmuted() -> dict:
    return text("เปิดการแจ้งเตือนแล้วครับ 🔔", keyword_replies(KW_MUTE))


def digest_opt(on: bool) -> dict:
    if on:
        return text("จะส่งสรุปรายสัปดาห์ของสำนักให้ทุกวันจันทร์ครับ 📊", keyword_replies(KW_DIGEST_OFF))
    return text("หยุดส่งสรุปรายสัปดาห์ของสำนักแล้วครับ", keyword_replies(KW_DIGEST_ON))


def quota_alert(what: str, n: int, remaining: int, limit: int) -> dict:
    return text(f"⚠️ โควตาข้อความ LINE เดือนนี้ไม่พอ\nงาน: {what}\nผู้รับ {n:,} คน แต่เหลือ {max(remaining, 0):,} "
                f"จาก {limit:,}\nระบบยังไม่ส่งและจะลองใหม่อัตโนมัติ (เพิ่มโควตาหรือรอเดือนถัดไป)")
